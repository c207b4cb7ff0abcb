import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { InputError, basename, isView, type View } from '@vertxnet/core';
import { openStorage, parseStorageUri, splitFileUri, type Storage } from '@vertxnet/storage';
import { HEAD_BYTES, hasImageExtension, judgeByContent, type FileVerdict } from './file-kind.js';
import { walkLocalFolder } from './local-folder.js';

export { IMAGE_EXTENSIONS } from './file-kind.js';

/** Hidden files and folders are never listed; other keys with an image extension are taken by name. */
export function isImageKey(key: string): boolean {
  if (isHiddenKey(key)) return false;
  return hasImageExtension(key);
}

function isHiddenKey(key: string): boolean {
  return key.split('/').some((part) => part.startsWith('.'));
}

/** A file of the source that is not taken as an image, and why (run.json lists them). */
export interface SkippedFile {
  key: string;
  reason: string;
}

export interface ListSourceOptions {
  /** Resume a listing: only keys after this one. */
  startAfter?: string;
  s3?: Parameters<typeof openStorage>[1];
  /** Told of each file of a folder or prefix that is not taken, with the reason. */
  onSkipped?: (file: SkippedFile) => void;
  /**
   * Follow symbolic links to files in a local folder (links to folders never are). Off by default:
   * a service must not read through a link what its configured source does not hold.
   * @defaultValue false
   */
  followLinks?: boolean;
}

/** One image of a run: where it is, and what a manifest said about it. */
export interface SourceItem {
  /** Full URI of the image. */
  uri: string;
  /** Key relative to the source root; names the result folder. */
  key: string;
  size?: number;
  etag?: string;
  view?: View;
  /**
   * Why this manifest row cannot be an image (a path outside the manifest's folder, a bad view).
   * The row fails alone, as a failed image with this reason; the rest of the run goes on.
   */
  rejected?: string;
}

/**
 * The result folder of an image: its key relative to the source, '/' replaced by '__', so two
 * files of the same name in different folders never collide and the name still says which file.
 */
export function resultName(key: string): string {
  return key
    .split('/')
    .filter((p) => p.length > 0)
    .join('__');
}

/**
 * Lists the images a source URI names: a folder or S3 prefix (recursively, in key order, resumable
 * after `startAfter`; files taken by image extension or, whatever their name, by content), a single
 * image file, or a manifest CSV with a `uri` column and an optional `view` column (uris relative to
 * the manifest's folder or absolute).
 */
export async function* listSource(source: string, opts: ListSourceOptions = {}): AsyncGenerator<SourceItem> {
  if (source.toLowerCase().endsWith('.csv')) {
    yield* listManifest(source, opts);
    return;
  }
  if (await isSingleFile(source)) {
    const { dirUri, key } = splitFileUri(source);
    const storage = openStorage(dirUri, opts.s3);
    const info = await storage.head(key);
    if (!info) throw new InputError(`${key}: no such file`);
    yield { uri: storage.uriOf(key), key, size: info.size, ...(info.etag ? { etag: info.etag } : {}) };
    return;
  }
  const storage = openStorage(source, opts.s3);
  const location = parseStorageUri(source);
  if (location.kind === 'local') {
    const walking = { ...(opts.startAfter ? { startAfter: opts.startAfter } : {}), followLinks: opts.followLinks === true };
    for await (const entry of walkLocalFolder(location.rootDir, walking)) {
      if ('skipped' in entry) {
        opts.onSkipped?.({ key: entry.key, reason: entry.skipped });
        continue;
      }
      const verdict = hasImageExtension(entry.key) ? TAKE : await judgeLocalFile(entry.path);
      if (!verdict.take) opts.onSkipped?.({ key: entry.key, reason: verdict.reason });
      else yield { uri: storage.uriOf(entry.key), key: entry.key, size: entry.size };
    }
    return;
  }
  for await (const obj of storage.list('', opts.startAfter ? { startAfter: opts.startAfter } : {})) {
    if (isHiddenKey(obj.key)) continue;
    const verdict = hasImageExtension(obj.key) ? TAKE : judgeByContent(await readStorageHead(storage, obj.key));
    if (!verdict.take) opts.onSkipped?.({ key: obj.key, reason: verdict.reason });
    else yield { uri: storage.uriOf(obj.key), key: obj.key, size: obj.size, ...(obj.etag ? { etag: obj.etag } : {}) };
  }
}

const TAKE: FileVerdict = { take: true };

/** A local file by its first bytes; one that cannot be read is left out with the cause, not the whole listing. */
async function judgeLocalFile(path: string): Promise<FileVerdict> {
  let handle;
  try {
    handle = await open(path, 'r');
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return judgeByContent(buffer.subarray(0, bytesRead));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === undefined) throw err;
    return { take: false, reason: `cannot be read (${code})` };
  } finally {
    await handle?.close();
  }
}

/** The first bytes of an object: the stream is dropped as soon as they have arrived. */
async function readStorageHead(storage: Storage, key: string): Promise<Uint8Array> {
  const stream: Readable = await storage.getStream(key);
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      length += (chunk as Buffer).length;
      if (length >= HEAD_BYTES) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, HEAD_BYTES);
}

async function isSingleFile(source: string): Promise<boolean> {
  const location = parseStorageUri(source);
  if (location.kind === 'local') {
    const info = await stat(location.rootDir).catch(() => undefined);
    if (!info) throw new InputError(`source ${source} does not exist`);
    return info.isFile();
  }
  return isImageKey(location.prefix);
}

async function* listManifest(manifestUri: string, opts: ListSourceOptions): AsyncGenerator<SourceItem> {
  const { dirUri, key } = splitFileUri(manifestUri);
  const folder: Storage = openStorage(dirUri, opts.s3);
  const rows = parseCsv((await folder.get(key)).toString('utf8'));
  const header = rows.shift()?.map((h) => h.trim().toLowerCase());
  const uriColumn = header?.indexOf('uri') ?? -1;
  if (!header || uriColumn < 0) throw new InputError(`${key}: manifest needs a header row with a "uri" column`);
  const viewColumn = header.indexOf('view');
  // Manifest rows keep their order; the resume cursor is the row's key, compared by position.
  let resumed = opts.startAfter === undefined;
  let rowNumber = 1; // the header
  for (const row of rows) {
    rowNumber += 1;
    const raw = row[uriColumn]?.trim();
    if (!raw) continue;
    const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) || raw.startsWith('/');
    const itemKey = absolute ? raw.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^\/+/, '') : raw;
    if (!resumed) {
      resumed = itemKey === opts.startAfter;
      continue;
    }
    const view = viewColumn >= 0 ? row[viewColumn]?.trim().toLowerCase() : undefined;
    let item: SourceItem;
    try {
      if (view && !isView(view)) throw new InputError(`view "${view}" is not cervical or lumbar`);
      item = { uri: absolute ? raw : folder.uriOf(raw), key: itemKey, ...(view ? { view: view as View } : {}) };
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      item = { uri: raw.slice(0, 2048), key: itemKey, rejected: `${basename(key)} row ${rowNumber}: ${err.message}` };
    }
    yield item;
  }
}

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f.length > 0)) rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f.length > 0)) rows.push(row);
  return rows;
}
