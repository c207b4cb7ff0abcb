import { describe, expect, it } from 'vitest';
import { frameFor } from '@vertxnet/core';
import { FusionInputError } from '../errors.js';
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
});
