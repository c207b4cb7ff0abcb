import { verseCode, type Level } from '@vertxnet/shared';
import { project, type Camera } from './camera.js';
import { clipToRect, signedArea } from './geometry.js';
import { labelPolygon } from './raster.js';
import type { Scene } from './scene.js';

/** One labelled vertebral body as it appears in the image. */
export interface PhantomInstance {
  level: Level;
  verseCode: number;
  /** Visible outline in image pixels, flat [x1, y1, x2, y2, …] (COCO polygon). */
  polygon: number[];
  /** [x, y, width, height] of the mask pixels. */
  bbox: [number, number, number, number];
  /** Number of mask pixels. */
  area: number;
  /** Cut by the image edge. */
  truncated: boolean;
}

/** A body whose visible part is smaller than this share of the whole is left unlabelled. */
const MIN_VISIBLE_SHARE = 0.04;
const MIN_VISIBLE_PIXELS = 12;

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Rasterises labelled bodies into the label mask (pixel = VerSe code, instances never overlap) and
 * returns their COCO-style description, consistent with the mask by construction.
 */
export function groundTruth(scene: Scene, camera: Camera): { labelMask: Uint8Array; instances: PhantomInstance[] } {
  const { width, height } = camera;
  const labelMask = new Uint8Array(width * height);
  const found: Array<{ level: Level; code: number; polygon: number[]; truncated: boolean }> = [];
  for (const body of scene.bodies) {
    if (!body.labelled) continue;
    const code = verseCode(body.level);
    const outline = project(camera, body.outline);
    const written = labelPolygon(labelMask, width, height, outline, code);
    if (written === 0) continue;
    const full = Math.abs(signedArea(outline));
    if (written < MIN_VISIBLE_PIXELS || written < MIN_VISIBLE_SHARE * full) {
      for (let i = 0; i < labelMask.length; i++) if (labelMask[i] === code) labelMask[i] = 0;
      continue;
    }
    const visible = clipToRect(outline, 0, 0, width, height);
    const truncated = outline.some((p) => p.x < 0 || p.y < 0 || p.x > width || p.y > height);
    found.push({ level: body.level, code, polygon: visible.flatMap((p) => [round2(p.x), round2(p.y)]), truncated });
  }
  const boxes = new Map<number, { minX: number; minY: number; maxX: number; maxY: number; area: number }>();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const code = labelMask[y * width + x]!;
      if (code === 0) continue;
      const b = boxes.get(code);
      if (!b) boxes.set(code, { minX: x, minY: y, maxX: x, maxY: y, area: 1 });
      else {
        if (x < b.minX) b.minX = x;
        if (x > b.maxX) b.maxX = x;
        if (y > b.maxY) b.maxY = y;
        b.area++;
      }
    }
  }
  const instances: PhantomInstance[] = [];
  for (const f of found) {
    const b = boxes.get(f.code);
    if (!b) continue;
    instances.push({
      level: f.level,
      verseCode: f.code,
      polygon: f.polygon,
      bbox: [b.minX, b.minY, b.maxX - b.minX + 1, b.maxY - b.minY + 1],
      area: b.area,
      truncated: f.truncated,
    });
  }
  return { labelMask, instances };
}
