import { gaussianBlur } from './blur.js';
import { project, type Camera } from './camera.js';
import { inset, signedArea } from './geometry.js';
import { trabecular } from './noise.js';
import { addPolygon, forEachSpan } from './raster.js';
import type { Scene } from './scene.js';

const COARSE = 4;

/**
 * Projected attenuation per pixel: the sum over structures of their value, bone with a cortical rim
 * and trabecular texture, soft tissue from a quarter-resolution layer blurred wide.
 */
export function renderAttenuation(scene: Scene, camera: Camera, textureSeed: number, softEdgeMm: number): Float32Array {
  const { width, height, toWorld } = camera;
  const fine = new Float32Array(width * height);
  const cw = Math.ceil(width / COARSE);
  const ch = Math.ceil(height / COARSE);
  const coarse = new Float32Array(cw * ch);
  const textureScale = 1;
  for (const structure of scene.structures) {
    const outline = project(camera, structure.outline);
    if (structure.layer === 'coarse') {
      addPolygon(coarse, cw, ch, outline.map((p) => ({ x: p.x / COARSE, y: p.y / COARSE })), structure.value);
      continue;
    }
    const bone = structure.bone;
    if (!bone) {
      addPolygon(fine, width, height, outline, structure.value);
      continue;
    }
    addPolygon(fine, width, height, outline, bone.cortex);
    const rim = bone.cortexMm / camera.mmPerPixel;
    const inner = inset(outline, rim);
    if (Math.abs(signedArea(inner)) < 1) continue;
    const base = structure.value - bone.cortex;
    const amplitude = bone.texture * structure.value * 0.45;
    forEachSpan(inner, width, height, (y, x0, x1) => {
      const row = y * width;
      const py = y + 0.5;
      for (let x = x0; x < x1; x++) {
        const px = x + 0.5;
        const wx = (toWorld.a * px + toWorld.b * py + toWorld.c) * textureScale;
        const wy = (toWorld.d * px + toWorld.e * py + toWorld.f) * textureScale;
        fine[row + x]! += base + (amplitude === 0 ? 0 : amplitude * trabecular(wx, wy, textureSeed));
      }
    });
  }
  const soft = gaussianBlur(coarse, cw, ch, softEdgeMm / (camera.mmPerPixel * COARSE));
  addUpsampled(fine, width, height, soft, cw, ch);
  return fine;
}

/** Bilinear upsampling of the coarse layer, added into the fine one. */
function addUpsampled(fine: Float32Array, width: number, height: number, coarse: Float32Array, cw: number, ch: number): void {
  for (let y = 0; y < height; y++) {
    const cy = Math.min(ch - 1, Math.max(0, (y + 0.5) / COARSE - 0.5));
    const y0 = Math.floor(cy);
    const y1 = Math.min(ch - 1, y0 + 1);
    const fy = cy - y0;
    for (let x = 0; x < width; x++) {
      const cx = Math.min(cw - 1, Math.max(0, (x + 0.5) / COARSE - 0.5));
      const x0 = Math.floor(cx);
      const x1 = Math.min(cw - 1, x0 + 1);
      const fx = cx - x0;
      const top = coarse[y0 * cw + x0]! * (1 - fx) + coarse[y0 * cw + x1]! * fx;
      const bottom = coarse[y1 * cw + x0]! * (1 - fx) + coarse[y1 * cw + x1]! * fx;
      fine[y * width + x]! += top * (1 - fy) + bottom * fy;
    }
  }
}
