import sharp from 'sharp';

/** A 4×4 montage of 256-pixel thumbnails (fewer when fewer films), on black. */
export async function contactSheet(thumbnails: Uint8Array[], path: string): Promise<void> {
  const tiles = thumbnails.slice(0, 16);
  const columns = Math.min(4, Math.max(1, tiles.length));
  const rows = Math.max(1, Math.ceil(tiles.length / 4));
  await sharp({ create: { width: columns * 256, height: rows * 256, channels: 3, background: { r: 0, g: 0, b: 0 } } })
    .composite(tiles.map((t, k) => ({ input: Buffer.from(t), left: (k % 4) * 256, top: Math.floor(k / 4) * 256 })))
    .toColourspace('b-w')
    .png()
    .toFile(path);
}
