import { detectInstances, invertImage, segmentForeground } from '@vertxnet/inference';
import { generatePhantom } from '@vertxnet/phantom';
import { describe, expect, it } from 'vitest';
import { filmGray8, useShippedModels } from './helpers/shipped-models.js';

// The shipped models (their manifests set `polarityPass`), on a phantom film and on the same film
// stored bone-dark: each model must read the dark film inverted, and so give exactly the answer it
// gives the film itself.

const models = useShippedModels();

describe('polarityPass with the shipped models', () => {
  it('is on in both shipped manifests', () => {
    expect(models.unet.manifest.polarityPass).toBe(true);
    expect(models.maskrcnn.manifest.polarityPass).toBe(true);
  });

  const film = generatePhantom({ seed: 4242, size: { width: 352, height: 512 }, view: 'lumbar' });
  const gray8 = filmGray8(film);
  const dark = invertImage(gray8);

  it('the U-Net reads the bone-dark film inverted: the same foreground and heads as the film itself', async () => {
    const a = await segmentForeground(models.unet, gray8, film.width, film.height);
    const b = await segmentForeground(models.unet, dark, film.width, film.height);
    expect(a.inverted).toBeUndefined();
    expect(b.inverted).toBe(true);
    expect(a.probability.some((p) => p > 230)).toBe(true);
    expect(b.probability).toEqual(a.probability);
    expect(b.viewScores).toEqual(a.viewScores);
    expect(b.outOfScope).toBe(a.outOfScope);
  }, 60_000);

  it('the Mask R-CNN reads it inverted: the same detections as the film itself', async () => {
    const a = await detectInstances(models.maskrcnn, gray8, film.width, film.height);
    const b = await detectInstances(models.maskrcnn, dark, film.width, film.height);
    expect(a.inverted).toBeUndefined();
    expect(b.inverted).toBe(true);
    expect(a.detections.length).toBeGreaterThan(3);
    expect(b.detections.map((d) => [d.className, d.score, d.box])).toEqual(a.detections.map((d) => [d.className, d.score, d.box]));
  }, 60_000);
});
