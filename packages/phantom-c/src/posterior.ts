import { along, add, scale, toWorld, deg, type Vec } from './geometry.js';
import type { Vertebra } from './column.js';
import type { Rng } from './random.js';
import type { Ellipsoid, Solid, Tissue, Tube } from './solids.js';

const CORTEX = { thickness: 0.6, tissue: 'cortex' as Tissue };

/** One solid on each side of the midsagittal plane, `z` mm out: the beam sees both, magnified apart. */
function pair(solid: Ellipsoid | Tube, z: number): Solid[] {
  return [
    { ...solid, z },
    { ...solid, z: -z },
  ];
}

function ellipsoid(centre: Vec, radii: [number, number], options: { depth: number; angle: number; squareness?: number }): Ellipsoid {
  return {
    kind: 'ellipsoid',
    centre,
    radii,
    depth: options.depth,
    angle: options.angle,
    z: 0,
    tissue: 'cancellous',
    shell: CORTEX,
    ...(options.squareness ? { squareness: options.squareness } : {}),
  };
}

function tube(path: Vec[], radius: [number, number], flatten = 1): Tube {
  return { kind: 'tube', path, radius, flatten, z: 0, tissue: 'cancellous', shell: CORTEX };
}

/** Where the spinous process of `v` starts (the spinolaminar junction) and the way it points. */
export function spinolaminar(v: Vertebra): { base: Vec; way: number } {
  const p = v.body.profile;
  return { base: toWorld(v.body.frame, -p.halfDepth - v.dims.canal, -0.15 * p.halfHeight), way: v.body.frame.angle + Math.PI + deg(v.dims.spinous[1]) };
}

/** A spinous process: a tapering blade (cervical, thoracic) or a hatchet-shaped plate (lumbar), seen side-on. */
function spinous(v: Vertebra, lumbar: boolean, rng: Rng): Solid[] {
  const { base, way } = spinolaminar(v);
  const length = v.dims.spinous[0] * (lumbar ? 1 : 0.85);
  const centre = add(base, scale(along(way), length / 2));
  if (lumbar) return [ellipsoid(centre, [length / 2 + 2, rng.uniform(8, 12) * (v.body.width / 45)], { depth: 3.5, angle: way, squareness: 3 })];
  const thick = v.level === 'C2' ? 5.5 : v.level.startsWith('T') ? 4.2 : 3.2;
  const tip = add(base, scale(along(way), length - thick));
  const bifid = ['C3', 'C4', 'C5'].includes(v.level);
  const thin = { thickness: 0.45, tissue: 'cortex' as Tissue };
  const knob = { ...ellipsoid(tip, [thick * 0.8, thick * 0.8], { depth: thick * 0.7, angle: way }), shell: thin };
  return [
    { ...ellipsoid(centre, [length / 2 + 1, thick], { depth: thick * 0.6, angle: way, squareness: 2.4 }), shell: thin },
    ...(bifid ? pair(knob, 3) : [knob]),
  ];
}

/**
 * An articular pillar of one side: a rhomboid block whose facets slope down and back, drawn as a
 * plate with a cortical rim, so the joints between pillars show as oblique lines.
 */
function pillar(v: Vertebra, options: { slope: number; z: number }): Solid[] {
  const f = v.body.frame;
  const p = v.body.profile;
  const front = -p.halfDepth - v.dims.pedicle[0] - 0.5;
  const depth = 11 * (v.body.width / 19) ** 0.5;
  const rise = depth * Math.tan(options.slope);
  const top = 0.92 * p.halfHeight + 1.5;
  const bottom = -1.02 * p.halfHeight - 1.5;
  const outline: Vec[] = [toWorld(f, front, top), toWorld(f, front - depth, top - rise), toWorld(f, front - depth, bottom - rise), toWorld(f, front, bottom)];
  return [
    { kind: 'plate', outline, thickness: 9, z: options.z, tissue: 'cancellous' },
    { kind: 'plate', outline, thickness: 9, z: -options.z, tissue: 'cancellous' },
    ...pair(tube([...outline, outline[0]!, outline[1]!], [0.7, 0.7], 4), options.z),
  ];
}

/** What every region's posterior elements are placed by: the body's frame and profile, the pedicle, the back wall. */
function arch(v: Vertebra) {
  const f = v.body.frame;
  const p = v.body.profile;
  const [pl, ph] = v.dims.pedicle;
  return { f, p, pl, ph, w: v.body.width, at: (u: number, t: number): Vec => toWorld(f, u, t), back: -p.halfDepth };
}

function cervical(v: Vertebra, rng: Rng): Solid[] {
  const { f, p, pl, ph, w, at, back } = arch(v);
  const faint = { thickness: 0.4, tissue: 'cortex' as Tissue };
  return [
    ...pair({ ...ellipsoid(at(back - pl / 2 + 1, 0.25 * p.halfHeight), [pl / 2 + 1.5, ph / 2], { depth: 2.5, angle: f.angle }), shell: faint }, 0.38 * w),
    ...pillar(v, { slope: deg(rng.uniform(28, 45)), z: 0.5 * w + 4 }),
    ...pair({ ...ellipsoid(at(back + 1.5, -0.1 * p.halfHeight), [2.6, 3.4], { depth: 3, angle: f.angle }), shell: faint }, 0.5 * w + 6),
    ...pair(ellipsoid(at(back + 3, p.halfHeight + 1), [3, 2], { depth: 2, angle: f.angle }), 0.5 * w - 2),
    ...pair(tube([at(back - pl - 6, -0.2 * p.halfHeight), at(back - v.dims.canal - 1, -0.25 * p.halfHeight)], [2.2, 2], 2.2), 6),
    ...spinous(v, false, rng),
  ];
}

function thoracic(v: Vertebra, rng: Rng): Solid[] {
  const { f, p, pl, ph, w, at, back } = arch(v);
  return [
    ...pair(ellipsoid(at(back - pl / 2 + 1, 0.3 * p.halfHeight), [pl / 2 + 1.5, ph / 2], { depth: 3.5, angle: f.angle }), 0.36 * w),
    ...pair(ellipsoid(at(back - pl - 3, 0.25 * p.halfHeight), [6, 6.5], { depth: 10, angle: f.angle }), 0.5 * w + 10),
    ...pair(ellipsoid(at(back - pl - 2, 0.9 * p.halfHeight), [4, 6], { depth: 4, angle: f.angle + deg(15) }), 0.3 * w),
    ...pair(ellipsoid(at(back + 1, p.halfHeight), [4.5, 4.5], { depth: 5, angle: f.angle }), 0.5 * w + 2),
    ...pair(tube([at(back - pl - 2, 0.1 * p.halfHeight), at(back - v.dims.canal - 2, -0.3 * p.halfHeight)], [3.5, 3], 2.5), 6),
    ...spinous(v, false, rng),
  ];
}

function lumbar(v: Vertebra, rng: Rng): Solid[] {
  const { f, p, pl, ph, w, at, back } = arch(v);
  const tp = v.level === 'L3' ? 13 : v.level === 'L5' ? 9 : 11;
  return [
    ...pair(ellipsoid(at(back - pl / 2 + 2, 0.25 * p.halfHeight), [pl / 2 + 2, ph / 2], { depth: 4.5, angle: f.angle }), 0.35 * w),
    ...pair(ellipsoid(at(back - pl + 2, 0.15 * p.halfHeight), [5, 6], { depth: tp, angle: f.angle }), 0.5 * w + tp),
    ...pair(ellipsoid(at(back - pl - 3, 1.1 * p.halfHeight), [5.5, 8.5], { depth: 5, angle: f.angle + deg(rng.uniform(0, 15)) }), 0.3 * w),
    ...pair(ellipsoid(at(back - pl - 8, -1.15 * p.halfHeight), [5.5, 9], { depth: 5, angle: f.angle - deg(rng.uniform(0, 10)) }), 0.24 * w),
    ...pair(
      {
        ...tube([at(back - pl - 1, 0.35 * p.halfHeight), at(back - v.dims.canal - 4, -0.3 * p.halfHeight)], [3.5, 3], 1.5),
        shell: { thickness: 0.4, tissue: 'cortex' },
      },
      7,
    ),
    ...spinous(v, true, rng),
  ];
}

/** The posterior elements behind one body: pedicles, facets or pillars, laminae, processes. */
export function posteriorElements(v: Vertebra, rng: Rng): Solid[] {
  if (v.level === 'S1') {
    const p = v.body.profile;
    return pair(ellipsoid(toWorld(v.body.frame, -p.halfDepth - 11, p.halfHeight + 3), [5.5, 8.5], { depth: 5, angle: v.body.frame.angle }), 0.3 * v.body.width);
  }
  if (v.level.startsWith('C')) return cervical(v, rng);
  if (v.level.startsWith('T')) return thoracic(v, rng);
  return lumbar(v, rng);
}
