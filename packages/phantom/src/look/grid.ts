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
  const wave = Float32Array.from({ length: g.orientation === 'vertical' ? width : height }, (_, t) => g.amplitude * Math.sin(k * t + g.phase));
  for (let y = 0; y < height; y++) {
    const row = y * width;
    if (g.orientation === 'vertical') for (let x = 0; x < width; x++) image[row + x]! += wave[x]!;
    else for (let x = 0; x < width; x++) image[row + x]! += wave[y]!;
  }
}
