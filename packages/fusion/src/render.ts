import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import sharp from 'sharp';
import { FusionInputError } from './errors.js';
import { LEVEL_COLOURS, UNLABELLED } from './level-colours.js';
import { overlayHeader, type HeaderItem } from './overlay-header.js';
import type { ImageResult } from './result.js';

/** Long side of the downsized overlay written beside the full one. */
export const SMALL_OVERLAY_LONG_SIDE = 1024;

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
 * colour and the level name beside it, on the side away from the spine's anterior edge. A header
 * strip above the film (never over it: nothing of the film is hidden) says the view, confidence
 * and flags, on a distinct colour when the film needs review or has low confidence, and shows the
 * legend of the level colours; the film starts `headerHeight` rows down.
 */
export async function renderOverlay(gray8: Uint8Array, width: number, height: number, result: ImageResult): Promise<Buffer> {
  checkSize(gray8, width, height, 'radiograph');
  const long = Math.max(width, height);
  const header = overlayHeader(result);
  const headerFont = Math.max(12, Math.round(long / 60));
  const measureCtx = createCanvas(1, 1).getContext('2d');
  measureCtx.font = `bold ${headerFont}px sans-serif`;
  const rows = layoutHeader(measureCtx, header.lines, width, headerFont);
  const rowHeight = Math.round(headerFont * 1.5);
  const top = rows.length * rowHeight + Math.round(headerFont / 2);

  const canvas = createCanvas(width, height + top);
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(width, height);
  for (let i = 0, j = 0; i < gray8.length; i++, j += 4) {
    const g = gray8[i]!;
    img.data[j] = g;
    img.data[j + 1] = g;
    img.data[j + 2] = g;
    img.data[j + 3] = 255;
  }
  ctx.putImageData(img, 0, top);
  drawHeader(ctx, rows, header.background, width, top, headerFont, rowHeight);

  ctx.translate(0, top);
  const lineWidth = Math.max(1, Math.round(long / 500));
  const fontSize = Math.max(10, Math.round(long / 45));
  ctx.lineWidth = lineWidth;
  ctx.font = `bold ${fontSize}px sans-serif`;
  ctx.textBaseline = 'middle';
  const labelOnRight = result.measurements.anterior.side === 'left';
  for (const v of result.vertebrae) {
    if (v.polygon.length < 3) continue;
    const colour = v.level ? (LEVEL_COLOURS[v.level] ?? UNLABELLED) : UNLABELLED;
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
  const rgba = ctx.getImageData(0, 0, width, height + top).data;
  return sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width, height: height + top, channels: 4 } })
    .removeAlpha()
    .png()
    .toBuffer();
}

/** The overlay downsized to a long side of at most `longSide` px (never enlarged), as a JPEG: what a reviewer opens. */
export async function downsizeOverlay(overlayPng: Buffer, longSide: number = SMALL_OVERLAY_LONG_SIDE): Promise<Buffer> {
  return sharp(overlayPng).resize(longSide, longSide, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 85, mozjpeg: true }).toBuffer();
}

interface PlacedItem extends HeaderItem {
  x: number;
}

/** Flows each header line's items left to right, wrapping onto a new row when the width runs out. */
function layoutHeader(ctx: SKRSContext2D, lines: HeaderItem[][], width: number, font: number): PlacedItem[][] {
  const pad = Math.round(font / 2);
  const gap = font;
  const rows: PlacedItem[][] = [];
  for (const line of lines) {
    let row: PlacedItem[] = [];
    let x = pad;
    for (const item of line) {
      const w = (item.swatch ? font * 1.3 : 0) + ctx.measureText(item.text).width;
      if (row.length > 0 && x + w > width - pad) {
        rows.push(row);
        row = [];
        x = pad;
      }
      row.push({ ...item, x });
      x += w + gap;
    }
    rows.push(row);
  }
  return rows;
}

function drawHeader(ctx: SKRSContext2D, rows: PlacedItem[][], background: string, width: number, top: number, font: number, rowHeight: number): void {
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, width, top);
  ctx.font = `bold ${font}px sans-serif`;
  ctx.textBaseline = 'middle';
  rows.forEach((row, r) => {
    const y = Math.round(font / 4) + r * rowHeight + rowHeight / 2;
    for (const item of row) {
      let x = item.x;
      if (item.swatch) {
        ctx.fillStyle = item.swatch;
        ctx.fillRect(x, y - font / 2, font, font);
        x += font * 1.3;
      }
      ctx.fillStyle = item.colour;
      ctx.fillText(item.text, x, y);
    }
  });
}

function checkSize(data: Uint8Array, width: number, height: number, what: string): void {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0) || data.length !== width * height) {
    throw new FusionInputError(`${what} has ${data.length} values for ${width}x${height}`);
  }
}
