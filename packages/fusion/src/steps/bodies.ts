import type { Candidate } from '../instances.js';
import type { Point } from '../chain.js';
import type { Components, Rect } from '../morphology.js';
import type { FusionOptions } from '../options.js';
import { plausibleBody, regionStats, type RegionStats } from '../regions.js';
import { unclaimedCores } from '../seeds.js';
import { splitComponent } from '../split.js';
import type { VertebraSource } from '../types.js';
import type { InstanceAssignment } from './assign.js';
import type { ModelMasks } from './masks.js';

/** A component this many typical bodies large is searched for several bodies even without instances. */
const FUSED_AREA = 1.6;
/** Erosion (× typical body side) that separates bodies joined by bridges when looking for missed ones. */
const CORE_EROSION = 0.15;
/** Smallest eroded core (× typical body area) taken as a missed body. */
const CORE_AREA = 0.2;
/** An instance whose U-Net component covers less than this share of its mask completes the body with it. */
const UNDERSEGMENTED = 0.75;

/** One body before it is measured: which model(s) found it, and the instance behind it. */
export interface Region {
  source: VertebraSource;
  instance?: Candidate;
}

/** Bodies painted on the frame: region k (1-based) is regions[k - 1]. */
export interface PaintedBodies {
  regionMap: Int32Array;
  regions: Region[];
}

/** Bodies measured: those of at least minArea pixels are alive, in region order. */
export interface Bodies extends PaintedBodies {
  stats: RegionStats;
  /** Region ids of the bodies kept; "body k" elsewhere is alive[k]. */
  alive: number[];
  /** Centroid of each alive body. */
  points: Point[];
}

/**
 * Step 3: U-Net components give boundaries; the instances inside a component split it (with cores
 * no instance claimed); an undersegmented body is completed by its instance mask; instances outside
 * every component become Mask R-CNN-only bodies.
 */
export function paintBodies(m: ModelMasks, a: InstanceAssignment, o: FusionOptions): PaintedBodies {
  const W = m.width;
  const regionMap = new Int32Array(W * m.height);
  const regions: Region[] = [];
  if (m.components) componentBodies(m, m.components, a, o, regionMap, regions);
  // Where the U-Net caught only part of a body (faint under the shoulders, cut by a plate), its
  // instance mask fills in the rest, where no other body is.
  regions.forEach((r, i) => {
    if (r.instance && r.instance.score > 0 && (a.covered.get(r.instance) ?? 0) < UNDERSEGMENTED * r.instance.area)
      paintInstance(r.instance, W, regionMap, i + 1);
  });
  for (const c of a.uncovered) {
    regions.push({ source: 'maskrcnn', instance: c });
    paintInstance(c, W, regionMap, regions.length);
  }
  return { regionMap, regions };
}

/** The bodies of each U-Net component: none (implausible), one, or several split between seeds. */
function componentBodies(m: ModelMasks, comps: Components, a: InstanceAssignment, o: FusionOptions, regionMap: Int32Array, regions: Region[]): void {
  const W = m.width;
  const typicalArea = m.typicalArea;
  let covs: RegionStats | undefined;
  for (let id = 1; id <= comps.count; id++) {
    const area = comps.area[id]!;
    const inside = a.byComponent.get(id) ?? [];
    const b = 4 * id;
    const bbox: Rect = [comps.bbox[b]!, comps.bbox[b + 1]!, comps.bbox[b + 2]!, comps.bbox[b + 3]!];
    // Bodies the instance model missed inside this component (a fused run, or U-Net only).
    const big = area > FUSED_AREA * typicalArea;
    // Cheap test first: the unclaimed pixels must at least hold one core.
    const unclaimed = area - (a.claimed.get(id) ?? 0);
    const cores =
      (inside.length > 0 || big) && unclaimed >= CORE_AREA * typicalArea
        ? unclaimedCores(comps.labels, W, id, bbox, inside, Math.max(2, Math.round(CORE_EROSION * m.typicalSide)), CORE_AREA * typicalArea)
        : [];
    const seeds = [...inside, ...(inside.length > 0 || cores.length >= 2 ? cores : [])];
    if (seeds.length === 0) {
      if (area < Math.max(m.minArea, o.minRelativeArea * typicalArea)) continue;
      covs ??= regionStats(comps.labels, W, m.height, comps.count, undefined, m.fgRect ?? undefined);
      const c = 3 * id;
      if (!plausibleBody(area, covs.covariance[c]!, covs.covariance[c + 1]!, covs.covariance[c + 2]!, typicalArea)) continue;
      regions.push({ source: 'unet' });
      paintComponent(comps.labels, W, id, bbox, regionMap, regions.length);
    } else if (seeds.length === 1) {
      regions.push({ source: 'both', instance: seeds[0]! });
      paintComponent(comps.labels, W, id, bbox, regionMap, regions.length);
    } else {
      const first = regions.length + 1;
      for (const c of seeds) regions.push(c.score > 0 ? { source: 'both', instance: c } : { source: 'unet' });
      splitComponent(comps.labels, W, id, bbox, seeds, regionMap, first);
    }
  }
}

/** Step 4: area, box, centroid and mean U-Net probability of each body; drops those under minArea. */
export function surveyBodies(painted: PaintedBodies, m: ModelMasks, probability: Uint8Array | undefined): Bodies {
  const { regionMap, regions } = painted;
  const stats = regionStats(regionMap, m.width, m.height, regions.length, probability, m.roi);
  const alive: number[] = [];
  for (let r = 1; r <= regions.length; r++) if (stats.area[r]! >= m.minArea) alive.push(r);
  const points: Point[] = alive.map((r) => [stats.centroid[2 * r]!, stats.centroid[2 * r + 1]!]);
  return { regionMap, regions, stats, alive, points };
}

/** Touches the film edge: its shape says nothing, and a reference class on it may be a cut neighbour. */
export function touchesEdge(stats: RegionStats, r: number, W: number, H: number): boolean {
  const b = 4 * r;
  return stats.bbox[b]! <= 1 || stats.bbox[b + 1]! <= 1 || stats.bbox[b + 2]! >= W - 1 || stats.bbox[b + 3]! >= H - 1;
}

function paintComponent(labels: Int32Array, W: number, id: number, bbox: Rect, map: Int32Array, region: number): void {
  for (let y = bbox[1]; y < bbox[3]; y++) for (let x = bbox[0]; x < bbox[2]; x++) if (labels[y * W + x] === id) map[y * W + x] = region;
}

/** Paints an instance only where no region is yet: a U-Net boundary wins where both exist. */
export function paintInstance(c: Candidate, W: number, map: Int32Array, region: number): void {
  const cw = c.x1 - c.x0;
  for (let y = c.y0; y < c.y1; y++) {
    for (let x = c.x0; x < c.x1; x++) if (c.mask[(y - c.y0) * cw + (x - c.x0)] && !map[y * W + x]) map[y * W + x] = region;
  }
}
