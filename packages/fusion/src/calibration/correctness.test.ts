import { describe, expect, it } from 'vitest';
import { evaluateImage } from '../eval/evaluate.js';
import { judgeLabels } from './correctness.js';

/** A 3-row strip: one body per column block, value = VerSe code. */
function strip(codes: number[]): Uint8Array {
  const out = new Uint8Array(codes.length * 4 * 3);
  for (let y = 0; y < 3; y++) codes.forEach((c, i) => out.fill(c, y * codes.length * 4 + i * 4, y * codes.length * 4 + i * 4 + 4));
  return out;
}

const judge = (pred: number[], gt: number[]) => {
  const e = evaluateImage(strip(pred), strip(gt), gt.length * 4, 3);
  return judgeLabels(
    e,
    pred.map((c) => ({ verseCode: c || null })),
  );
};

describe('judgeLabels', () => {
  it('calls an image right when every level is identified and nothing extra is labelled', () => {
    expect(judge([20, 21, 22], [20, 21, 22])).toEqual({ allRight: true, levelRight: [true, true, true] });
  });

  it('marks every body of a film labelled one level off as wrong', () => {
    expect(judge([21, 22, 23], [20, 21, 22])).toEqual({ allRight: false, levelRight: [false, false, false] });
  });

  it('calls an image wrong when a truth body is missed, though every label given is right', () => {
    expect(judge([20, 21, 0], [20, 21, 22])).toEqual({ allRight: false, levelRight: [true, true, null] });
  });

  it('calls an image wrong when a level the truth lacks is labelled', () => {
    expect(judge([20, 21, 22], [20, 21, 0]).allRight).toBe(false);
  });
});
