import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { addToCoco, cocoCategories, type CocoDataset } from './coco.js';
import { encodePhantomDicom } from './dicom.js';
import { encodeImage, encodeLabelMask, imageExtension } from './encode.js';
import { ANATOMY_CHOICES } from './anatomy/variation.js';
import { FILM_LOOKS } from './look/film-look.js';
import { IMAGE_FORMATS } from './options.js';
import { generatePhantom } from './phantom.js';
import { imageSeed } from './prng.js';

const setOptionsSchema = z.object({
  out: z.string().min(1),
  count: z.number().int().min(1),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1),
  view: z.enum(['cervical', 'lumbar', 'mixed']).default('mixed'),
  format: z.enum([...IMAGE_FORMATS, 'mix']).default('mix'),
  maxSide: z.number().int().min(64).optional(),
  size: z.object({ width: z.number().int().min(64), height: z.number().int().min(64) }).optional(),
  asShare: z.number().min(0).max(1).default(0.15),
  implantShare: z.number().min(0).max(1).default(0.05),
  partialShare: z.number().min(0).max(1).default(0.3),
  headShare: z.number().min(0).max(1).default(0),
  markers: z.boolean().default(true),
  look: z.enum(FILM_LOOKS).default('default'),
  lookStrength: z.number().min(0).max(1).default(1),
  anatomy: z.enum(ANATOMY_CHOICES).default('default'),
  /** Also write OUT/dicom/<name>.dcm (16-bit DX): in one transfer syntax, or alternating ('mixed'). */
  dicom: z.enum(['explicit-le', 'rle', 'mixed']).optional(),
});

export type PhantomSetOptions = z.input<typeof setOptionsSchema> & {
  /** Called after each image with (done, total). */
  onProgress?: (done: number, total: number) => void;
};

/** Name of image `index` (0-based) of a run: `<view>-<index+1, 6 digits>-s<image seed>`. */
export function phantomName(view: string, index: number, seed: number): string {
  return `${view}-${String(index + 1).padStart(6, '0')}-s${seed}`;
}

/**
 * Writes OUT/images/<name>.(png|jpg), OUT/labels/<name>.png and OUT/annotations.json (COCO), and
 * with `dicom` the same images as OUT/dicom/<name>.dcm.
 * Image i uses seed imageSeed(seed, i), so any one image can be regenerated alone.
 */
export async function writePhantomSet(options: PhantomSetOptions): Promise<{ images: number; annotationsPath: string }> {
  const o = setOptionsSchema.parse(options);
  await mkdir(join(o.out, 'images'), { recursive: true });
  await mkdir(join(o.out, 'labels'), { recursive: true });
  if (o.dicom) await mkdir(join(o.out, 'dicom'), { recursive: true });
  const dataset: CocoDataset = {
    info: { description: 'VertXNet synthetic lateral spine radiographs', version: '1', generator: '@vertxnet/phantom', seed: o.seed },
    images: [],
    annotations: [],
    ignore_regions: [],
    categories: cocoCategories(),
  };
  for (let i = 0; i < o.count; i++) {
    const seed = imageSeed(o.seed, i);
    const phantom = generatePhantom({
      seed,
      view: o.view,
      format: o.format,
      maxSide: o.maxSide,
      size: o.size,
      asShare: o.asShare,
      implantShare: o.implantShare,
      partialShare: o.partialShare,
      headShare: o.headShare,
      markers: o.markers,
      look: o.look,
      lookStrength: o.lookStrength,
      anatomy: o.anatomy,
    });
    const name = phantomName(phantom.meta.view, i, seed);
    const fileName = `images/${name}.${imageExtension(phantom)}`;
    const labelFile = `labels/${name}.png`;
    const [image, labels] = await Promise.all([encodeImage(phantom), encodeLabelMask(phantom)]);
    await Promise.all([writeFile(join(o.out, fileName), image), writeFile(join(o.out, labelFile), labels)]);
    if (o.dicom) {
      const syntax = o.dicom === 'mixed' ? (i % 2 === 0 ? 'explicit-le' : 'rle') : o.dicom;
      await writeFile(join(o.out, 'dicom', `${name}.dcm`), encodePhantomDicom(phantom, syntax));
    }
    addToCoco(dataset, phantom, fileName, labelFile);
    options.onProgress?.(i + 1, o.count);
  }
  const annotationsPath = join(o.out, 'annotations.json');
  await writeFile(annotationsPath, JSON.stringify(dataset));
  return { images: o.count, annotationsPath };
}
