import { pt, rotateAbout, type Point } from './geometry.js';

/**
 * One vertebral body in its own frame: u runs anterior, v caudal, origin at the body's centre.
 * The outline is a superellipse (rounded box) whose half-height varies linearly from the posterior
 * to the anterior wall (a wedge), with endplates sagging inward (concave) and optional anterior
 * osteophyte lips. This one description is both what is projected and the ground-truth polygon.
 */
export interface BodyShape {
  centre: Point;
  /** Tilt of the body's cranio-caudal axis from the film vertical, radians (positive: top toward anterior). */
  tilt: number;
  /** Antero-posterior depth, mm. */
  depth: number;
  anteriorHeight: number;
  posteriorHeight: number;
  /** Endplate concavity at the centre, mm. */
  sag: number;
  /** Superellipse exponent: 2 is an ellipse, higher is boxier. */
  squareness: number;
  /** Osteophyte lip length at the anterior superior / inferior corner, mm (0 for none). */
  lipTop: number;
  lipBottom: number;
}

const OUTLINE_POINTS = 96;

const signedPow = (v: number, e: number): number => Math.sign(v) * Math.abs(v) ** e;

/** The body's outline in film (world) mm, clockwise on screen from the anterior wall. */
export function bodyOutline(b: BodyShape): Point[] {
  const a = b.depth / 2;
  const e = 2 / b.squareness;
  const out: Point[] = [];
  for (let k = 0; k < OUTLINE_POINTS; k++) {
    const t = (2 * Math.PI * k) / OUTLINE_POINTS;
    let u = a * signedPow(Math.cos(t), e);
    const across = u / a;
    const half = (b.posteriorHeight + ((b.anteriorHeight - b.posteriorHeight) * (across + 1)) / 2) / 2;
    const sinPart = signedPow(Math.sin(t), e);
    let v = half * sinPart;
    // Endplates: the middle of each plate bows toward the body centre.
    const bow = b.sag * Math.max(0, 1 - across * across) * Math.abs(sinPart);
    v += v < 0 ? bow : -bow;
    // Osteophytes: a lip grows out of the anterior corner, mostly along the spine.
    const lip = Math.exp(-(((across - 0.86) / 0.11) ** 2)) * Math.abs(sinPart);
    if (v < 0 && b.lipTop > 0) {
      v -= b.lipTop * lip;
      u += 0.35 * b.lipTop * lip;
    } else if (v > 0 && b.lipBottom > 0) {
      v += b.lipBottom * lip;
      u += 0.35 * b.lipBottom * lip;
    }
    out.push(toWorld(b, u, v));
  }
  return out;
}

/** A point given in the body's frame (u anterior, v caudal), in world mm. */
export function toWorld(b: BodyShape, u: number, v: number): Point {
  return rotateAbout(pt(b.centre.x + u, b.centre.y + v), b.centre, -b.tilt);
}

/** Unit vector pointing caudally along the body's axis. */
export function caudalOf(tilt: number): Point {
  return pt(Math.sin(tilt), Math.cos(tilt));
}
