import { detectInstances, mirrorImage, segmentForeground } from '@vertxnet/inference';
import { generatePhantom } from '@vertxnet/phantom';
import { describe, expect, it } from 'vitest';
import { filmGray8, useShippedModels } from './helpers/shipped-models.js';

// The shipped models (their manifests set `mirrorPass`), on a phantom film and on the same film
// mirrored: the outputs must be exact mirrors of each other (what makes a mirrored film get the
// same levels).

const models = useShippedModels();

describe('mirrorPass with the shipped models', () => {
  it('is on in both shipped manifests', () => {
    expect(models.unet.manifest.mirrorPass).toBe(true);
    expect(models.maskrcnn.manifest.mirrorPass).toBe(true);
  });

  // A portrait film of 352 × 512: not resampled (its long side is the models' input), and narrower than the frame.
  const film = generatePhantom({ seed: 4242, size: { width: 352, height: 512 }, view: 'lumbar' });
  const gray8 = filmGray8(film);
  const mirrored = mirrorImage(gray8, film.width, film.height);

  it('the U-Net: the mirrored film gets exactly the mirrored foreground', async () => {
    const a = await segmentForeground(models.unet, gray8, film.width, film.height);
    const b = await segmentForeground(models.unet, mirrored, film.width, film.height);
    expect(a.probability.some((p) => p > 128)).toBe(true);
    expect(b.probability).toEqual(mirrorImage(a.probability, a.frame.width, a.frame.height));
    // The heads too: the view and scope the same, the facing swapped.
    expect(a.frame.width).toBeLessThan(a.frame.size);
    expect(b.viewScores!.lumbar).toBeCloseTo(a.viewScores!.lumbar, 6);
    expect(b.outOfScope).toBeCloseTo(a.outOfScope!, 6);
    expect(b.facing!.left).toBeCloseTo(a.facing!.right, 6);
    expect(b.facing!.right).toBeCloseTo(a.facing!.left, 6);
  }, 60_000);

  it('the Mask R-CNN: the mirrored film gets the mirrored detections', async () => {
    const a = await detectInstances(models.maskrcnn, gray8, film.width, film.height);
    const b = await detectInstances(models.maskrcnn, mirrored, film.width, film.height);
    expect(a.detections.length).toBeGreaterThan(3);
    const key = (d: (typeof a.detections)[number]) => `${d.className}|${d.score.toFixed(5)}|${d.box.map((v) => v.toFixed(2)).join(',')}`;
    const back = b.detections.map((d) => ({ ...d, box: [a.frame.width - d.box[2], d.box[1], a.frame.width - d.box[0], d.box[3]] as typeof d.box }));
    expect(back.map(key).sort()).toEqual(a.detections.map(key).sort());
  }, 60_000);
});
