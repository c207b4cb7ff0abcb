import { add, band, bezier, chaikin, ellipse, type Point } from '../geometry.js';
import { sketch, type Sketch } from '../anatomy/parts.js';
import type { Rng } from '../prng.js';
import type { NegativeScene } from './scene.js';
import { soft } from './spine.js';

/** A long bone as a tube: thick cortex, darker medullary canal. */
function longBone(s: Sketch, path: Point[], width: (t: number) => number): void {
  s.structures.push(s.bone(chaikin(band(path, width), 1), 0.15, 0.6, 3.5 * Math.min(1.5, width(0.5) / 12), 0.3));
}

/** The soft-tissue leg around the knee, tapering distally. */
function legSoftTissue(s: Sketch): void {
  const { rng, size, structures } = s;
  structures.push(
    soft(
      band(
        [
          { x: 0, y: -300 },
          { x: 0, y: 300 },
        ],
        (t) => (65 - 15 * t) * size,
      ),
      rng.range(1.8, 2.6) * size,
    ),
  );
}

/** Femur shaft and distal end with the patella: condyles side-on and the patella in front when lateral, condyles side by side under it when AP. */
function femur(s: Sketch, w: number, lateral: boolean): void {
  const { rng, size, structures, bone } = s;
  longBone(
    s,
    [
      { x: 0, y: -300 },
      { x: 0, y: -30 },
    ],
    () => 14 * size,
  );
  if (lateral) {
    structures.push(
      bone(
        chaikin(
          [
            { x: -w * 0.55, y: -60 },
            { x: w * 0.35, y: -60 },
            { x: w * 0.55, y: -10 },
            { x: w * 0.3, y: 8 },
            { x: -w * 0.5, y: 10 },
            { x: -w * 0.9, y: -15 },
          ],
          2,
        ),
        0.24,
        0.5,
        2,
      ),
    );
    structures.push(bone(ellipse({ x: w * 0.95, y: -30 }, 10 * size, 22 * size, 0.2, 20), 0.25, 0.5, 1.5));
  } else {
    for (const side of [-1, 1]) structures.push(bone(ellipse({ x: side * w * 0.45, y: -15 }, w * 0.5, 24 * size, 0, 24), 0.22, 0.5, 2));
    structures.push(bone(ellipse({ x: rng.range(-5, 5), y: -40 }, 22 * size, 26 * size, 0, 20), 0.12, 0.25, 1.5));
  }
}

/** Tibia with its plateau, and the fibula beside it (behind it when lateral). */
function tibiaFibula(s: Sketch, w: number, lateral: boolean): void {
  const { size, structures, bone } = s;
  structures.push(
    bone(
      chaikin(
        [
          { x: -w, y: 18 },
          { x: w, y: 18 },
          { x: w * 0.8, y: 50 },
          { x: w * 0.4, y: 70 },
          { x: -w * 0.4, y: 70 },
          { x: -w * 0.8, y: 50 },
        ],
        2,
      ),
      0.22,
      0.5,
      1.8,
    ),
  );
  longBone(
    s,
    [
      { x: 0, y: 60 },
      { x: 0, y: 320 },
    ],
    (t) => (w * 0.55 - 8 * t) / 1,
  );
  longBone(
    s,
    [
      { x: (lateral ? -0.3 : 0.9) * w, y: 45 },
      { x: (lateral ? -0.2 : 0.8) * w, y: 320 },
    ],
    () => 6 * size,
  );
}

/** Knee (AP or lateral): femur with condyles, tibia with plateau, fibula, patella, in a soft-tissue leg. */
function knee(s: Sketch, lateral: boolean): NegativeScene {
  const { rng, size, structures } = s;
  // Draw order is the seeded order: width, soft tissue, femur (patella), then tibia and fibula.
  const w = rng.range(36, 44) * size;
  legSoftTissue(s);
  femur(s, w, lateral);
  tibiaFibula(s, w, lateral);
  return {
    structures,
    center: { x: 0, y: rng.range(-20, 20) },
    span: { width: 200 * size, height: rng.range(240, 330) * size },
    roi: ellipse({ x: 0, y: 0 }, w, 40, 0, 12),
    labels: lateral ? ['LAT', 'KNEE LAT', 'LATERAL'] : ['AP', 'KNEE AP', 'AP STANDING'],
  };
}

/** Hand and wrist (PA): radius and ulna, a cluster of carpals, five rays of metacarpals and phalanges. */
function hand(s: Sketch): NegativeScene {
  const { rng, size, structures, bone } = s;
  structures.push(
    soft(
      chaikin(
        [
          { x: -45, y: 160 },
          { x: 45, y: 160 },
          { x: 55, y: 0 },
          { x: 60, y: -120 },
          { x: -70, y: -120 },
          { x: -60, y: 0 },
        ],
        2,
      ),
      rng.range(1.2, 1.8) * size,
    ),
  );
  longBone(
    s,
    [
      { x: -15 * size, y: 160 },
      { x: -14 * size, y: 45 },
    ],
    (t) => (11 + 6 * t) * size,
  );
  longBone(
    s,
    [
      { x: 20 * size, y: 160 },
      { x: 18 * size, y: 50 },
    ],
    () => 7 * size,
  );
  for (let i = 0; i < 8; i++) {
    const c = { x: (-26 + (i % 4) * 17) * size, y: (35 - Math.floor(i / 4) * 16) * size };
    structures.push(bone(ellipse(c, 8 * size, 7 * size, rng.range(0, 3), 14), 0.2, 0.4, 1));
  }
  for (let ray = 0; ray < 5; ray++) {
    const spread = (ray - 2) * 0.22 + (ray === 0 ? -0.35 : 0);
    let p: Point = ray === 0 ? { x: -35 * size, y: 15 * size } : { x: (-28 + ray * 13) * size, y: 8 * size };
    const dir = { x: Math.sin(spread), y: -Math.cos(spread) };
    const lengths = ray === 0 ? [42, 30, 24] : [60, 42, 26, 20];
    lengths.forEach((len, j) => {
      const q = add(p, { x: dir.x * len * size, y: dir.y * len * size });
      structures.push(
        bone(
          chaikin(
            band(bezier(p, add(p, { x: dir.x * len * 0.5 * size, y: dir.y * len * 0.5 * size }), q, 4), () => (j === 0 ? 4.5 : 3.8) * size),
            1,
          ),
          0.18,
          0.45,
          1.2,
          0.3,
        ),
      );
      p = add(q, { x: dir.x * 3 * size, y: dir.y * 3 * size });
    });
  }
  return {
    structures,
    center: { x: 0, y: 10 },
    span: { width: 170 * size, height: 280 * size },
    roi: ellipse({ x: 0, y: 20 }, 30, 30, 0, 12),
    labels: ['PA', 'HAND', 'R HAND', 'L HAND', 'WRIST'],
  };
}

/** A limb film: a knee (AP or lateral) or a hand with wrist. */
export function extremityScene(rng: Rng): NegativeScene {
  const size = rng.gauss(1, 0.08, 0.8, 1.2);
  const s = sketch(rng, size, rng.gauss(1, 0.15, 0.6, 1.3), 1.2);
  const pick = rng.next();
  return pick < 0.35 ? knee(s, false) : pick < 0.7 ? knee(s, true) : hand(s);
}
