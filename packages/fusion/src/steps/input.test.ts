import { describe, expect, it } from 'vitest';
import { frameFor, instancesOnFrame, zoomedFrame } from '@vertxnet/core';
import { FusionInputError } from '../errors.js';
import { fuse } from '../fuse.js';
import { toSourceLabels } from '../source-labels.js';
import { syntheticSpine } from '../synthetic.js';
import { checkInput } from './input.js';

describe('checkInput', () => {
  const s = syntheticSpine({ view: 'cervical', size: 128 });

  it('keeps only the models given, on the frame they share', () => {
    expect(checkInput(s)).toEqual({ frame: s.frame, foreground: s.foreground, instances: s.instances });
    expect(Object.keys(checkInput({ instances: s.instances }))).toEqual(['frame', 'instances']);
  });

  it('refuses input that no model output can be', () => {
    expect(() => checkInput({})).toThrow(/neither a U-Net nor a Mask R-CNN/);
    expect(() => checkInput({ foreground: s.foreground, instances: { ...s.instances, frame: frameFor(256, 256, 256) } })).toThrow(FusionInputError);
    expect(() => checkInput({ foreground: { ...s.foreground, probability: new Uint8Array(3) } })).toThrow(/3 values/);
    expect(() => checkInput({ foreground: { ...s.foreground, levels: { offsets: [0], width: 2, height: 2, probability: new Float32Array(3) } } })).toThrow(
      /level grid/,
    );
    expect(() => checkInput({ instances: { frame: s.frame, detections: {} as never } })).toThrow(/not an array/);
  });

  it('puts both models on the finer frame when one took a region pass on the same film', () => {
    const fine = zoomedFrame(s.frame, 2);
    const checked = checkInput({ foreground: s.foreground, instances: instancesOnFrame(s.instances, fine) });
    expect(checked.frame).toEqual(fine);
    expect(checked.foreground!.frame).toEqual(fine);
    expect(checked.foreground!.probability).toHaveLength(fine.width * fine.height);
    const swapped = checkInput({ foreground: { ...s.foreground, probability: new Uint8Array(fine.width * fine.height), frame: fine }, instances: s.instances });
    expect(swapped.frame).toEqual(fine);
    expect(swapped.instances!.frame).toEqual(fine);
  });

  it('labels a mixed pair as it labels the pair on one frame, at the source size too', () => {
    const one = fuse(s);
    const mixed = fuse({ foreground: s.foreground, instances: instancesOnFrame(s.instances, zoomedFrame(s.frame, 2)) });
    expect(mixed.frame.size).toBe(2 * s.frame.size);
    expect(mixed.vertebrae.map((v) => v.level)).toEqual(one.vertebrae.map((v) => v.level));
    const labels = toSourceLabels(mixed, s.foreground, s.frame.sourceWidth, s.frame.sourceHeight);
    const reference = toSourceLabels(one, s.foreground, s.frame.sourceWidth, s.frame.sourceHeight);
    let same = 0;
    for (let i = 0; i < labels.length; i++) if (labels[i] === reference[i]) same++;
    expect(same / labels.length).toBeGreaterThan(0.98);
    expect(labels.some((v) => v > 0)).toBe(true);
  });
});
