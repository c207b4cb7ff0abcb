import type { Plane } from './filters.js';
import type { Rng } from './random.js';

// 5 × 7 block glyphs, one string per row.
const GLYPHS: Record<string, string[]> = {
  L: ['10000', '10000', '10000', '10000', '10000', '10000', '11111'],
  R: ['11110', '10001', '10001', '11110', '10100', '10010', '10001'],
  '0': ['01110', '10001', '10011', '10101', '11001', '10001', '01110'],
  '1': ['00100', '01100', '00100', '00100', '00100', '00100', '01110'],
  '2': ['01110', '10001', '00001', '00010', '00100', '01000', '11111'],
  '3': ['11110', '00001', '00001', '01110', '00001', '00001', '11110'],
  '4': ['00010', '00110', '01010', '10010', '11111', '00010', '00010'],
  '5': ['11111', '10000', '11110', '00001', '00001', '10001', '01110'],
  '6': ['00110', '01000', '10000', '11110', '10001', '10001', '01110'],
  '7': ['11111', '00001', '00010', '00100', '01000', '01000', '01000'],
  '8': ['01110', '10001', '10001', '01110', '10001', '10001', '01110'],
  '9': ['01110', '10001', '10001', '01111', '00001', '00010', '01100'],
  '-': ['00000', '00000', '00000', '11111', '00000', '00000', '00000'],
  ' ': ['00000', '00000', '00000', '00000', '00000', '00000', '00000'],
};

type Box = [number, number, number, number];

const overlaps = (a: Box, b: Box): boolean => a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];

/** Draws `text` with its top-left at (x, y), `cell` pixels per glyph dot, at display value `value`. */
function write(img: Plane, text: string, at: { x: number; y: number; cell: number; value: number }): void {
  const { x, y, cell, value } = at;
  for (let k = 0; k < text.length; k++) {
    const rows = GLYPHS[text.charAt(k)] ?? GLYPHS[' ']!;
    for (let r = 0; r < rows.length; r++) {
      for (let c = 0; c < 5; c++) {
        if (rows[r]!.charAt(c) !== '1') continue;
        const x0 = Math.max(0, Math.round(x + (k * 6 + c) * cell));
        const y0 = Math.max(0, Math.round(y + r * cell));
        for (let yy = y0; yy < Math.min(img.height, Math.round(y + (r + 1) * cell)); yy++)
          for (let xx = x0; xx < Math.min(img.width, Math.round(x + (k * 6 + c + 1) * cell)); xx++) img.data[yy * img.width + xx] = value;
      }
    }
  }
}

/** The first corner box of the given size that clears every box in `avoid`, or null. */
function corner(img: Plane, size: [number, number], options: { avoid: Box[]; rng: Rng }): [number, number] | null {
  const pad = Math.round(0.03 * Math.min(img.width, img.height));
  const spots: [number, number][] = [
    [pad, pad],
    [img.width - size[0] - pad, pad],
    [pad, img.height - size[1] - pad],
    [img.width - size[0] - pad, img.height - size[1] - pad],
  ];
  const start = options.rng.int(0, 3);
  for (let k = 0; k < 4; k++) {
    const [x, y] = spots[(start + k) % 4]!;
    if (x < 0 || y < 0) continue;
    if (!options.avoid.some((b) => overlaps([x, y, size[0], size[1]], b))) return [x, y];
  }
  return null;
}

/**
 * Burns in the side marker (a block "L" or "R", as the radiographer's lead letter is often replaced
 * by a burned-in one) and, on some films, a line of digits like an export's date stamp. Never over
 * a labelled body (`avoid`, in pixels).
 */
export function burnIn(img: Plane, options: { spacing: number; avoid: Box[]; rng: Rng }): void {
  const { spacing, rng } = options;
  const avoid = options.avoid.map((b): Box => [b[0] - 6, b[1] - 6, b[2] + 12, b[3] + 12]);
  const cell = Math.max(2, rng.uniform(1.4, 2.4) / spacing);
  const letter = rng.chance(0.7) ? 'L' : 'R';
  const boxed = rng.chance(0.4);
  const size: [number, number] = [cell * 7, cell * 9];
  const spot = corner(img, size, { avoid, rng });
  if (spot) {
    if (boxed) {
      for (let yy = Math.round(spot[1]); yy < Math.min(img.height, Math.round(spot[1] + size[1])); yy++)
        for (let xx = Math.round(spot[0]); xx < Math.min(img.width, Math.round(spot[0] + size[0])); xx++) img.data[yy * img.width + xx] = 0.92;
    }
    write(img, letter, { x: spot[0] + cell, y: spot[1] + cell, cell, value: boxed ? 0.05 : 1 });
    avoid.push([spot[0], spot[1], size[0], size[1]]);
  }
  if (rng.chance(0.4)) {
    const small = Math.max(1, cell * 0.35);
    const text = `${rng.int(2009, 2024)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
    const where = corner(img, [text.length * 6 * small, 7 * small], { avoid, rng });
    if (where) write(img, text, { x: where[0], y: where[1], cell: small, value: rng.uniform(0.8, 1) });
  }
}
