// How long `vertxnet review` takes to build the page of a large run: synthesizes a run folder of
// --count results (result.json of a synthetic spine, a small overlay and its small copy, one render
// per view shared by every image; 2% failures in run.json), then times writeReviewSite on it.
// Target: 10,000 results in under 60 s.
//   npx tsx bench/review.ts [--count 10000] [--keep]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { writeReviewSite } from '../packages/cli/src/review/write-site.js';
import { writeFakeRun, type FakeImage } from '../test/helpers/review-run.js';

const { values } = parseArgs({ options: { count: { type: 'string', default: '10000' }, keep: { type: 'boolean', default: false } } });
const count = Number.parseInt(values.count, 10);
if (!(count > 0)) throw new Error('--count must be a whole number > 0');

/** A fixed, seeded sequence: the same run every time. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}
const rand = lcg(13);
const FLAGS = ['needs-review', 'low-confidence', 'labels-skipped', 'reference-not-found', 'model-disagreement'];
const images: FakeImage[] = Array.from({ length: count }, (_, i) => {
  const name = `film-${String(i).padStart(6, '0')}.png`;
  if (rand() < 0.02) return { name, failure: `${name}: PNG is truncated or corrupt` };
  const confidence = Math.round(rand() * 1000) / 1000;
  const flags = FLAGS.filter((f) => rand() < (f === 'low-confidence' ? (confidence < 0.5 ? 1 : 0) : 0.05));
  return { name, view: rand() < 0.5 ? 'cervical' : 'lumbar', confidence, flags };
});

const dir = await mkdtemp(join(tmpdir(), 'vx-bench-review-'));
try {
  const t0 = performance.now();
  await writeFakeRun(join(dir, 'run'), images, { overlays: 'shared', id: 'bench-review' });
  const synth = (performance.now() - t0) / 1000;
  const report = await writeReviewSite(join(dir, 'run'));
  const rebuild = await writeReviewSite(join(dir, 'run'));
  console.log(`synthesized ${count} results in ${synth.toFixed(1)} s`);
  console.log(
    `review page of ${report.images} images (${report.failed} failed): ${report.seconds.toFixed(1)} s ` +
      `(${report.thumbnails.written} thumbnails made; target < 60 s for 10,000)`,
  );
  console.log(`rebuilt with thumbnails kept: ${rebuild.seconds.toFixed(1)} s (${rebuild.thumbnails.reused} kept)`);
  if (values.keep) console.log(`kept: ${join(dir, 'run', 'review', 'index.html')}`);
} finally {
  if (!values.keep) await rm(dir, { recursive: true, force: true });
}
