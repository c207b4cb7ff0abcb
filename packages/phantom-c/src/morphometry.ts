import type { Level, View } from '@vertxnet/core';

/**
 * Adult vertebral dimensions in mm, from published lateral-radiograph and CT morphometry (cervical:
 * Gilad & Nissan 1986, Tominaga 1995; lumbar: Panjabi 1992, Zhou 2000), rounded. A patient scales
 * and jitters these; nothing here is fitted to another renderer.
 */
export interface LevelDims {
  level: Level;
  /** Anteroposterior depth of the body at mid-height. */
  depth: number;
  /** Body height at mid-depth. */
  height: number;
  /** Left–right width of the body: the path the beam crosses. */
  width: number;
  /** Body wedge in degrees, positive when the anterior wall is the taller (lordotic). */
  wedge: number;
  /** Height of the disc below the body at mid-depth (0 for fused sacral segments). */
  discBelow: number;
  /** Pedicle length and height. */
  pedicle: [number, number];
  /** Spinal canal depth: posterior body wall to the spinolaminar line. */
  canal: number;
  /** Spinous process length from the spinolaminar line, and its downward slope in degrees. */
  spinous: [number, number];
}

type Row = [Level, number, number, number, number, number, number, number, number, number, number];

// level, depth, height, width, wedge, disc below, pedicle length, pedicle height, canal, spinous length, spinous slope
const CERVICAL: Row[] = [
  ['C2', 15.6, 15.0, 17, -1, 4.4, 6, 8, 16, 26, 12],
  ['C3', 15.5, 13.8, 17, -1, 4.8, 5.5, 7, 15, 17, 12],
  ['C4', 15.8, 13.4, 18, -1, 5.3, 5.5, 7, 15, 18, 14],
  ['C5', 16.2, 13.0, 19, -0.5, 5.4, 5.5, 7, 15, 20, 16],
  ['C6', 16.8, 13.2, 21, 0, 5.2, 6, 7, 15, 27, 20],
  ['C7', 16.8, 14.2, 24, -1, 4.4, 6.5, 8, 15, 36, 26],
  ['T1', 17.5, 15.8, 27, -2.5, 3.6, 8, 9.5, 15, 40, 38],
  ['T2', 19.0, 17.0, 28, -3.5, 3.5, 9, 10, 15, 42, 48],
  ['T3', 20.5, 17.5, 28, -4, 3.5, 9, 10, 15, 42, 55],
  ['T4', 22.0, 18.0, 28, -4, 3.6, 9, 10, 15, 42, 60],
];

const LUMBAR: Row[] = [
  ['T8', 26.0, 21.0, 33, -3.5, 4.5, 10, 13, 16, 38, 60],
  ['T9', 27.0, 22.0, 35, -3.5, 5.0, 10, 14, 16, 38, 58],
  ['T10', 28.5, 23.0, 37, -3, 5.5, 10, 15, 16, 36, 52],
  ['T11', 30.0, 24.0, 39, -2.5, 6.0, 10, 16, 17, 34, 40],
  ['T12', 32.0, 25.0, 41, -2, 7.0, 10, 16, 17, 32, 25],
  ['L1', 34.0, 26.0, 43, -1.5, 8.5, 10.5, 15.5, 18, 30, 12],
  ['L2', 35.0, 27.0, 45, -1, 9.5, 11, 15, 18, 30, 8],
  ['L3', 36.0, 27.5, 47, 0, 10.5, 11.5, 14.5, 18, 30, 6],
  ['L4', 37.0, 27.0, 49, 1.5, 11.5, 12, 14, 18, 28, 8],
  ['L5', 37.5, 26.0, 50, 4, 11.0, 13, 14, 19, 22, 12],
  ['S1', 44.0, 28.0, 50, 2, 1.5, 0, 0, 18, 0, 0],
];

/** Fused sacral segments below S1 and the coccyx, drawn as one curving block: depth, height, width. */
export const SACRAL_SEGMENTS: readonly [string, number, number, number][] = [
  ['S2', 34, 24, 40],
  ['S3', 27, 20, 32],
  ['S4', 21, 16, 24],
  ['S5', 16, 12, 18],
];

function dims(row: Row): LevelDims {
  const [level, depth, height, width, wedge, discBelow, pl, ph, canal, sl, ss] = row;
  return { level, depth, height, width, wedge, discBelow, pedicle: [pl, ph], canal, spinous: [sl, ss] };
}

/** The bodies each view's column draws, top to bottom: the labelled range and a margin either side. */
export function columnLevels(view: View): LevelDims[] {
  return (view === 'cervical' ? CERVICAL : LUMBAR).map(dims);
}
