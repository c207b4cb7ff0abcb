import type { Level } from '@vertxnet/core';
import type { Column, Vertebra } from './column.js';
import { toWorld, type Vec } from './geometry.js';
import type { Ellipsoid, Solid, Tube } from './solids.js';

export function vertebra(col: Column, level: Level): Vertebra {
  const v = col.vertebrae.find((x) => x.level === level) ?? col.sacrum.find((x) => x.level === level);
  if (!v) throw new RangeError(`no ${level} in this column`);
  return v;
}

/** A point on a body's anterior wall (`t` = −1 inferior … 1 superior). */
export function front(v: Vertebra, t = 0): Vec {
  return toWorld(v.body.frame, v.body.profile.halfDepth, t * v.body.profile.halfHeight);
}

export function back(v: Vertebra, t = 0): Vec {
  return toWorld(v.body.frame, -v.body.profile.halfDepth, t * v.body.profile.halfHeight);
}

export const centre = (v: Vertebra): Vec => v.body.frame.origin;

/** Both sides' copies of a lateral structure, `z` mm from the midsagittal plane, the far one nudged. */
export function bilateral(solid: Ellipsoid | Tube, z: number, nudge: Vec = { x: 0, y: 0 }): Solid[] {
  const moved = (p: Vec): Vec => ({ x: p.x + nudge.x, y: p.y + nudge.y });
  const far: Ellipsoid | Tube = solid.kind === 'ellipsoid' ? { ...solid, centre: moved(solid.centre) } : { ...solid, path: solid.path.map(moved) };
  return [
    { ...solid, z },
    { ...far, z: -z },
  ];
}

export function blob(centre: Vec, radii: [number, number], options: Partial<Ellipsoid> = {}): Ellipsoid {
  return { kind: 'ellipsoid', centre, radii, depth: Math.max(...radii), angle: 0, z: 0, tissue: 'cancellous', ...options };
}

export function rod(path: Vec[], radius: [number, number], options: Partial<Tube> = {}): Tube {
  return { kind: 'tube', path, radius, z: 0, tissue: 'cancellous', ...options };
}

export const CORTICAL_SHELL = { thickness: 1.2, tissue: 'cortex' as const };

/** The point a share `t` of the way through a range. */
export const share = (range: [number, number], t: number): number => range[0] + (range[1] - range[0]) * t;
