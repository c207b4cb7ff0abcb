import { open } from 'node:fs/promises';

/** Pages counted at most: past this, the count is reported as "at least". */
const MAX_PAGES = 10_000;

/**
 * The number of pages (image file directories) of a TIFF file, read from the chain of IFD offsets
 * without decoding anything; undefined when the file is not a classic TIFF. The pipeline analyses
 * the first page only, so a run notes the others instead of dropping them without a word.
 */
export async function countTiffPages(path: string): Promise<number | undefined> {
  const handle = await open(path, 'r');
  try {
    const read = async (offset: number, length: number): Promise<Buffer | undefined> => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return bytesRead === length ? buffer : undefined;
    };
    const header = await read(0, 8);
    if (!header) return undefined;
    const order = header.toString('latin1', 0, 2);
    if (order !== 'II' && order !== 'MM') return undefined;
    const little = order === 'II';
    const u16 = (b: Buffer, at: number) => (little ? b.readUInt16LE(at) : b.readUInt16BE(at));
    const u32 = (b: Buffer, at: number) => (little ? b.readUInt32LE(at) : b.readUInt32BE(at));
    if (u16(header, 2) !== 42) return undefined; // 43 is BigTIFF: not counted
    const seen = new Set<number>();
    let offset = u32(header, 4);
    let pages = 0;
    while (offset !== 0 && !seen.has(offset) && pages < MAX_PAGES) {
      seen.add(offset);
      const count = await read(offset, 2);
      if (!count) break;
      const next = await read(offset + 2 + u16(count, 0) * 12, 4);
      pages++;
      if (!next) break;
      offset = u32(next, 0);
    }
    return pages;
  } finally {
    await handle.close();
  }
}
