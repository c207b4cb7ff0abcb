import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '@vertxnet/core';
import { s3Env, s3OptionsFromEnv, serviceEnv } from './common-env.js';
import { describeEnv, envMarkdownTable, envBool, envInt, parseEnv } from '@vertxnet/config';
import { modelRunnerEnv } from './service-env.js';

const Schema = z.object({
  ...serviceEnv,
  ...s3Env,
  MODEL_DIR: z.string().min(1).describe('Folder with model.onnx and manifest.json.'),
  BATCH_WINDOW_MS: envInt(0, 1000).default(5).describe('How long to gather jobs into one batch.'),
});

describe('parseEnv', () => {
  it('applies defaults and parses types', () => {
    const cfg = parseEnv(Schema, { MODEL_DIR: '/models/unet', S3_FORCE_PATH_STYLE: 'TRUE', HTTP_PORT: '0' }, 'unet-worker');
    expect(cfg).toEqual({
      REDIS_URL: 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: 'vertxnet',
      LOG_LEVEL: 'info',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: 0,
      SHUTDOWN_TIMEOUT_MS: 25_000,
      QUEUE_EVENTS_MAX_LEN: 100,
      S3_REGION: 'us-east-1',
      S3_FORCE_PATH_STYLE: true,
      MODEL_DIR: '/models/unet',
      BATCH_WINDOW_MS: 5,
    });
  });

  it('parses booleans from true/false/1/0 only', () => {
    const B = z.object({ FLAG: envBool() });
    expect(parseEnv(B, { FLAG: '1' }).FLAG).toBe(true);
    expect(parseEnv(B, { FLAG: '0' }).FLAG).toBe(false);
    expect(parseEnv(B, { FLAG: 'False' }).FLAG).toBe(false);
    expect(() => parseEnv(B, { FLAG: 'yes' })).toThrow(/FLAG: must be true, false, 1 or 0 \(got "yes"\)/);
  });

  it('treats empty variables as unset', () => {
    const cfg = parseEnv(Schema, { MODEL_DIR: 'm', S3_ENDPOINT: '', HTTP_PORT: '' });
    expect(cfg.S3_ENDPOINT).toBeUndefined();
    expect(cfg.HTTP_PORT).toBe(8080);
  });

  it('lists every bad variable in one message, hiding values that may be secret', () => {
    const env = {
      REDIS_URL: 'http://user:hunter2@host:6379',
      HTTP_PORT: '70000',
      SHUTDOWN_TIMEOUT_MS: 'soon',
      LOG_LEVEL: 'loud',
      S3_ENDPOINT: 'minio:9000',
    };
    let error: unknown;
    try {
      parseEnv(Schema, env, 'unet-worker');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message.split('\n')).toEqual([
      'unet-worker: invalid configuration (6 problems):',
      '  - REDIS_URL: must be a URL starting with redis:// or rediss://',
      '  - LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
      '  - HTTP_PORT: must be at most 65535 (got "70000")',
      '  - SHUTDOWN_TIMEOUT_MS: must be a whole number (got "soon")',
      '  - S3_ENDPOINT: must be a URL starting with http:// or https:// (got "minio:9000")',
      '  - MODEL_DIR: is required but not set',
    ]);
    expect(message).not.toContain('hunter2');
  });

  it('maps the S3 variables to client options', () => {
    expect(s3OptionsFromEnv(parseEnv(z.object(s3Env), {}))).toEqual({ region: 'us-east-1' });
    expect(s3OptionsFromEnv(parseEnv(z.object(s3Env), { S3_ENDPOINT: 'http://minio:9000', S3_FORCE_PATH_STYLE: 'false' }))).toEqual({
      region: 'us-east-1',
      endpoint: 'http://minio:9000',
      forcePathStyle: false,
    });
  });
});

describe('describeEnv', () => {
  it('gives name, default, required and description for each variable', () => {
    const rows = describeEnv(Schema);
    expect(rows.map((r) => r.name)).toEqual(Object.keys(Schema.shape));
    expect(rows.find((r) => r.name === 'HTTP_PORT')).toMatchObject({ default: '8080', required: false });
    expect(rows.find((r) => r.name === 'MODEL_DIR')).toEqual({
      name: 'MODEL_DIR',
      default: '',
      required: true,
      description: 'Folder with model.onnx and manifest.json.',
    });
    expect(rows.find((r) => r.name === 'S3_ENDPOINT')).toMatchObject({ default: '', required: false });
    for (const row of rows) expect(row.description, row.name).not.toBe('');
  });

  it('reads the default and description of a transformed variable', () => {
    const rows = describeEnv(z.object({ ...modelRunnerEnv(4) }));
    expect(rows.find((r) => r.name === 'INFERENCE_PROVIDERS')).toMatchObject({ default: 'cpu', required: false });
    expect(rows.find((r) => r.name === 'INFERENCE_PROVIDERS')?.description).toContain('Execution providers');
  });

  it('renders a Markdown table', () => {
    const table = envMarkdownTable(Schema).split('\n');
    expect(table[0]).toBe('| variable | default | meaning |');
    expect(table).toContain('| `MODEL_DIR` | required | Folder with model.onnx and manifest.json. |');
    expect(table.some((l) => l.startsWith('| `QUEUE_PREFIX` | `vertxnet` |'))).toBe(true);
  });
});
