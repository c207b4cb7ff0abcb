import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '@vertxnet/core';
import { letterbox, normalise } from './preprocess.js';
import { resizeBilinear } from './resample.js';

const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';

/** Pillow's letterbox, as training/vertxnet_train/preprocess.py does it: content size rounded half up, BILINEAR, top-left. */
const PIL_LETTERBOX = `
import json, math, sys
import numpy as np
from PIL import Image
d = sys.argv[1]
for case in json.load(open(d + "/cases.json")):
    w, h, s = case["width"], case["height"], case["size"]
    gray = np.fromfile("%s/%s.in" % (d, case["name"]), np.uint8).reshape(h, w)
    scale = s / float(max(w, h))
    fw = max(1, min(s, int(math.floor(w * scale + 0.5))))
    fh = max(1, min(s, int(math.floor(h * scale + 0.5))))
    content = gray if (fw, fh) == (w, h) else np.array(Image.fromarray(gray, mode="L").resize((fw, fh), Image.BILINEAR))
    canvas = np.zeros((s, s), np.uint8)
    canvas[:fh, :fw] = content
    canvas.tofile("%s/%s.out" % (d, case["name"]))
`;

/** Deterministic test images: noise, a gradient and hard edges, so every resampling tap matters. */
function image(width: number, height: number, seed: number): Uint8Array {
  let state = seed;
  const random = (): number => ((state = (state * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const edge = (Math.floor(x / 7) + Math.floor(y / 5)) % 2 === 0 ? 200 : 20;
      out[y * width + x] = seed % 3 === 0 ? random() : seed % 3 === 1 ? ((x * 255) / width + (y * 31) / height) & 0xff : edge;
    }
  }
  return out;
}

const CASES = [
  { name: 'big-landscape-noise', width: 1003, height: 701, size: 512, seed: 3 },
  { name: 'tall-gradient', width: 613, height: 2048, size: 512, seed: 4 },
  { name: 'mild-downscale-edges', width: 577, height: 530, size: 512, seed: 5 },
  { name: 'upscale-noise', width: 37, height: 23, size: 64, seed: 6 },
  { name: 'upscale-edges', width: 50, height: 90, size: 128, seed: 8 },
  { name: 'thin-line', width: 301, height: 3, size: 100, seed: 9 },
  { name: 'exact-fit-gradient', width: 64, height: 40, size: 64, seed: 10 },
];

describe('letterbox', () => {
  it('scales the long side to the input size and pads the right and bottom with zeros', () => {
    const gray = new Uint8Array(300 * 200).fill(100);
    const { pixels, frame } = letterbox(gray, 300, 200, 64);
    expect(frame).toEqual({ sourceWidth: 300, sourceHeight: 200, scale: 64 / 300, width: 64, height: 43, size: 64 });
    expect(pixels).toHaveLength(64 * 64);
    expect(pixels[0]).toBe(100);
    expect(pixels[42 * 64 + 63]).toBe(100);
    expect(pixels[43 * 64]).toBe(0);
    const tall = letterbox(new Uint8Array(10 * 40).fill(7), 10, 40, 64);
    expect([tall.frame.width, tall.frame.height]).toEqual([16, 64]);
    expect(tall.pixels[15]).toBe(7);
    expect(tall.pixels[16]).toBe(0);
  });

  it('keeps an image that already fits exactly, pixel for pixel', () => {
    const gray = image(64, 40, 10);
    const { pixels } = letterbox(gray, 64, 40, 64);
    expect(Array.from(pixels.subarray(64, 128))).toEqual(Array.from(gray.subarray(64, 128)));
  });

  it('refuses a buffer that does not match its size', () => {
    expect(() => letterbox(new Uint8Array(10), 4, 4, 64)).toThrow(InputError);
    expect(() => letterbox(new Uint8Array(0), 0, 0, 64)).toThrow(/not a positive integer size/);
  });

  describe('matches Pillow (Image.resize BILINEAR) on real images', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'vertxnet-letterbox-'));
      await writeFile(join(dir, 'cases.json'), JSON.stringify(CASES));
      for (const c of CASES) await writeFile(join(dir, `${c.name}.in`), image(c.width, c.height, c.seed));
      await promisify(execFile)(PYTHON, ['-c', PIL_LETTERBOX, dir]);
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it.each(CASES)('$name ($width x $height into $size): max abs diff 0', async (c) => {
      const pil = new Uint8Array(await readFile(join(dir, `${c.name}.out`)));
      const { pixels } = letterbox(image(c.width, c.height, c.seed), c.width, c.height, c.size);
      let worst = 0;
      for (let i = 0; i < pil.length; i++) worst = Math.max(worst, Math.abs(pixels[i]! - pil[i]!));
      expect(pixels).toHaveLength(pil.length);
      expect(worst).toBe(0);
    });
  });
});

describe('resizeBilinear', () => {
  it('averages over the whole reduction when downscaling, as Pillow does', () => {
    // 0/255 stripes reduced 3x: each output mixes about 6 source pixels and stays near the mean, where a
    // two-tap interpolation would land on 0 or 255. Expected values from Pillow 9.4.
    const stripes = Uint8Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? 0 : 255));
    expect(Array.from(resizeBilinear(stripes, 12, 1, 4, 1))).toEqual([128, 113, 142, 128]);
  });
});

describe('normalise', () => {
  it('computes (pixel / 255 - mean) / std in float32', () => {
    const out = normalise(Float32Array.from([0, 255, 51]), 0.5, 0.25);
    expect(Array.from(out)).toEqual([-2, 2, Math.fround(Math.fround(Math.fround(0.2) - 0.5) / 0.25)]);
  });
});
