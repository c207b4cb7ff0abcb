/** 2-D vector helpers for the measurement steps (physical units unless said otherwise). */
export type Point2 = [number, number];

export const sub = (a: Point2, b: Point2): Point2 => [a[0] - b[0], a[1] - b[1]];
export const dot = (a: Point2, b: Point2) => a[0] * b[0] + a[1] * b[1];
export const dist = (a: Point2, b: Point2) => Math.hypot(a[0] - b[0], a[1] - b[1]);
export const mid = (a: Point2, b: Point2): Point2 => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
export const round2 = (v: number) => Math.round(v * 100) / 100;
export const round3 = (v: number) => Math.round(v * 1000) / 1000;

export function unitVec(v: Point2): Point2 {
  const n = Math.hypot(v[0], v[1]) || 1;
  return [v[0] / n, v[1] / n];
}

/** Angle of the line through v to the image horizontal, counter-clockwise as displayed, in (−90, 90]. */
export function lineAngle(v: Point2): number {
  let deg = (Math.atan2(-v[1], v[0]) * 180) / Math.PI;
  if (deg > 90) deg -= 180;
  if (deg <= -90) deg += 180;
  return deg;
}
