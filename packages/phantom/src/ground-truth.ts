import { verseCode, type Level } from '@vertxnet/core';
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

/**
 * A vertebral body drawn in the image but outside the labelled range (T2 on cervical films, T10/T11 on
 * lumbar films, T7–T9 too in a tall field). It is not in the label mask; evaluation treats a detection
 * of it as neither right nor wrong (like a COCO crowd region), since it is a real vertebra that no
 * label applies to.
 */
export interface UnlabelledBody {
  level: Level;
  polygon: number[];
  bbox: [number, number, number, number];
  area: number;
}

/** A body whose visible part is smaller than this share of the whole is left unlabelled. */
const MIN_VISIBLE_SHARE = 0.04;
const MIN_VISIBLE_PIXELS = 12;

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Rasterises labelled bodies into the label mask (pixel = VerSe code, instances never overlap) and
 * returns their COCO-style description, consistent with the mask by construction.
 */
export function groundTruth(scene: Scene, camera: Camera): { labelMask: Uint8Array; instances: PhantomInstance[]; unlabelled: UnlabelledBody[] } {
  const { width, height } = camera;
  const labelMask = new Uint8Array(width * height);
  const found: Array<{ level: Level; code: number; polygon: number[]; truncated: boolean }> = [];
  const unlabelled: UnlabelledBody[] = [];
  for (const body of scene.bodies) {
    if (!body.labelled) {
      const visible = clipToRect(project(camera, body.outline), 0, 0, width, height);
      const area = visible.length >= 3 ? Math.abs(signedArea(visible)) : 0;
      if (area >= MIN_VISIBLE_PIXELS) {
        const xs = visible.map((p) => p.x);
        const ys = visible.map((p) => p.y);
        const [x0, y0] = [Math.min(...xs), Math.min(...ys)];
        unlabelled.push({
          level: body.level,
          polygon: visible.flatMap((p) => [round2(p.x), round2(p.y)]),
          bbox: [round2(x0), round2(y0), round2(Math.max(...xs) - x0), round2(Math.max(...ys) - y0)],
          area: Math.round(area),
        });
      }
      continue;
    }
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
  return { labelMask, instances, unlabelled };
}
