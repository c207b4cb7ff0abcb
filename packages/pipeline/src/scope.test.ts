import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePhantom } from '@vertxnet/phantom';
import { encodeDx } from '@vertxnet/imaging';
import { runLocal } from './local-runner.js';

const ROOT = new URL('../../../', import.meta.url).pathname;

interface Result {
  vertebrae: Array<{ level: string | null; measurements?: unknown }>;
  measurements: { lordosis?: unknown };
  view: { value: string | null };
  qc: { flags: string[]; confidence: number };
  extra?: { outOfScope?: string; seg?: string };
}

const readResult = async (out: string, name: string): Promise<Result> => JSON.parse(await readFile(join(out, name, 'result.json'), 'utf8')) as Result;

describe('films the DICOM tags put out of scope', () => {
  let src: string;
  let out: string;

  beforeAll(async () => {
    src = await mkdtemp(join(tmpdir(), 'vx-scope-src-'));
    out = await mkdtemp(join(tmpdir(), 'vx-scope-out-'));
    const ph = generatePhantom({ seed: 11, view: 'lumbar', format: 'png16', maxSide: 512, partialShare: 0, asShare: 0, implantShare: 0 });
    const common = { width: ph.width, height: ph.height, pixels: ph.pixels as Uint16Array, bitsStored: 16, spacing: ph.meta.mmPerPixel, calibrated: true };
    // The same pixels each time: only the tags differ, so only the tags can explain the results.
    await writeFile(join(src, 'lateral.dcm'), encodeDx({ ...common, bodyPart: 'LSPINE', seriesDescription: 'L-SPINE LAT' }));
    await writeFile(join(src, 'ap.dcm'), encodeDx({ ...common, bodyPart: 'LSPINE', seriesDescription: 'L-SPINE', viewPosition: 'AP' }));
    await writeFile(join(src, 'chest.dcm'), encodeDx({ ...common, bodyPart: 'CHEST', seriesDescription: 'CHEST LAT' }));
    const report = await runLocal({ source: src, out, models: { unet: join(ROOT, 'models/unet'), maskrcnn: join(ROOT, 'models/maskrcnn') }, concurrency: 1 });
    expect(report.counts).toMatchObject({ images: 3, succeeded: 3, failed: 0 });
  }, 300_000);

  afterAll(async () => {
    await rm(src, { recursive: true, force: true });
    await rm(out, { recursive: true, force: true });
  });

  it('labels and measures the lateral film', async () => {
    const lateral = await readResult(out, 'lateral.dcm');
    expect(lateral.qc.flags).not.toContain('out-of-scope');
    expect(lateral.vertebrae.filter((v) => v.level !== null).length).toBeGreaterThanOrEqual(4);
    expect(lateral.extra?.seg).toBe('seg.dcm');
  });

  it.each([
    ['ap.dcm', /View Position is AP/],
    ['chest.dcm', /Body Part Examined is CHEST/],
  ])('flags %s out-of-scope: bodies outlined, no level, no measurement, no angle, no SEG', async (name, reason) => {
    const result = await readResult(out, name);
    expect(result.qc.flags[0]).toBe('out-of-scope');
    expect(result.qc.confidence).toBe(0);
    expect(result.extra?.outOfScope).toMatch(reason);
    expect(result.view.value).toBeNull();
    expect(result.vertebrae.length).toBeGreaterThan(0);
    expect(result.vertebrae.every((v) => v.level === null && v.measurements === undefined)).toBe(true);
    expect(result.measurements.lordosis).toBeUndefined();
    expect(result.extra?.seg).toBeUndefined();
    await expect(access(join(out, name, 'seg.dcm'))).rejects.toThrow();
  });
});
