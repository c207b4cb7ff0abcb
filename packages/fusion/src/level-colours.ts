/** Distinct hues per level, stable across images: overlay outlines and the SEG's display colours. */
export const LEVEL_COLOURS: Readonly<Record<string, string>> = {
  C2: '#e6194b',
  C3: '#f58231',
  C4: '#ffe119',
  C5: '#bfef45',
  C6: '#3cb44b',
  C7: '#42d4f4',
  T1: '#4363d8',
  T12: '#911eb4',
  L1: '#f032e6',
  L2: '#e6194b',
  L3: '#f58231',
  L4: '#ffe119',
  L5: '#3cb44b',
  S1: '#42d4f4',
};
export const UNLABELLED = '#a9a9a9';
