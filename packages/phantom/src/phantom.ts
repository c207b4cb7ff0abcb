import type { Level, View } from '@vertxnet/core';
import { cervicalScene } from './anatomy/cervical.js';
import { lumbarScene } from './anatomy/lumbar.js';
import { anatomyRecord, drawAnatomyVariation, type AnatomyRecord } from './anatomy/variation.js';
import { chooseCamera, chooseHeadCamera, type Cut, type Facing } from './camera.js';
import { develop, drawExposure } from './develop.js';
import { groundTruth, type PhantomInstance, type UnlabelledBody } from './ground-truth.js';
import { burnInMarkers } from './markers.js';
import { phantomOptionsSchema, type ImageFormat, type PhantomOptions } from './options.js';
import { Rng } from './prng.js';
import { renderAttenuation } from './render.js';
import { applyFilmLook, drawFilmLook, type FilmLook } from './look/film-look.js';

export interface PhantomMeta {
  seed: number;
  view: View;
  facing: Facing;
  /** Ankylosing spondylitis features (bridges, squared bodies). */
  ankylosing: boolean;
  implants: boolean;
  /** Labelled levels with at least part of their body in the image, top to bottom. */
  levelsInView: Level[];
  /** Edge(s) of the field of view that cut through labelled levels. */
  cut: Cut;
  /** Present on head films (`headShare`): the whole skull in the field, C2–C4 small in a corner. */
  field?: 'head';
  tiltDegrees: number;
  mmPerPixel: number;
  /** Bits per sample in the file (8 or 16) and significant bits of the values. */
  bits: 8 | 16;
  bitsStored: number;
  /** The randomised film look, absent with look 'default'. */
  look?: FilmLook;
  /** The varied anatomy, absent with anatomy 'default'. */
  anatomy?: AnatomyRecord;
}

export interface Phantom {
  width: number;
  height: number;
  format: ImageFormat;
  /** JPEG quality the image is written with (format jpeg). */
  jpegQuality: number;
  /** The processed radiograph in [0, 1], MONOCHROME2 (bone bright), row-major. */
  image: Float32Array;
  /** Stored sample values as written to the file (JPEG then compresses them lossily). */
  pixels: Uint8Array | Uint16Array;
  /** Pixel = VerSe code of the body, 0 = background. */
  labelMask: Uint8Array;
  instances: PhantomInstance[];
  /** Bodies in view outside the labelled range (not in the label mask): evaluation ignores detections of them. */
  unlabelled: UnlabelledBody[];
  meta: PhantomMeta;
}

/** Image size drawn from the seed: 700–3000 px on the long side, aspect 0.7–1.4. */
export function drawSize(rng: Rng): { width: number; height: number } {
  const long = rng.range(700, 3000);
  const aspect = rng.range(0.7, 1.4);
  return aspect >= 1 ? { width: Math.round(long), height: Math.round(long / aspect) } : { width: Math.round(long * aspect), height: Math.round(long) };
}

/** The size scaled down, aspect kept, so that its long side is at most `maxSide` (no change without one). */
export function limitSide(size: { width: number; height: number }, maxSide: number | undefined): { width: number; height: number } {
  const long = Math.max(size.width, size.height);
  if (!maxSide || long <= maxSide) return size;
  const k = maxSide / long;
  return { width: Math.max(1, Math.round(size.width * k)), height: Math.max(1, Math.round(size.height * k)) };
}

/** Stored sample values: 8-bit, or 10–14 significant bits in a 16-bit container (png16). */
export function quantise(image: Float32Array, format: ImageFormat, rng: Rng): { pixels: Uint8Array | Uint16Array; bitsStored: number } {
  if (format !== 'png16') {
    const pixels = new Uint8Array(image.length);
    for (let i = 0; i < image.length; i++) pixels[i] = (image[i]! * 255 + 0.5) | 0;
    return { pixels, bitsStored: 8 };
  }
  // 12-bit-ish detector values in a 16-bit container: raw, shifted to the top bits, or offset.
  const bitsStored = rng.pick([10, 12, 12, 12, 14]);
  const max = 2 ** bitsStored - 1;
  const mode = rng.pick(['raw', 'shifted', 'offset'] as const);
  const gain = mode === 'shifted' ? 2 ** (16 - bitsStored) : 1;
  const offset = mode === 'offset' ? Math.floor(rng.range(0, 65535 - max)) : 0;
  const pixels = new Uint16Array(image.length);
  for (let i = 0; i < image.length; i++) pixels[i] = ((image[i]! * max + 0.5) | 0) * gain + offset;
  return { pixels, bitsStored };
}

/** Generates one synthetic lateral spine radiograph with its ground truth; pure and deterministic from the seed. */
export function generatePhantom(options: PhantomOptions): Phantom {
  const o = phantomOptionsSchema.parse(options);
  const root = new Rng(o.seed);
  const flags = root.fork('flags');
  const viewDraw = flags.next();
  const asDraw = flags.next();
  const implantDraw = flags.next();
  const partialDraw = flags.next();
  const formatDraw = flags.next();
  const view: View = o.view === 'mixed' ? (viewDraw < 0.5 ? 'cervical' : 'lumbar') : o.view;
  const ankylosing = asDraw < o.asShare;
  const implants = implantDraw < o.implantShare;
  const partial = partialDraw < o.partialShare;
  // Its own stream, so that films of earlier sets (head share 0) are drawn exactly as before.
  const head = view === 'cervical' && root.fork('field').next() < o.headShare;
  const format: ImageFormat = o.format !== 'mix' ? o.format : formatDraw < 0.4 ? 'png8' : formatDraw < 0.7 ? 'png16' : 'jpeg';

  const anatomy = root.fork(`anatomy-${view}`);
  // Its own stream: the patient's own draws stay those of the default anatomy, only widened.
  const variation = o.anatomy === 'random' ? drawAnatomyVariation(root.fork('anatomy-variation'), view) : undefined;
  const sceneOptions = { ankylosing, implants, variation };
  const scene = view === 'cervical' ? cervicalScene(anatomy, sceneOptions) : lumbarScene(anatomy, sceneOptions);

  const { width, height } = o.size ?? limitSide(drawSize(root.fork('size')), o.maxSide);
  const pose = root.fork('pose');
  const tilt = (pose.gauss(0, 8, -20, 20) * Math.PI) / 180;
  const facing: Facing = pose.chance(0.5) ? 'right' : 'left';
  const { camera, cut } = head
    ? chooseHeadCamera(root.fork('camera'), scene, width, height, tilt, facing)
    : chooseCamera(root.fork('camera'), scene, width, height, tilt, facing, partial);

  const exposureRng = root.fork('exposure');
  const exposure = drawExposure(exposureRng);
  const softEdgeMm = exposureRng.range(6, 14);
  const attenuation = renderAttenuation(scene, camera, root.fork('texture').int(0, 0x7fffffff), softEdgeMm);
  const image = develop(attenuation, width, height, camera.mmPerPixel, exposure, root.fork('noise'));
  const { labelMask, instances, unlabelled } = groundTruth(scene, camera);
  if (o.markers) burnInMarkers(image, labelMask, width, height, view, facing, root.fork('markers'));
  // Last, on the finished film: anatomy, ground truth and every other stream are drawn before it.
  const look = o.look === 'random' ? drawFilmLook(root.fork('look'), o.lookStrength, width, height, labelMask) : undefined;
  if (look) applyFilmLook(image, width, height, look, root.fork('look-pixels'));
  const { pixels, bitsStored } = quantise(image, format, root.fork('quantise'));

  return {
    width,
    height,
    format,
    jpegQuality: root.fork('jpeg').int(72, 95),
    image,
    pixels,
    labelMask,
    instances,
    unlabelled,
    meta: {
      seed: o.seed,
      view,
      facing,
      ankylosing,
      implants,
      levelsInView: instances.map((i) => i.level),
      cut,
      ...(head ? { field: 'head' as const } : {}),
      tiltDegrees: Math.round(((tilt * 180) / Math.PI) * 100) / 100,
      mmPerPixel: camera.mmPerPixel,
      bits: format === 'png16' ? 16 : 8,
      bitsStored,
      ...(look ? { look } : {}),
      ...(variation ? { anatomy: anatomyRecord(variation) } : {}),
    },
  };
}
