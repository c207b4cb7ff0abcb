/**
 * DICOM decode time per transfer syntax at radiograph size: one synthetic 2500x2000 12-bit DX
 * (a smooth body with noise, as a detector gives), written here as Explicit VR LE and RLE, and
 * transcoded by DCMTK (implicit LE, big endian, deflated, JPEG lossless SV1, JPEG-LS lossless and
 * near-lossless, JPEG Extended 12-bit) and GDCM (JPEG 2000 lossless); HTJ2K lossless with the OpenJPH
 * WASM encoder; the 2140x1760 NEMA RG2 HTJ2K RPCL fixture is timed too. Prints the median of N decodes (parse + decompress + stored values) and
 * of the canonical 8-bit rendering, and checks every lossless decode against the original pixels.
 * Needs dcmtk and libgdcm-tools. Run: npx tsx bench/dicom.ts [--runs 5] [--width 2500] [--height 2000]
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { decodeDicomPixels, encodeDx, renderCanonical } from '../packages/imaging/src/index.js';

interface HtEncoder {
  getDecodedBuffer(info: object): Uint8Array;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
  delete(): void;
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const runs = option('runs', 5);
const width = option('width', 2500);
const height = option('height', 2000);

// Deterministic radiograph-like 12-bit image: soft-tissue gradient, bright blocks, noise.
let seed = 12345;
const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
const pixels = new Uint16Array(width * height);
for (let y = 0; y < height; y++) {
  for (let x = 0; x < width; x++) {
    const body = Math.exp(-(((x - width / 2) / (width / 3)) ** 2)) * 1800;
    const bone = Math.floor(y / 180) % 2 === 0 && Math.abs(x - width / 2) < width / 10 ? 900 : 0;
    pixels[y * width + x] = Math.min(4095, Math.round(600 + body + bone + (rnd() - 0.5) * 60));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'vx-bench-dicom-'));
const le = join(dir, 'le.dcm');
writeFileSync(le, encodeDx({ width, height, pixels, bitsStored: 12, spacing: 0.15, window: { center: 2000, width: 3000 } }));
const files: Array<[string, string, boolean]> = [['Explicit VR LE', le, true]];
const rle = join(dir, 'rle.dcm');
writeFileSync(rle, encodeDx({ width, height, pixels, bitsStored: 12, transferSyntax: 'rle' }));
files.push(['RLE Lossless (ours)', rle, true]);
const tool = (label: string, cmd: string, args: string[], lossless: boolean) => {
  const out = join(dir, `${label.replace(/\W+/g, '_')}.dcm`);
  try {
    execFileSync(cmd, [...args, le, out], { stdio: 'pipe' });
    files.push([label, out, lossless]);
  } catch {
    console.log(`(skipped ${label}: ${cmd} failed or is missing)`);
  }
};
tool('Implicit VR LE', 'dcmconv', ['+ti'], true);
tool('Explicit VR BE', 'dcmconv', ['+tb'], true);
tool('Deflated LE', 'dcmconv', ['+td'], true);
tool('JPEG Lossless SV1', 'dcmcjpeg', ['+e1'], true);
tool('JPEG-LS lossless', 'dcmcjpls', ['+el'], true);
tool('JPEG-LS near-lossless (NEAR 2)', 'dcmcjpls', ['+en', '+md', '2'], false);
tool('JPEG 2000 lossless', 'gdcmconv', ['--j2k'], true);
tool('JPEG Extended 12-bit (lossy)', 'dcmcjpeg', ['+ee'], false);
// HTJ2K lossless with the OpenJPH WASM encoder (DCMTK and GDCM here have none).
{
  const require = createRequire(import.meta.url);
  const factory = require('@cornerstonejs/codec-openjph/wasmjs') as (o: object) => Promise<Record<string, new () => HtEncoder>>;
  const lib = await factory({ print() {}, printErr() {} });
  const enc = new lib.HTJ2KEncoder!();
  const raw = enc.getDecodedBuffer({ width, height, bitsPerSample: 12, componentCount: 1, isSigned: false, isUsingColorTransform: false });
  raw.set(new Uint8Array(pixels.buffer));
  enc.encode();
  const frame = new Uint8Array(enc.getEncodedBuffer());
  enc.delete();
  const out = join(dir, 'htj2k.dcm');
  writeFileSync(out, encodeDx({ width, height, pixels, bitsStored: 12, transferSyntax: { uid: '1.2.840.10008.1.2.4.201', frame } }));
  files.push(['HTJ2K lossless (OpenJPH encoder)', out, true]);
}
const htj2k = new URL('../test/fixtures/dicom/cr_rg2_10bit_htj2k_lossless_rpcl.dcm', import.meta.url).pathname;
files.push(['HTJ2K lossless RPCL (RG2, 2140x1760)', htj2k, false]);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`DICOM decode, ${width}x${height} 12-bit, median of ${runs} runs (node ${process.version})`);
console.log('transfer syntax'.padEnd(40), 'file MB'.padStart(8), 'decode ms'.padStart(10), 'render ms'.padStart(10), 'Mpx/s'.padStart(8), ' check');
for (const [label, file, lossless] of files) {
  const bytes = readFileSync(file);
  const decodeTimes: number[] = [];
  const renderTimes: number[] = [];
  let check = '';
  await decodeDicomPixels(bytes, file); // warm-up: codec load and JIT
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const px = await decodeDicomPixels(bytes, file);
    const t1 = performance.now();
    renderCanonical(px);
    renderTimes.push(performance.now() - t1);
    decodeTimes.push(t1 - t0);
    if (r === 0) {
      if (lossless) {
        let same = px.values.length === pixels.length;
        for (let i = 0; same && i < pixels.length; i++) same = px.values[i] === pixels[i];
        check = same ? 'identical' : 'DIFFERENT';
      } else if (file !== htj2k) {
        let max = 0;
        for (let i = 0; i < pixels.length; i++) max = Math.max(max, Math.abs(px.values[i]! - pixels[i]!));
        check = `lossy: max |error| ${max} vs original`;
      }
    }
  }
  const d = median(decodeTimes);
  const mpx = file === htj2k ? (2140 * 1760) / 1e6 : (width * height) / 1e6;
  console.log(
    label.padEnd(40),
    (bytes.length / 1e6).toFixed(2).padStart(8),
    d.toFixed(0).padStart(10),
    median(renderTimes).toFixed(0).padStart(10),
    (mpx / (d / 1000)).toFixed(1).padStart(8),
    '',
    check,
  );
}
rmSync(dir, { recursive: true, force: true });
