import { open, type FileHandle } from 'node:fs/promises';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { CorrectionsError } from './common.js';

/**
 * The little of ZIP that CVAT's COCO archives need: a writer that streams entries to a file
 * (JSON deflated, images stored as they are) and a reader of an archive's entries by name.
 */

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface Written {
  name: Buffer;
  crc: number;
  method: number;
  compressed: number;
  size: number;
  offset: number;
}

/** A ZIP file written entry by entry; `close` writes the central directory. */
export class ZipWriter {
  private readonly entries: Written[] = [];
  private offset = 0;

  private constructor(private readonly fh: FileHandle) {}

  static async create(path: string): Promise<ZipWriter> {
    return new ZipWriter(await open(path, 'wx'));
  }

  async add(name: string, data: Buffer, opts: { deflate?: boolean } = {}): Promise<void> {
    const body = opts.deflate ? deflateRawSync(data) : data;
    const entry: Written = { name: Buffer.from(name, 'utf8'), crc: crc32(data), method: opts.deflate ? 8 : 0, compressed: body.length, size: data.length, offset: this.offset };
    if (entry.compressed >= 0xffffffff || this.offset >= 0xffffffff) throw new CorrectionsError(`${name}: the archive would need ZIP64; use --images reference`);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x0800, 6); // UTF-8 names
    header.writeUInt16LE(entry.method, 8);
    header.writeUInt32LE(0x00210000, 10); // 1980-01-01 00:00
    header.writeUInt32LE(entry.crc, 14);
    header.writeUInt32LE(entry.compressed, 18);
    header.writeUInt32LE(entry.size, 22);
    header.writeUInt16LE(entry.name.length, 26);
    await this.fh.write(Buffer.concat([header, entry.name, body]));
    this.offset += 30 + entry.name.length + body.length;
    this.entries.push(entry);
  }

  /** Closes the file without finishing it (the caller removes it). */
  async abort(): Promise<void> {
    await this.fh.close();
  }

  async close(): Promise<void> {
    const parts: Buffer[] = [];
    for (const e of this.entries) {
      const h = Buffer.alloc(46);
      h.writeUInt32LE(0x02014b50, 0);
      h.writeUInt16LE(20, 4);
      h.writeUInt16LE(20, 6);
      h.writeUInt16LE(0x0800, 8);
      h.writeUInt16LE(e.method, 10);
      h.writeUInt32LE(0x00210000, 12);
      h.writeUInt32LE(e.crc, 16);
      h.writeUInt32LE(e.compressed, 20);
      h.writeUInt32LE(e.size, 24);
      h.writeUInt16LE(e.name.length, 28);
      h.writeUInt32LE(e.offset, 42);
      parts.push(h, e.name);
    }
    const directory = Buffer.concat(parts);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(this.offset, 16);
    await this.fh.write(Buffer.concat([directory, end]));
    await this.fh.close();
  }
}

/** The entries of a ZIP archive in memory, by name; a cut-off or damaged archive is refused in one line. */
export function readZip(data: Buffer, file: string): Map<string, () => Buffer> {
  let end = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 0xffff); i--) {
    if (data.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new CorrectionsError(`${file} is not a complete ZIP archive: it ends early (half-written or cut off?); download it again`);
  const count = data.readUInt16LE(end + 10);
  let p = data.readUInt32LE(end + 16);
  const entries = new Map<string, () => Buffer>();
  for (let k = 0; k < count; k++) {
    if (p + 46 > data.length || data.readUInt32LE(p) !== 0x02014b50) throw new CorrectionsError(`${file}: damaged ZIP archive (central directory)`);
    const method = data.readUInt16LE(p + 10);
    const compressed = data.readUInt32LE(p + 20);
    const nameLength = data.readUInt16LE(p + 28);
    const extra = data.readUInt16LE(p + 30);
    const comment = data.readUInt16LE(p + 32);
    const local = data.readUInt32LE(p + 42);
    const name = data.subarray(p + 46, p + 46 + nameLength).toString('utf8');
    p += 46 + nameLength + extra + comment;
    entries.set(name, () => {
      if (local + 30 > data.length || data.readUInt32LE(local) !== 0x04034b50) throw new CorrectionsError(`${file}: damaged ZIP archive (${name})`);
      const start = local + 30 + data.readUInt16LE(local + 26) + data.readUInt16LE(local + 28);
      const body = data.subarray(start, start + compressed);
      if (method === 0) return body;
      if (method === 8) return inflateRawSync(body);
      throw new CorrectionsError(`${file}: ${name} is compressed with method ${method}; only stored and deflated entries are read`);
    });
  }
  return entries;
}
