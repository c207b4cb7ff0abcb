import type { ImageResult } from './result.js';

const COLUMNS = ['name', 'source', 'view', 'view_source', 'vertebrae', 'levels', 'reference_found', 'flags', 'confidence', 'angle', 'angle_name', 'unit', 'status', 'reason'] as const;

/** Header line of the per-run summary CSV (no trailing newline). */
export function summaryCsvHeader(): string {
  return COLUMNS.join(',');
}

/**
 * One summary CSV line for an image (no trailing newline). Levels are space-separated cranial to
 * caudal, flags ';'-separated; the angle is the image's lordosis in degrees; unit is the unit of
 * the lengths in result.json.
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
    result.measurements.unit,
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

/** RFC 4180 quoting: wrap in quotes when the cell holds a comma, quote or line break; double the quotes. */
export function csvCell(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
