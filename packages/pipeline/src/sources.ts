import { stat } from 'node:fs/promises';
import {
  InputError,
  basename,
  isView,
  openStorage,
  parseStorageUri,
  splitFileUri,
  type Storage,
  type View,
} from '@vertxnet/shared';

/** File names the pipeline takes as radiographs; everything else in a source folder is ignored. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.dcm'] as const;

export function isImageKey(key: string): boolean {
  const lower = key.toLowerCase();
  if (lower.split('/').some((part) => part.startsWith('.'))) return false; // hidden files and folders
  return IMAGE_EXTENSIONS.some((ext) => lower.endsWith(ext));
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
  return key.split('/').filter((p) => p.length > 0).join('__');
}

/**
 * Lists the images a source URI names: a folder or S3 prefix (recursively, in key order, resumable
 * after `startAfter`), a single image file, or a manifest CSV with a `uri` column and an optional
 * `view` column (uris relative to the manifest's folder or absolute).
 */
export async function* listSource(
  source: string,
  opts: { startAfter?: string; s3?: Parameters<typeof openStorage>[1] } = {},
): AsyncGenerator<SourceItem> {
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
  for await (const obj of storage.list('', opts.startAfter ? { startAfter: opts.startAfter } : {})) {
    if (!isImageKey(obj.key)) continue;
    yield { uri: storage.uriOf(obj.key), key: obj.key, size: obj.size, ...(obj.etag ? { etag: obj.etag } : {}) };
  }
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

async function* listManifest(
  manifestUri: string,
  opts: { startAfter?: string; s3?: Parameters<typeof openStorage>[1] },
): AsyncGenerator<SourceItem> {
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
