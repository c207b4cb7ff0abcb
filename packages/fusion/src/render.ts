import { createCanvas } from '@napi-rs/canvas';
import sharp from 'sharp';
import { FusionInputError } from './errors.js';
import { LEVEL_COLOURS, UNLABELLED } from './level-colours.js';
import type { ImageResult } from './result.js';

/** The label mask as an 8-bit grayscale PNG (pixel = VerSe code). */
export async function renderLabelsPng(labels: Uint8Array, width: number, height: number): Promise<Buffer> {
  checkSize(labels, width, height, 'label mask');
  return sharp(Buffer.from(labels.buffer, labels.byteOffset, labels.byteLength), { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: 9 })
    .toBuffer();
}


/**
 * The radiograph (8-bit gray, source size) as an RGB PNG with each body's outline in its level's
 * colour and the level name beside it, on the side away from the spine's anterior edge.
 */
export async function renderOverlay(gray8: Uint8Array, width: number, height: number, result: ImageResult): Promise<Buffer> {
  checkSize(gray8, width, height, 'radiograph');
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(width, height);
  for (let i = 0, j = 0; i < gray8.length; i++, j += 4) {
    const g = gray8[i]!;
    img.data[j] = g;
    img.data[j + 1] = g;
    img.data[j + 2] = g;
    img.data[j + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  const long = Math.max(width, height);
  const lineWidth = Math.max(1, Math.round(long / 500));
  const fontSize = Math.max(10, Math.round(long / 45));
  ctx.lineWidth = lineWidth;
  ctx.font = `bold ${fontSize}px sans-serif`;
  ctx.textBaseline = 'middle';
  const labelOnRight = result.measurements.anterior.side === 'left';
  for (const v of result.vertebrae) {
    if (v.polygon.length < 3) continue;
    const colour = v.level ? LEVEL_COLOURS[v.level] ?? UNLABELLED : UNLABELLED;
    ctx.strokeStyle = colour;
    ctx.beginPath();
    v.polygon.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
    ctx.closePath();
    ctx.stroke();
    const name = v.level ?? '?';
    const [bx, by, bw, bh] = v.bbox;
    const tw = ctx.measureText(name).width;
    const gap = fontSize * 0.4;
    const tx = labelOnRight ? Math.min(width - tw - 2, bx + bw + gap) : Math.max(2, bx - gap - tw);
    const ty = Math.min(height - fontSize / 2, Math.max(fontSize / 2, by + bh / 2));
    ctx.lineWidth = Math.max(2, fontSize / 6);
    ctx.strokeStyle = 'black';
    ctx.strokeText(name, tx, ty);
    ctx.fillStyle = colour;
    ctx.fillText(name, tx, ty);
    ctx.lineWidth = lineWidth;
  }
  const rgba = ctx.getImageData(0, 0, width, height).data;
  return sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width, height, channels: 4 } })
    .removeAlpha()
    .png()
    .toBuffer();
}

function checkSize(data: Uint8Array, width: number, height: number, what: string): void {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0) || data.length !== width * height) {
    throw new FusionInputError(`${what} has ${data.length} values for ${width}x${height}`);
  }
}
