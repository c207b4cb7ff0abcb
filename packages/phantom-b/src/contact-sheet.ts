import sharp from 'sharp';

const TILE = 256;
const GRID = 4;

/** A 4×4 montage of up to 16 films, each letterboxed into a 256-pixel tile, for a quick look. */
export async function writeContactSheet(files: readonly string[], out: string): Promise<void> {
  const tiles = await Promise.all(
    files.slice(0, GRID * GRID).map(async (file, i) => ({
      input: await sharp(file)
        .resize(TILE, TILE, { fit: 'contain', background: { r: 40, g: 40, b: 40 } })
        .grayscale()
        .png()
        .toBuffer(),
      left: (i % GRID) * TILE,
      top: Math.floor(i / GRID) * TILE,
    })),
  );
  await sharp({ create: { width: GRID * TILE, height: GRID * TILE, channels: 3, background: { r: 40, g: 40, b: 40 } } })
    .composite(tiles)
    .grayscale()
    .png()
    .toFile(out);
}
