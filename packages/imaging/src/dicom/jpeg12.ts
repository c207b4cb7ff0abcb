/**
 * Sequential Huffman DCT JPEG (processes 1, 2 and 4: 8- or 12-bit precision) for one grey component:
 * DICOM's JPEG Extended 12-bit, which the 8-bit libjpeg-turbo build cannot decode. Float IDCT; the
 * Ss/Se fields of SOS are ignored as sequential decoders may (some NEMA files have Se = 0).
 */

const ZIGZAG = Int32Array.from([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22,
  15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

interface Huffman {
  maxcode: Int32Array; // by length 1..16, -1 when none
  valptr: Int32Array;
  mincode: Int32Array;
  values: Uint8Array;
  /** 9-bit lookahead: (length << 8 | value), 0 when the code is longer. */
  lookup: Uint16Array;
}

function buildHuffman(counts: Uint8Array, values: Uint8Array): Huffman {
  const maxcode = new Int32Array(18).fill(-1);
  const valptr = new Int32Array(17);
  const mincode = new Int32Array(17);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    const n = counts[len - 1]!;
    if (n) {
      valptr[len] = k;
      mincode[len] = code;
      code += n;
      k += n;
      maxcode[len] = code - 1;
    }
    code <<= 1;
  }
  maxcode[17] = 0x7fffffff;
  const lookup = new Uint16Array(512);
  for (let len = 1; len <= 9; len++) {
    if (maxcode[len]! < 0) continue;
    for (let c = mincode[len]!; c <= maxcode[len]!; c++) {
      const entry = (len << 8) | values[valptr[len]! + c - mincode[len]!]!;
      const first = c << (9 - len);
      for (let k = 0; k < 1 << (9 - len); k++) lookup[first + k] = entry;
    }
  }
  return { maxcode, valptr, mincode, values, lookup };
}

// Cosine table for the float IDCT: C[x][u] = c(u) cos((2x+1)uπ/16) / 2.
const COS = new Float64Array(64);
for (let x = 0; x < 8; x++) for (let u = 0; u < 8; u++) COS[x * 8 + u] = ((u === 0 ? Math.SQRT1_2 : 1) * Math.cos(((2 * x + 1) * u * Math.PI) / 16)) / 2;

export interface Jpeg12Frame {
  width: number;
  height: number;
  precision: number;
  /** Samples, row-major. */
  data: Uint16Array;
}

export function decodeJpegSequential(b: Uint8Array): Jpeg12Frame {
  if (b[0] !== 0xff || b[1] !== 0xd8) throw new Error('no JPEG SOI marker');
  const qt: Int32Array[] = [];
  const dc: Huffman[] = [];
  const ac: Huffman[] = [];
  let restart = 0;
  let frame: { precision: number; width: number; height: number; id: number; tq: number } | undefined;
  let pos = 2;
  const u16 = (p: number) => (b[p]! << 8) | b[p + 1]!;
  for (;;) {
    if (pos + 4 > b.length) throw new Error('JPEG ends before the scan');
    if (b[pos] !== 0xff) throw new Error(`JPEG marker expected at byte ${pos}`);
    const marker = b[pos + 1]!;
    if (marker === 0xff) {
      pos++;
      continue;
    }
    const len = u16(pos + 2);
    const seg = pos + 4;
    const end = pos + 2 + len;
    if (end > b.length) throw new Error('JPEG marker segment runs past the end');
    if (marker === 0xdb) {
      for (let p = seg; p < end;) {
        const pq = b[p]! >> 4;
        const tq = b[p]! & 15;
        p++;
        const t = new Int32Array(64);
        for (let i = 0; i < 64; i++) {
          t[i] = pq ? u16(p + 2 * i) : b[p + i]!;
        }
        p += pq ? 128 : 64;
        qt[tq] = t;
      }
    } else if (marker === 0xc4) {
      for (let p = seg; p < end;) {
        const tc = b[p]! >> 4;
        const th = b[p]! & 15;
        const counts = b.subarray(p + 1, p + 17);
        const total = counts.reduce((s, c) => s + c, 0);
        const table = buildHuffman(counts, b.subarray(p + 17, p + 17 + total));
        (tc === 0 ? dc : ac)[th] = table;
        p += 17 + total;
      }
    } else if (marker === 0xc0 || marker === 0xc1) {
      const nf = b[seg + 5]!;
      if (nf !== 1) throw new Error(`JPEG has ${nf} components (grey only)`);
      frame = { precision: b[seg]!, height: u16(seg + 1), width: u16(seg + 3), id: b[seg + 6]!, tq: b[seg + 8]! };
    } else if (marker >= 0xc2 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      throw new Error(`JPEG process with SOF marker FF${marker.toString(16).toUpperCase()} is not supported`);
    } else if (marker === 0xdd) {
      restart = u16(seg);
    } else if (marker === 0xda) {
      if (!frame) throw new Error('JPEG scan before its frame header');
      const td = b[seg + 2]! >> 4;
      const ta = b[seg + 2]! & 15;
      const q = qt[frame.tq];
      const dct = dc[td];
      const act = ac[ta];
      if (!q || !dct || !act) throw new Error('JPEG scan refers to a missing table');
      return decodeScan(b, end, frame, q, dct, act, restart);
    }
    pos = end;
  }
}

/** The entropy-coded bits of a scan: byte stuffing undone, stopping (zeros after) at a marker. */
class BitReader {
  private bits = 0;
  private nbits = 0;
  private hitMarker = false;

  constructor(
    private readonly b: Uint8Array,
    private pos: number,
  ) {}

  private fill(): void {
    const b = this.b;
    while (this.nbits <= 24) {
      let byte = 0;
      if (!this.hitMarker && this.pos < b.length) {
        byte = b[this.pos]!;
        if (byte === 0xff) {
          const next = b[this.pos + 1];
          if (next === 0x00) this.pos += 2;
          else {
            this.hitMarker = true;
            byte = 0;
          }
        } else this.pos++;
      }
      this.bits = ((this.bits << 8) | byte) >>> 0;
      this.nbits += 8;
    }
  }

  private bit(): number {
    if (this.nbits === 0) this.fill();
    this.nbits--;
    return (this.bits >>> this.nbits) & 1;
  }

  /** The next `n` bits as an unsigned number. */
  receive(n: number): number {
    if (n === 0) return 0;
    if (this.nbits < n) this.fill();
    this.nbits -= n;
    return (this.bits >>> this.nbits) & ((1 << n) - 1);
  }

  /** The next Huffman-coded value of table `h`. */
  decode(h: Huffman): number {
    if (this.nbits < 9) this.fill();
    const entry = h.lookup[(this.bits >>> (this.nbits - 9)) & 0x1ff]!;
    if (entry) {
      this.nbits -= entry >> 8;
      return entry & 0xff;
    }
    let code = this.bit();
    let len = 1;
    while (code > h.maxcode[len]!) {
      code = (code << 1) | this.bit();
      if (++len > 16) throw new Error('JPEG Huffman code is invalid (corrupt data)');
    }
    return h.values[h.valptr[len]! + code - h.mincode[len]!]!;
  }

  /** Byte-aligns and skips the next RSTn marker. */
  skipRestartMarker(): void {
    const b = this.b;
    this.nbits = 0;
    this.bits = 0;
    this.hitMarker = false;
    while (this.pos + 1 < b.length && !(b[this.pos] === 0xff && b[this.pos + 1]! >= 0xd0 && b[this.pos + 1]! <= 0xd7)) this.pos++;
    this.pos += 2;
  }
}

const extend = (v: number, n: number) => (n === 0 ? 0 : v < 1 << (n - 1) ? v - (1 << n) + 1 : v);

/** Decodes one block's dequantised coefficients (natural order) into `coef`; returns the new DC predictor. */
function readBlock(reader: BitReader, pred: number, q: Int32Array, dcT: Huffman, acT: Huffman, coef: Float64Array): number {
  coef.fill(0);
  const t = reader.decode(dcT);
  pred += extend(reader.receive(t), t);
  coef[0] = pred * q[0]!;
  for (let k = 1; k < 64;) {
    const rs = reader.decode(acT);
    const r = rs >> 4;
    const s = rs & 15;
    if (s === 0) {
      if (r === 15) {
        k += 16;
        continue;
      }
      break;
    }
    k += r;
    if (k > 63) throw new Error('JPEG coefficient index past 63 (corrupt data)');
    coef[ZIGZAG[k]!] = extend(reader.receive(s), s) * q[k]!;
    k++;
  }
  return pred;
}

/** Where a block's samples go: the image, its size, and the level shift and top of its precision. */
interface BlockTarget {
  out: Uint16Array;
  width: number;
  height: number;
  shift: number;
  top: number;
}

/** Separable float IDCT of one block (rows into `tmp`, then columns), written at block (bx, by), clipped to the image. */
function idctBlock(coef: Float64Array, tmp: Float64Array, target: BlockTarget, bx: number, by: number): void {
  const { out, width, height, shift, top } = target;
  for (let y = 0; y < 8; y++) {
    const row = y * 8;
    let ac = false;
    for (let u = 1; u < 8; u++) if (coef[row + u] !== 0) ac = true;
    if (!ac) {
      // Only the row's DC term: a constant row (most rows of smooth radiograph blocks).
      const v = COS[0]! * coef[row]!;
      for (let x = 0; x < 8; x++) tmp[row + x] = v;
      continue;
    }
    for (let x = 0; x < 8; x++) {
      let s = 0;
      for (let u = 0; u < 8; u++) s += COS[x * 8 + u]! * coef[row + u]!;
      tmp[row + x] = s;
    }
  }
  for (let x = 0; x < 8; x++) {
    const px = bx * 8 + x;
    if (px >= width) continue;
    for (let y = 0; y < 8; y++) {
      const py = by * 8 + y;
      if (py >= height) break;
      let s = 0;
      for (let v = 0; v < 8; v++) s += COS[y * 8 + v]! * tmp[v * 8 + x]!;
      const val = Math.round(s + shift);
      out[py * width + px] = val < 0 ? 0 : val > top ? top : val;
    }
  }
}

function decodeScan(
  b: Uint8Array,
  start: number,
  frame: { precision: number; width: number; height: number },
  q: Int32Array,
  dcT: Huffman,
  acT: Huffman,
  restart: number,
): Jpeg12Frame {
  const { width, height, precision } = frame;
  const bw = Math.ceil(width / 8);
  const bh = Math.ceil(height / 8);
  const target: BlockTarget = { out: new Uint16Array(width * height), width, height, top: (1 << precision) - 1, shift: 1 << (precision - 1) };
  const reader = new BitReader(b, start);
  const coef = new Float64Array(64);
  const tmp = new Float64Array(64);
  let pred = 0;
  let mcu = 0;
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      if (restart && mcu > 0 && mcu % restart === 0) {
        // Byte-align, skip the RSTn marker, reset the predictor.
        reader.skipRestartMarker();
        pred = 0;
      }
      mcu++;
      pred = readBlock(reader, pred, q, dcT, acT, coef);
      idctBlock(coef, tmp, target, bx, by);
    }
  }
  return { width, height, precision, data: target.out };
}
