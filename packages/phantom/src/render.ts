import { addUpsampled, gaussianBlur } from './blur.js';
import { project, type Camera } from './camera.js';
import { inset, signedArea } from './geometry.js';
import { trabecular, valueNoise } from './noise.js';
import { addPolygon, forEachSpan } from './raster.js';
import type { Polygon } from './geometry.js';
import type { Mottle, Scene } from './scene.js';

const COARSE = 4;
/** Inset depth (in rim thicknesses) and remaining share of the cortex excess; the last has share 0. */
const RIM_STEPS: ReadonlyArray<[number, number]> = [
  [0.5, 0.65],
  [1, 0.35],
  [1.8, 0],
];

/**
 * Projected attenuation per pixel: the sum over structures of their value, bone with a cortical rim
 * and trabecular texture, soft tissue from a quarter-resolution layer blurred wide.
 */
export function renderAttenuation(scene: Pick<Scene, 'structures'>, camera: Camera, textureSeed: number, softEdgeMm: number): Float32Array {
  const { width, height, toWorld } = camera;
  const fine = new Float32Array(width * height);
  const cw = Math.ceil(width / COARSE);
  const ch = Math.ceil(height / COARSE);
  const coarse = new Float32Array(cw * ch);
  for (const structure of scene.structures) {
    const outline = project(camera, structure.outline);
    if (structure.layer === 'coarse') {
      addPolygon(
        coarse,
        cw,
        ch,
        outline.map((p) => ({ x: p.x / COARSE, y: p.y / COARSE })),
        structure.value,
      );
      continue;
    }
    const bone = structure.bone;
    if (!bone) {
      if (structure.mottle) fillMottled(fine, camera, outline, structure.value, structure.mottle, textureSeed);
      else addPolygon(fine, width, height, outline, structure.value);
      continue;
    }
    // Cortex fades inwards in steps (the detector blur smooths them): a shell seen tangentially.
    const rim = bone.cortexMm / camera.mmPerPixel;
    addPolygon(fine, width, height, outline, bone.cortex);
    let level = bone.cortex;
    let inner = outline;
    for (const [depth, share] of RIM_STEPS) {
      inner = inset(outline, rim * depth);
      const next = structure.value + (bone.cortex - structure.value) * share;
      if (share > 0) addPolygon(fine, width, height, inner, next - level);
      level = next;
    }
    if (Math.abs(signedArea(inner)) < 1) continue;
    const value = structure.value;
    const amplitude = bone.texture * value * 0.45;
    const profile = bone.profile;
    forEachSpan(inner, width, height, (y, x0, x1) => {
      const row = y * width;
      const py = y + 0.5;
      for (let x = x0; x < x1; x++) {
        const px = x + 0.5;
        const wx = toWorld.a * px + toWorld.b * py + toWorld.c;
        const wy = toWorld.d * px + toWorld.e * py + toWorld.f;
        let v = value;
        if (profile) {
          const s = ((wx - profile.center.x) * profile.axis.x + (wy - profile.center.y) * profile.axis.y) / profile.half;
          v *= 0.6 + 0.4 * Math.sqrt(Math.max(0, 1 - s * s));
        }
        if (amplitude !== 0) v += amplitude * trabecular(wx, wy, textureSeed);
        fine[row + x]! += v - level;
      }
    });
  }
  // Soft tissue is never uniformly thick: modulate it with a very low-frequency field.
  const ct = camera.toWorld;
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const px = (x + 0.5) * COARSE;
      const py = (y + 0.5) * COARSE;
      const wx = ct.a * px + ct.b * py + ct.c;
      const wy = ct.d * px + ct.e * py + ct.f;
      coarse[y * cw + x]! *= 0.88 + 0.24 * valueNoise(wx / 70, wy / 70, textureSeed ^ 0x2545f491);
    }
  }
  const soft = gaussianBlur(coarse, cw, ch, softEdgeMm / (camera.mmPerPixel * COARSE));
  addUpsampled(fine, width, height, soft, cw, ch, COARSE);
  return fine;
}

/** Fill with a mottled value (gas mixed with stool): two octaves of value noise at the mottle scale. */
function fillMottled(field: Float32Array, camera: Camera, outline: Polygon, value: number, mottle: Mottle, seed: number): void {
  const { width, height, toWorld: m } = camera;
  const k = 1 / mottle.scaleMm;
  forEachSpan(outline, width, height, (y, x0, x1) => {
    const row = y * width;
    const py = y + 0.5;
    for (let x = x0; x < x1; x++) {
      const px = x + 0.5;
      const wx = (m.a * px + m.b * py + m.c) * k;
      const wy = (m.d * px + m.e * py + m.f) * k;
      const n = valueNoise(wx, wy, seed ^ 0x68e31da4) * 0.65 + valueNoise(wx * 2.7, wy * 2.7, seed ^ 0x1b873593) * 0.35;
      field[row + x]! += value * (1 - mottle.amplitude + 2 * mottle.amplitude * n);
    }
  });
}
