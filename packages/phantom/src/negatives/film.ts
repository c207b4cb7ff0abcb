import { invertAffine, type Affine } from '../geometry.js';
import type { Camera, Facing } from '../camera.js';
import { develop, drawExposure } from '../develop.js';
import { drawFilmLook, applyFilmLook, type FilmLook, type FilmLookChoice } from '../look/film-look.js';
import { burnInText } from '../markers.js';
import type { ImageFormat } from '../options.js';
import { drawSize, limitSide, quantise } from '../phantom.js';
import { Rng } from '../prng.js';
import { addPolygon } from '../raster.js';
import { renderAttenuation } from '../render.js';
import { NEGATIVE_SCENES } from './index.js';
import type { NegativeKind, NegativeScene } from './scene.js';

export interface NegativeOptions {
  kind: NegativeKind;
  seed: number;
  /** Render at most this many pixels on the long side. */
  maxSide?: number;
  /** @defaultValue 'mix' (png8 40 %, png16 30 %, jpeg 30 %, as the lateral phantom) */
  format?: ImageFormat | 'mix';
  /** @defaultValue true */
  markers?: boolean;
  /** @defaultValue 'default' */
  look?: FilmLookChoice;
  /** @defaultValue 1 */
  lookStrength?: number;
}

/** One rendered out-of-scope film; the fields encodeImage needs plus what was drawn. */
export interface NegativeFilm {
  width: number;
  height: number;
  format: ImageFormat;
  jpegQuality: number;
  image: Float32Array;
  pixels: Uint8Array | Uint16Array;
  meta: { kind: NegativeKind; seed: number; facing: Facing; tiltDegrees: number; mmPerPixel: number; look?: FilmLook };
}

/** Frames the scene's window, tilted and mirrored, with a little extra room. */
function frameCamera(rng: Rng, scene: NegativeScene, width: number, height: number, tilt: number, facing: Facing): Camera {
  const mmPerPixel = Math.max(scene.span.width / width, scene.span.height / height) * rng.range(1, 1.15);
  const k = 1 / mmPerPixel;
  const c = Math.cos(tilt);
  const s = Math.sin(tilt);
  const m = facing === 'right' ? 1 : -1;
  // World → view (mirror, tilt about the window centre) → pixels, the centre shifted a little.
  const cx = scene.center.x + rng.range(-0.05, 0.05) * scene.span.width;
  const cy = scene.center.y + rng.range(-0.05, 0.05) * scene.span.height;
  const a = m * c * k;
  const b = -m * s * k;
  const d = s * k;
  const e = c * k;
  const toPixel: Affine = { a, b, d, e, c: width / 2 - (a * cx + b * cy), f: height / 2 - (d * cx + e * cy) };
  return { width, height, mmPerPixel, toPixel, toWorld: invertAffine(toPixel) };
}

function roiMask(scene: NegativeScene, camera: Camera): Uint8Array {
  const { width, height } = camera;
  const field = new Float32Array(width * height);
  const p = camera.toPixel;
  addPolygon(
    field,
    width,
    height,
    scene.roi.map((q) => ({ x: p.a * q.x + p.b * q.y + p.c, y: p.d * q.x + p.e * q.y + p.f })),
    1,
  );
  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i++) mask[i] = field[i]! > 0.5 ? 1 : 0;
  return mask;
}

/** Renders one out-of-scope film through the lateral phantom's pipeline: render, develop, markers, look, quantise. */
export function generateNegative(o: NegativeOptions): NegativeFilm {
  const root = new Rng(o.seed);
  const formatDraw = root.fork('flags').next();
  const format: ImageFormat = o.format && o.format !== 'mix' ? o.format : formatDraw < 0.4 ? 'png8' : formatDraw < 0.7 ? 'png16' : 'jpeg';
  const scene = NEGATIVE_SCENES[o.kind](root.fork(`anatomy-${o.kind}`));
  const { width, height } = limitSide(drawSize(root.fork('size')), o.maxSide);
  const pose = root.fork('pose');
  const tilt = (pose.gauss(0, 5, -15, 15) * Math.PI) / 180;
  const facing: Facing = pose.chance(0.5) ? 'right' : 'left';
  const camera = frameCamera(root.fork('camera'), scene, width, height, tilt, facing);
  const exposureRng = root.fork('exposure');
  const exposure = drawExposure(exposureRng);
  const softEdgeMm = exposureRng.range(6, 14);
  const attenuation = renderAttenuation(scene, camera, root.fork('texture').int(0, 0x7fffffff), softEdgeMm);
  const image = develop(attenuation, width, height, camera.mmPerPixel, exposure, root.fork('noise'));
  const mask = roiMask(scene, camera);
  if (o.markers ?? true) burnInText(image, mask, width, height, scene.labels, facing, root.fork('markers'));
  const look = o.look === 'random' ? drawFilmLook(root.fork('look'), o.lookStrength ?? 1, width, height, mask) : undefined;
  if (look) applyFilmLook(image, width, height, look, root.fork('look-pixels'));
  const { pixels } = quantise(image, format, root.fork('quantise'));
  return {
    width,
    height,
    format,
    jpegQuality: root.fork('jpeg').int(72, 95),
    image,
    pixels,
    meta: {
      kind: o.kind,
      seed: o.seed,
      facing,
      tiltDegrees: Math.round(((tilt * 180) / Math.PI) * 100) / 100,
      mmPerPixel: camera.mmPerPixel,
      ...(look ? { look } : {}),
    },
  };
}
