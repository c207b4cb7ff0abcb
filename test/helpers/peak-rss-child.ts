/**
 * Runs one pipeline stage in its own process and prints its outcome and peak RSS as one JSON line:
 * the memory tests measure what a service would hold, without vitest's own heap in the figure.
 *   prepare <source file> <work dir>
 *   models  <work dir> <image key> <models dir>
 *   fuse    <work dir> <out dir> <image key> <foreground key> <instances key>
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { detectStage, fuseStage, openModelRunner, prepareImage, segmentStage } from '@vertxnet/pipeline';
import { LocalStorage } from '@vertxnet/storage';

async function run(phase: string, args: string[]): Promise<Record<string, unknown>> {
  if (phase === 'prepare') {
    const [source, work] = args as [string, string];
    const p = await prepareImage({ work: new LocalStorage(work) }, { source: pathToFileURL(source).href });
    return { image: p.image, width: p.width, height: p.height, ...(p.dicom?.sopInstanceUid ? { dicom: p.dicom } : {}) };
  }
  if (phase === 'models') {
    const [work, image, models] = args as [string, string, string];
    const storage = new LocalStorage(work);
    const unet = await openModelRunner({ dir: join(models, 'unet'), maxBatch: 1, maxWaitMs: 0 });
    const maskrcnn = await openModelRunner({ dir: join(models, 'maskrcnn'), maxBatch: 1, maxWaitMs: 0 });
    const { foreground } = await segmentStage({ work: storage, runner: unet.runner }, { image });
    const { instances } = await detectStage({ work: storage, runner: maskrcnn.runner }, { image });
    return { foreground, instances };
  }
  if (phase === 'fuse') {
    const [work, out, image, foreground, instances, dicom] = args as [string, string, string, string, string, string?];
    const fused = await fuseStage(
      { work: new LocalStorage(work), out: new LocalStorage(out) },
      { source: 'file:///big', name: 'big', image, foreground, instances, ...(dicom ? { dicom: JSON.parse(dicom) } : {}) },
    );
    return { vertebrae: fused.vertebrae };
  }
  throw new Error(`unknown phase ${phase}`);
}

const [phase = '', ...args] = process.argv.slice(2);
let outcome: Record<string, unknown>;
try {
  outcome = { ok: true, ...(await run(phase, args)) };
} catch (err) {
  outcome = { ok: false, error: err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err) };
}
// resourceUsage().maxRSS is in kilobytes.
console.log(JSON.stringify({ ...outcome, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
process.exit(0);
