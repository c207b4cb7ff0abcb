import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { CocoDataset } from './coco.js';
import { phantomCommand } from './command.js';
import { encodeImage } from './encode.js';
import { applyGrid } from './look/grid.js';
import { jpegRoundTrip } from './look/jpeg.js';
import { applyNoise } from './look/noise.js';
import { applySharpness } from './look/sharpness.js';
import { applyShutters, drawShutters, labelledBox } from './look/shutters.js';
import { applyTone, invert, TONE_CURVES, type ToneLook } from './look/tone.js';
import { generatePhantom } from './phantom.js';
import { Rng } from './prng.js';
import { writePhantomSet } from './write-set.js';
import { boneAndRestMeans } from '../../../test/helpers/phantom-means.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'phantom-look-test-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const small = { maxSide: 200, view: 'lumbar', markers: false } as const;

const means = boneAndRestMeans;

function sd(values: Float32Array): number {
  const mean = values.reduce((a, v) => a + v, 0) / values.length;
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
}

/** Magnitude of the discrete Fourier component at `frequency` (cycles per sample) of a profile. */
function fourier(profile: number[], frequency: number): number {
  let re = 0;
  let im = 0;
  profile.forEach((v, x) => {
    re += v * Math.cos(2 * Math.PI * frequency * x);
    im += v * Math.sin(2 * Math.PI * frequency * x);
  });
  return Math.hypot(re, im) / profile.length;
}

describe('random film look on generatePhantom', () => {
  it('is deterministic from the image seed', () => {
    const a = generatePhantom({ seed: 21, ...small, look: 'random' });
    const b = generatePhantom({ seed: 21, ...small, look: 'random' });
    expect(Buffer.from(b.pixels.buffer).equals(Buffer.from(a.pixels.buffer))).toBe(true);
    expect(b.meta.look).toEqual(a.meta.look);
    expect(generatePhantom({ seed: 22, ...small, look: 'random' }).meta.look).not.toEqual(a.meta.look);
  });

  it('changes the film but not the ground truth', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const plain = generatePhantom({ seed, maxSide: 200 });
      const looked = generatePhantom({ seed, maxSide: 200, look: 'random' });
      expect(Buffer.from(looked.labelMask).equals(Buffer.from(plain.labelMask))).toBe(true);
      expect(looked.instances).toEqual(plain.instances);
      expect(looked.unlabelled).toEqual(plain.unlabelled);
      const { look, ...meta } = looked.meta;
      expect(meta).toEqual(plain.meta);
      expect(look?.strength).toBe(1);
      expect(Buffer.from(looked.pixels.buffer).equals(Buffer.from(plain.pixels.buffer))).toBe(false);
    }
  });

  it('leaves the default film as it was, and strength 0 next to no change', () => {
    const before = generatePhantom({ seed: 8, ...small });
    const explicit = generatePhantom({ seed: 8, ...small, look: 'default' });
    expect(Buffer.from(explicit.pixels.buffer).equals(Buffer.from(before.pixels.buffer))).toBe(true);
    expect(explicit.meta.look).toBeUndefined();
    const none = generatePhantom({ seed: 8, ...small, look: 'random', lookStrength: 0 });
    let worst = 0;
    none.image.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - before.image[i]!))));
    expect(worst).toBeLessThan(0.01);
    expect(none.meta.look?.shutters).toEqual([]);
    expect(none.meta.look?.inverted).toBe(false);
    expect(none.meta.look?.jpegQuality).toBeNull();
  });

  it('keeps values and bit depths valid for png8, png16 and jpeg', async () => {
    for (const format of ['png8', 'png16', 'jpeg'] as const) {
      for (const seed of [31, 32, 33]) {
        const p = generatePhantom({ seed, maxSide: 160, format, look: 'random' });
        expect(p.image.every((v) => v >= 0 && v <= 1)).toBe(true);
        const meta = await sharp(await encodeImage(p)).metadata();
        expect([meta.width, meta.height, meta.channels]).toEqual([p.width, p.height, 1]);
        if (format === 'png16') {
          expect(p.pixels).toBeInstanceOf(Uint16Array);
          expect(meta.depth).toBe('ushort');
        } else {
          expect(p.pixels).toBeInstanceOf(Uint8Array);
          expect(meta.depth).toBe('uchar');
        }
      }
    }
  });

  it('inverted polarity puts bone below the background', () => {
    let seed = 0;
    let p = generatePhantom({ seed, ...small, look: 'random' });
    while (!p.meta.look?.inverted) p = generatePhantom({ seed: ++seed, ...small, look: 'random' });
    const plain = means(generatePhantom({ seed, ...small }));
    const inverted = means(p);
    expect(plain.bone).toBeGreaterThan(plain.rest);
    expect(inverted.bone).toBeLessThan(inverted.rest);
  });
});

describe('film-look transforms', () => {
  const film = generatePhantom({ seed: 3, maxSide: 300, view: 'lumbar', markers: false });

  it('invert flips the order of bone and background means', () => {
    const image = new Float32Array(film.image);
    invert(image);
    const before = means(film);
    const after = means({ image, labelMask: film.labelMask });
    expect(before.bone).toBeGreaterThan(before.rest);
    expect(after.bone).toBeLessThan(after.rest);
    expect(after.bone).toBeCloseTo(1 - before.bone, 5);
  });

  it('every tone curve is monotone with its ends kept; a band squeezes the histogram', () => {
    const ramp = Float32Array.from({ length: 1001 }, (_, i) => i / 1000);
    for (const curve of TONE_CURVES) {
      for (const seed of [1, 2, 3]) {
        const r = new Rng(seed);
        const tone: ToneLook = {
          gain: 1,
          offset: 0,
          curve,
          shape: curve === 'gamma' ? r.range(0.45, 2.2) : curve === 'sigmoid' ? r.range(3, 12) : curve === 'log' ? r.range(2, 50) : 0,
          knots: curve === 'sigmoid' ? [0.5] : [0.3, r.range(0.05, 0.6), 0.7, r.range(0.6, 0.95)],
        };
        const image = new Float32Array(ramp);
        applyTone(image, tone, null);
        expect(image[0]).toBeCloseTo(0, 5);
        expect(image[1000]).toBeCloseTo(1, 5);
        for (let i = 1; i < image.length; i++) expect(image[i]!).toBeGreaterThanOrEqual(image[i - 1]! - 1e-6);
        applyTone(image, { gain: 1, offset: 0, curve: 'gamma', shape: 1, knots: [] }, { low: 0.3, high: 0.55 });
        expect(Math.min(...image)).toBeGreaterThanOrEqual(0.3 - 1e-6);
        expect(Math.max(...image)).toBeLessThanOrEqual(0.55 + 1e-6);
      }
    }
  });

  it('grid lines add a periodic component across the film, in the drawn orientation', () => {
    const { width, height } = film;
    const image = new Float32Array(film.image);
    applyGrid(image, width, height, { orientation: 'vertical', periodPx: 4.5, amplitude: 0.03, phase: 1 });
    const columns = (img: Float32Array) =>
      Array.from({ length: width }, (_, x) => {
        let s = 0;
        for (let y = 0; y < height; y++) s += img[y * width + x]!;
        return s / height;
      });
    const before = fourier(columns(film.image), 1 / 4.5);
    const after = fourier(columns(image), 1 / 4.5);
    expect(after).toBeGreaterThan(0.012);
    expect(after).toBeGreaterThan(5 * before);
    // Vertical stripes: every row gets the same added profile.
    const added = (y: number, x: number) => image[y * width + x]! - film.image[y * width + x]!;
    expect(added(10, 7)).toBeCloseTo(added(height - 10, 7), 5);
  });

  it('JPEG re-compression changes pixels, keeps size, and grows worse with lower quality', () => {
    const { width, height } = film;
    const error = (quality: number) => {
      const image = new Float32Array(film.image);
      jpegRoundTrip(image, width, height, quality);
      expect(image.length).toBe(film.image.length);
      expect(image.every((v) => v >= 0 && v <= 1 && Number.isInteger(Math.round(v * 255 * 1e4) / 1e4))).toBe(true);
      let e = 0;
      image.forEach((v, i) => (e += Math.abs(v - film.image[i]!)));
      return e / image.length;
    };
    const q10 = error(10);
    const q40 = error(40);
    expect(q10).toBeGreaterThan(q40);
    expect(q40).toBeGreaterThan(1 / 255);
  });

  it('shutters never reach a labelled pixel, and darken or brighten what they cover', () => {
    let blades = 0;
    for (let seed = 0; seed < 40; seed++) {
      const p = generatePhantom({ seed, maxSide: 200, markers: false });
      const shutters = drawShutters(new Rng(seed), 1, p.width, p.height, labelledBox(p.labelMask, p.width, p.height));
      const cover = new Float32Array(p.width * p.height);
      applyShutters(
        cover,
        p.width,
        p.height,
        shutters.map((s) => ({ ...s, value: 1 })),
      );
      p.labelMask.forEach((code, i) => {
        if (code) expect(cover[i]).toBe(0);
      });
      blades += shutters.length;
      if (shutters.length > 0) expect(cover.some((v) => v === 1)).toBe(true);
    }
    expect(blades).toBeGreaterThan(20);
  });

  it('noise: Gaussian is flat, Poisson-like grows with the signal, grain is correlated', () => {
    const width = 128;
    const height = 128;
    const flat = (v: number) => new Float32Array(width * height).fill(v);
    const dark = flat(0.1);
    const bright = flat(0.9);
    applyNoise(dark, width, height, { gaussian: 0, signal: 0.05, grain: 0, grainPx: 1 }, new Rng(1));
    applyNoise(bright, width, height, { gaussian: 0, signal: 0.05, grain: 0, grainPx: 1 }, new Rng(1));
    expect(sd(bright) / sd(dark)).toBeCloseTo(3, 0);
    const white = flat(0.5);
    applyNoise(white, width, height, { gaussian: 0.02, signal: 0, grain: 0, grainPx: 1 }, new Rng(2));
    expect(sd(white)).toBeCloseTo(0.02, 2);
    const grain = flat(0.5);
    applyNoise(grain, width, height, { gaussian: 0, signal: 0, grain: 0.02, grainPx: 1.5 }, new Rng(3));
    let num = 0;
    for (let i = 0; i < grain.length - 1; i++) num += (grain[i]! - 0.5) * (grain[i + 1]! - 0.5);
    const correlation = num / (grain.length - 1) / sd(grain) ** 2;
    expect(correlation).toBeGreaterThan(0.5);
    expect(sd(grain)).toBeGreaterThan(0.01);
  });

  it('blur softens an edge; unsharp masking overshoots it', () => {
    const width = 64;
    const height = 8;
    const step = () => Float32Array.from({ length: width * height }, (_, i) => (i % width < 32 ? 0.3 : 0.7));
    const blurred = step();
    applySharpness(blurred, width, height, { blurPx: 2, sharpen: [] });
    expect(blurred[4 * width + 32]!).toBeLessThan(0.7);
    expect(blurred[4 * width + 31]!).toBeGreaterThan(0.3);
    const sharpened = step();
    applySharpness(sharpened, width, height, {
      blurPx: 0,
      sharpen: [
        { radiusPx: 3, amount: 1 },
        { radiusPx: 20, amount: 0.5 },
      ],
    });
    expect(Math.max(...sharpened)).toBeGreaterThan(0.75);
    expect(Math.min(...sharpened)).toBeLessThan(0.25);
  });
});

describe('writePhantomSet and the CLI with a look', () => {
  it('writes the same labels and annotations as without it, plus images[].look', async () => {
    const plain = await tempDir();
    const looked = await tempDir();
    await writePhantomSet({ out: plain, count: 4, seed: 5, maxSide: 160 });
    await writePhantomSet({ out: looked, count: 4, seed: 5, maxSide: 160, look: 'random', lookStrength: 0.7 });
    for (const f of await readdir(join(plain, 'labels'))) {
      expect((await readFile(join(looked, 'labels', f))).equals(await readFile(join(plain, 'labels', f)))).toBe(true);
    }
    const a = JSON.parse(await readFile(join(plain, 'annotations.json'), 'utf8')) as CocoDataset;
    const b = JSON.parse(await readFile(join(looked, 'annotations.json'), 'utf8')) as CocoDataset;
    expect(a.images.every((i) => i.look === undefined)).toBe(true);
    expect(b.images.every((i) => i.look?.strength === 0.7 && Array.isArray(i.look.stages))).toBe(true);
    expect({ ...b, images: b.images.map(({ look: _look, ...rest }) => rest) }).toEqual(a);
  });

  it('takes --look and --look-strength, and refuses unknown looks', async () => {
    const out = await tempDir();
    const args = ['--out', out, '--count', '2', '--seed', '9', '--max-side', '128', '--quiet'];
    const log = console.log;
    console.log = () => {};
    try {
      await phantomCommand().parseAsync([...args, '--look', 'random', '--look-strength', '0.4'], { from: 'user' });
    } finally {
      console.log = log;
    }
    const dataset = JSON.parse(await readFile(join(out, 'annotations.json'), 'utf8')) as CocoDataset;
    expect(dataset.images.map((i) => i.look?.strength)).toEqual([0.4, 0.4]);
    const refuse = (extra: string[]) =>
      phantomCommand()
        .exitOverride()
        .configureOutput({ writeErr: () => {} })
        .parseAsync([...args, ...extra], { from: 'user' });
    await expect(refuse(['--look', 'vintage'])).rejects.toThrow(/--look/);
    await expect(refuse(['--look', 'random', '--look-strength', '2'])).rejects.toThrow(/share/);
  });
});
