import { place, pt, type Placement, type Point } from './geometry.js';

/**
 * How a solid attenuates the beam. The film is a projection: a solid of in-plane outline S and
 * beam-wise depth D is a rounded slab whose path length at distance d inside S grows like the chord
 * of a circle of radius `round` (full depth D from d = round on). A cortex is a shell of the given
 * thickness around it: seen tangentially at the outline it gives the bright rim of real bone.
 * `mu` is the linear attenuation in excess of the soft tissue the solid displaces (1/mm; negative for
 * gas), `depth`, `round` and `cortex.thickness` are in mm.
 */
export interface Matter {
  mu: number;
  depth: number;
  round: number;
  cortex?: { mu: number; thickness: number };
}

/** A closed outline (polygon) or a tube (a polyline with a radius, for ribs, arches, processes). */
export type Solid = { kind: 'outline'; points: Point[]; matter: Matter } | { kind: 'tube'; path: Point[]; radius: number; matter: Matter };

/** An ellipse as a fine polygon (the projection code only knows outlines and tubes). */
export function ellipseOutline(centre: Point, rx: number, ry: number, angle = 0, n = 72): Point[] {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const out: Point[] = [];
  for (let k = 0; k < n; k++) {
    const t = (2 * Math.PI * k) / n;
    const x = rx * Math.cos(t);
    const y = ry * Math.sin(t);
    out.push(pt(centre.x + c * x - s * y, centre.y + s * x + c * y));
  }
  return out;
}

export function ellipse(centre: Point, rx: number, ry: number, matter: Matter, angle = 0): Solid {
  return { kind: 'outline', points: ellipseOutline(centre, rx, ry, angle), matter };
}

export function tube(path: Point[], radius: number, matter: Matter): Solid {
  return { kind: 'tube', path, radius, matter };
}

/** Matter with its in-plane lengths moved to film pixels (depth stays mm: it runs along the beam). */
function placeMatter(m: Matter, scale: number): Matter {
  return {
    mu: m.mu,
    depth: m.depth,
    round: m.round * scale,
    ...(m.cortex ? { cortex: { mu: m.cortex.mu, thickness: m.cortex.thickness * scale } } : {}),
  };
}

export function placeSolid(solid: Solid, m: Placement): Solid {
  const matter = placeMatter(solid.matter, m.scale);
  if (solid.kind === 'outline') return { kind: 'outline', points: solid.points.map((p) => place(p, m)), matter };
  return { kind: 'tube', path: solid.path.map((p) => place(p, m)), radius: solid.radius * m.scale, matter };
}
