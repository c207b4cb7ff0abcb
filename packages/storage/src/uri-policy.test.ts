import { describe, expect, it } from 'vitest';
import { InputError } from '@vertxnet/core';
import { parseUriPolicy, uriRefusal } from './uri-policy.js';

describe('parseUriPolicy / uriRefusal', () => {
  it('admits whole schemes, buckets and folders, on whole path segments', () => {
    const policy = parseUriPolicy(' s3://cohort/ , s3://archive/xr,file:///data/cohort/ ');
    expect(policy.prefixes).toEqual(['s3://cohort', 's3://archive/xr', 'file:///data/cohort']);
    const refusal = (uri: string) => uriRefusal(uri, policy, 'ALLOWED_SOURCES');
    for (const ok of ['s3://cohort', 's3://cohort/a/b.png', 's3://archive/xr/', 'file:///data/cohort/x.dcm', '/data/cohort/y/z.png'])
      expect(refusal(ok), ok).toBeUndefined();
    expect(refusal('s3://cohort2/a')).toMatch(
      /^outside the allowed sources \(ALLOWED_SOURCES: s3:\/\/cohort\/, s3:\/\/archive\/xr, file:\/\/\/data\/cohort\/\)$/,
    );
    expect(refusal('s3://archive/xray/a')).toMatch(/outside/);
    expect(refusal('/data/cohort-other/a')).toMatch(/outside/);
    expect(refusal('/data/cohort/../../etc/passwd')).toBe('".." segments are not allowed');
    expect(refusal('data/cohort')).toBe('relative paths are not allowed');
    expect(() => refusal('ftp://x/y')).toThrow(InputError);
    expect(uriRefusal('s3://any-bucket/x', parseUriPolicy('s3://'), 'ALLOWED_OUTPUTS')).toBeUndefined();
    expect(uriRefusal('/tmp/x', parseUriPolicy('s3://'), 'ALLOWED_OUTPUTS')).toBe('local paths are not allowed (ALLOWED_OUTPUTS: s3://)');
    expect(uriRefusal('/tmp/x', parseUriPolicy('s3://,file://'), 'ALLOWED_OUTPUTS')).toBeUndefined();
  });

  it('refuses a list that is empty or names what no URI can be', () => {
    expect(() => parseUriPolicy(' , ')).toThrow(/at least one URI prefix/);
    expect(() => parseUriPolicy('s3://b/../c')).toThrow(/"s3:\/\/b\/..\/c": ".." segments are not allowed/);
    expect(() => parseUriPolicy('relative/dir')).toThrow(/relative paths are not allowed/);
    expect(() => parseUriPolicy('ftp://x')).toThrow(/unsupported storage URI scheme/);
  });
});
