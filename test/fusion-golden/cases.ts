/**
 * The fusion golden set: cached model outputs of 60 phantom films (seed 90001: cervical and
 * lumbar, AS, implants, films cut through labelled levels), each fused in several variants, each
 * result reduced to a canonical JSON (the instance map as a SHA-256) with its measure() output. `freeze.ts` writes
 * expected.json from these; golden.test.ts requires identical results.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { View } from '@vertxnet/core';
import { decodeForeground, decodeInstances } from '../../packages/pipeline/src/intermediates.js';
import { fuse, measure, type FusionInput, type FusionOptions, type FusionResult } from '../../packages/fusion/src/index.js';

export const FIXTURE_DIR = join(import.meta.dirname, '../fixtures/fusion-golden');

interface GoldenImage {
  name: string;
  view: View;
  cut: string;
  as: boolean;
  implants: boolean;
}

interface Variant {
  name: string;
  input: (full: Required<Pick<FusionInput, 'foreground' | 'instances'>>, image: GoldenImage) => FusionInput;
  options?: Partial<FusionOptions>;
  /** Also freeze measure() of the result (kept to a few variants: the fixture stays small). */
  measured?: boolean;
}

const REFERENCE_CLASSES = new Set(['C2', 'S1']);

/** Both models, each alone, with and without the view given; the no-reference and option paths. */
const VARIANTS: Variant[] = [
  { name: 'ensemble', input: (f) => f, measured: true },
  { name: 'unet-only', input: (f) => ({ foreground: f.foreground }) },
  { name: 'maskrcnn-only', input: (f) => ({ instances: f.instances }) },
  { name: 'ensemble/view', input: (f, i) => ({ ...f, view: i.view }), measured: true },
  { name: 'unet-only/view', input: (f, i) => ({ foreground: f.foreground, view: i.view }) },
  { name: 'maskrcnn-only/view', input: (f, i) => ({ instances: f.instances, view: i.view }) },
  {
    name: 'no-reference',
    input: (f) => ({ ...f, instances: { ...f.instances, detections: f.instances.detections.filter((d) => !REFERENCE_CLASSES.has(d.className)) } }),
  },
  {
    name: 'no-reference/no-classes',
    input: (f) => ({ ...f, instances: { frame: f.instances.frame, detections: f.instances.detections.filter((d) => !REFERENCE_CLASSES.has(d.className)) } }),
  },
  { name: 'no-view-head/no-level-head', input: (f) => f, options: { viewHead: false, levelWeight: 0 } },
  {
    name: 'no-template/no-cut-cost',
    input: (f) => ({ ...f, instances: { ...f.instances, detections: f.instances.detections.filter((d) => d.className !== 'C2') } }),
    options: { templateAnchor: false, cutReferenceCost: 0 },
  },
  { name: 'low-thresholds', input: (f) => f, options: { scoreThreshold: 0.2, referenceThreshold: 0.2, landmarkThreshold: 0.2, nmsIoU: 0.7 } },
  { name: 'nothing-found', input: (f) => ({ instances: { ...f.instances, detections: [] } }) },
  {
    name: 'radius-2/pixel-spacing',
    input: (f) => ({ ...f, pixelSpacing: { row: 0.15, column: 0.15, source: 'golden' } }),
    options: { openingRadius: 2 },
    measured: true,
  },
];

export function goldenImages(): GoldenImage[] {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, 'images.json'), 'utf8')) as GoldenImage[];
}

/**
 * Everything fuse() returns, the instance map as a hash, and (in a few variants) measure() of it: a JSON round trip
 * keeps every double exact.
 */
export function canonical(result: FusionResult, measured: boolean): unknown {
  const { instanceMap, ...rest } = result;
  const hash = createHash('sha256')
    .update(Buffer.from(instanceMap.buffer, instanceMap.byteOffset, instanceMap.byteLength))
    .digest('hex');
  return JSON.parse(
    JSON.stringify({ ...rest, instanceMap: { length: instanceMap.length, sha256: hash }, ...(measured ? { measurements: measure(result) } : {}) }),
  );
}

/** image name → variant name → canonical result. */
export function runGoldenSet(): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const image of goldenImages()) {
    const foreground = decodeForeground(readFileSync(join(FIXTURE_DIR, 'outputs', `${image.name}.fg.bin`)), image.name);
    const instances = decodeInstances(readFileSync(join(FIXTURE_DIR, 'outputs', `${image.name}.in.bin`)), image.name);
    delete foreground.model;
    delete instances.model;
    const row: Record<string, unknown> = {};
    for (const v of VARIANTS) row[v.name] = canonical(fuse(v.input({ foreground, instances }, image), v.options), v.measured === true);
    out[image.name] = row;
  }
  return out;
}
