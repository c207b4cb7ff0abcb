import { isAbsolute, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { View } from '../levels.js';
import { parseStorageUri, splitFileUri } from '../storage/keys.js';
import type { Storage } from '../storage/storage.js';
import { readManifest } from './manifest.js';

/** Source objects with these extensions are images; everything else in a listing is ignored. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.dcm'] as const;

export interface SourceItem {
  /** Full URI of the image. */
  uri: string;
  /** Result name under the run's out URI: the key without its extension. */
  result: string;
  view?: View;
  /** The storage's ETag, where the listing gives one. */
  etag?: string;
  /** Resume the listing after this item. */
  cursor: string;
}

export type OpenStorage = (uri: string) => Storage;

export function isManifest(source: string): boolean {
  return /\.csv$/i.test(source);
}

export function hasImageExtension(key: string): boolean {
  const lower = key.toLowerCase();
  return IMAGE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/**
 * The images of a source, in a stable order, resumable after `cursor`: a storage prefix
 * (S3 or a folder) listed lazily page by page, or a manifest CSV streamed line by line.
 * Manifest rows are taken as given (no extension filter); relative URIs are resolved against
 * the manifest's folder.
 */
export async function* listSource(source: string, cursor: string | undefined, open: OpenStorage): AsyncGenerator<SourceItem> {
  if (isManifest(source)) {
    yield* listManifest(source, cursor, open);
    return;
  }
  const storage = open(source);
  for await (const object of storage.list('', cursor === undefined ? {} : { startAfter: cursor })) {
    if (!hasImageExtension(object.key)) continue;
    yield {
      uri: storage.uriOf(object.key),
      result: resultName(object.key),
      cursor: object.key,
      ...(object.etag ? { etag: object.etag } : {}),
    };
  }
}

async function* listManifest(source: string, cursor: string | undefined, open: OpenStorage): AsyncGenerator<SourceItem> {
  const { dirUri, key } = splitFileUri(source);
  const folder = open(dirUri);
  const stream = await folder.getStream(key);
  for await (const row of readManifest(key, stream, cursor === undefined ? 0 : Number(cursor))) {
    const relative = !/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(row.uri) && !isAbsolute(row.uri);
    const uri = relative ? resolveAgainst(dirUri, row.uri) : row.uri;
    yield {
      uri,
      result: resultName(relative ? row.uri : pathOfUri(uri)),
      cursor: String(row.line),
      ...(row.view ? { view: row.view } : {}),
    };
  }
}

function resolveAgainst(dirUri: string, relative: string): string {
  const location = parseStorageUri(dirUri);
  if (location.kind === 's3') return `s3://${location.bucket}/${[location.prefix, relative].filter((p) => p !== '').join('/')}`;
  return resolvePath(location.rootDir, relative);
}

/** 's3://bucket/a/b.dcm' → 'bucket/a/b.dcm'; 'file:///x/y.png' or '/x/y.png' → 'x/y.png'. */
function pathOfUri(uri: string): string {
  if (/^s3:\/\//i.test(uri)) return uri.slice('s3://'.length);
  return /^file:\/\//i.test(uri) ? fileURLToPath(uri) : uri;
}

/** A storage-safe result name: extension dropped, odd characters and '.'/'..' segments replaced. */
export function resultName(path: string): string {
  const segments = path
    .replace(/\\/g, '/')
    .replace(/\.[A-Za-z0-9]{1,5}$/, '')
    .split('/')
    .filter((s) => s !== '')
    .map((s) => s.replace(/[^A-Za-z0-9._-]/g, '_'))
    .map((s) => (s === '.' || s === '..' ? '_' : s));
  return segments.length === 0 ? 'image' : segments.join('/');
}
