import type { Rng } from '../prng.js';

/** Anti-scatter grid lines: fine periodic stripes across the film. */
export interface GridLook {
  orientation: 'vertical' | 'horizontal';
  periodPx: number;
  amplitude: number;
  phase: number;
}

export function drawGrid(rng: Rng, strength: number): GridLook {
  return {
    orientation: rng.chance(0.5) ? 'vertical' : 'horizontal',
    // Down to near the Nyquist limit, where real grids alias into coarser moiré.
    periodPx: rng.range(2.2, 8),
    amplitude: strength * rng.range(0.01, 0.05),
    phase: rng.range(0, 2 * Math.PI),
  };
}

export function applyGrid(image: Float32Array, width: number, height: number, g: GridLook): void {
  const k = (2 * Math.PI) / g.periodPx;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const t = g.orientation === 'vertical' ? x : y;
      image[row + x]! += g.amplitude * Math.sin(k * t + g.phase);
    }
  }
}
