/**
 * Fusion time per image at 512², 1024² and 2048² frames: 7 bodies along a lordotic arc, one pair
 * fused by a bony bridge, soft U-Net edges; at 1024² also without the reference class (the count is
 * then decoded from body shapes and a level head's 13 × 32 × 32 grid, anchor.ts, level-head.ts).
 * Run: npx tsx bench/fusion.ts [runs]
 */
import { fuse, syntheticSpine, toSourceLabels, buildImageResult } from '../packages/fusion/src/index.js';

const runs = Math.max(20, Number(process.argv[2] ?? 25));

function softEdges(p: Uint8Array, w: number, h: number): void {
  // A 3×3 box blur: model probabilities ramp over a pixel or two instead of jumping.
  const src = p.slice();
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      let s = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += src[(y + dy) * w + x + dx]!;
      p[y * w + x] = Math.round(s / 9);
    }
  }
}

function stats(ms: number[]): { median: number; p90: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, p90: s[Math.min(s.length - 1, Math.ceil(0.9 * s.length) - 1)]! };
}

const rows: string[] = [];
for (const [size, withReference] of [
  [512, true],
  [1024, true],
  [1024, false],
  [2048, true],
] as const) {
  const spine = syntheticSpine({ view: 'lumbar', size, fused: [['L2', 'L3']], lordosis: 0.6, tilt: 0.1, referenceClass: withReference });
  softEdges(spine.foreground.probability, spine.frame.width, spine.frame.height);
  // Without a reference the decoder reads the level head over every body (U-Net 0.3.0's grid shape).
  if (!withReference)
    spine.foreground.levels = {
      offsets: Array.from({ length: 13 }, (_, i) => i - 3),
      width: 32,
      height: 32,
      probability: new Float32Array(13 * 32 * 32).fill(1 / 13),
    };
  for (let i = 0; i < 3; i++) fuse(spine); // warm-up (JIT)
  const fuseMs: number[] = [];
  const fuseCpuMs: number[] = [];
  const writeMs: number[] = [];
  let levels = '';
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const f = fuse(spine);
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    fuseCpuMs.push((c1.user + c1.system) / 1000);
    const labels = toSourceLabels(f, spine.foreground, size * 2, size * 2);
    buildImageResult({ source: 'bench', width: size * 2, height: size * 2, fusion: f, sourceLabels: labels, models: {}, timings: {} });
    const t2 = performance.now();
    fuseMs.push(t1 - t0);
    writeMs.push(t2 - t1);
    levels = f.vertebrae.map((v) => v.level ?? '?').join(' ');
  }
  const a = stats(fuseMs);
  const c = stats(fuseCpuMs);
  const b = stats(writeMs);
  rows.push(
    `| ${size}²${withReference ? '' : ', no reference, level head'} | ${a.median.toFixed(1)} | ${a.p90.toFixed(1)} | ${c.median.toFixed(1)} | ${c.p90.toFixed(1)} | ${b.median.toFixed(1)} | ${b.p90.toFixed(1)} | ${levels} |`,
  );
}
const load = (await import('node:os')).loadavg()[0]!.toFixed(1);
console.log(`fusion bench: ${runs} runs per size, node ${process.version}, one thread, load average ${load}`);
console.log('CPU ms is the process CPU time (user + system) spent in fuse(): less sensitive than wall time to other processes.');
console.log(
  '| frame | fuse wall median ms | wall p90 | fuse CPU median ms | CPU p90 | toSourceLabels + buildImageResult (source = 2× frame) median ms | p90 | levels |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
