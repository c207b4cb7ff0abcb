import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { InputError } from '@vertxnet/core';
import { REDACTED, createLogger, imageRef } from './logger.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  return { lines, raw, stream };
}

describe('createLogger', () => {
  it('writes JSON lines with service, level name and ISO time', () => {
    const out = capture();
    const log = createLogger('unet-worker', 'info', out.stream);
    log.info({ stage: 'unet', image: imageRef('s3://b/x.png') }, 'segmented');
    log.debug('hidden below the level');
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatchObject({ service: 'unet-worker', level: 'info', stage: 'unet', msg: 'segmented' });
    expect(String(out.lines[0]!.time)).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('redacts patient fields at the top level and nested, also in child loggers', () => {
    const out = capture();
    const log = createLogger('ingest', 'debug', out.stream);
    log.info({ patientName: 'Doe^Jane', tags: { PatientID: '12345', PatientBirthDate: '19700101', Modality: 'CR' } }, 'decoded');
    log.child({ job: { accessionNumber: 'A99' } }).warn({ deep: { dicom: { StudyInstanceUID: '1.2.3' } } }, 'x');
    const text = out.raw.join('\n');
    for (const secret of ['Doe^Jane', '12345', '19700101', 'A99', '1.2.3']) expect(text).not.toContain(secret);
    expect(out.lines[0]).toMatchObject({ patientName: REDACTED, tags: { PatientID: REDACTED, Modality: 'CR' } });
    expect(out.lines[1]).toMatchObject({ job: { accessionNumber: REDACTED }, deep: { dicom: { StudyInstanceUID: REDACTED } } });
  });

  it('serialises our errors with their code', () => {
    const out = capture();
    createLogger('ingest', 'info', out.stream).error({ err: InputError.forFile('/a/b/x.png', 'PNG is truncated') }, 'failed');
    expect(out.lines[0]).toMatchObject({ err: { type: 'InputError', message: 'x.png: PNG is truncated', code: 'INPUT_INVALID' } });
  });
});

describe('imageRef', () => {
  it('is stable, short and does not reveal the URI', () => {
    const uri = 's3://hospital/Doe_Jane_1970/lateral.png';
    expect(imageRef(uri)).toBe(imageRef(uri));
    expect(imageRef(uri)).toMatch(/^img-[0-9a-f]{12}$/);
    expect(imageRef(uri)).not.toBe(imageRef(`${uri}x`));
    // sha256('abc') starts with ba7816bf8f01
    expect(imageRef('abc')).toBe('img-ba7816bf8f01');
  });
});
