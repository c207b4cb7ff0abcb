import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePhantom } from '@vertxnet/phantom';
import { StorageUnavailableError, TransientError } from '@vertxnet/core';
import { encodeDx } from '@vertxnet/imaging';
import { LocalStorage, type PutBody, type PutOptions, type Storage } from '@vertxnet/storage';
import { DEFAULT_MODELS, type StageHandlers } from '@vertxnet/queue';
import type { PipelineModels } from './stages/models.js';
import { retryTransient } from './transient-retry.js';
import { createStageHandlers, processImage } from './wiring.js';
import { openModelRunner } from './model-runner.js';
import { fuseStage } from './stages/fuse.js';
import { readDicomSidecar } from './stages/prepare.js';

const MODELS = new URL('../../../models/', import.meta.url).pathname;

// The stage handlers as the services call them: only keys pass between stages, as in BullMQ.
describe('stage handlers (what the services bind)', () => {
  let handlers: StageHandlers;
  let work: LocalStorage;
  let fused: { image: string; foreground: string; instances: string } | undefined;
  let src: string;
  let out: string;
  let close: () => Promise<void>;
  let models: PipelineModels;

  beforeAll(async () => {
    const [unet, maskrcnn] = await Promise.all([
      openModelRunner({ dir: join(MODELS, 'unet'), maxBatch: 2, maxWaitMs: 1 }),
      openModelRunner({ dir: join(MODELS, 'maskrcnn'), maxBatch: 1, maxWaitMs: 0 }),
    ]);
    close = async () => {
      await Promise.all([unet.runner.close(), maskrcnn.runner.close()]);
      await Promise.all([unet.model.close(), maskrcnn.model.close()]);
    };
    work = new LocalStorage(await mkdtemp(join(tmpdir(), 'vx-h-work-')));
    models = { unet: unet.runner, maskrcnn: maskrcnn.runner };
    handlers = createStageHandlers({ work, ...models });
    src = await mkdtemp(join(tmpdir(), 'vx-h-src-'));
    out = await mkdtemp(join(tmpdir(), 'vx-h-out-'));
    const ph = generatePhantom({ seed: 5, view: 'lumbar', format: 'png16', maxSide: 640, partialShare: 0, asShare: 0, implantShare: 0 });
    await writeFile(
      join(src, 'scan.dcm'),
      encodeDx({
        width: ph.width,
        height: ph.height,
        pixels: ph.pixels as Uint16Array,
        bitsStored: 16,
        spacing: ph.meta.mmPerPixel,
        calibrated: true,
        bodyPart: 'LSPINE',
        patient: { name: 'Moriarty^James', id: 'PHI-ID-1', birthDate: '18460101' },
        uids: { series: '1.2.826.0.1.3680043.10.1234.77.1', sop: '1.2.826.0.1.3680043.10.1234.77.1.1' },
      }),
    );
  }, 60_000);

  afterAll(async () => close?.());

  it('carries DICOM facts from prepare to fusion through the work store: SEG, UID and mm measurements', async () => {
    const signal = new AbortController().signal;
    const models = { ...DEFAULT_MODELS }; // the shipped models (test/docs.test.ts holds them to the manifests)
    const base = { run: 'r-test', source: `file://${join(src, 'scan.dcm')}` };
    const prepared = await handlers.prepare({ ...base, result: 'scan.dcm', out: `file://${out}`, models }, signal);
    expect(prepared.view).toBe('lumbar');
    const { foreground } = await handlers.unet({ ...base, image: prepared.image, model: models.unet }, signal);
    const { instances } = await handlers.maskrcnn({ ...base, image: prepared.image, model: models.maskrcnn }, signal);
    await handlers.fuse({ ...base, image: prepared.image, out: `file://${out}`, result: 'scan.dcm', models }, { foreground, instances, failures: [] }, signal);
    fused = { image: prepared.image, foreground, instances };

    const result = JSON.parse(await readFile(join(out, 'scan.dcm', 'result.json'), 'utf8'));
    expect(result.image.sopInstanceUid).toBe('1.2.826.0.1.3680043.10.1234.77.1.1');
    expect(result.vertebrae.some((v: { level: string | null }) => v.level === 'L3')).toBe(true);
    expect(JSON.stringify(result.measurements)).toContain('mm');
    const seg = dcmjs.data.DicomMessage.readFile(new Uint8Array(await readFile(join(out, 'scan.dcm', 'seg.dcm'))).buffer);
    const dataset = dcmjs.data.DicomMetaDictionary.naturalizeDataset(seg.dict);
    expect(dataset.Modality).toBe('SEG');
    expect(dataset.ReferencedSeriesSequence?.SeriesInstanceUID ?? dataset.ReferencedSeriesSequence?.[0]?.SeriesInstanceUID).toBe(
      '1.2.826.0.1.3680043.10.1234.77.1',
    );
    // The SEG files with its image: the source's patient module reaches it through the work
    // store, never through a job record or result.json.
    expect([dataset.PatientName].flat()[0]).toMatchObject({ Alphabetic: 'Moriarty^James' });
    expect(dataset.PatientID).toBe('PHI-ID-1');
    const text = (await readFile(join(out, 'scan.dcm', 'result.json'))).toString('latin1');
    expect(text).not.toContain('Moriarty');
    expect(text).not.toContain('PHI-ID-1');
  }, 120_000);

  it('fails the attempt (to be retried) when the output store cannot take the SEG, rather than writing a result without it', async () => {
    expect(fused).toBeDefined();
    const { image, foreground, instances } = fused!;
    const dicom = await readDicomSidecar(work, image);
    expect(dicom?.sopInstanceUid).toBeDefined();
    const folder = await mkdtemp(join(tmpdir(), 'vx-h-out2-'));
    // The output store is out for one write, the SEG's (as when S3 goes down mid-image).
    const store = new LocalStorage(folder);
    let refused = 0;
    const flaky: Storage = Object.assign(Object.create(store) as Storage, {
      put: async (key: string, body: PutBody, opts?: PutOptions) => {
        if (key.endsWith('seg.dcm') && refused++ === 0) throw new StorageUnavailableError('seg.dcm: S3 unavailable (ECONNREFUSED)');
        return store.put(key, body, opts);
      },
    });
    const input = {
      source: `file://${join(src, 'scan.dcm')}`,
      name: 'scan.dcm',
      image,
      foreground,
      instances,
      dicom: dicom!,
      ...(dicom?.pixelSpacing ? { pixelSpacing: dicom.pixelSpacing } : {}),
    };
    await expect(fuseStage({ work, out: flaky }, input)).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(await store.exists('scan.dcm/result.json')).toBe(false);
    await fuseStage({ work, out: flaky }, input); // the retry
    const result = JSON.parse(await readFile(join(folder, 'scan.dcm', 'result.json'), 'utf8'));
    expect(result.extra?.segError).toBeUndefined();
    expect(await store.exists('scan.dcm/seg.dcm')).toBe(true);
  }, 60_000);

  it('processImage (the local runner’s path) throws a storage fault, and retryTransient completes the image', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'vx-h-out3-'));
    const store = new LocalStorage(folder);
    let refused = 0;
    const flaky: Storage = Object.assign(Object.create(store) as Storage, {
      put: async (key: string, body: PutBody, opts?: PutOptions) => {
        if (key.endsWith('result.json') && refused++ === 0) throw new StorageUnavailableError('result.json: S3 unavailable (ECONNRESET)');
        return store.put(key, body, opts);
      },
    });
    const input = { source: `file://${join(src, 'scan.dcm')}`, name: 'scan.dcm' };
    await expect(processImage({ work, out: flaky, models }, input)).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(await store.exists('scan.dcm/result.json')).toBe(false);
    refused = 0; // out again for one write, as the local runner meets it
    const retries: number[] = [];
    const fused = await retryTransient(() => processImage({ work, out: flaky, models }, input), {
      firstDelayMs: 1,
      onRetry: (_e, attempt) => retries.push(attempt),
    });
    expect(retries).toEqual([1]);
    expect(fused.labels.length).toBeGreaterThan(0);
    expect(await store.exists('scan.dcm/result.json')).toBe(true);
  }, 60_000);

  it('hands back a job for another model version instead of answering it', async () => {
    const signal = new AbortController().signal;
    const job = { run: 'r-test', source: 'file:///x.png', image: 'images/none.png', model: 'vertxnet-unet@9.9.9' };
    await expect(handlers.unet(job, signal)).rejects.toBeInstanceOf(TransientError);
    await expect(handlers.unet(job, signal)).rejects.toThrow(`asks for vertxnet-unet@9.9.9, but this worker runs ${DEFAULT_MODELS.unet}`);
  });
});
