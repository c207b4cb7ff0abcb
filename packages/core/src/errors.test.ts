import { describe, expect, it } from 'vitest';
import { ConfigError, InputError, ModelError, NotFoundError, TransientError, VertxnetError, basename } from './errors.js';

describe('error classes', () => {
  it('are told apart by instanceof and carry a code', () => {
    const errors = [new InputError('a'), new TransientError('b'), new ConfigError('c'), new ModelError('d'), new NotFoundError('e')];
    for (const e of errors) {
      expect(e).toBeInstanceOf(VertxnetError);
      expect(e).toBeInstanceOf(Error);
      expect(e.code).toMatch(/^[A-Z_]+$/);
      expect(e.name).toBe(e.constructor.name);
    }
    expect(errors[0]).not.toBeInstanceOf(TransientError);
    expect(errors[1]).not.toBeInstanceOf(InputError);
    expect(new Set(errors.map((e) => e.code)).size).toBe(errors.length);
  });

  it('InputError.forFile names the file by its basename only', () => {
    const e = InputError.forFile('s3://cohort/patients/Doe_John/scan.png', 'PNG is truncated');
    expect(e.message).toBe('scan.png: PNG is truncated');
    expect(e.message).not.toContain('Doe_John');
  });

  it('keeps a cause and a custom code', () => {
    const cause = new Error('low level');
    const e = new TransientError('S3 unavailable', { cause, code: 'S3_UNAVAILABLE' });
    expect(e.cause).toBe(cause);
    expect(e.code).toBe('S3_UNAVAILABLE');
  });

  it('basename handles both separators and trailing slashes', () => {
    expect(basename('C:\\data\\x.tif')).toBe('x.tif');
    expect(basename('a/b/c/')).toBe('c');
    expect(basename('plain.png')).toBe('plain.png');
  });
});
