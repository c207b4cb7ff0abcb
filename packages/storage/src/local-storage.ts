import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { InputError, NotFoundError, TransientError, basename } from '@vertxnet/core';
import { checkKey, checkPrefix, compareKeys } from './keys.js';
import type { ListOptions, ListedObject, ObjectInfo, PutBody, PutOptions, Storage } from './storage.js';

/** Files being written are named with this marker and never listed. */
const TEMP_MARKER = '.vertxnet-partial-';

/** A folder on the local filesystem as object storage: the laptop and test binding of Storage. */
export class LocalStorage implements Storage {
  readonly rootDir: string;
  readonly uri: string;

  constructor(rootDir: string) {
    this.rootDir = resolve(rootDir);
    this.uri = pathToFileURL(this.rootDir).href;
  }

  uriOf(key: string): string {
    return pathToFileURL(this.pathOf(key)).href;
  }

  /** The absolute path of a key; throws InputError for keys that would escape the root. */
  pathOf(key: string): string {
    const path = resolve(this.rootDir, ...checkKey(key).split('/'));
    if (!path.startsWith(this.rootDir.endsWith(sep) ? this.rootDir : this.rootDir + sep)) throw new InputError(`storage key escapes its root: "${key}"`);
    return path;
  }

  async get(key: string): Promise<Buffer> {
    const path = this.pathOf(key);
    try {
      return await readFile(path);
    } catch (err) {
      throw mapFsError(err, key);
    }
  }

  async getStream(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    // Open first so a missing file fails here, not later as a stream 'error' event.
    const handle = await open(path, 'r').catch((err: unknown) => {
      throw mapFsError(err, key);
    });
    const info = await handle.stat();
    if (!info.isFile()) {
      await handle.close();
      throw new NotFoundError(`${basename(key)}: not found in storage`);
    }
    return handle.createReadStream({ autoClose: true });
  }

  async put(key: string, body: PutBody, _opts?: PutOptions): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true }).catch((err: unknown) => {
      throw new InputError(`${basename(key)}: a parent folder of this key is a file`, { cause: err });
    });
    const temp = join(dirname(path), `${TEMP_MARKER}${randomBytes(6).toString('hex')}`);
    try {
      // flush: fsync before close, so the rename never publishes a file whose bytes are not on disk.
      if (body instanceof Readable) {
        await pipeline(body, createWriteStream(temp, { flags: 'wx', flush: true }));
      } else {
        await writeFile(temp, body, { flag: 'wx', flush: true });
      }
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      const code = (err as NodeJS.ErrnoException | undefined)?.code;
      if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST') {
        throw new InputError(`${basename(key)}: key collides with a folder of the same name`, { cause: err });
      }
      throw mapFsError(err, key);
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== undefined;
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const info = await stat(this.pathOf(key));
      return info.isFile() ? { size: info.size, lastModified: info.mtime } : undefined;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw mapFsError(err, key);
    }
  }

  async *list(prefix: string, opts: ListOptions = {}): AsyncIterable<ListedObject> {
    checkPrefix(prefix);
    yield* this.walk('', prefix, opts.startAfter);
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.pathOf(key));
    } catch (err) {
      if (!isMissing(err)) throw mapFsError(err, key);
    }
  }

  /**
   * Depth-first walk in key order. A folder 'a' sorts as 'a/' so that 'a-b' (0x2d) comes before
   * 'a/x' (0x2f), as S3 would list them; folders that cannot hold a wanted key are skipped.
   */
  private async *walk(dirKey: string, prefix: string, startAfter?: string): AsyncGenerator<ListedObject> {
    let entries;
    try {
      entries = await readdir(dirKey === '' ? this.rootDir : join(this.rootDir, ...dirKey.split('/')), {
        withFileTypes: true,
      });
    } catch (err) {
      if (isMissing(err)) return;
      throw mapFsError(err, dirKey);
    }
    const items = entries
      .filter((e) => (e.isFile() || e.isDirectory()) && !e.name.startsWith(TEMP_MARKER))
      .map((e) => {
        const key = dirKey === '' ? e.name : `${dirKey}/${e.name}`;
        return { key, dir: e.isDirectory(), sortKey: e.isDirectory() ? `${key}/` : key };
      })
      .sort((a, b) => compareKeys(a.sortKey, b.sortKey));

    for (const item of items) {
      if (item.dir) {
        const dirPrefix = item.sortKey;
        const overlapsPrefix = dirPrefix.startsWith(prefix) || prefix.startsWith(dirPrefix);
        const allBeforeStart = startAfter !== undefined && !startAfter.startsWith(dirPrefix) && compareKeys(startAfter, dirPrefix) > 0;
        if (overlapsPrefix && !allBeforeStart) yield* this.walk(item.key, prefix, startAfter);
        continue;
      }
      if (!item.key.startsWith(prefix)) continue;
      if (startAfter !== undefined && compareKeys(item.key, startAfter) <= 0) continue;
      let size: number;
      try {
        size = (await stat(join(this.rootDir, ...item.key.split('/')))).size;
      } catch (err) {
        if (isMissing(err)) continue; // deleted while we listed
        throw mapFsError(err, item.key);
      }
      yield { key: item.key, size };
    }
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

function mapFsError(err: unknown, key: string): Error {
  if (isMissing(err)) return new NotFoundError(`${basename(key)}: not found in storage`, { cause: err });
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EMFILE' || code === 'ENFILE' || code === 'EAGAIN' || code === 'EBUSY' || code === 'ENOSPC') {
    return new TransientError(`${basename(key)}: local storage is busy or full (${code})`, { cause: err });
  }
  return err instanceof Error ? err : new Error(String(err));
}
