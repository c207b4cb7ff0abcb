import { evaluateImage } from '@vertxnet/fusion';
import { detectInstances, segmentForeground } from '@vertxnet/inference';
import { generatePhantom } from '@vertxnet/phantom';
import { labelImage } from '@vertxnet/pipeline';
import { describe, expect, it } from 'vitest';
import { filmGray8, useShippedModels } from './helpers/shipped-models.js';

// The shipped models (their manifests set `regionPass`) on a head film: the skull fills the field
// and C2–C4 sit small in a corner. Both models take the region pass, answer on a frame twice as
// fine, and C2–C4 come out found and labelled right. A lateral film whose spine fills the field
// takes no region pass.

const models = useShippedModels();

describe('regionPass with the shipped models', () => {
  it('is on in both shipped manifests', () => {
    expect(models.unet.manifest.regionPass).toBe(true);
    expect(models.maskrcnn.manifest.regionPass).toBe(true);
  });

  it('a head film: both models answer on a frame twice as fine, and C2–C4 are labelled right', async () => {
    const film = generatePhantom({ seed: 1844878003, view: 'cervical', headShare: 1, maxSide: 1024 });
    expect(film.meta.field).toBe('head');
    const gray8 = filmGray8(film);
    const [foreground, instances] = await Promise.all([
      segmentForeground(models.unet, gray8, film.width, film.height),
      detectInstances(models.maskrcnn, gray8, film.width, film.height),
    ]);
    expect(foreground.frame.size).toBe(2 * models.unet.manifest.input.size);
    expect(instances.frame.size).toBe(2 * models.maskrcnn.manifest.input.size);
    const { fusion, labels } = labelImage({ foreground, instances }, film);
    expect(fusion.view).toBe('cervical');
    const scores = evaluateImage(labels, film.labelMask, film.width, film.height).levels;
    for (const level of ['C2', 'C3', 'C4']) expect(scores.find((s) => s.level === level)?.identified, level).toBe(true);
  }, 120_000);

  it('a lateral film whose spine fills the field takes no region pass', async () => {
    const film = generatePhantom({ seed: 4242, size: { width: 352, height: 512 }, view: 'lumbar', partialShare: 0 });
    const gray8 = filmGray8(film);
    expect((await segmentForeground(models.unet, gray8, film.width, film.height)).frame.size).toBe(models.unet.manifest.input.size);
    expect((await detectInstances(models.maskrcnn, gray8, film.width, film.height)).frame.size).toBe(models.maskrcnn.manifest.input.size);
  }, 120_000);
});
