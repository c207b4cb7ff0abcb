/** A coded concept as DICOM writes it (Code Value, Coding Scheme Designator, Code Meaning). */
export interface CodedConcept {
  value: string;
  scheme: string;
  meaning: string;
}

/** Segmented Property Category of every segment (PS3.16 CID 7150). */
export const ANATOMICAL_STRUCTURE: CodedConcept = { value: '123037004', scheme: 'SCT', meaning: 'Anatomical Structure' };

const sct = (value: string, meaning: string): CodedConcept => ({ value, scheme: 'SCT', meaning });

/** Segmented Property Type per level: the SNOMED CT concept of that vertebra (PS3.16 CID 7304 and 4030). */
export const VERTEBRA_CODES: Readonly<Record<string, CodedConcept>> = {
  C2: sct('39976000', 'C2 vertebra'),
  C3: sct('113205007', 'C3 vertebra'),
  C4: sct('5329002', 'C4 vertebra'),
  C5: sct('36978003', 'C5 vertebra'),
  C6: sct('36054005', 'C6 vertebra'),
  C7: sct('87391001', 'C7 vertebra'),
  T1: sct('64864005', 'T1 vertebra'),
  T12: sct('23215003', 'T12 vertebra'),
  L1: sct('66794005', 'L1 vertebra'),
  L2: sct('14293000', 'L2 vertebra'),
  L3: sct('36470004', 'L3 vertebra'),
  L4: sct('11994002', 'L4 vertebra'),
  L5: sct('49668003', 'L5 vertebra'),
  S1: sct('65985001', 'S1 vertebra'),
};

/** The SNOMED CT code of a level; throws for a level the SEG cannot name. */
export function vertebraCode(level: string): CodedConcept {
  const code = VERTEBRA_CODES[level];
  if (!code) throw new Error(`no SNOMED CT code for level ${level}`);
  return code;
}
