import { describe, expect, it } from 'vitest';
import { frameFor, ModelError } from '@vertxnet/core';
import { toForegroundMap, toInstanceSet, toLevelGrid, toOutOfScope, toViewScores } from './postprocess.js';

// A 16 x 12 image in an 8 x 8 model input: content is 8 x 6, rows 6 and 7 are padding.
const frame = frameFor(16, 12, 8);
const S = 8;
const CLASSES = ['background', 'vertebra', 'C2', 'S1'];

describe('toForegroundMap', () => {
  it('crops to the content region and scales probabilities to 0..255, rounded and clamped', () => {
    const output = new Float32Array(S * S).fill(0.8);
    output[0] = 0.5;
    output[1] = 1.2;
    output[2] = -0.1;
    output[S * 5 + 7] = 0.25;
    const map = toForegroundMap(output, frame);
    expect(map.frame).toBe(frame);
    expect(map.probability).toHaveLength(8 * 6);
    expect(Array.from(map.probability.subarray(0, 4))).toEqual([128, 255, 0, 204]);
    expect(map.probability[5 * 8 + 7]).toBe(64);
  });

  it('refuses an output of the wrong size', () => {
    expect(() => toForegroundMap(new Float32Array(10), frame)).toThrow(ModelError);
  });
});

/** K masks of S x S from per-detection painters. */
function masks(...painters: ((x: number, y: number) => number)[]): Float32Array {
  const out = new Float32Array(painters.length * S * S);
  painters.forEach((paint, k) => {
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) out[k * S * S + y * S + x] = paint(x, y);
  });
  return out;
}

describe('toInstanceSet', () => {
  const outputs = {
    // prettier-ignore
    boxes: [
      1.4, 0.6, 4.6, 3.5,  // kept: rounds to x 1..5, y 1..4
      0, 0, 8, 6,          // score below threshold
      6, 4, 10, 9,         // kept, clipped to the content (8 x 6)
      3, 3, 3.2, 5,        // rounds to zero width
      0, 0, 8, 6,          // mask empty
    ],
    labels: BigInt64Array.from([1n, 1n, 3n, 2n, 1n]),
    scores: [0.9, 0.2, 0.6, 0.95, 0.7],
    masks: masks(
      (x, y) => (x === 2 && y <= 2 ? 0.8 : y === 7 ? 0.99 : 0.1), // 0.99 on row 7 lies outside the box: ignored
      () => 1,
      (x, y) => (x === 7 && y === 5 ? 0.5 : 0.49),
      () => 1,
      () => 0.49,
    ),
  };

  it('keeps confident detections, thresholds masks inside their rounded boxes, drops empty ones', () => {
    const set = toInstanceSet(outputs, frame, CLASSES);
    expect(set.frame).toBe(frame);
    expect(set.detections).toEqual([
      {
        className: 'vertebra',
        score: 0.9,
        box: [1.4, 0.6, 4.6, 3.5],
        mask: { x: 1, y: 1, width: 4, height: 3, data: Uint8Array.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]) },
      },
      {
        className: 'S1',
        score: 0.6,
        box: [6, 4, 8, 6],
        mask: { x: 6, y: 4, width: 2, height: 2, data: Uint8Array.from([0, 0, 0, 1]) },
      },
    ]);
  });

  it('applies the thresholds it is given', () => {
    const set = toInstanceSet(outputs, frame, CLASSES, { scoreThreshold: 0.1, maskThreshold: 0.45 });
    expect(set.detections.map((d) => [d.className, d.score])).toEqual([
      ['vertebra', 0.9],
      ['vertebra', 0.7],
      ['S1', 0.6],
      ['vertebra', 0.2],
    ]);
  });

  it('refuses outputs that disagree in count or name a class the manifest lacks', () => {
    expect(() => toInstanceSet({ ...outputs, scores: [0.9] }, frame, CLASSES)).toThrow(/disagree/);
    expect(() => toInstanceSet(outputs, frame, ['background', 'vertebra'])).toThrow(ModelError);
  });
});

describe('toViewScores', () => {
  it("maps the view head's softmax by the manifest's order and refuses anything else", () => {
    expect(toViewScores(Float32Array.from([0.25, 0.75]), ['cervical', 'lumbar'])).toEqual({ cervical: 0.25, lumbar: 0.75 });
    expect(toViewScores(Float32Array.from([0.25, 0.75]), ['lumbar', 'cervical'])).toEqual({ cervical: 0.75, lumbar: 0.25 });
    expect(() => toViewScores(Float32Array.from([0.5]), ['cervical', 'lumbar'])).toThrow(ModelError);
    expect(() => toViewScores(Float32Array.from([NaN, 1]), ['cervical', 'lumbar'])).toThrow(/not 2 probabilities/);
  });
});

describe('toOutOfScope', () => {
  it('takes the probability of "other" by the manifest\'s order and refuses anything else', () => {
    expect(toOutOfScope(Float32Array.from([0.25, 0.75]), ['lateral', 'other'])).toBe(0.75);
    expect(toOutOfScope(Float32Array.from([0.25, 0.75]), ['other', 'lateral'])).toBe(0.25);
    expect(() => toOutOfScope(Float32Array.from([1]), ['lateral', 'other'])).toThrow(ModelError);
    expect(() => toOutOfScope(Float32Array.from([0.5, 1.5]), ['lateral', 'other'])).toThrow(/not 2 probabilities/);
  });
});

describe('toLevelGrid', () => {
  it("keeps the level head's grid with the manifest's offsets and refuses any other shape", () => {
    const output = new Float32Array(3 * 2 * 4).fill(1 / 3);
    const grid = toLevelGrid(output, [1, 3, 2, 4], [-1, 0, 1]);
    expect(grid).toMatchObject({ offsets: [-1, 0, 1], width: 4, height: 2 });
    expect(grid.probability).toHaveLength(24);
    expect(grid.probability).not.toBe(output);
    expect(() => toLevelGrid(output, [1, 3, 2, 4], undefined)).toThrow(/names no levelOffsets/);
    expect(() => toLevelGrid(output, [1, 2, 2, 4], [0, 1])).toThrow(/expected \[1,2,H,W\]/);
    expect(() => toLevelGrid(output, [3, 2, 4], [-1, 0, 1])).toThrow(ModelError);
    output[5] = Number.NaN;
    expect(() => toLevelGrid(output, [1, 3, 2, 4], [-1, 0, 1])).toThrow(/not probabilities/);
  });
});
