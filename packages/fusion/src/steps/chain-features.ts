import type { Frame, InstanceSet, LevelGrid, View } from '@vertxnet/core';
import type { ChainBody } from '../anchor.js';
import type { Point } from '../chain.js';
import type { LandmarkClass } from '../instances.js';
import { bodyLevels, type BodyLevels } from '../level-head.js';
import type { Rect } from '../morphology.js';
import type { FusionOptions } from '../options.js';
import { spreadAlong, type RegionStats } from '../regions.js';
import { touchesEdge, type Bodies } from './bodies.js';
import type { Landmarks } from './landmarks.js';
import type { SpineChain } from './spine-chain.js';

/** The level at the far end of each view's labelled range, counted from when the reference is cut off. */
export const FAR_END_LANDMARK: Readonly<Record<View, LandmarkClass>> = { cervical: 'T1', lumbar: 'T12' };

/** What the level decoder reads of each chain body; computed only when asked (most films have a reference). */
export interface ChainFeatures {
  /** Depth/height of each chain body ([] for a chain under 2 bodies). */
  ratios(): number[];
  /**
   * The chain bodies as the template decoder sees them (with a view: landmark marks and level-head
   * readings). `marks: 'far-end'` marks a body carrying either far-end class (T1 or T12), for
   * weighing the two views against each other on the same evidence.
   */
  bodies(view?: View, marks?: 'view' | 'far-end'): ChainBody[];
}

export interface ChainFeatureSources {
  frame: Frame;
  roi: Rect;
  levelGrid?: LevelGrid;
  instances?: InstanceSet;
}

/** Lazily measured shape, edge contact, landmark marks and level-head reading of each chain body. */
export function chainFeatures(bodies: Bodies, chain: SpineChain, landmarks: Landmarks, src: ChainFeatureSources, o: FusionOptions): ChainFeatures {
  const { order } = chain;
  const { alive, stats, points } = bodies;
  let ratios: number[] | undefined;
  const ratiosOf = () => (ratios ??= depthOverHeight(order, points, alive, stats));
  // The level head's reading of each body: only needed to decode a chain (no reference, or a doubtful one).
  let levelsByRegion: Array<BodyLevels | undefined> | undefined;
  const levelsOf = (r: number) => {
    if (!src.levelGrid || o.levelWeight <= 0) return undefined;
    levelsByRegion ??= bodyLevels(bodies.regionMap, src.frame, bodies.regions.length, src.levelGrid, src.roi);
    return levelsByRegion[r];
  };
  const chainBodies = (view?: View, marks: 'view' | 'far-end' = 'view'): ChainBody[] => {
    // An unmarked body is evidence only from a model that has the landmark class(es).
    const classes = src.instances?.classes;
    const wanted: LandmarkClass[] = !view ? [] : marks === 'far-end' ? ['T1', 'T12'] : [FAR_END_LANDMARK[view]];
    const landmark = wanted.length > 0 && wanted.every((c) => classes?.includes(c)) ? wanted : undefined;
    return order.map((k, i) => {
      const r = alive[k]!;
      const truncated = touchesEdge(stats, r, src.frame.width, src.frame.height);
      const levels = view ? levelsOf(r) : undefined;
      return {
        ratio: ratiosOf()[i] ?? 0,
        area: stats.area[r]!,
        truncated,
        ...(landmark ? { marked: landmark.some((c) => landmarks.score(k, c) > 0) } : {}),
        ...(levels ? { levels } : {}),
      };
    });
  };
  return { ratios: ratiosOf, bodies: chainBodies };
}

/** Depth/height of each body: spread across vs along the local chain direction. */
export function depthOverHeight(order: number[], points: readonly Point[], alive: number[], stats: RegionStats): number[] {
  if (order.length < 2) return [];
  return order.map((k, i) => {
    const a = points[order[Math.max(0, i - 1)]!]!;
    const b = points[order[Math.min(order.length - 1, i + 1)]!]!;
    const d = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
    const ux = (b[0] - a[0]) / d;
    const uy = (b[1] - a[1]) / d;
    const r = alive[k]!;
    return spreadAlong(stats, r, -uy, ux) / (spreadAlong(stats, r, ux, uy) || 1);
  });
}
