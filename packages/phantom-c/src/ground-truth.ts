import { VIEW_LEVELS, type Level } from '@vertxnet/core';
import type { Column } from './column.js';
import { ringArea, ringBox, type Vec } from './geometry.js';
import type { Projection } from './projection.js';
import { bodySilhouette } from './trace-body.js';

/** One body on the film: its outline clipped to the image, in pixels. */
export interface BodyRecord {
  level: Level;
  /** A level the view labels, shown enough to be annotated; otherwise an ignore region. */
  labelled: boolean;
  polygon: number[];
  area: number;
  bbox: [number, number, number, number];
  truncated: boolean;
}

/** Share of a labelled body that must show for it to be annotated rather than ignored. */
const MIN_SHOWN = 0.15;

/** Sutherland–Hodgman against the image rectangle. */
function clip(points: Vec[], width: number, height: number): Vec[] {
  const edges: [(p: Vec) => boolean, (a: Vec, b: Vec) => Vec][] = [
    [(p) => p.x >= 0, (a, b) => ({ x: 0, y: a.y + ((b.y - a.y) * (0 - a.x)) / (b.x - a.x) })],
    [(p) => p.x <= width, (a, b) => ({ x: width, y: a.y + ((b.y - a.y) * (width - a.x)) / (b.x - a.x) })],
    [(p) => p.y >= 0, (a, b) => ({ x: a.x + ((b.x - a.x) * (0 - a.y)) / (b.y - a.y), y: 0 })],
    [(p) => p.y <= height, (a, b) => ({ x: a.x + ((b.x - a.x) * (height - a.y)) / (b.y - a.y), y: height })],
  ];
  let out = points;
  for (const [inside, cross] of edges) {
    const input = out;
    out = [];
    for (let i = 0; i < input.length; i++) {
      const a = input[i]!;
      const b = input[(i + 1) % input.length]!;
      if (inside(a)) {
        out.push(a);
        if (!inside(b)) out.push(cross(a, b));
      } else if (inside(b)) out.push(cross(a, b));
    }
    if (out.length === 0) break;
  }
  return out;
}

const flat = (points: Vec[]): number[] => points.flatMap((p) => [Math.round(p.x * 100) / 100, Math.round(p.y * 100) / 100]);

/** Every body the film shows: the labelled levels (whole or clipped) and the others as ignore regions. */
export function groundTruth(column: Column, proj: Projection): BodyRecord[] {
  const labels = new Set(VIEW_LEVELS[column.view]);
  const bodies = [...column.vertebrae, ...column.sacrum.slice(0, 1)];
  const out: BodyRecord[] = [];
  for (const v of bodies) {
    const full = bodySilhouette(v.body, proj);
    const shown = clip(full, proj.width, proj.height);
    if (shown.length < 3) continue;
    const polygon = flat(shown);
    const area = ringArea(polygon);
    if (area < 4) continue;
    const truncated = full.some((p) => p.x < 0 || p.y < 0 || p.x > proj.width || p.y > proj.height);
    const labelled = labels.has(v.level) && area >= MIN_SHOWN * ringArea(flat(full)) && area >= 30;
    out.push({
      level: v.level,
      labelled,
      polygon,
      area: Math.round(area * 100) / 100,
      bbox: ringBox(polygon).map((x) => Math.round(x * 100) / 100) as BodyRecord['bbox'],
      truncated,
    });
  }
  return out;
}

/** Mirrors records left to right (a film facing left). */
export function mirrorRecords(records: BodyRecord[], width: number): BodyRecord[] {
  return records.map((r) => {
    const polygon = r.polygon.map((v, i) => (i % 2 === 0 ? Math.round((width - v) * 100) / 100 : v));
    return { ...r, polygon, bbox: ringBox(polygon).map((x) => Math.round(x * 100) / 100) as BodyRecord['bbox'] };
  });
}
