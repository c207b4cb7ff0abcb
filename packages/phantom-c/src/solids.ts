import type { Frame, Vec } from './geometry.js';
import type { BodyProfile } from './profile.js';

/**
 * What a solid is made of. Its attenuation is what it adds over the matter it displaces: soft
 * tissue adds to air, the rest add to (or, for fat and gas, take from) soft tissue.
 */
export type Tissue = 'soft' | 'fat' | 'gas' | 'cartilage' | 'cancellous' | 'cortex' | 'enamel';

/** A denser rind of the given thickness (cortical bone round a marrow cavity). */
export interface Shell {
  thickness: number;
  tissue: Tissue;
}

interface Placed {
  /** Distance from the midsagittal plane towards the tube, mm: sets the solid's magnification. */
  z: number;
  tissue: Tissue;
  shell?: Shell;
}

/** An ellipsoid: in-plane semi-axes along and across `angle`, `depth` along the beam. */
export interface Ellipsoid extends Placed {
  kind: 'ellipsoid';
  centre: Vec;
  radii: [number, number];
  depth: number;
  angle: number;
  /** In-plane superellipse exponent; 2 is an ellipse, larger is boxier. */
  squareness?: number;
  /**
   * A soft-edged mass (fat-padded soft tissue, gas with no wall): the chord falls linearly to the
   * rim instead of as a true ellipsoid's, so the edge fades rather than cuts.
   */
  soft?: boolean;
}

/** A tube swept along a polyline, its radius running from the first value to the second. */
export interface Tube extends Placed {
  kind: 'tube';
  path: Vec[];
  radius: [number, number];
  /** Beam-wise semi-axis over in-plane radius (1: a round tube; 3: a band seen edge-on). */
  flatten?: number;
}

/** A sheet seen face-on: the beam crosses `thickness` of it wherever it lies inside the outline. */
export interface Plate extends Placed {
  kind: 'plate';
  outline: Vec[];
  thickness: number;
}

/** One level of an elliptic soft-tissue envelope (neck or trunk): its skin lines and half-width. */
export interface EnvelopeKnot {
  y: number;
  front: number;
  back: number;
  halfWidth: number;
}

/** The patient's soft-tissue column, an elliptic cylinder whose section runs through `knots`. */
export interface Envelope {
  kind: 'envelope';
  tissue: Tissue;
  knots: EnvelopeKnot[];
}

/** A vertebral body: a swept transverse section under the sagittal profile, with cortex and grain. */
export interface BodySolid {
  kind: 'body';
  frame: Frame;
  profile: BodyProfile;
  /** Left–right width, mm. */
  width: number;
  /** Wall and endplate cortex, mm. */
  cortex: number;
  endplate: number;
  /** Depth of a sclerotic band under each endplate (0: none), mm. */
  sclerosis: number;
  /** Cancellous density as a share of normal. */
  density: number;
  /** Seed of the trabecular grain. */
  grain: number;
  /** Added vertical tilt of the rays through this body (patient tilt), per mm of width. */
  tilt: number;
}

export type Solid = Ellipsoid | Tube | Plate | Envelope | BodySolid;
