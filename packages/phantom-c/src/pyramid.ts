import { grow, plane, type Plane } from './filters.js';

/** Binomial 1-4-6-4-1 smoothing then decimation by two, as a Laplacian pyramid's REDUCE. */
export function reduce(src: Plane): Plane {
  const { width: w, height: h } = src;
  const k = [1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16];
  const ow = Math.ceil(w / 2);
  const oh = Math.ceil(h / 2);
  const tmp = new Float32Array(ow * h);
  for (let y = 0; y < h; y++) {
    for (let ox = 0; ox < ow; ox++) {
      let acc = 0;
      for (let t = -2; t <= 2; t++) acc += k[t + 2]! * src.data[y * w + Math.min(w - 1, Math.max(0, 2 * ox + t))]!;
      tmp[y * ow + ox] = acc;
    }
  }
  const out = plane(ow, oh);
  for (let oy = 0; oy < oh; oy++) {
    for (let x = 0; x < ow; x++) {
      let acc = 0;
      for (let t = -2; t <= 2; t++) acc += k[t + 2]! * tmp[Math.min(h - 1, Math.max(0, 2 * oy + t)) * ow + x]!;
      out.data[oy * ow + x] = acc;
    }
  }
  return out;
}

const STEPS = 2048;

/** A coarse level brought back to its parent's size. */
export function expand(src: Plane, width: number, height: number): Plane {
  return grow(src, { width, height, factor: 2 });
}

/**
 * Multi-scale contrast equalisation (in the manner of CR/DR "musica" processing): each band of a
 * Laplacian pyramid is passed through a power law that lifts small details more than strong edges,
 * with a gain per band; the coarse residual is damped, which compresses the film's latitude.
 */
export function equalise(src: Plane, bands: { gain: number[]; power: number; residual: number }): Plane {
  const lift = Float32Array.from({ length: STEPS + 1 }, (_, k) => (k / STEPS) ** bands.power);
  const levels: Plane[] = [src];
  for (let k = 0; k < bands.gain.length; k++) levels.push(reduce(levels[k]!));
  const coarse = levels[levels.length - 1]!;
  let mean = 0;
  for (const v of coarse.data) mean += v;
  mean /= coarse.data.length;
  let out = plane(coarse.width, coarse.height);
  for (let i = 0; i < coarse.data.length; i++) out.data[i] = mean + bands.residual * (coarse.data[i]! - mean);
  for (let k = bands.gain.length - 1; k >= 0; k--) {
    const fine = levels[k]!;
    const back = expand(levels[k + 1]!, fine.width, fine.height);
    const up = expand(out, fine.width, fine.height);
    let scale = 0;
    for (let i = 0; i < fine.data.length; i++) scale += Math.abs(fine.data[i]! - back.data[i]!);
    scale = (4 * scale) / fine.data.length || 1;
    const g = bands.gain[k]! * scale;
    for (let i = 0; i < fine.data.length; i++) {
      const b = fine.data[i]! - back.data[i]!;
      const m = (b < 0 ? -b : b) / scale;
      const lifted = m < 1 ? lift[Math.round(m * STEPS)]! : m;
      up.data[i]! += b < 0 ? -g * lifted : g * lifted;
    }
    out = up;
  }
  return out;
}
