import { verseCode } from '@vertxnet/core';
import type { Rect } from '../morphology.js';
import type { FusedVertebra } from '../types.js';
import type { Bodies } from './bodies.js';
import type { ChainLevels } from './levels.js';
import type { SpineChain } from './spine-chain.js';
import { round3 } from '../measure/geometry.js';

/** U-Net-only bodies are trusted less than bodies both models found; see docs/FUSION.md. */
const UNET_ONLY_WEIGHT = 0.6;
const MASKRCNN_ONLY_WEIGHT = 0.8;

/** The fused bodies in their final order, and the map of where each one lies. */
export interface FusedBodies {
  /** Frame size: 0 none, k = index in `vertebrae` + 1. */
  instanceMap: Int32Array;
  /** Cranial to caudal along the chain, then bodies off the chain (top first). */
  vertebrae: FusedVertebra[];
}

/** Step 10: numbers the bodies chain first, paints the instance map, scores and describes each body. */
export function collectVertebrae(bodies: Bodies, chain: SpineChain, labels: ChainLevels, size: { width: number; height: number }, roi: Rect): FusedBodies {
  const { regions, regionMap, stats, alive, points } = bodies;
  const { order } = chain;
  const W = size.width;
  const sequence = [...order, ...[...chain.off].sort((a, b) => points[a]![1] - points[b]![1])];
  const newIndex = new Int32Array(regions.length + 1);
  sequence.forEach((k, i) => (newIndex[alive[k]!] = i + 1));
  const instanceMap = new Int32Array(W * size.height);
  for (let y = roi[1]; y < roi[3]; y++) {
    for (let i = y * W + roi[0], end = y * W + roi[2]; i < end; i++) if (regionMap[i]) instanceMap[i] = newIndex[regionMap[i]!]!;
  }
  const vertebrae: FusedVertebra[] = sequence.map((k, i) => {
    const r = alive[k]!;
    const region = regions[r - 1]!;
    const level = i < order.length ? (labels.levels[i] ?? null) : null;
    const meanProb = stats.probabilitySum[r]! / stats.area[r]! / 255;
    const inst = region.instance?.score ?? 0;
    const score = region.source === 'both' ? (inst + meanProb) / 2 : region.source === 'unet' ? UNET_ONLY_WEIGHT * meanProb : MASKRCNN_ONLY_WEIGHT * inst;
    const b = 4 * r;
    return {
      level,
      verseCode: level ? verseCode(level) : null,
      score: round3(score),
      source: region.source,
      bbox: [stats.bbox[b]!, stats.bbox[b + 1]!, stats.bbox[b + 2]!, stats.bbox[b + 3]!],
      area: stats.area[r]!,
      centroid: [round3(stats.centroid[2 * r]!), round3(stats.centroid[2 * r + 1]!)],
      chainIndex: i < order.length ? i : null,
    };
  });
  return { instanceMap, vertebrae };
}
