import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { InputError } from '@vertxnet/core';
import { checkKey, compareKeys, formatStorageUri, joinKey, parseStorageUri, splitFileUri } from './keys.js';

describe('storage keys and URIs', () => {
  it('joinKey drops empty parts and edge slashes', () => {
    expect(joinKey('runs/', '/r1', '', 'images//a.png')).toBe('runs/r1/images/a.png');
    expect(joinKey('', '')).toBe('');
  });

  it('checkKey refuses keys that escape the root or are not normalised', () => {
    for (const bad of ['../x', 'a/../../x', '/abs', 'a//b', './a', 'a\\b', '']) {
      expect(() => checkKey(bad), bad).toThrow(InputError);
    }
    expect(checkKey('a/b.c/..d')).toBe('a/b.c/..d');
  });

  it('parses s3, file and plain-path URIs', () => {
    expect(parseStorageUri('s3://cohort/runs/r1/')).toEqual({ kind: 's3', bucket: 'cohort', prefix: 'runs/r1' });
    expect(parseStorageUri('s3://cohort')).toEqual({ kind: 's3', bucket: 'cohort', prefix: '' });
    expect(parseStorageUri('file:///data/in')).toEqual({ kind: 'local', rootDir: '/data/in' });
    expect(parseStorageUri('rel/dir')).toEqual({ kind: 'local', rootDir: resolve('rel/dir') });
    expect(() => parseStorageUri('http://x/y')).toThrow(/unsupported storage URI scheme "http:\/\/"/);
    expect(() => parseStorageUri('s3://Bad_Bucket/x')).toThrow(InputError);
    expect(() => parseStorageUri('s3://cohort/../x')).toThrow(InputError);
  });

  it('formats canonical URIs', () => {
    expect(formatStorageUri({ kind: 's3', bucket: 'bkt', prefix: 'p/q' })).toBe('s3://bkt/p/q');
    expect(formatStorageUri({ kind: 'local', rootDir: '/data/in' })).toBe('file:///data/in');
  });

  it('splitFileUri gives the folder URI and the key of one object', () => {
    expect(splitFileUri('s3://bkt/p/q/scan.png')).toEqual({ dirUri: 's3://bkt/p/q', key: 'scan.png' });
    expect(splitFileUri('s3://bkt/scan.png')).toEqual({ dirUri: 's3://bkt', key: 'scan.png' });
    expect(splitFileUri('file:///data/in/scan.png')).toEqual({ dirUri: 'file:///data/in', key: 'scan.png' });
    expect(splitFileUri('/data/in/scan.png')).toEqual({ dirUri: '/data/in', key: 'scan.png' });
    expect(() => splitFileUri('s3://bkt')).toThrow(InputError);
    expect(() => splitFileUri('/data/in/')).toThrow(InputError);
  });

  it('orders keys by UTF-8 bytes, as S3 does', () => {
    const keys = ['a/x', 'a-b', 'a', '\u{1F600}', '\uFF21'];
    expect([...keys].sort(compareKeys)).toEqual(['a', 'a-b', 'a/x', '\uFF21', '\u{1F600}']);
  });
});
