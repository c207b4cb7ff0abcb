import { applyAffine, bounds, invertAffine, type Affine, type Polygon } from './geometry.js';
import type { Rng } from './prng.js';
import type { Scene } from './scene.js';

/** Which way the patient faces in the image (anterior to the left or to the right). */
export type Facing = 'left' | 'right';
/** Which edge of the field of view cuts through labelled levels. */
export type Cut = 'none' | 'top' | 'bottom' | 'both';

export interface Camera {
  width: number;
  height: number;
  mmPerPixel: number;
  /** World mm → image pixels (tilt, mirror, field of view, scale). */
  toPixel: Affine;
  toWorld: Affine;
}

export interface CameraChoice {
  camera: Camera;
  cut: Cut;
}

/**
 * Places the detector over the scene: tilt and mirror, then a window around the labelled levels,
 * with margins (full view) or with an edge passing through a labelled body (partial view).
 */
export function chooseCamera(rng: Rng, scene: Scene, width: number, height: number, tilt: number, facing: Facing, partial: boolean): CameraChoice {
  const toView = viewTransform(tilt, facing);
  const labelled = labelledInView(scene, toView);
  const first = labelled[0]!;
  const last = labelled[labelled.length - 1]!;
  let top = first.minY - rng.range(...scene.marginAbove);
  let bottom = last.maxY + rng.range(...scene.marginBelow);
  let cut: Cut = 'none';
  if (partial) {
    cut = rng.pick(['top', 'top', 'bottom', 'bottom', 'both'] as const);
    const n = labelled.length;
    const through = (k: number) => {
      const b = labelled[k]!;
      return b.minY + (b.maxY - b.minY) * rng.range(0.15, 0.85);
    };
    if (cut === 'top' || cut === 'both') top = through(rng.int(0, cut === 'both' ? 1 : 3));
    if (cut === 'bottom' || cut === 'both') bottom = through(n - 1 - rng.int(0, cut === 'both' ? 1 : 3));
  }
  const heightMm = bottom - top;
  const widthMm = (heightMm * width) / height;
  const minX = Math.min(...labelled.map((b) => b.minX));
  const maxX = Math.max(...labelled.map((b) => b.maxX));
  const center = (minX + maxX) / 2;
  let left = center - widthMm * rng.range(0.35, 0.65);
  // Keep the column inside the field of view sideways when it fits.
  if (maxX - minX < widthMm * 0.95) {
    left = Math.min(left, minX - widthMm * 0.025);
    left = Math.max(left, maxX + widthMm * 0.025 - widthMm);
  }
  return { camera: cameraAt(toView, width, height, heightMm / height, left, top), cut };
}

/**
 * A head film (cephalogram): the whole head in the field and the column cut below C4 (at times
 * through C5), so that C2–C4 sit small in a lower corner. The space the film's aspect leaves over
 * goes mostly above the vertex and to either side at random.
 */
export function chooseHeadCamera(rng: Rng, scene: Scene, width: number, height: number, tilt: number, facing: Facing): CameraChoice {
  if (!scene.head) throw new RangeError(`a ${scene.view} scene has no head to frame`);
  const toView = viewTransform(tilt, facing);
  const head = bounds(scene.head.map((p) => applyAffine(toView, p)));
  const labelled = labelledInView(scene, toView);
  const [c4, c5] = [labelled[2]!, labelled[3]!];
  let bottom = rng.chance(0.5) ? c4.maxY + rng.range(1, 4) : c5.minY + (c5.maxY - c5.minY) * rng.range(0.2, 0.9);
  let top = head.minY - rng.range(-10, 15);
  const upper = labelled.slice(0, 3);
  const minX = Math.min(head.minX, ...upper.map((b) => b.minX)) - rng.range(0, 15);
  const maxX = Math.max(head.maxX, ...upper.map((b) => b.maxX)) + rng.range(0, 15);
  const mmPerPixel = Math.max((bottom - top) / height, (maxX - minX) / width);
  const extraY = height * mmPerPixel - (bottom - top);
  const above = extraY * rng.range(0.6, 1);
  top -= above;
  bottom += extraY - above;
  const left = minX - (width * mmPerPixel - (maxX - minX)) * rng.range(0, 1);
  return { camera: cameraAt(toView, width, height, mmPerPixel, left, top), cut: 'bottom' };
}

/** World mm → view mm: tilt, then mirror for a patient facing left. */
function viewTransform(tilt: number, facing: Facing): Affine {
  const c = Math.cos(tilt);
  const s = Math.sin(tilt);
  const m = facing === 'right' ? 1 : -1;
  return { a: m * c, b: -m * s, c: 0, d: s, e: c, f: 0 };
}

function labelledInView(scene: Scene, toView: Affine) {
  return scene.bodies.filter((b) => b.labelled).map((b) => bounds(b.outline.map((p) => applyAffine(toView, p))));
}

/** The detector whose top-left corner is (left, top) in view mm, at `mmPerPixel`. */
function cameraAt(toView: Affine, width: number, height: number, mmPerPixel: number, left: number, top: number): Camera {
  const k = 1 / mmPerPixel;
  const toPixel: Affine = {
    a: toView.a * k,
    b: toView.b * k,
    c: -left * k,
    d: toView.d * k,
    e: toView.e * k,
    f: -top * k,
  };
  return { width, height, mmPerPixel, toPixel, toWorld: invertAffine(toPixel) };
}

export function project(camera: Camera, outline: Polygon): Polygon {
  return outline.map((p) => applyAffine(camera.toPixel, p));
}
