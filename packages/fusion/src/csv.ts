import type { ImageResult } from './result.js';

// No length here (the angle is in degrees): the unit of lengths is in vertebrae.csv, beside them.
const COLUMNS = [
  'name',
  'source',
  'view',
  'view_source',
  'vertebrae',
  'levels',
  'reference_found',
  'flags',
  'confidence',
  'angle',
  'angle_name',
  'status',
  'reason',
] as const;

/** Header line of the per-run summary CSV (no trailing newline). */
export function summaryCsvHeader(): string {
  return COLUMNS.join(',');
}

/**
 * One summary CSV line for an image (no trailing newline). Levels are space-separated cranial to
 * caudal, flags ';'-separated; the angle is the image's lordosis in degrees.
 */
export function summaryCsvRow(result: ImageResult, name: string): string {
  const levels = result.vertebrae.map((v) => v.level).filter((l): l is string => l !== null);
  const lordosis = result.measurements.lordosis;
  const cells: (string | number)[] = [
    name,
    result.source,
    result.view.value ?? '',
    result.view.source,
    result.vertebrae.length,
    levels.join(' '),
    result.reference ? 'true' : 'false',
    result.qc.flags.join(';'),
    result.qc.confidence,
    lordosis ? lordosis.degrees : '',
    lordosis ? lordosis.name : '',
    'ok',
    '',
  ];
  return cells.map(csvCell).join(',');
}

/** The summary CSV line of an image that got no result: its name, source, status failed and the reason. */
export function summaryCsvFailedRow(name: string, source: string, reason: string): string {
  const cells: string[] = COLUMNS.map(() => '');
  cells[0] = name;
  cells[1] = source;
  cells[COLUMNS.indexOf('status')] = 'failed';
  cells[COLUMNS.indexOf('reason')] = reason;
  return cells.map(csvCell).join(',');
}

const VERTEBRA_COLUMNS = [
  'image',
  'level',
  'verse_code',
  'score',
  'anterior_height',
  'middle_height',
  'posterior_height',
  'unit',
  'wedge_ratio',
  'superior_endplate_angle',
  'inferior_endplate_angle',
] as const;

/** Header line of the per-run vertebrae CSV (no trailing newline). */
export function vertebraeCsvHeader(): string {
  return VERTEBRA_COLUMNS.join(',');
}

/**
 * The vertebrae CSV lines of an image (no trailing newline), one per body cranial to caudal: its
 * heights in `unit` (mm when the pixel spacing is known, else source px), the wedge ratio
 * (anterior / posterior) and the endplate angles in degrees. A body too small to measure (or on an
 * out-of-scope film) keeps its row with those cells empty; an unlabelled body has no level.
 */
export function vertebraeCsvRows(result: ImageResult, name: string): string[] {
  return result.vertebrae.map((v) => {
    const m = v.measurements;
    const cells: (string | number)[] = [
      name,
      v.level ?? '',
      v.verseCode ?? '',
      v.score,
      m ? m.anteriorHeight : '',
      m ? m.middleHeight : '',
      m ? m.posteriorHeight : '',
      m ? m.unit : result.measurements.unit,
      m ? m.wedgeRatio : '',
      m ? m.superiorEndplateAngle : '',
      m ? m.inferiorEndplateAngle : '',
    ];
    return cells.map(csvCell).join(',');
  });
}

/** RFC 4180 quoting: wrap in quotes when the cell holds a comma, quote or line break; double the quotes. */
export function csvCell(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
