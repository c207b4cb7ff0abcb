/**
 * Inference throughput and latency per model through the engine (onnxruntime-node), plus the cost
 * of letterboxing a large radiograph. Uses <models>/unet and <models>/maskrcnn when present, else the
 * tiny untrained test fixtures (and says so).
 *
 * Run: npx tsx bench/inference.ts [--models DIR] [--seconds S] [--threads N] [--ep cpu,cuda]
 * Prints a table, then one JSON document, to stdout.
 */
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { letterbox, loadModel, normalise, type InferenceModel } from '../packages/inference/src/index.js';
import { tinyModels } from '../test/parity/tiny-models.js';

const { values: args } = parseArgs({
  options: {
    models: { type: 'string', default: 'models' },
    seconds: { type: 'string', default: '3' },
    threads: { type: 'string' },
    ep: { type: 'string', default: 'cpu' },
  },
});
const secondsPerCase = Number(args.seconds);
const threads = args.threads === undefined ? undefined : Number(args.threads);
const executionProviders = args.ep.split(',');

interface CaseResult {
  batch: number;
  calls: number;
  imagesPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number };
}

interface ModelResult {
  model: string;
  version: string;
  source: string;
  inputSize: number;
  dynamicBatch: boolean;
  loadSeconds: number;
  executionProviders: readonly string[];
  cases: CaseResult[];
  best: { batch: number; imagesPerSecond: number };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

const round = (v: number, digits = 2): number => Number(v.toFixed(digits));

/** A radiograph-like 8-bit test image: a bright column of blocks on a noisy dark background. */
function testImage(width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  let state = 12345;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      state = (state * 1103515245 + 12345) >>> 0;
      const block = Math.abs(x - width / 2) < width * 0.15 && (y * 8) % height < height * 0.7;
      out[y * width + x] = (block ? 180 : 40) + ((state >>> 16) & 31);
    }
  }
  return out;
}

async function benchModel(model: InferenceModel, source: string): Promise<ModelResult> {
  const { size, mean, std, dynamicBatch } = model.manifest.input;
  const input = normalise(letterbox(testImage(1400, 1800), 1400, 1800, size).pixels, mean, std);
  const cases: CaseResult[] = [];
  for (const batch of dynamicBatch ? [1, 2, 4, 8] : [1]) {
    const inputs = Array.from({ length: batch }, () => input);
    for (let i = 0; i < 2; i++) await model.run(inputs); // warm-up
    const latencies: number[] = [];
    const started = performance.now();
    while (performance.now() - started < secondsPerCase * 1000 || latencies.length < 5) {
      const t0 = performance.now();
      await model.run(inputs);
      latencies.push(performance.now() - t0);
    }
    const total = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    cases.push({
      batch,
      calls: latencies.length,
      imagesPerSecond: round((batch * latencies.length) / total),
      latencyMs: { p50: round(percentile(latencies, 0.5)), p90: round(percentile(latencies, 0.9)), p99: round(percentile(latencies, 0.99)) },
    });
  }
  const best = cases.reduce((a, b) => (b.imagesPerSecond > a.imagesPerSecond ? b : a));
  return {
    model: model.manifest.name,
    version: model.manifest.version,
    source,
    inputSize: size,
    dynamicBatch,
    loadSeconds: round(model.loadSeconds, 3),
    executionProviders: model.executionProviders,
    cases,
    best: { batch: best.batch, imagesPerSecond: best.imagesPerSecond },
  };
}

/** Letterbox + normalise of a large radiograph into the shipped input size (pure JS, on the event loop). */
function letterboxCost(size: number): { image: string; size: number; ms: number } {
  const [w, h] = [2500, 3000];
  const image = testImage(w, h);
  for (let i = 0; i < 2; i++) letterbox(image, w, h, size);
  const runs = 10;
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) normalise(letterbox(image, w, h, size).pixels, 0.5, 0.25);
  return { image: `${w}x${h}`, size, ms: round((performance.now() - t0) / runs) };
}

async function main(): Promise<void> {
  const modelsDir = resolve(args.models);
  const shipped = ['unet', 'maskrcnn'].map((name) => join(modelsDir, name));
  let dirs: string[];
  let source: string;
  if (shipped.every((dir) => existsSync(join(dir, 'manifest.json')))) {
    dirs = shipped;
    source = modelsDir;
  } else {
    const tiny = await tinyModels();
    dirs = [tiny.unet, tiny.maskrcnn];
    source = `tiny untrained test fixtures (${modelsDir}/unet and /maskrcnn not both found)`;
  }
  console.log(`models: ${source}; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} CPUs`);
  const results: ModelResult[] = [];
  for (const dir of dirs) {
    const model = await loadModel(dir, { executionProviders, ...(threads !== undefined ? { intraOpThreads: threads } : {}) });
    try {
      results.push(await benchModel(model, dir));
    } finally {
      await model.close();
    }
  }
  const preprocess = letterboxCost(512);
  const peakRssMiB = round(process.resourceUsage().maxRSS / 1024, 1);

  console.log('\nmodel            size  batch  calls   images/s   p50 ms   p90 ms   p99 ms');
  for (const r of results) {
    for (const c of r.cases) {
      const cells = [
        r.model.padEnd(16),
        String(r.inputSize).padStart(4),
        String(c.batch).padStart(6),
        String(c.calls).padStart(6),
        c.imagesPerSecond.toFixed(1).padStart(10),
        c.latencyMs.p50.toFixed(1).padStart(8),
        c.latencyMs.p90.toFixed(1).padStart(8),
        c.latencyMs.p99.toFixed(1).padStart(8),
      ];
      console.log(cells.join(' '));
    }
    console.log(`${r.model}: load ${r.loadSeconds} s, best batch ${r.best.batch} (${r.best.imagesPerSecond} images/s), EPs ${r.executionProviders.join(',')}`);
  }
  console.log(`letterbox + normalise ${preprocess.image} → ${preprocess.size}: ${preprocess.ms} ms; peak RSS ${peakRssMiB} MiB\n`);
  // Load average says how far other work on the machine skews the figures.
  const machine = { cpus: availableParallelism(), loadAverage1m: round(loadavg()[0]!) };
  console.log(JSON.stringify({ source, machine, results, preprocess, peakRssMiB }, null, 2));
}

await main();
