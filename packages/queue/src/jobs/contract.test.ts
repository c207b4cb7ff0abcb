import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { InputError, TransientError } from '@vertxnet/core';
import { fusionJobData, fusionPayload, modelJobData, modelPayload, parsePayload, prepareJobData, preparePayload, toJobFailure } from './contract.js';
import { flowJobIds, imageIdOf, newRunId, prepareJobId } from './ids.js';

const models = { unet: 'unet@1.0.0', maskrcnn: 'maskrcnn@1.0.0' };

describe('job contract', () => {
  it('parses a valid stored job and rejects an invalid one as unrecoverable, naming the field', () => {
    const ok = { r: 'r1', s: 's3://b/a.dcm', i: 'work/a.png', m: 'unet@1.0.0' };
    expect(parsePayload('unet', ok)).toEqual(ok);
    const bad = () => parsePayload('unet', { ...ok, m: 'no-version' });
    expect(bad).toThrow(UnrecoverableError);
    expect(bad).toThrow(/invalid unet payload.*→ at m/s);
    expect(() => parsePayload('fusion', { ...ok, n: 'a', i: '../escape.png' })).toThrow(UnrecoverableError);
  });

  it('stores jobs without what the run record holds, and gives handlers the same payloads back', () => {
    const run = { out: 's3://out/run1', models, view: 'lumbar' as const };
    const prepare = { run: 'r1', source: 's3://b/a.dcm', result: 'a.dcm', out: run.out, models, etag: 'e1', view: 'lumbar' as const };
    expect(prepareJobData(prepare, run)).toEqual({ r: 'r1', s: 's3://b/a.dcm', n: 'a.dcm', e: 'e1' });
    expect(preparePayload(prepareJobData(prepare, run), run)).toEqual(prepare);
    // An image's own view, other than the run's, is kept.
    const cervical = { ...prepare, view: 'cervical' as const };
    expect(preparePayload(prepareJobData(cervical, run), run)).toEqual(cervical);
    const fusion = { run: 'r1', source: 's3://b/a.dcm', image: 'images/x.png', out: run.out, result: 'a.dcm', models, view: 'cervical' as const };
    expect(fusionJobData(fusion, run)).toEqual({ r: 'r1', s: 's3://b/a.dcm', i: 'images/x.png', n: 'a.dcm', v: 'cervical' });
    expect(fusionPayload(fusionJobData(fusion, run), run)).toEqual(fusion);
    const { view: _view, ...noView } = fusion;
    expect(fusionPayload(fusionJobData(noView, { out: run.out, models }), { out: run.out, models })).toEqual(noView);
    const model = { run: 'r1', source: 's3://b/a.dcm', image: 'images/x.png', model: 'unet@1.0.0' };
    expect(modelPayload(modelJobData(model))).toEqual(model);
    for (const data of [prepareJobData(prepare, run), fusionJobData(fusion, run), modelJobData(model)]) {
      expect(parsePayload(Object.hasOwn(data, 'm') ? 'unet' : Object.hasOwn(data, 'i') ? 'fusion' : 'prepare', data)).toEqual(data);
    }
  });

  it('makes InputError unrecoverable with the same message and leaves other errors to retry', () => {
    const mapped = toJobFailure(InputError.forFile('/data/p/scan.dcm', 'DICOM has no pixel data'));
    expect(mapped).toBeInstanceOf(UnrecoverableError);
    expect((mapped as Error).message).toBe('scan.dcm: DICOM has no pixel data');
    expect((mapped as Error).stack).toBe('UnrecoverableError: scan.dcm: DICOM has no pixel data');
    const transient = new TransientError('S3 throttled');
    expect(toJobFailure(transient)).toBe(transient);
  });
});

describe('content ids', () => {
  it('are stable, change with the model version and output, and are valid BullMQ custom ids', () => {
    const a = imageIdOf('s3://in/a.png', 'etag-1', models, 's3://out/x');
    expect(imageIdOf('s3://in/a.png', 'etag-1', models, 's3://out/x')).toBe(a);
    expect(imageIdOf('s3://in/a.png', 'etag-1', { ...models, unet: 'unet@1.1.0' }, 's3://out/x')).not.toBe(a);
    expect(imageIdOf('s3://in/a.png', 'etag-1', models, 's3://out/y')).not.toBe(a);
    // the same bytes under another name are another image (a result of its own)
    expect(imageIdOf('s3://in/copy-of-a.png', 'etag-1', models, 's3://out/x')).not.toBe(a);
    for (const id of [a, ...Object.values(flowJobIds(a)), prepareJobId('r1', 's3://b/a.dcm'), newRunId()]) {
      expect(id).not.toContain(':');
      expect(`${parseInt(id, 10)}`).not.toBe(id);
    }
    expect(flowJobIds(a)).toEqual({ fusion: a, unet: `${a}-unet`, maskrcnn: `${a}-maskrcnn` });
  });
});
