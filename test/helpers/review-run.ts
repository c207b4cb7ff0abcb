import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildImageResult, downsizeOverlay, fuse, renderOverlay, syntheticSpine, toSourceLabels, type ImageResult } from '@vertxnet/fusion';
import type { View } from '@vertxnet/core';

/** One image of a fake run: a result with these QC values, or a failure with its reason. */
export interface FakeImage {
  name: string;
  view?: View;
  confidence?: number;
  flags?: string[];
  /** Makes the image a failure (a run.json failure row, no folder). */
  failure?: string;
}

const WIDTH = 300;
const HEIGHT = 400;

/**
 * A valid result.json of a synthetic spine (fused and measured by the real code), with the QC
 * values set as given: a review page test decides the order and the filters it expects.
 */
export function fakeResult(view: View, name: string): ImageResult {
  const s = syntheticSpine({ view, sourceWidth: WIDTH, sourceHeight: HEIGHT });
  const fusion = fuse({ ...s, pixelSpacing: { row: 0.15, column: 0.15, source: 'PixelSpacing' } });
  const labels = toSourceLabels(fusion, s.foreground, WIDTH, HEIGHT);
  return buildImageResult({ source: `file:///cohort/${name}`, width: WIDTH, height: HEIGHT, fusion, sourceLabels: labels, models: {}, timings: {} });
}

function withQc(template: ImageResult, img: FakeImage): ImageResult {
  return {
    ...template,
    source: `file:///cohort/${img.name}`,
    qc: { flags: (img.flags ?? []) as ImageResult['qc']['flags'], confidence: img.confidence ?? 0.9 },
  };
}

/**
 * Writes a run folder as `vertxnet run` leaves it: run.json (with the failures), and per image
 * result.json, overlay.png and overlay-small.jpg. `overlays: 'each'` renders each image's overlay
 * with the real renderer (its header shows its flags); 'shared' renders one per view and writes
 * the same bytes for every image, for runs of thousands.
 */
export async function writeFakeRun(dir: string, images: readonly FakeImage[], opts: { id?: string; overlays?: 'each' | 'shared' } = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  const templates = new Map<View, ImageResult>();
  const shared = new Map<View, { png: Buffer; small: Buffer }>();
  const gray = new Uint8Array(WIDTH * HEIGHT).fill(70);
  for (const img of images) {
    if (img.failure !== undefined) continue;
    const view = img.view ?? 'lumbar';
    if (!templates.has(view)) templates.set(view, fakeResult(view, img.name));
    const result = withQc(templates.get(view)!, img);
    let files = opts.overlays === 'shared' ? shared.get(view) : undefined;
    if (!files) {
      const png = await renderOverlay(gray, WIDTH, HEIGHT, result);
      files = { png, small: await downsizeOverlay(png) };
      if (opts.overlays === 'shared') shared.set(view, files);
    }
    const folder = join(dir, img.name);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'overlay.png'), files.png);
    await writeFile(join(folder, 'overlay-small.jpg'), files.small);
    await writeFile(join(folder, 'result.json'), JSON.stringify(result));
  }
  const failures = images.filter((i) => i.failure !== undefined).map((i) => ({ name: i.name, source: `file:///cohort/${i.name}`, reason: i.failure! }));
  const run = {
    id: opts.id ?? 'run-review-test',
    source: '/cohort',
    out: `file://${dir}`,
    state: 'finished',
    finishedAt: '2026-12-01T12:00:00.000Z',
    counts: { images: images.length, succeeded: images.length - failures.length, failed: failures.length },
    failures,
  };
  await writeFile(join(dir, 'run.json'), JSON.stringify(run, null, 2));
}
