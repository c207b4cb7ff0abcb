import type { Candidate } from '../instances.js';
import type { ModelMasks } from './masks.js';

/** An instance belongs to a component when this share of its mask lies inside it. */
const MIN_COVER = 0.3;

/** Which U-Net component each Mask R-CNN instance belongs to. */
export interface InstanceAssignment {
  /** Component id → the instances inside it. */
  byComponent: Map<number, Candidate[]>;
  /** Component id → pixels of it covered by its instances. */
  claimed: Map<number, number>;
  /** Instance → pixels of its mask inside its component. */
  covered: Map<Candidate, number>;
  /** Instances in no component (Mask R-CNN-only bodies). */
  uncovered: Candidate[];
}

/** Step 2: each instance goes to the component it overlaps most, if that holds MIN_COVER of its mask. */
export function assignInstances(m: ModelMasks): InstanceAssignment {
  const comps = m.components;
  const byComponent = new Map<number, Candidate[]>();
  const claimed = new Map<number, number>();
  const covered = new Map<Candidate, number>();
  const uncovered: Candidate[] = [];
  for (const c of m.candidates) {
    const comp = comps ? mainComponent(c, comps.labels, m.width) : undefined;
    if (comp && comp.overlap >= MIN_COVER * c.area && comps!.area[comp.id]! >= m.minArea) {
      const list = byComponent.get(comp.id) ?? [];
      list.push(c);
      byComponent.set(comp.id, list);
      claimed.set(comp.id, (claimed.get(comp.id) ?? 0) + comp.overlap);
      covered.set(c, comp.overlap);
    } else {
      uncovered.push(c);
    }
  }
  return { byComponent, claimed, covered, uncovered };
}

/** The component holding most of an instance's mask, and how many of its pixels. */
export function mainComponent(c: Candidate, labels: Int32Array, W: number): { id: number; overlap: number } | undefined {
  const counts = new Map<number, number>();
  const cw = c.x1 - c.x0;
  for (let y = c.y0; y < c.y1; y++) {
    for (let x = c.x0; x < c.x1; x++) {
      if (!c.mask[(y - c.y0) * cw + (x - c.x0)]) continue;
      const id = labels[y * W + x]!;
      if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  let best: { id: number; overlap: number } | undefined;
  for (const [id, overlap] of counts) if (!best || overlap > best.overlap) best = { id, overlap };
  return best;
}
