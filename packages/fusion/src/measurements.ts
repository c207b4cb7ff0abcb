import type { FusionResult, PixelSpacing } from './types.js';

/**
 * Vertebral geometry in SOURCE space. Distances are in mm when pixel spacing is known, else in
 * source pixels; angles in degrees, measured in physical space (anisotropic spacing applied).
 */
export type Point2 = [number, number];
export type LengthUnit = 'mm' | 'px';

export interface VertebraMeasurements {
  /** Source px: superior-anterior, superior-posterior, inferior-posterior, inferior-anterior. */
  corners: { superiorAnterior: Point2; superiorPosterior: Point2; inferiorPosterior: Point2; inferiorAnterior: Point2 };
  anteriorHeight: number;
  middleHeight: number;
  posteriorHeight: number;
  /** Anterior / posterior height (< 1: anterior wedging). */
  wedgeRatio: number;
  /** Line angle to the image horizontal, counter-clockwise as displayed positive, in (−90°, 90°]. */
  superiorEndplateAngle: number;
  inferiorEndplateAngle: number;
  unit: LengthUnit;
}

export interface ImageMeasurements {
  /** Cervical: C2 inferior to C7 inferior endplate; lumbar: L1 superior to S1 superior endplate. Lordosis positive. */
  lordosis?: { name: 'C2-C7' | 'L1-S1'; degrees: number };
  /** Side the anterior heuristic chose, as displayed, and how. */
  anterior: { side: 'left' | 'right'; basis: 'curvature' | 'default' };
  unit: LengthUnit;
}

export interface MeasureOptions {
  /** Overrides the heuristic. */
  anteriorSide?: 'left' | 'right';
  /** Bulge (fraction of chord length) under which the curvature is too flat to tell anterior. @defaultValue 0.02 */
  minBulge?: number;
}

export interface Measurements {
  /** Indexed like fusion.vertebrae; undefined for bodies too small to measure. */
  vertebrae: (VertebraMeasurements | undefined)[];
  image: ImageMeasurements;
}

/**
 * Anterior side: cervical and lumbar spines are lordotic, so the chain of centroids bulges
 * anteriorly away from the chord joining its ends. When the bulge is under `minBulge` of the chord
 * (a straight or kyphotic-flat spine) the display convention of lateral films, patient facing
 * left, decides.
 */
export function measure(fusion: FusionResult, options: MeasureOptions = {}): Measurements {
  const { frame, vertebrae, instanceMap } = fusion;
  const W = frame.width;
  const sx = frame.sourceWidth / frame.width;
  const sy = frame.sourceHeight / frame.height;
  const spacing = fusion.pixelSpacing;
  const unit: LengthUnit = spacing ? 'mm' : 'px';
  // Physical scale per source px; geometry below runs in physical units, corners go back to source px.
  const px = spacing ? spacing.column : 1;
  const py = spacing ? spacing.row : 1;
  const chain = vertebrae.map((v, i) => ({ v, i })).filter((e) => e.v.chainIndex !== null);
  const phys = (c: [number, number]): Point2 => [c[0] * sx * px, c[1] * sy * py];
  const pts = chain.map((e) => phys(e.v.centroid));
  const caudal = unitVec(pts.length >= 2 ? sub(pts[pts.length - 1]!, pts[0]!) : [0, 1]);
  let side: 'left' | 'right';
  let basis: 'curvature' | 'default' = 'default';
  if (options.anteriorSide) {
    side = options.anteriorSide;
  } else {
    side = 'left';
    if (pts.length >= 3) {
      const chord = Math.hypot(...sub(pts[pts.length - 1]!, pts[0]!));
      // Signed offset of the interior points towards the left of the chord as displayed (-x side for a vertical chord).
      const left: Point2 = [caudal[1], -caudal[0]];
      const leftUnit: Point2 = left[0] <= 0 ? left : [-left[0], -left[1]];
      let bulge = 0;
      for (let i = 1; i < pts.length - 1; i++) bulge += dot(sub(pts[i]!, pts[0]!), leftUnit);
      bulge /= pts.length - 2;
      if (Math.abs(bulge) >= (options.minBulge ?? 0.02) * chord) {
        side = bulge > 0 ? 'left' : 'right';
        basis = 'curvature';
      }
    }
  }
  const anteriorOf = (c: Point2): Point2 => {
    const n: Point2 = [c[1], -c[0]];
    return (side === 'left') === (n[0] <= 0) ? n : [-n[0], -n[1]];
  };

  const out: (VertebraMeasurements | undefined)[] = vertebrae.map((v, idx) => {
    const k = idx + 1;
    let c = caudal;
    if (v.chainIndex !== null && chain.length >= 2) {
      const j = v.chainIndex;
      const a = pts[Math.max(0, j - 1)]!;
      const b = pts[Math.min(pts.length - 1, j + 1)]!;
      c = unitVec(sub(b, a));
    }
    const a = anteriorOf(c);
    // Extremes of ±caudal ± anterior: the corners of a body aligned with the local spine axis.
    const best = new Float64Array(4).fill(-Infinity);
    const at = new Float64Array(8);
    const [bx0, by0, bx1, by1] = v.bbox;
    for (let y = by0; y < by1; y++) {
      const py0 = (y + 0.5) * sy * py;
      for (let x = bx0; x < bx1; x++) {
        if (instanceMap[y * W + x] !== k) continue;
        const px0 = (x + 0.5) * sx * px;
        const u = px0 * c[0] + py0 * c[1];
        const w = px0 * a[0] + py0 * a[1];
        for (let q = 0; q < 4; q++) {
          // q: 0 superior-anterior, 1 superior-posterior, 2 inferior-posterior, 3 inferior-anterior
          const score = (q === 0 || q === 3 ? w : -w) + (q < 2 ? -u : u);
          if (score > best[q]!) {
            best[q] = score;
            at[2 * q] = px0;
            at[2 * q + 1] = py0;
          }
        }
      }
    }
    if (best[0] === -Infinity) return undefined;
    const corner: Point2[] = [0, 1, 2, 3].map((q) => [at[2 * q]!, at[2 * q + 1]!]);
    const [sa, sp, ip, ia] = corner as [Point2, Point2, Point2, Point2];
    const anteriorHeight = dist(sa, ia);
    const posteriorHeight = dist(sp, ip);
    const middleHeight = dist(mid(sa, sp), mid(ia, ip));
    const toSource = (p: Point2): Point2 => [round2(p[0] / px), round2(p[1] / py)];
    return {
      corners: { superiorAnterior: toSource(sa), superiorPosterior: toSource(sp), inferiorPosterior: toSource(ip), inferiorAnterior: toSource(ia) },
      anteriorHeight: round2(anteriorHeight),
      middleHeight: round2(middleHeight),
      posteriorHeight: round2(posteriorHeight),
      wedgeRatio: posteriorHeight > 0 ? round3(anteriorHeight / posteriorHeight) : 0,
      superiorEndplateAngle: round2(lineAngle(sub(sa, sp))),
      inferiorEndplateAngle: round2(lineAngle(sub(ia, ip))),
      unit,
    };
  });

  const image: ImageMeasurements = { anterior: { side, basis }, unit };
  const byLevel = (level: string) => {
    const i = vertebrae.findIndex((v) => v.level === level);
    return i >= 0 ? out[i] : undefined;
  };
  const a = anteriorOf(caudal);
  // Tilt of an endplate: how far its anterior end lies caudal of its posterior end, as an angle.
  const tilt = (from: Point2, to: Point2) => (Math.atan2(dot(sub(to, from), caudal), dot(sub(to, from), a)) * 180) / Math.PI;
  const toPhys = (p: Point2): Point2 => [p[0] * px, p[1] * py];
  if (fusion.view === 'cervical') {
    const upper = byLevel('C2');
    const lower = byLevel('C7');
    if (upper && lower) {
      const t1 = tilt(toPhys(upper.corners.inferiorPosterior), toPhys(upper.corners.inferiorAnterior));
      const t2 = tilt(toPhys(lower.corners.inferiorPosterior), toPhys(lower.corners.inferiorAnterior));
      image.lordosis = { name: 'C2-C7', degrees: round2(t2 - t1) };
    }
  } else if (fusion.view === 'lumbar') {
    const upper = byLevel('L1');
    const lower = byLevel('S1');
    if (upper && lower) {
      const t1 = tilt(toPhys(upper.corners.superiorPosterior), toPhys(upper.corners.superiorAnterior));
      const t2 = tilt(toPhys(lower.corners.superiorPosterior), toPhys(lower.corners.superiorAnterior));
      image.lordosis = { name: 'L1-S1', degrees: round2(t2 - t1) };
    }
  }
  return { vertebrae: out, image };
}

/** Angle of the line through v to the image horizontal, counter-clockwise as displayed, in (−90, 90]. */
function lineAngle(v: Point2): number {
  let deg = (Math.atan2(-v[1], v[0]) * 180) / Math.PI;
  if (deg > 90) deg -= 180;
  if (deg <= -90) deg += 180;
  return deg;
}

const sub = (a: Point2, b: Point2): Point2 => [a[0] - b[0], a[1] - b[1]];
const dot = (a: Point2, b: Point2) => a[0] * b[0] + a[1] * b[1];
const dist = (a: Point2, b: Point2) => Math.hypot(a[0] - b[0], a[1] - b[1]);
const mid = (a: Point2, b: Point2): Point2 => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
const round2 = (v: number) => Math.round(v * 100) / 100;
const round3 = (v: number) => Math.round(v * 1000) / 1000;
function unitVec(v: Point2): Point2 {
  const n = Math.hypot(v[0], v[1]) || 1;
  return [v[0] / n, v[1] / n];
}

export type { PixelSpacing };
