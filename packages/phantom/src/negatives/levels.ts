import type { BaseLevel } from '../anatomy/specs.js';

const level = (name: string, height: number, depth: number, disc: number, wedge = 0, discAngle = 0): BaseLevel => ({
  level: name,
  labelled: false,
  height,
  depth,
  disc,
  discAngle,
  wedge,
});

/** T1–L1 with a kyphotic wedge per body (textbook sizes, mm and degrees). */
export const THORACIC: readonly BaseLevel[] = [
  level('T1', 15, 16, 3, 2),
  level('T2', 16, 17, 3, 3),
  level('T3', 16.5, 18, 3.5, 3.5),
  level('T4', 17, 19, 3.5, 4),
  level('T5', 17.5, 20, 4, 4),
  level('T6', 18, 21, 4, 4),
  level('T7', 18.5, 23, 4.5, 4),
  level('T8', 19, 24, 4.5, 3.5),
  level('T9', 20, 25, 5, 3),
  level('T10', 21, 27, 5.5, 2),
  level('T11', 22.5, 29, 6, 1),
  level('T12', 24, 31, 7, 0.5),
  level('L1', 25, 34, 8, 0),
];

/** T11–S1 seen frontally (the sacrum is drawn separately below S1). */
export const LUMBAR: readonly BaseLevel[] = [
  level('T11', 22.5, 29, 6, 1),
  level('T12', 24, 31, 7, 1),
  level('L1', 26, 35, 9, 0),
  level('L2', 27, 37, 10, 0, 3),
  level('L3', 28, 39, 11, 0, 5),
  level('L4', 28, 41, 11.5, -1, 8),
  level('L5', 27, 42, 11, -4, 12),
  level('S1', 24, 44, 0, -2),
];

/** C2–T2 seen frontally; C2's body sits under the jaw. */
export const CERVICAL: readonly BaseLevel[] = [
  level('C2', 20, 15, 4),
  level('C3', 13, 15.5, 4.5),
  level('C4', 13, 16, 5),
  level('C5', 13, 16.5, 5),
  level('C6', 13.5, 17, 5),
  level('C7', 14, 17, 4.5),
  level('T1', 15, 16, 3.5),
  level('T2', 16, 17, 3.5),
];
