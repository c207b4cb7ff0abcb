#!/usr/bin/env node
/** Generation speed, including PNG/JPEG encoding: node dist/bench.js [images-at-512] [images-at-2000] */
import { encodeImage, encodeLabelMask } from './encode.js';
import { generatePhantom } from './phantom.js';
import type { PhantomOptions } from './options.js';

async function measure(label: string, options: Omit<PhantomOptions, 'seed'>, count: number): Promise<void> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const phantom = generatePhantom({ seed: 1000 + i, ...options });
    await Promise.all([encodeImage(phantom), encodeLabelMask(phantom)]);
  }
  const wall = (performance.now() - t0) / count;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / count;
  console.log(`${label}: ${wall.toFixed(0)} ms/image wall (${(1000 / wall).toFixed(1)} images/s), ${cpuMs.toFixed(0)} ms/image CPU`);
}

await measure('max-side 512', { maxSide: 512 }, Number(process.argv[2] ?? 40));
await measure('2000x2000', { size: { width: 2000, height: 2000 } }, Number(process.argv[3] ?? 6));
