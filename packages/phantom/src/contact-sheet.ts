#!/usr/bin/env node
/**
 * Renders a grid of phantoms (both views, with and without AS and implants): each raw beside the same
 * image with ground-truth outlines and level names. Usage: node dist/contact-sheet.js [out.png] [seed]
 */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { forEachTextPixel } from './font.js';
import { generatePhantom, type Phantom } from './phantom.js';
import type { PhantomOptions } from './options.js';
import { imageSeed } from './prng.js';

const TILE = 300;

const PALETTE: Array<[number, number, number]> = [
  [255, 80, 80],
  [255, 170, 40],
  [240, 240, 60],
  [80, 230, 80],
  [60, 220, 230],
  [90, 140, 255],
  [220, 100, 255],
];

/** Grey image beside the same image with coloured mask outlines and level names. */
export function overlayPair(p: Phantom): Buffer {
  const { width, height, image, labelMask } = p;
  const rgb = Buffer.alloc(width * 2 * height * 3);
  const codes = [...new Set(p.instances.map((i) => i.verseCode))];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const g = Math.round(image[y * width + x]! * 255);
      for (const off of [0, width]) {
        const o = (y * width * 2 + x + off) * 3;
        rgb[o] = rgb[o + 1] = rgb[o + 2] = g;
      }
      const code = labelMask[y * width + x]!;
      if (code === 0) continue;
      const edge =
        x === 0 ||
        y === 0 ||
        x === width - 1 ||
        y === height - 1 ||
        labelMask[y * width + x - 1] !== code ||
        labelMask[y * width + x + 1] !== code ||
        labelMask[(y - 1) * width + x] !== code ||
        labelMask[(y + 1) * width + x] !== code;
      if (!edge) continue;
      const colour = PALETTE[codes.indexOf(code) % PALETTE.length]!;
      const o = (y * width * 2 + x + width) * 3;
      rgb[o] = colour[0];
      rgb[o + 1] = colour[1];
      rgb[o + 2] = colour[2];
    }
  }
  const scale = Math.max(1, Math.round(height / 260));
  for (const inst of p.instances) {
    const [bx, by, bw, bh] = inst.bbox;
    const colour = PALETTE[codes.indexOf(inst.verseCode) % PALETTE.length]!;
    forEachTextPixel(inst.level, width + bx + Math.round(bw / 2) - 5 * scale, by + Math.round(bh / 2) - 3 * scale, scale, (x, y) => {
      if (x < width || x >= 2 * width || y < 0 || y >= height) return;
      const o = (y * width * 2 + x) * 3;
      rgb[o] = colour[0];
      rgb[o + 1] = colour[1];
      rgb[o + 2] = colour[2];
    });
  }
  return rgb;
}

export async function contactSheet(samples: PhantomOptions[], columns: number): Promise<Buffer> {
  const tiles: Buffer[] = [];
  for (const options of samples) {
    const p = generatePhantom(options);
    const pair = await sharp(overlayPair(p), { raw: { width: p.width * 2, height: p.height, channels: 3 } })
      .resize({ width: TILE * 2, height: TILE, fit: 'contain', background: { r: 30, g: 30, b: 40 } })
      .raw()
      .toBuffer();
    tiles.push(pair);
  }
  const rows = Math.ceil(tiles.length / columns);
  const gap = 6;
  const sheetWidth = columns * (TILE * 2 + gap) + gap;
  const sheetHeight = rows * (TILE + gap) + gap;
  return sharp({ create: { width: sheetWidth, height: sheetHeight, channels: 3, background: { r: 30, g: 30, b: 40 } } })
    .composite(
      tiles.map((tile, i) => ({
        input: tile,
        raw: { width: TILE * 2, height: TILE, channels: 3 as const },
        left: gap + (i % columns) * (TILE * 2 + gap),
        top: gap + Math.floor(i / columns) * (TILE + gap),
      })),
    )
    .png({ compressionLevel: 9 })
    .toBuffer();
}

/** The documented sample: both views, plain, partial, AS and implant cases. */
export function defaultSamples(seed: number): PhantomOptions[] {
  const kinds: Array<Partial<PhantomOptions>> = [
    { view: 'lumbar', asShare: 0, implantShare: 0, partialShare: 0 },
    { view: 'cervical', asShare: 0, implantShare: 0, partialShare: 0 },
    { view: 'lumbar', asShare: 0, implantShare: 0, partialShare: 1 },
    { view: 'cervical', asShare: 0, implantShare: 0, partialShare: 1 },
    { view: 'lumbar', asShare: 1, implantShare: 0, partialShare: 0 },
    { view: 'cervical', asShare: 1, implantShare: 0, partialShare: 0 },
    { view: 'lumbar', asShare: 0, implantShare: 1, partialShare: 0 },
    { view: 'cervical', asShare: 0, implantShare: 1, partialShare: 0 },
    { view: 'lumbar', asShare: 0.15, implantShare: 0.05, partialShare: 0.3 },
    { view: 'cervical', asShare: 0.15, implantShare: 0.05, partialShare: 0.3 },
    { view: 'lumbar', asShare: 1, implantShare: 0, partialShare: 1 },
    { view: 'cervical', asShare: 1, implantShare: 1, partialShare: 0 },
  ];
  return kinds.map((k, i) => ({ seed: imageSeed(seed, i), maxSide: 640, format: 'png8', ...k }));
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const here = dirname(fileURLToPath(import.meta.url));
  const out = resolve(process.argv[2] ?? resolve(here, '../../../docs/images/phantom-contact-sheet.png'));
  const seed = Number(process.argv[3] ?? 7);
  await mkdir(dirname(out), { recursive: true });
  const png = await contactSheet(defaultSamples(seed), 3);
  await sharp(png).toFile(out);
  console.log(`contact sheet: ${out} (${(png.length / 1024).toFixed(0)} KiB)`);
}
