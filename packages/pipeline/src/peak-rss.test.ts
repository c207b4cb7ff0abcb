import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePhantom } from '@vertxnet/phantom';
import { DEFAULT_MAX_PIXELS, encodeDx } from '@vertxnet/imaging';
import { deflateBomb } from '../../../test/helpers/hostile-dicom.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const CHILD = join(ROOT, 'test/helpers/peak-rss-child.ts');
const MiB = 1024 * 1024;

// Container memory limits (k8s/base) over each service's default job concurrency: one job's peak,
// measured alone in its own process (baseline included), must fit its share.
const PREPARE_BUDGET_MIB = 1024 / 2; // ingest: 1 GiB, PREPARE_CONCURRENCY 2
const FUSION_BUDGET_MIB = 2048 / 2; // fusion-worker: 2 GiB, CONCURRENCY 2

interface ChildReport {
  ok: boolean;
  error?: string;
  peakRssMiB: number;
  [key: string]: unknown;
}

/** Runs one stage in a fresh node process (test/helpers/peak-rss-child.ts) and returns its report. */
function stage(...args: string[]): ChildReport {
  const run = spawnSync(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  expect(run.status, `${run.stderr}\n${run.stdout}`).toBe(0);
  return JSON.parse(line) as ChildReport;
}

/** A lumbar phantom scaled (nearest neighbour) to about `pixels` pixels, as a 16-bit DX. */
function bigDx(pixels: number): Uint8Array {
  const ph = generatePhantom({ seed: 11, view: 'lumbar', format: 'png16', maxSide: 640, partialShare: 0, asShare: 0, implantShare: 0 });
  const src = ph.pixels as Uint16Array;
  const scale = Math.sqrt(pixels / (ph.width * ph.height));
  const w = Math.floor(ph.width * scale);
  const h = Math.floor(ph.height * scale);
  const px = new Uint16Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = Math.min(ph.height - 1, Math.floor(y / scale)) * ph.width;
    for (let x = 0; x < w; x++) px[y * w + x] = src[row + Math.min(ph.width - 1, Math.floor(x / scale))]!;
  }
  return encodeDx({ width: w, height: h, pixels: px, bitsStored: 16, spacing: ph.meta.mmPerPixel / scale, calibrated: true, bodyPart: 'LSPINE' });
}

describe('peak memory of one job stays inside its share of the container limit', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vx-rss-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('a 1.5 GB deflate bomb (a 1.6 MB file) fails in prepare with a clear reason', async () => {
    const file = join(dir, 'bomb.dcm');
    await writeFile(file, deflateBomb(1536 * MiB));
    const r = stage('prepare', file, join(dir, 'work-bomb'));
    console.log(`peak RSS, deflate bomb: ${r.peakRssMiB} MiB`);
    expect(r.error).toMatch(/^InputError: bomb\.dcm: deflated data set expands beyond \d+ MB$/);
    expect(r.peakRssMiB).toBeLessThan(PREPARE_BUDGET_MIB);
  }, 300_000);

  it('a 14000x14000 PNG fails in prepare from its header, before any pixel is decoded', async () => {
    const file = join(dir, 'huge.png');
    await sharp({ create: { width: 14000, height: 14000, channels: 3, background: { r: 90, g: 90, b: 90 } } })
      .png()
      .toFile(file);
    const r = stage('prepare', file, join(dir, 'work-huge'));
    console.log(`peak RSS, 14000x14000 PNG: ${r.peakRssMiB} MiB`);
    expect(r.error).toMatch(/^InputError: huge\.png: image is 14000x14000 \(196 megapixels\), over the limit of \d+ megapixels$/);
    expect(r.peakRssMiB).toBeLessThan(PREPARE_BUDGET_MIB);
  }, 300_000);

  it('a 16-bit DX at the pixel limit goes through prepare and fusion (SEG included) within budget', async () => {
    const file = join(dir, 'big.dcm');
    await writeFile(file, bigDx(DEFAULT_MAX_PIXELS));
    const work = join(dir, 'work-big');
    const out = join(dir, 'out-big');
    await mkdir(out);
    const prepared = stage('prepare', file, work);
    expect(prepared.ok, prepared.error).toBe(true);
    expect((prepared.width as number) * (prepared.height as number)).toBeGreaterThan(0.95 * DEFAULT_MAX_PIXELS);
    const models = stage('models', work, prepared.image as string, join(ROOT, 'models'));
    expect(models.ok, models.error).toBe(true);
    const fused = stage('fuse', work, out, prepared.image as string, models.foreground as string, models.instances as string, JSON.stringify(prepared.dicom));
    expect(fused.ok, fused.error).toBe(true);
    expect(fused.vertebrae).toBeGreaterThan(2);
    console.log(
      `peak RSS at ${DEFAULT_MAX_PIXELS / 1e6} MP: prepare ${prepared.peakRssMiB} MiB, models ${models.peakRssMiB} MiB, fusion ${fused.peakRssMiB} MiB`,
    );
    expect(prepared.peakRssMiB).toBeLessThan(PREPARE_BUDGET_MIB);
    expect(fused.peakRssMiB).toBeLessThan(FUSION_BUDGET_MIB);
  }, 600_000);
});
