import { frameFor, type ForegroundMap, type InstanceDetection, type InstanceSet } from '@vertxnet/core';
import { describe, expect, it } from 'vitest';
import {
  detectionsStrength,
  foregroundStrength,
  invertImage,
  isWeak,
  POLARITY_RULES,
  prefersInverted,
  readWithPolarity,
  type PassStrength,
} from './polarity.js';

const frame = frameFor(200, 100, 100);

/** A foreground map with a sure square body at each of `tops` (x 40–50, 8 px tall, 4 px apart). */
function spine(tops: number[]): ForegroundMap {
  const probability = new Uint8Array(frame.width * frame.height);
  for (const top of tops) for (let y = top; y < top + 8; y++) for (let x = 40; x < 50; x++) probability[y * frame.width + x] = 250;
  return { frame, probability };
}

function detection(top: number, score: number): InstanceDetection {
  return { className: 'vertebra', score, box: [40, top, 50, top + 8], mask: { x: 40, y: top, width: 10, height: 8, data: new Uint8Array(80).fill(1) } };
}

describe('polarity strength', () => {
  it('counts the U-Net’s sure bodies and the share of the content it is sure of', () => {
    const s = foregroundStrength(spine([2, 14, 26]));
    expect(s.bodies).toBe(3);
    expect(s.sureness).toBeCloseTo((3 * 80) / (frame.width * frame.height), 6);
    expect(foregroundStrength(spine([]))).toEqual({ bodies: 0, sureness: 0 });
  });

  it('counts the Mask R-CNN’s strong bodies and weighs every detection in its mean score', () => {
    const set: InstanceSet = { frame, detections: [detection(2, 0.95), detection(14, 0.9), detection(26, 0.4), detection(38, 0.35)] };
    const s = detectionsStrength(set);
    expect(s.bodies).toBe(2);
    expect(s.sureness).toBeCloseTo(0.65, 6);
    expect(detectionsStrength({ frame, detections: [] })).toEqual({ bodies: 0, sureness: 0 });
  });
});

describe('the polarity rule', () => {
  const rule = POLARITY_RULES.detections;

  it('tries the inverse only where the first answer is weak: few bodies, or (detections) a low mean score', () => {
    expect(isWeak({ bodies: 7, sureness: 0.9 }, rule)).toBe(false);
    expect(isWeak({ bodies: 2, sureness: 0.9 }, rule)).toBe(true);
    expect(isWeak({ bodies: 7, sureness: 0.6 }, rule)).toBe(true);
    expect(isWeak({ bodies: 3, sureness: 0 }, POLARITY_RULES.foreground)).toBe(false);
  });

  it('keeps the inverse only where it finds a spine, more bodies than the first, and is clearly surer', () => {
    const first: PassStrength = { bodies: 5, sureness: 0.58 };
    expect(prefersInverted(first, { bodies: 6, sureness: 0.72 }, rule)).toBe(true);
    expect(prefersInverted(first, { bodies: 6, sureness: 0.65 }, rule)).toBe(false); // not surer by 0.1
    expect(prefersInverted(first, { bodies: 5, sureness: 0.99 }, rule)).toBe(false); // no more bodies
    expect(prefersInverted({ bodies: 0, sureness: 0.3 }, { bodies: 2, sureness: 0.9 }, rule)).toBe(false); // too few to be a spine
  });

  it('keeps neither reading’s second where both are weak, as on an AP film', () => {
    // Detections: a few more boxes, a little surer, but still weak (mean score below 0.7).
    expect(prefersInverted({ bodies: 1, sureness: 0.46 }, { bodies: 3, sureness: 0.63 }, rule)).toBe(false);
    // The U-Net: more parts gathered, but sure of a sliver of the film.
    const unet = POLARITY_RULES.foreground;
    expect(prefersInverted({ bodies: 1, sureness: 0.0012 }, { bodies: 3, sureness: 0.003 }, unet)).toBe(false);
    expect(prefersInverted({ bodies: 1, sureness: 0.0012 }, { bodies: 7, sureness: 0.06 }, unet)).toBe(true);
  });

  it('inverts an 8-bit film', () => {
    expect(Array.from(invertImage(Uint8Array.from([0, 1, 128, 255])))).toEqual([255, 254, 127, 0]);
  });
});

describe('readWithPolarity', () => {
  // A reader that finds a spine on a film whose first pixel is dark, and little on a bright one.
  const film = Uint8Array.from([10, 200, 200]);
  const read = (calls: Uint8Array[]) => async (f: Uint8Array) => {
    calls.push(f);
    return f[0]! < 128 ? spine([2, 14, 26, 38]) : spine([2]);
  };
  const judge = { strength: foregroundStrength, rule: POLARITY_RULES.foreground, enabled: true };

  it('reads a strong film once, as it is', async () => {
    const calls: Uint8Array[] = [];
    const choice = await readWithPolarity(film, read(calls), judge);
    expect(calls).toHaveLength(1);
    expect(choice.inverted).toBeUndefined();
  });

  it('reads a weak film inverted too, and keeps the stronger answer', async () => {
    const calls: Uint8Array[] = [];
    const bright = invertImage(film);
    const choice = await readWithPolarity(bright, read(calls), judge);
    expect(calls).toHaveLength(2);
    expect(Array.from(calls[1]!)).toEqual(Array.from(film));
    expect(choice.inverted).toBe(true);
    expect(foregroundStrength(choice).bodies).toBe(4);
  });

  it('keeps the first answer where the inverse is no stronger, and never looks without the manifest’s pass', async () => {
    const weakBoth = async () => spine([2]);
    expect((await readWithPolarity(film, weakBoth, judge)).inverted).toBeUndefined();
    const calls: Uint8Array[] = [];
    const off = await readWithPolarity(invertImage(film), read(calls), { ...judge, enabled: false });
    expect(calls).toHaveLength(1);
    expect(off.inverted).toBeUndefined();
  });
});
