/** The baseline JPEG luminance quantisation table (ITU T.81, Annex K), row-major. */
const LUMA_TABLE = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103,
  77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

/** The table scaled for a quality 1–100 as libjpeg does. */
export function quantisationTable(quality: number): Float32Array {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const scale = q < 50 ? 5000 / q : 200 - 2 * q;
  return Float32Array.from(LUMA_TABLE, (v) => Math.min(255, Math.max(1, Math.floor((v * scale + 50) / 100))));
}

/** cos((2x + 1)uπ / 16) · c(u), the 8-point DCT-II basis with its orthonormal scale, at [u·8 + x]. */
const FORWARD = (() => {
  const b = new Float64Array(64);
  for (let u = 0; u < 8; u++) for (let x = 0; x < 8; x++) b[u * 8 + x] = (u === 0 ? Math.SQRT1_2 : 1) * 0.5 * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
  return b;
})();
/** Its transpose: the basis is orthonormal, so the inverse transform. */
const INVERSE = Float64Array.from({ length: 64 }, (_, i) => FORWARD[(i % 8) * 8 + Math.floor(i / 8)]!);

/**
 * A lossy JPEG round trip of the grey channel at `quality`, done in process: 8×8 blocks, DCT,
 * quantisation, inverse DCT, 8-bit result. It keeps generation synchronous and independent of the
 * installed codec, and gives the same blocking and ringing as a real low-quality re-compression.
 */
export function jpegRoundTrip(image: Float32Array, width: number, height: number, quality: number): void {
  const table = quantisationTable(quality);
  const block = new Float64Array(64);
  const tmp = new Float64Array(64);
  for (let by = 0; by < height; by += 8) {
    for (let bx = 0; bx < width; bx += 8) {
      // Edge blocks are padded by repeating the last row and column, as encoders do.
      for (let y = 0; y < 8; y++) {
        const row = Math.min(height - 1, by + y) * width;
        for (let x = 0; x < 8; x++) {
          const v = image[row + Math.min(width - 1, bx + x)]!;
          block[y * 8 + x] = Math.round((v < 0 ? 0 : v > 1 ? 1 : v) * 255) - 128;
        }
      }
      transform(block, tmp, FORWARD);
      for (let k = 0; k < 64; k++) block[k] = Math.round(block[k]! / table[k]!) * table[k]!;
      transform(block, tmp, INVERSE);
      for (let y = 0; y < 8 && by + y < height; y++) {
        for (let x = 0; x < 8 && bx + x < width; x++) {
          const v = Math.round(block[y * 8 + x]! + 128);
          image[(by + y) * width + bx + x] = (v < 0 ? 0 : v > 255 ? 255 : v) / 255;
        }
      }
    }
  }
}

/** Separable 2-D transform by `basis` (forward DCT or its inverse), in place; `tmp` is scratch. */
function transform(block: Float64Array, tmp: Float64Array, basis: Float64Array): void {
  for (let pass = 0; pass < 2; pass++) {
    const src = pass === 0 ? block : tmp;
    const dst = pass === 0 ? tmp : block;
    // Each pass transforms rows and writes them transposed, so two passes cover both axes.
    for (let r = 0; r < 8; r++) {
      const o = r * 8;
      for (let k = 0; k < 8; k++) {
        const b = k * 8;
        dst[b + r] =
          src[o]! * basis[b]! +
          src[o + 1]! * basis[b + 1]! +
          src[o + 2]! * basis[b + 2]! +
          src[o + 3]! * basis[b + 3]! +
          src[o + 4]! * basis[b + 4]! +
          src[o + 5]! * basis[b + 5]! +
          src[o + 6]! * basis[b + 6]! +
          src[o + 7]! * basis[b + 7]!;
      }
    }
  }
}
