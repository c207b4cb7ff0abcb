import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { frameFor, InputError } from '@vertxnet/core';
import { decodeForeground, decodeInstances, encodeForeground, encodeInstances } from './intermediates.js';

describe('stored model outputs', () => {
  const frame = frameFor(300, 200, 64);

  it('round-trips a foreground map byte for byte', () => {
    const probability = new Uint8Array(frame.width * frame.height).map((_, i) => (i * 7) % 256);
    const back = decodeForeground(encodeForeground({ frame, probability }));
    expect(back.frame).toEqual(frame);
    expect(Buffer.from(back.probability).equals(Buffer.from(probability))).toBe(true);
    expect(back.viewScores).toBeUndefined();
    // A U-Net with a view head: its view probabilities travel with the map.
    const viewScores = { cervical: 0.125, lumbar: 0.875 };
    expect(decodeForeground(encodeForeground({ frame, probability, viewScores })).viewScores).toEqual(viewScores);
    // A level head: its grid follows the map's bytes, kept to 1/255 as the foreground is.
    const levels = { offsets: [-1, 0, 1], width: 4, height: 2, probability: Float32Array.from({ length: 24 }, (_, i) => i / 23) };
    const withLevels = decodeForeground(encodeForeground({ frame, probability, viewScores, levels }));
    expect(withLevels.levels).toMatchObject({ offsets: [-1, 0, 1], width: 4, height: 2 });
    withLevels.levels!.probability.forEach((p, i) => expect(Math.abs(p - levels.probability[i]!)).toBeLessThanOrEqual(0.5 / 255 + 1e-7));
    expect(Buffer.from(withLevels.probability).equals(Buffer.from(probability))).toBe(true);
    // A scope head: its probability travels too; a value that is not one is dropped.
    expect(decodeForeground(encodeForeground({ frame, probability, outOfScope: 0.875 })).outOfScope).toBe(0.875);
    expect(decodeForeground(encodeForeground({ frame, probability, outOfScope: 7 })).outOfScope).toBeUndefined();
    expect(back.outOfScope).toBeUndefined();
    // A map read on the film inverted (the polarity pass) says so; any other value reads as not inverted.
    expect(decodeForeground(encodeForeground({ frame, probability, inverted: true })).inverted).toBe(true);
    expect(back.inverted).toBeUndefined();
  });

  it('refuses a stored level grid whose values are cut short', () => {
    const levels = { offsets: [0, 1], width: 2, height: 2, probability: new Float32Array(8) };
    const blob = encodeForeground({ frame, probability: new Uint8Array(frame.width * frame.height), levels });
    const raw = inflateSync(blob);
    expect(() => decodeForeground(deflateSync(raw.subarray(0, raw.length - 3)))).toThrow(/expected/);
  });

  it('round-trips instances with their masks', () => {
    const set = {
      frame,
      detections: [
        {
          className: 'S1',
          score: 0.9,
          box: [1, 2, 5, 6] as [number, number, number, number],
          mask: { x: 1, y: 2, width: 4, height: 4, data: new Uint8Array(16).fill(1) },
        },
        {
          className: 'vertebra',
          score: 0.6,
          box: [10, 10, 13, 12] as [number, number, number, number],
          mask: { x: 10, y: 10, width: 3, height: 2, data: Uint8Array.from([0, 1, 1, 1, 1, 0]) },
        },
      ],
    };
    const back = decodeInstances(encodeInstances(set));
    expect(back.detections).toHaveLength(2);
    expect(back.detections[1]!.className).toBe('vertebra');
    expect(Array.from(back.detections[1]!.mask.data)).toEqual([0, 1, 1, 1, 1, 0]);
    expect(back.detections[0]!.box).toEqual([1, 2, 5, 6]);
    // The model's class list travels with its output (fusion reads from it whether T1 / T12 can be marked).
    expect(back.classes).toBeUndefined();
    const classes = ['background', 'vertebra', 'C2', 'S1', 'T1', 'T12'];
    expect(decodeInstances(encodeInstances({ ...set, classes })).classes).toEqual(classes);
    // So does a read on the film inverted.
    expect(back.inverted).toBeUndefined();
    expect(decodeInstances(encodeInstances({ ...set, inverted: true })).inverted).toBe(true);
  });

  it('refuses a corrupt blob with a readable error', () => {
    expect(() => decodeForeground(Buffer.from('not deflate'), 'scan.png')).toThrow(InputError);
    expect(() => decodeInstances(encodeForeground({ frame, probability: new Uint8Array(frame.width * frame.height) }))).toThrow(/unknown format/);
  });
});
