/** Spine views the pipeline labels. */
export const VIEWS = ['cervical', 'lumbar'] as const;
export type View = (typeof VIEWS)[number];

/**
 * VerSe label codes (Sekuboyina et al. 2021): C1–C7 = 1–7, T1–T12 = 8–19, L1–L5 = 20–24,
 * L6 = 25, S1 = 26. The same code is the pixel value in every label-mask PNG.
 */
export const VERSE_CODES: Readonly<Record<string, number>> = Object.freeze({
  ...Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`C${i + 1}`, i + 1])),
  ...Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`T${i + 1}`, i + 8])),
  ...Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`L${i + 1}`, i + 20])),
  L6: 25,
  S1: 26,
});

export type Level = string;

/** Levels each view labels, top to bottom (cranial to caudal). */
export const VIEW_LEVELS: Readonly<Record<View, readonly Level[]>> = Object.freeze({
  cervical: ['C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'T1'],
  lumbar: ['T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'S1'],
});

/** The reference vertebra of each view: the one the Mask R-CNN is trained to recognise. */
export const REFERENCE_LEVEL: Readonly<Record<View, Level>> = Object.freeze({ cervical: 'C2', lumbar: 'S1' });

export function verseCode(level: Level): number {
  const code = VERSE_CODES[level];
  if (code === undefined) throw new RangeError(`unknown vertebral level "${level}"`);
  return code;
}

export function levelOfCode(code: number): Level | undefined {
  for (const [level, c] of Object.entries(VERSE_CODES)) if (c === code) return level;
  return undefined;
}

export function isView(value: string): value is View {
  return (VIEWS as readonly string[]).includes(value);
}
