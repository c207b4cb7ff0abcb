import { addUpsampled, gaussianBlur } from './blur.js';
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
  addUpsampled(fine, width, height, soft, cw, ch, COARSE);
  return fine;
}
