import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { encodeImage, imageExtension } from '../encode.js';
import type { FilmLookChoice } from '../look/film-look.js';
import type { FormatChoice } from '../options.js';
import { imageSeed } from '../prng.js';
import { phantomName } from '../write-set.js';
import { negativesContactSheet } from './contact-sheet.js';
import { generateNegative } from './film.js';
import { NEGATIVE_KINDS, type NegativeKind } from './scene.js';

export interface NegativeSetOptions {
  out: string;
  count: number;
  seed: number;
  /** Kinds to cycle through, image i being kinds[i mod n]. @defaultValue every kind */
  kinds?: readonly NegativeKind[];
  maxSide?: number;
  format?: FormatChoice;
  markers?: boolean;
  look?: FilmLookChoice;
  lookStrength?: number;
  /** Also write OUT/contact-sheet.png (one row per kind). */
  contactSheet?: boolean;
  onProgress?: (done: number, total: number) => void;
}

const CSV_HEADER = 'file,kind,seed';

/**
 * Writes OUT/images/<kind>-<index+1, 6 digits>-s<image seed>.(png|jpg) and OUT/negatives.csv
 * (file,kind,seed); no labels, no COCO. Image i uses seed imageSeed(seed, i), as the lateral phantom.
 */
export async function writeNegativeSet(o: NegativeSetOptions): Promise<{ images: number; csvPath: string }> {
  const kinds = o.kinds && o.kinds.length > 0 ? o.kinds : NEGATIVE_KINDS;
  if (!Number.isInteger(o.count) || o.count < 1) throw new RangeError(`count ${o.count} is not a positive integer`);
  await mkdir(join(o.out, 'images'), { recursive: true });
  const rows = [CSV_HEADER];
  for (let i = 0; i < o.count; i++) {
    const kind = kinds[i % kinds.length]!;
    const seed = imageSeed(o.seed, i);
    const film = generateNegative({ kind, seed, maxSide: o.maxSide, format: o.format, markers: o.markers, look: o.look, lookStrength: o.lookStrength });
    const file = `images/${phantomName(kind, i, seed)}.${imageExtension(film)}`;
    await writeFile(join(o.out, file), await encodeImage(film));
    rows.push(`${file},${kind},${seed}`);
    o.onProgress?.(i + 1, o.count);
  }
  const csvPath = join(o.out, 'negatives.csv');
  await writeFile(csvPath, rows.join('\n') + '\n');
  if (o.contactSheet) {
    const sheet = await negativesContactSheet(o.seed, 4, kinds, { look: o.look, lookStrength: o.lookStrength, markers: o.markers });
    await sharp(sheet).toFile(join(o.out, 'contact-sheet.png'));
  }
  return { images: o.count, csvPath };
}
