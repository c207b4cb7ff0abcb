import sharp from 'sharp';
import { forEachTextPixel } from '../font.js';
import { imageSeed } from '../prng.js';
import { generateNegative, type NegativeFilm, type NegativeOptions } from './film.js';
import { NEGATIVE_KINDS, type NegativeKind } from './scene.js';

const TILE = 260;
const GAP = 6;
const BACKGROUND = { r: 30, g: 30, b: 40 };

/** A grey tile of one film with its kind written in the corner. */
async function tile(film: NegativeFilm): Promise<Buffer> {
  const grey = Buffer.alloc(film.width * film.height);
  for (let i = 0; i < grey.length; i++) grey[i] = Math.round(film.image[i]! * 255);
  const rgb = await sharp(grey, { raw: { width: film.width, height: film.height, channels: 1 } })
    .toColourspace('srgb')
    .resize({ width: TILE, height: TILE, fit: 'contain', background: BACKGROUND })
    .removeAlpha()
    .raw()
    .toBuffer();
  forEachTextPixel(film.meta.kind.toUpperCase(), 4, TILE - 12, 1, (x, y) => {
    if (x < 0 || x >= TILE || y < 0 || y >= TILE) return;
    const o = (y * TILE + x) * 3;
    rgb[o] = 255;
    rgb[o + 1] = 200;
    rgb[o + 2] = 40;
  });
  return rgb;
}

/** A PNG grid: one row per kind, `perKind` films each, seeds drawn from `seed`. */
export async function negativesContactSheet(
  seed: number,
  perKind: number,
  kinds: readonly NegativeKind[] = NEGATIVE_KINDS,
  options: Partial<NegativeOptions> = {},
): Promise<Buffer> {
  const tiles: Buffer[] = [];
  let index = 0;
  for (const kind of kinds) {
    for (let i = 0; i < perKind; i++) tiles.push(await tile(generateNegative({ maxSide: 512, ...options, kind, seed: imageSeed(seed, index++) })));
  }
  const width = perKind * (TILE + GAP) + GAP;
  const height = kinds.length * (TILE + GAP) + GAP;
  return sharp({ create: { width, height, channels: 3, background: BACKGROUND } })
    .composite(
      tiles.map((input, i) => ({
        input,
        raw: { width: TILE, height: TILE, channels: 3 as const },
        left: GAP + (i % perKind) * (TILE + GAP),
        top: GAP + Math.floor(i / perKind) * (TILE + GAP),
      })),
    )
    .png({ compressionLevel: 9 })
    .toBuffer();
}
