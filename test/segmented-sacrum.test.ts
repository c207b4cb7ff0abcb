import { evaluateImage } from '@vertxnet/fusion';
import { detectInstances, segmentForeground } from '@vertxnet/inference';
import { generatePhantom } from '@vertxnet/phantom';
import { labelImage } from '@vertxnet/pipeline';
import { describe, expect, it } from 'vitest';
import { filmGray8, useShippedModels } from './helpers/shipped-models.js';

// A lumbar film whose S2 stands apart from S1 (phantom --anatomy random): the shipped Mask R-CNN
// gives its S1 class to S2, the last body. Fusion decodes a whole reference with the one
// alternative of the body beyond it, and the level head puts S1 back on S1 (docs/FUSION.md rule 7).
// Without that (wholeReferenceCost 0) every label is one level up.

const models = useShippedModels();

describe('a segmented sacrum with the shipped models', () => {
  it('labels S1 on S1, not on the S2 that carries the S1 class', async () => {
    const film = generatePhantom({ seed: 343619787, view: 'lumbar', anatomy: 'random', look: 'random', lookStrength: 0.5 });
    expect(film.meta.anatomy?.sacralSegment).toBe(true);
    const gray8 = filmGray8(film);
    const [foreground, instances] = await Promise.all([
      segmentForeground(models.unet, gray8, film.width, film.height),
      detectInstances(models.maskrcnn, gray8, film.width, film.height),
    ]);
    const identified = (options: Parameters<typeof labelImage>[2]) => {
      const { labels } = labelImage({ foreground, instances }, film, options);
      return evaluateImage(labels, film.labelMask, film.width, film.height)
        .levels.filter((l) => l.identified)
        .map((l) => l.level);
    };
    expect(identified({})).toEqual(['T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'S1']);
    expect(identified({ wholeReferenceCost: 0 })).toEqual([]);
  }, 120_000);
});
