import { describe, expect, it } from 'vitest';
import { DEFAULT_FUSION_OPTIONS } from '../options.js';
import { syntheticSpine } from '../synthetic.js';
import { assignInstances, mainComponent } from './assign.js';
import { checkInput } from './input.js';
import { maskModels } from './masks.js';

describe('assignInstances', () => {
  it('puts both instances of two bridged bodies in their one component', () => {
    const s = syntheticSpine({ view: 'cervical', fused: [['C4', 'C5']] });
    const m = maskModels(checkInput(s), DEFAULT_FUSION_OPTIONS);
    const a = assignInstances(m);
    expect(m.components?.count).toBe(6);
    expect([...a.byComponent.values()].map((l) => l.length).sort((x, y) => x - y)).toEqual([1, 1, 1, 1, 1, 2]);
    expect(a.uncovered).toEqual([]);
    for (const c of m.candidates) expect(a.covered.get(c)).toBeGreaterThan(0.3 * c.area);
    const claimed = [...a.claimed.values()].reduce((x, y) => x + y, 0);
    expect(claimed).toBe([...a.covered.values()].reduce((x, y) => x + y, 0));
  });

  it('leaves an instance with no U-Net body under it uncovered', () => {
    const s = syntheticSpine({ view: 'lumbar' });
    const d = s.instances.detections[3]!;
    const W = s.frame.width;
    for (let y = d.mask.y; y < d.mask.y + d.mask.height; y++) s.foreground.probability.fill(0, y * W + d.mask.x, y * W + d.mask.x + d.mask.width);
    const a = assignInstances(maskModels(checkInput(s), DEFAULT_FUSION_OPTIONS));
    expect(a.uncovered).toHaveLength(1);
    const u = a.uncovered[0]!;
    expect(u.x0 >= d.mask.x && u.x1 <= d.mask.x + d.mask.width).toBe(true);
  });
});

describe('mainComponent', () => {
  it('is the component most of the mask lies in', () => {
    const labels = Int32Array.from([1, 1, 2, 2, 2, 0]);
    const c = { x0: 0, y0: 0, x1: 6, y1: 1, mask: Uint8Array.from([1, 1, 1, 1, 0, 1]) } as Parameters<typeof mainComponent>[0];
    expect(mainComponent(c, labels, 6)).toEqual({ id: 1, overlap: 2 });
    expect(mainComponent({ ...c, mask: new Uint8Array(6) }, labels, 6)).toBeUndefined();
  });
});
