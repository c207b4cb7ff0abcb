import { basename, dirname, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InputError } from '@vertxnet/core';

/** Joins key parts with '/', dropping empty parts and doubled or edge slashes. */
export function joinKey(...parts: string[]): string {
  return parts
    .flatMap((p) => p.split('/'))
    .filter((p) => p.length > 0)
    .join('/');
}

/**
 * Checks a key before it touches storage: relative, '/'-separated, no '.' or '..' segments,
 * no backslashes or NUL. Returns it unchanged. Throws InputError otherwise.
 */
export function checkKey(key: string): string {
  if (key.length === 0) throw new InputError('storage key is empty');
  if (key.startsWith('/')) throw new InputError(`storage key must be relative: "${key}"`);
  if (key.includes('\\') || key.includes('\0')) {
    throw new InputError(`storage key may not contain backslashes or NUL: "${key}"`);
  }
  for (const segment of key.split('/')) {
    if (segment === '..' || segment === '.') {
      throw new InputError(`storage key escapes its root or is not normalised: "${key}"`);
    }
    if (segment === '') throw new InputError(`storage key has an empty segment: "${key}"`);
  }
  return key;
}

/** Like checkKey, but for listing prefixes, which may be empty or end with '/'. */
export function checkPrefix(prefix: string): string {
  if (prefix === '') return prefix;
  checkKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  return prefix;
}

export type StorageLocation = { kind: 's3'; bucket: string; prefix: string } | { kind: 'local'; rootDir: string };

/**
 * 's3://bucket/some/prefix' → S3 (prefix without edge slashes, may be '');
 * 'file:///abs/dir' or a plain path (resolved against the working directory) → local.
 */
export function parseStorageUri(uri: string): StorageLocation {
  if (uri.length === 0) throw new InputError('storage URI is empty');
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(uri)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'local', rootDir: resolvePath(uri) };
  if (scheme === 'file') {
    try {
      return { kind: 'local', rootDir: fileURLToPath(uri) };
    } catch (err) {
      throw new InputError(`not a valid file URI: "${uri}"`, { cause: err });
    }
  }
  if (scheme === 's3') {
    const rest = uri.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    const prefix = slash === -1 ? '' : joinKey(rest.slice(slash + 1));
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw new InputError(`not a valid S3 bucket name in "${uri}"`);
    }
    if (prefix !== '') checkKey(prefix);
    return { kind: 's3', bucket, prefix };
  }
  throw new InputError(`unsupported storage URI scheme "${scheme}://" (use s3://, file:// or a path)`);
}

/** The canonical URI of a location: 's3://bucket/prefix' or 'file:///abs/dir'. */
export function formatStorageUri(location: StorageLocation): string {
  if (location.kind === 's3') {
    return location.prefix === '' ? `s3://${location.bucket}` : `s3://${location.bucket}/${location.prefix}`;
  }
  return pathToFileURL(location.rootDir).href;
}

/**
 * Splits the URI of one object into the URI of its folder and its key there, so a single file
 * can be read with openStorage(dirUri).get(key). Plain paths stay plain paths.
 */
export function splitFileUri(uri: string): { dirUri: string; key: string } {
  const location = parseStorageUri(uri);
  if (location.kind === 's3') {
    const cut = location.prefix.lastIndexOf('/');
    if (location.prefix === '') throw new InputError(`not the URI of an object: "${uri}"`);
    const dir: StorageLocation = { ...location, prefix: cut === -1 ? '' : location.prefix.slice(0, cut) };
    return { dirUri: formatStorageUri(dir), key: location.prefix.slice(cut + 1) };
  }
  if (uri.endsWith('/')) throw new InputError(`not the URI of a file: "${uri}"`);
  const key = basename(location.rootDir);
  if (key === '') throw new InputError(`not the URI of a file: "${uri}"`);
  const dir = dirname(location.rootDir);
  const isFileUri = /^file:\/\//i.test(uri);
  return { dirUri: isFileUri ? pathToFileURL(dir).href : dir, key: checkKey(key) };
}

/** Compares keys the way S3 orders them: by UTF-8 bytes. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
