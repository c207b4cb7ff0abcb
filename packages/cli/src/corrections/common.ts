import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
// The only imports from the other packages in corrections/.
import { VERSE_CODES, VIEW_LEVELS } from '@vertxnet/core';
import { polygonArea } from '@vertxnet/fusion';

/** Bad input to export-task or import-corrections: said in one line, exit code 1, nothing written. */
export class CorrectionsError extends Error {
  override name = 'CorrectionsError';
}

/** The levels a task offers, cranial to caudal: every level a view labels (the categories of coco.json). */
export const TASK_LEVELS: readonly string[] = [...new Set([...VIEW_LEVELS.cervical, ...VIEW_LEVELS.lumbar])].sort((a, b) => VERSE_CODES[a]! - VERSE_CODES[b]!);

/** A level's VerSe code: the COCO category id of that level. */
export function levelCode(level: string): number {
  const code = VERSE_CODES[level];
  if (code === undefined) throw new CorrectionsError(`"${level}" is not a vertebral level`);
  return code;
}

/**
 * A reviewer's label as a level: "C2", "c-2", "L 5" → C2, L5 (as training/'s parse_level); any
 * other name is refused, naming the labels a task has.
 */
export function parseLevelLabel(name: string, where: string): string {
  const m = /^\s*([CTLS])\s*[-_ ]?\s*(\d{1,2})\s*$/i.exec(name);
  const level = m ? `${m[1]!.toUpperCase()}${Number(m[2])}` : undefined;
  if (level === undefined || VERSE_CODES[level] === undefined) {
    throw new CorrectionsError(`${where}: unknown label "${name}": labels are vertebral levels (${TASK_LEVELS.join(', ')})`);
  }
  return level;
}

/** A COCO run-length mask: counts as numbers (uncompressed) or as COCO's compressed string. */
export interface CocoRle {
  size: [number, number];
  counts: number[] | string;
}

/** One body as a reviewer left it: its level and its outline (polygons in source px) or mask. */
export interface CorrectedShape {
  level: string;
  segmentation: number[][] | CocoRle;
}

/** A corrected file read back: the run it says it came from (when it says), and the shapes per image name. */
export interface Corrections {
  format: 'cvat' | 'label-studio';
  run?: string;
  images: Map<string, CorrectedShape[]>;
  /** Each image's size as the file gives it, checked against the run's. */
  sizes: Map<string, { width: number; height: number }>;
}

/**
 * Parses a JSON file a person hands in; a file cut short (a download or copy that stopped) is
 * told apart from other broken JSON, since the fix differs.
 */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const trimmed = text.trimEnd();
    const cut = trimmed.length === 0 || !/[}\]]$/.test(trimmed) || /Unexpected end|Unterminated/i.test(String(err));
    throw new CorrectionsError(
      cut ? `${file} is not complete JSON: it ends early (half-written or cut off?); export it again` : `${file} is not valid JSON: ${(err as Error).message}`,
    );
  }
}

export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new CorrectionsError(`${file}: no such file`);
  }
  return parseJsonText(text, file);
}

/** Refuses an --out that holds something: corrections never write over earlier work. */
export async function checkFreshOut(out: string): Promise<void> {
  const info = await stat(out).catch(() => undefined);
  if (info) throw new CorrectionsError(`${out} already exists: give a new --out folder (nothing is written over)`);
}

/**
 * Writes a folder all at once as seen from outside: `fill` writes into a temporary sibling that is
 * renamed to `out` when it succeeds, and removed when it throws, so a failure leaves nothing behind.
 */
export async function writeFolderAtomically<T>(out: string, fill: (dir: string) => Promise<T>): Promise<T> {
  await checkFreshOut(out);
  await mkdir(dirname(out), { recursive: true });
  const tmp = join(dirname(out), `.${basename(out)}.partial-${process.pid}-${Date.now()}`);
  await mkdir(tmp);
  try {
    const value = await fill(tmp);
    await rename(tmp, out);
    return value;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Polygon outline [[x, y], …] → COCO's flat [x1, y1, x2, y2, …]. */
export function flatPolygon(points: readonly (readonly [number, number])[]): number[] {
  return points.flatMap(([x, y]) => [x, y]);
}

/** Bounding box [x, y, w, h] and area (fusion's shoelace) of flat COCO polygons. */
export function polygonStats(polygons: readonly number[][]): { bbox: [number, number, number, number]; area: number } {
  const rings = polygons.map((p) => Array.from({ length: p.length >> 1 }, (_, i): [number, number] => [p[2 * i]!, p[2 * i + 1]!]));
  const points = rings.flat();
  if (points.length === 0) return { bbox: [0, 0, 0, 0], area: 0 };
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  const [x0, y0] = [Math.min(...xs), Math.min(...ys)];
  const area = rings.reduce((sum, ring) => sum + polygonArea(ring), 0);
  const r = (v: number) => Math.round(v * 100) / 100;
  return { bbox: [r(x0), r(y0), r(Math.max(...xs) - x0), r(Math.max(...ys) - y0)], area: r(area) };
}
