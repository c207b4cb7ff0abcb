import { describe, expect, it } from 'vitest';
import { fuse, traceFusion } from '../fuse.js';
import { declareOutOfScope } from '../scope.js';
import { syntheticSpine } from '../synthetic.js';
import { readHeadAgreement } from './head-agreement.js';

/** A level grid that reads 0.7 for the view's first level and 0.3 for the next, everywhere. */
function twoLevelGrid() {
  const probability = new Float32Array(2 * 16);
  probability.fill(0.7, 0, 16);
  probability.fill(0.3, 16, 32);
  return { offsets: [0, 1], width: 4, height: 4, probability };
}

describe('readHeadAgreement', () => {
  it("reads the view head at the film's view and the level head at each body's level", () => {
    const s = syntheticSpine({ view: 'lumbar' });
    s.foreground.levels = twoLevelGrid();
    s.foreground.viewScores = { cervical: 0.2, lumbar: 0.8 };
    const t = traceFusion(s);
    expect(t.labels.levels).toEqual(['T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'S1']);
    expect(t.heads.view).toBe(0.8);
    // T12 is offset 0, L1 offset 1; the grid has no other offsets, so the head gives them nothing.
    expect(t.heads.levels).toEqual([0.7, 0.3, 0, 0, 0, 0, 0]);
    const result = fuse(s);
    expect(result.viewHeadProbability).toBe(0.8);
    expect(result.vertebrae.map((v) => v.levelHeadProbability)).toEqual([0.7, 0.3, 0, 0, 0, 0, 0]);
  });

  it('says nothing without a view, without heads, or for an unlabelled body', () => {
    const s = syntheticSpine({ view: 'lumbar' });
    const t = traceFusion(s);
    expect(readHeadAgreement(null, { cervical: 0.5, lumbar: 0.5 }, t.labels.levels, t.features)).toEqual({ levels: Array(7).fill(undefined) });
    const bare = readHeadAgreement('lumbar', undefined, t.labels.levels, t.features);
    expect(bare).toEqual({ levels: Array(7).fill(undefined) });
    const withGrid = syntheticSpine({ view: 'lumbar' });
    withGrid.foreground.levels = twoLevelGrid();
    const u = traceFusion(withGrid);
    expect(readHeadAgreement('lumbar', undefined, [null, 'L1', null, null, null, null, null], u.features).levels).toEqual([
      undefined,
      0.3,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('is dropped with the levels when a film is out of scope', () => {
    const s = syntheticSpine({ view: 'lumbar' });
    s.foreground.levels = twoLevelGrid();
    s.foreground.viewScores = { cervical: 0.2, lumbar: 0.8 };
    const fused = fuse(s);
    expect(fused).toHaveProperty('viewEvidenceProbability');
    const out = declareOutOfScope(fused);
    expect(out).not.toHaveProperty('viewHeadProbability');
    expect(out).not.toHaveProperty('viewEvidenceProbability');
    expect(out.vertebrae.some((v) => 'levelHeadProbability' in v)).toBe(false);
  });
});
