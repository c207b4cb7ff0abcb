import { Readable } from 'node:stream';
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { InputError, TransientError } from '../errors.js';
import { parsePayload, toJobFailure } from './contract.js';
import { flowJobIds, imageIdOf, newRunId, prepareJobId } from './ids.js';
import { parseCsvLine, readManifest } from './manifest.js';
import { hasImageExtension, resultName } from './source-listing.js';

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

describe('source listing helpers', () => {
  it('filters by image extension and names results after the key', () => {
    expect(['a.PNG', 'b.jpg', 'c.jpeg', 'd.tif', 'e.TIFF', 'f.dcm'].every(hasImageExtension)).toBe(true);
    expect(hasImageExtension('notes.txt')).toBe(false);
    expect(resultName('study 1/img 01.dcm')).toBe('study_1/img_01');
    expect(resultName('bucket/../x.png')).toBe('bucket/_/x');
  });

  it('reads manifest rows with quotes and views, resumes after a line, and rejects a bad view', async () => {
    expect(parseCsvLine('"a,b",c,"say ""x"""')).toEqual(['a,b', 'c', 'say "x"']);
    const csv = 'id,uri,view\n1,a.png,lumbar\n2,"b,1.png",\n3,c.png,CERVICAL\n';
    const rows = [];
    for await (const row of readManifest('m.csv', Readable.from([csv]), 2)) rows.push(row);
    expect(rows).toEqual([
      { line: 3, uri: 'b,1.png' },
      { line: 4, uri: 'c.png', view: 'cervical' },
    ]);
    const bad = async () => {
      for await (const _ of readManifest('m.csv', Readable.from(['uri,view\na.png,thoracic\n']))) void _;
    };
    await expect(bad()).rejects.toThrow(/m\.csv line 2: view/);
    await expect(readManifest('m.csv', Readable.from(['path\nx\n'])).next()).rejects.toBeInstanceOf(InputError);
  });
});
