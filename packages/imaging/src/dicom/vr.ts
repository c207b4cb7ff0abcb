// Value representation tables for parse.ts: which VRs exist, which take the long explicit-VR
// header, and the VRs of the few elements read from Implicit VR data.

/** VRs with a 2-byte reserved field and a 4-byte length in explicit VR. */
export const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
export const ALL_VRS = new Set([
  ...LONG_VRS,
  'AE',
  'AS',
  'AT',
  'CS',
  'DA',
  'DS',
  'DT',
  'FL',
  'FD',
  'IS',
  'LO',
  'LT',
  'PN',
  'SH',
  'SL',
  'SS',
  'ST',
  'TM',
  'UI',
  'UL',
  'US',
]);

/** VRs needed to read the few elements we use from Implicit VR data (everything else is skipped). */
export const IMPLICIT_VR: Record<number, string> = {
  0x00280002: 'US',
  0x00280010: 'US',
  0x00280011: 'US',
  0x00280100: 'US',
  0x00280101: 'US',
  0x00280102: 'US',
  0x00280103: 'US',
  0x00280006: 'US',
  0x00283002: 'US',
  0x00281041: 'SS',
  0x00283000: 'SQ',
  0x00283010: 'SQ',
  0x00082112: 'SQ',
  0x00081140: 'SQ',
  0x52009229: 'SQ',
  0x52009230: 'SQ',
  0x7fe00010: 'OW',
  0x00283006: 'OW',
};
