import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { InputError, TransientError } from '../errors.js';
import { parsePayload, toJobFailure } from './contract.js';
import { flowJobIds, imageIdOf, newRunId, prepareJobId } from './ids.js';

const models = { unet: 'unet@1.0.0', maskrcnn: 'maskrcnn@1.0.0' };

describe('job contract', () => {
  it('parses a valid payload and rejects an invalid one as unrecoverable, naming the field', () => {
    const ok = { run: 'r1', source: 's3://b/a.dcm', image: 'work/a.png', model: 'unet@1.0.0' };
    expect(parsePayload('unet', ok)).toEqual(ok);
    const bad = () => parsePayload('unet', { ...ok, model: 'no-version' });
    expect(bad).toThrow(UnrecoverableError);
    expect(bad).toThrow(/invalid unet payload.*model/s);
    expect(() => parsePayload('fusion', { ...ok, image: '../escape.png' })).toThrow(UnrecoverableError);
  });

  it('makes InputError unrecoverable with the same message and leaves other errors to retry', () => {
    const mapped = toJobFailure(InputError.forFile('/data/p/scan.dcm', 'DICOM has no pixel data'));
    expect(mapped).toBeInstanceOf(UnrecoverableError);
    expect((mapped as Error).message).toBe('scan.dcm: DICOM has no pixel data');
    const transient = new TransientError('S3 throttled');
    expect(toJobFailure(transient)).toBe(transient);
  });
});

describe('content ids', () => {
  it('are stable, change with the model version and output, and are valid BullMQ custom ids', () => {
    const a = imageIdOf('etag-1', models, 's3://out/x');
    expect(imageIdOf('etag-1', models, 's3://out/x')).toBe(a);
    expect(imageIdOf('etag-1', { ...models, unet: 'unet@1.1.0' }, 's3://out/x')).not.toBe(a);
    expect(imageIdOf('etag-1', models, 's3://out/y')).not.toBe(a);
    for (const id of [a, ...Object.values(flowJobIds(a)), prepareJobId('r1', 's3://b/a.dcm'), newRunId()]) {
      expect(id).not.toContain(':');
      expect(`${parseInt(id, 10)}`).not.toBe(id);
    }
    expect(flowJobIds(a)).toEqual({ fusion: a, unet: `${a}-unet`, maskrcnn: `${a}-maskrcnn` });
  });
});
