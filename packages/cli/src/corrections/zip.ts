import { open, type FileHandle } from 'node:fs/promises';
import { FlateErrorCode, Zip, ZipDeflate, ZipPassThrough, unzipSync, type FlateError } from 'fflate';
import { CorrectionsError } from './common.js';

/**
 * fflate, fitted to CVAT's COCO archives: a writer that streams entries to a file as they are
 * added (so a task's images are never all in memory at once), and a reader that refuses a cut-off
 * or damaged archive in one line.
 */

/** Every entry's time, 1980-01-01 00:00 (ZIP keeps local time): the same task gives the same bytes. */
const ENTRY_TIME = new Date(1980, 0, 1);
/** fflate writes no ZIP64: sizes and offsets must stay under 0xffffffff (ZIP64's marker). */
const ZIP32_LIMIT = 0xffffffff;

/** A ZIP file written entry by entry; `close` writes the central directory. */
export class ZipWriter {
  private readonly zip: Zip;
  private chunks: Uint8Array[] = [];
  private failure: FlateError | undefined;
  private written = 0;

  private constructor(private readonly fh: FileHandle) {
    // With ZipPassThrough and (synchronous) ZipDeflate, fflate hands every chunk over within push/end.
    this.zip = new Zip((err, chunk) => {
      if (err) this.failure ??= err;
      else this.chunks.push(chunk);
    });
  }

  static async create(path: string): Promise<ZipWriter> {
    return new ZipWriter(await open(path, 'wx'));
  }

  /** Adds an entry: deflated (level 6) or stored as it is. */
  async add(name: string, data: Uint8Array, opts: { deflate?: boolean } = {}): Promise<void> {
    const entry = opts.deflate ? new ZipDeflate(name, { level: 6 }) : new ZipPassThrough(name);
    entry.mtime = ENTRY_TIME;
    this.zip.add(entry);
    entry.push(data, true);
    await this.flush(name);
  }

  /** Closes the file without finishing it (the caller removes it). */
  async abort(): Promise<void> {
    this.zip.terminate();
    await this.fh.close();
  }

  async close(): Promise<void> {
    this.zip.end();
    await this.flush('the central directory');
    await this.fh.close();
  }

  private async flush(what: string): Promise<void> {
    const chunks = this.chunks;
    this.chunks = [];
    if (this.failure) throw new CorrectionsError(`${what}: ZIP writing failed (${this.failure.message})`);
    this.written += chunks.reduce((n, c) => n + c.length, 0);
    if (this.written >= ZIP32_LIMIT) throw new CorrectionsError(`${what}: the archive would need ZIP64; use --images reference`);
    for (const chunk of chunks) await this.fh.write(chunk);
  }
}

/**
 * The entries of a ZIP archive whose names `wanted` accepts, read into memory (the others are
 * skipped, not inflated); a cut-off or damaged archive is refused in one line.
 */
export function readZip(data: Uint8Array, file: string, wanted: (name: string) => boolean): Map<string, Uint8Array> {
  const filter = ({ name, compression }: { name: string; compression: number }): boolean => {
    if (!wanted(name)) return false;
    if (compression !== 0 && compression !== 8) {
      throw new CorrectionsError(`${file}: ${name} is compressed with method ${compression}; only stored and deflated entries are read`);
    }
    return true;
  };
  try {
    return new Map(Object.entries(unzipSync(data, { filter })));
  } catch (err) {
    if (err instanceof CorrectionsError) throw err;
    // fflate's "invalid zip data": above all, no end of central directory, as in a half-written download.
    if ((err as Partial<FlateError>).code === FlateErrorCode.InvalidZipData) {
      throw new CorrectionsError(`${file} is not a complete ZIP archive: it ends early (half-written or cut off?); download it again`);
    }
    throw new CorrectionsError(`${file}: damaged ZIP archive (${err instanceof Error ? err.message : String(err)})`);
  }
}
