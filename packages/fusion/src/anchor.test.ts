import { describe, expect, it } from 'vitest';
import { frameFor, type InstanceDetection, type LevelGrid, type View } from '@vertxnet/core';
import { decodeChainLevels, DEFAULT_LEVEL_WEIGHT, fitChainToTemplate, LEVEL_TEMPLATES, type ChainBody } from './anchor.js';
import { fuse } from './fuse.js';
import { decodingProbability } from './level-head.js';
import { drawRotatedRect } from './synthetic.js';

/** Chain bodies exactly as the template says for `levels`, scaled by `k` px/mm. */
function bodiesOf(view: View, levels: string[], k = 3): ChainBody[] {
  return levels.map((l) => {
    const t = LEVEL_TEMPLATES[view].find((x) => x.level === l)!;
    return { ratio: t.ratio, area: t.area * k * k, truncated: false };
  });
}

describe('fitChainToTemplate', () => {
  it('finds C4 at the top of a film cut through C4 (reference out of view)', () => {
    const b = bodiesOf('cervical', ['C4', 'C5', 'C6', 'C7', 'T1', 'T2']);
    b[0] = { ...b[0]!, area: b[0]!.area * 0.4, ratio: 2.5, truncated: true };
    // Index 2 of C2–T1 is C4.
    expect(fitChainToTemplate(b, 'cervical')?.firstLevelIndex).toBe(2);
  });

  it('finds T11 at the top of a lumbar film cut through L4 (S1 out of view)', () => {
    const b = bodiesOf('lumbar', ['T11', 'T12', 'L1', 'L2', 'L3', 'L4']);
    b[5] = { ...b[5]!, area: b[5]!.area * 0.3, truncated: true };
    expect(fitChainToTemplate(b, 'lumbar')?.firstLevelIndex).toBe(-1);
  });

  it('centres a chain cut at both ends on the labelled range', () => {
    // L1–L5 with L1 and L5 cut by the film edges: neither T12 nor S1 in view.
    const l = bodiesOf('lumbar', ['L1', 'L2', 'L3', 'L4', 'L5']);
    l[0] = { ...l[0]!, truncated: true };
    l[4] = { ...l[4]!, truncated: true };
    expect(fitChainToTemplate(l, 'lumbar')?.firstLevelIndex).toBe(1);
    // Six cervical bodies cut at both ends: C2–C7 or C3–T1; the shapes choose (here C3–T1).
    const c = bodiesOf('cervical', ['C3', 'C4', 'C5', 'C6', 'C7', 'T1']);
    c[0] = { ...c[0]!, truncated: true };
    c[5] = { ...c[5]!, truncated: true };
    const fit = fitChainToTemplate(c, 'cervical')?.firstLevelIndex;
    expect([0, 1]).toContain(fit);
    expect(fit).toBe(1);
  });

  it('prefers the reference at an uncut end when the shapes cannot tell', () => {
    const flat: ChainBody[] = Array.from({ length: 5 }, () => ({ ratio: 1.25, area: 2000, truncated: false }));
    expect(fitChainToTemplate(flat, 'cervical')?.firstLevelIndex).toBe(0);
    expect(fitChainToTemplate([flat[0]!], 'cervical')).toBeUndefined();
  });
});

/** Template bodies of `levels` for a patient whose bodies are all `aspect` × deeper and `scale` × larger. */
function patientOf(view: View, levels: string[], aspect: number, scale: number, marked: (level: string) => boolean | undefined): ChainBody[] {
  return bodiesOf(view, levels).map((b, i) => ({ ...b, ratio: b.ratio * aspect, area: b.area * scale, marked: marked(levels[i]!) }));
}

describe('decodeChainLevels', () => {
  const thoracic = (l: string) => l === 'T1' || l === 'T2' || l === 'T3';

  it("places T1 by the shapes where the first mark is C7 or T2, whatever the patient's aspect", () => {
    // A film cut through C4 (top body truncated); the T1 class also marks C7.
    const levels = ['C4', 'C5', 'C6', 'C7', 'T1', 'T2'];
    for (const aspect of [0.85, 1, 1.15]) {
      const b = patientOf('cervical', levels, aspect, 1.3, (l) => l === 'C7' || thoracic(l));
      b[0] = { ...b[0]!, area: b[0]!.area * 0.5, ratio: 2.4, truncated: true };
      expect(decodeChainLevels(b, 'cervical')?.firstLevelIndex).toBe(2);
      // T1 left unmarked, T2 marked: still C4 on top.
      const u = patientOf('cervical', levels, aspect, 1.3, (l) => l === 'T2');
      u[0] = b[0]!;
      expect(decodeChainLevels(u, 'cervical')?.firstLevelIndex).toBe(2);
    }
  });

  it('reads the marks when the shapes cannot tell', () => {
    // Six bodies of unknown shape below a cut: the marks on the last two say T1, T2 (the first mark
    // is T1 more often than C7 or T2), so the top body is C4.
    const flat: ChainBody[] = Array.from({ length: 6 }, (_, i) => ({ ratio: 0, area: 2000, truncated: i === 0, marked: i >= 4 }));
    expect(decodeChainLevels(flat, 'cervical')?.firstLevelIndex).toBe(2);
  });

  it('keeps an uncut reference end, and ignores marks a model without the class cannot make', () => {
    const complete = patientOf('lumbar', ['T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'S1'], 1.1, 2, () => undefined);
    expect(decodeChainLevels(complete, 'lumbar')?.firstLevelIndex).toBe(0);
    // The same bodies from a model with a T12 class that left T12 unmarked: S1 at the uncut bottom still wins.
    const unmarked = complete.map((b) => ({ ...b, marked: false }));
    expect(decodeChainLevels(unmarked, 'lumbar')?.firstLevelIndex).toBe(0);
    // A lumbar film cut through L4 with T11 and T12 marked.
    const cut = patientOf('lumbar', ['T11', 'T12', 'L1', 'L2', 'L3', 'L4'], 0.9, 1.5, (l) => l === 'T11' || l === 'T12');
    cut[5] = { ...cut[5]!, area: cut[5]!.area * 0.4, truncated: true };
    expect(decodeChainLevels(cut, 'lumbar')?.firstLevelIndex).toBe(-1);
  });

  it('lets the level head place a chain the shapes and marks cannot', () => {
    // Five bodies of no usable shape, cut at both ends, unmarked: centred (C3–C7) without the head.
    const flat: ChainBody[] = Array.from({ length: 5 }, (_, i) => ({ ratio: 0, area: 2000, truncated: i === 0 || i === 4 }));
    expect(decodeChainLevels(flat, 'cervical')?.firstLevelIndex).toBe(1);
    // A head fairly sure the chain is C4–T1 (offsets 2..6), unsure on the cut ends.
    const offsets = [-1, 0, 1, 2, 3, 4, 5, 6, 7, 8];
    const head = (offset: number, p: number) => {
      const probability = new Float64Array(offsets.length).fill((1 - p) / (offsets.length - 1));
      probability[offsets.indexOf(offset)] = p;
      return { offsets, probability };
    };
    const placed = flat.map((b, i) => ({ ...b, levels: head(2 + i, i === 0 || i === 4 ? 0.3 : 0.7) }));
    expect(decodeChainLevels(placed, 'cervical')?.firstLevelIndex).toBe(2);
    // Weight 0 ignores it.
    expect(decodeChainLevels(placed, 'cervical', undefined, 0)?.firstLevelIndex).toBe(1);
    // A doubtful reference (on a cut body) at chain position 0: the head overrules it at cost 8 ...
    const cutRef = flat.map((b, i) => ({ ...b, levels: head(1 + i, 0.8) }));
    expect(decodeChainLevels(cutRef, 'cervical', undefined, 1, { at: 0, cost: 8 })?.firstLevelIndex).toBe(1);
    // ... but not a head that is unsure, and not at a high enough cost.
    expect(
      decodeChainLevels(
        flat.map((b, i) => ({ ...b, levels: head(1 + i, 0.15) })),
        'cervical',
        undefined,
        1,
        { at: 0, cost: 8 },
      )?.firstLevelIndex,
    ).toBe(0);
    expect(decodeChainLevels(cutRef, 'cervical', undefined, 1, { at: 0, cost: 40 })?.firstLevelIndex).toBe(0);
    // Bodies shaped C2–C6 outweigh a head that disagrees only mildly (no end prior where a head speaks).
    const whole = bodiesOf('cervical', ['C2', 'C3', 'C4', 'C5', 'C6']).map((b, i) => ({ ...b, levels: head(1 + i, 0.3) }));
    expect(decodeChainLevels(whole, 'cervical')?.firstLevelIndex).toBe(0);
  });

  it('reads a squat block above C2 as the atlas, unlabelled, where no reference is found', () => {
    // C1 (the lateral masses' block) above C2–C7, the head unsure: the shapes say the first body is the atlas.
    const offsets = Array.from({ length: 13 }, (_, i) => i - 3);
    const unsure = { offsets, probability: new Float64Array(offsets.length).fill(1 / offsets.length) };
    const chain = bodiesOf('cervical', ['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7']).map((b) => ({ ...b, levels: unsure }));
    // VIEW_LEVELS.cervical starts at C2: index -1 puts the first body above it (labelChain leaves it unlabelled).
    expect(decodeChainLevels(chain, 'cervical')?.firstLevelIndex).toBe(-1);
    // Without the block, the same bodies start at C2.
    expect(decodeChainLevels(chain.slice(1), 'cervical')?.firstLevelIndex).toBe(0);
  });

  it('lets the level weight decide between the shapes and a head that counts the atlas as C2', () => {
    // Style C's failure: the head, fairly sure (0.4), calls every body one level too high, taking
    // the block above C2 for C2. At weight 0.5 the shapes still read the atlas; at the default
    // weight (1) the head moves every label one body.
    const chain = bodiesOf('cervical', ['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7']).map((b, i) => ({ ...b, levels: levelHead(i, 0.4) }));
    expect(decodeChainLevels(chain, 'cervical', undefined, 0.5)?.firstLevelIndex).toBe(-1);
    expect(DEFAULT_LEVEL_WEIGHT).toBe(1);
    expect(decodeChainLevels(chain, 'cervical')?.firstLevelIndex).toBe(0);
  });

  it('lets the level head move a whole reference one body, to the segment beyond it, and no further', () => {
    // L1–S2 with the S1 class on S2 (the chain's last body): the Mask R-CNN calls the last body S1.
    const levels = ['L1', 'L2', 'L3', 'L4', 'L5', 'S1', 'S2'];
    const chain = bodiesOf('lumbar', levels).map((b, i) => ({ ...b, levels: levelHead(1 + i, 0.6) }));
    const onS2 = { at: 6, cost: 1, beyondOnly: true };
    // VIEW_LEVELS.lumbar starts at T12: index 1 puts L1 first, index 0 the reference's S1 on the last body.
    expect(decodeChainLevels(chain, 'lumbar', undefined, 1, onS2)?.firstLevelIndex).toBe(1);
    expect(decodeChainLevels(chain, 'lumbar', undefined, 1, { ...onS2, cost: 40 })?.firstLevelIndex).toBe(0);
    // A head that puts the chain three levels higher (shapes saying nothing) cannot move a whole
    // reference that far: it stays, where a doubt without the limit would follow the head.
    const far = levels.map((_, i) => ({ ratio: 1.5, area: 9000, truncated: false, levels: levelHead(i - 3, 0.9) }));
    expect(decodeChainLevels(far, 'lumbar', undefined, 1, onS2)?.firstLevelIndex).toBe(0);
    expect(decodeChainLevels(far, 'lumbar', undefined, 1, { ...onS2, beyondOnly: false })?.firstLevelIndex).toBe(-3);
  });

  it('decodes a tall lumbar field from T8 to S1, where the head cannot name T8', () => {
    // A long cassette shows T8–T9 above T10: eleven bodies, the head right from T9 down (offsets
    // -3..6) and reading T8, a level it was never taught, as its nearest one (-3).
    const levels = ['T8', 'T9', 'T10', 'T11', 'T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'S1'];
    const chain = bodiesOf('lumbar', levels).map((b, i) => ({ ...b, levels: levelHead(Math.max(-3, i - 4), 0.6) }));
    // VIEW_LEVELS.lumbar starts at T12: index -4 puts T8 first and S1 on the last body.
    expect(decodeChainLevels(chain, 'lumbar')?.firstLevelIndex).toBe(-4);
    // The shapes alone, the head silent: the uncut S1 end places it the same.
    expect(decodeChainLevels(bodiesOf('lumbar', levels), 'lumbar')?.firstLevelIndex).toBe(-4);
    // T8 (offset -4) costs what T9 (-3) does, not the floor: no placement pays for the head's range.
    const t8 = chain[0]!.levels;
    expect(decodingProbability(t8, -4)).toBe(decodingProbability(t8, -3));
    expect(decodingProbability(t8, -3)).toBeCloseTo(0.6, 6);
    expect(decodingProbability(t8, 12)).toBe(decodingProbability(t8, 9));
  });

  it('lets a sure level head move a whole C2 one body, to the place above C2, and no further', () => {
    // Style C's other failure: the Mask R-CNN gives its C2 class to a blob above C2 (the atlas, or a
    // dens apart from its body), the chain's first body. The head reads that blob above C2.
    const chain = bodiesOf('cervical', ['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7']).map((b, i) => ({ ...b, levels: levelHead(i - 1, 0.9) }));
    const onBlob = { at: 0, cost: 10, beyondOnly: true };
    // VIEW_LEVELS.cervical starts at C2: index -1 leaves the first body unlabelled above C2.
    expect(decodeChainLevels(chain, 'cervical', undefined, 1, onBlob)?.firstLevelIndex).toBe(-1);
    expect(decodeChainLevels(chain, 'cervical', undefined, 1, { ...onBlob, cost: 40 })?.firstLevelIndex).toBe(0);
    // A head that agrees with the class keeps it where it is, whatever the cost.
    const agreeing = chain.map((b, i) => ({ ...b, levels: levelHead(i, 0.9) }));
    expect(decodeChainLevels(agreeing, 'cervical', undefined, 1, { ...onBlob, cost: 0.1 })?.firstLevelIndex).toBe(0);
    // Never further than the place above C2: a head two levels off leaves the class where it is.
    const far = chain.map((b, i) => ({ ...b, levels: levelHead(i - 2, 0.9) }));
    expect(decodeChainLevels(far, 'cervical', undefined, 1, onBlob)?.firstLevelIndex).not.toBe(-2);
  });
});

/** A level head's distribution over the offsets −3…9: `p` on `offset`, the rest spread evenly. */
function levelHead(offset: number, p: number) {
  const offsets = Array.from({ length: 13 }, (_, i) => i - 3);
  const probability = new Float64Array(offsets.length).fill((1 - p) / (offsets.length - 1));
  probability[offsets.indexOf(offset)] = p;
  return { offsets, probability };
}

/** A straight cervical column at 3 px/mm whose top edge cuts through its first body (`y` above its centre by a third of its height; another `y` starts lower); no C2 detection. */
function cutCervical(levels: string[], top = -12) {
  const frame = frameFor(512, 512, 512);
  const probability = new Uint8Array(512 * 512);
  const detections: InstanceDetection[] = [];
  const spans: Array<{ level: string; y0: number; y1: number }> = [];
  let y = top;
  for (const l of levels) {
    const t = LEVEL_TEMPLATES.cervical.find((x) => x.level === l)!;
    const h = 3 * Math.sqrt(t.area / t.ratio);
    const w = h * t.ratio;
    const cy = y + h / 2;
    drawRotatedRect(probability, 512, 512, { cx: 256, cy, w, h, angle: 0 }, 230);
    const x0 = Math.floor(256 - w / 2);
    const y0 = Math.max(0, Math.floor(cy - h / 2));
    const y1 = Math.ceil(cy + h / 2);
    const mw = Math.ceil(w) + 1;
    const data = new Uint8Array(mw * (y1 - y0));
    drawRotatedRect(data, mw, y1 - y0, { cx: 256 - x0, cy: cy - y0, w: w * 0.94, h: h * 0.92, angle: 0 }, 1);
    detections.push({ className: 'vertebra', score: 0.95, box: [x0, y0, x0 + mw, y1], mask: { x: x0, y: y0, width: mw, height: y1 - y0, data } });
    spans.push({ level: l, y0: cy - h / 2, y1: cy + h / 2 });
    y += h + 3 * 5;
  }
  return { foreground: { frame, probability }, instances: { frame, detections }, spans };
}

/** A level head's 32² grid that calls each body of `spans` by `offsetOf` its level (p = 0.8), and is unsure elsewhere. */
function levelGrid(spans: Array<{ level: string; y0: number; y1: number }>, offsetOf: (level: string) => number): LevelGrid {
  const offsets = [-3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const side = 32;
  const probability = new Float32Array(offsets.length * side * side).fill(1 / offsets.length);
  for (let gy = 0; gy < side; gy++) {
    const y = (gy + 0.5) * (512 / side);
    const span = spans.find((s) => y >= s.y0 - 4 && y < s.y1 + 4);
    if (!span) continue;
    const c = offsets.indexOf(offsetOf(span.level));
    for (let k = 0; k < offsets.length; k++) {
      for (let gx = 0; gx < side; gx++) probability[(k * side + gy) * side + gx] = k === c ? 0.8 : 0.2 / (offsets.length - 1);
    }
  }
  return { offsets, width: side, height: side, probability };
}

describe('fuse without a reference on a cut film', () => {
  const input = cutCervical(['C4', 'C5', 'C6', 'C7', 'T1', 'T2', 'T3']);

  it('anchors the count by the template instead of calling the cut top body C2', () => {
    const r = fuse({ ...input, view: 'cervical' });
    expect(r.vertebrae.map((v) => v.level)).toEqual(['C4', 'C5', 'C6', 'C7', 'T1', null, null]);
    expect(r.qc.flags).toContain('reference-not-found');
  });

  it('counts from the chain end with templateAnchor off (the old rule)', () => {
    const r = fuse({ ...input, view: 'cervical' }, { templateAnchor: false });
    expect(r.vertebrae.map((v) => v.level)).toEqual(['C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'T1']);
  });

  it('follows the level head where the model has one, and ignores it at levelWeight 0', () => {
    const cervical = ['C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'T1', 'T2', 'T3'];
    // A head that calls every body one level higher than it is (C4 -> C3): the count follows it.
    const levels = levelGrid(input.spans, (l) => cervical.indexOf(l) - 1);
    const withHead = { ...input, foreground: { ...input.foreground, levels }, view: 'cervical' as const };
    expect(fuse(withHead).vertebrae.map((v) => v.level)).toEqual(['C3', 'C4', 'C5', 'C6', 'C7', 'T1', null]);
    expect(fuse(withHead, { levelWeight: 0 }).vertebrae.map((v) => v.level)).toEqual(['C4', 'C5', 'C6', 'C7', 'T1', null, null]);
  });

  it('lets the level head overrule a reference class on a body the film edge cuts', () => {
    const cervical = ['C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'T1', 'T2', 'T3'];
    const levels = levelGrid(input.spans, (l) => cervical.indexOf(l));
    // The Mask R-CNN calls the cut C4 at the top "C2".
    const detections = input.instances.detections.map((d, i) => (i === 0 ? { ...d, className: 'C2' } : d));
    const fooled = { ...input, instances: { ...input.instances, detections }, foreground: { ...input.foreground, levels }, view: 'cervical' as const };
    expect(fuse(fooled, { cutReferenceCost: 0 }).vertebrae.map((v) => v.level)).toEqual(['C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'T1']);
    const r = fuse(fooled, { cutReferenceCost: 8 });
    expect(r.vertebrae.map((v) => v.level)).toEqual(['C4', 'C5', 'C6', 'C7', 'T1', null, null]);
    expect(r.qc.flags).toContain('reference-not-found');
    expect(r.reference).toBeUndefined();
    // A head that agrees with the reference leaves it be.
    const agrees = { ...fooled, foreground: { ...input.foreground, levels: levelGrid(input.spans, (l) => cervical.indexOf(l) - 2) } };
    const kept = fuse(agrees, { cutReferenceCost: 8 });
    expect(kept.vertebrae.map((v) => v.level)).toEqual(['C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'T1']);
    expect(kept.reference?.level).toBe('C2');
  });

  it('moves a C2 class on a whole body to the place above C2 only where the level head reads it there', () => {
    const cervical = ['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'T1', 'T2', 'T3'];
    const whole = cutCervical(['C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'T1'], 30);
    const detections = whole.instances.detections.map((d, i) => (i === 0 ? { ...d, className: 'C2' } : d));
    const withHead = (offset: (level: string) => number, options = {}) =>
      fuse(
        {
          ...whole,
          instances: { ...whole.instances, detections },
          foreground: { ...whole.foreground, levels: levelGrid(whole.spans, offset) },
          view: 'cervical',
        },
        options,
      );
    // A head that calls the top body the atlas (C1) and every body below one level higher than it is:
    // the class's body is left unlabelled above C2, and the count loses its reference.
    const above = withHead((l) => cervical.indexOf(l) - 2);
    expect(above.vertebrae.map((v) => v.level)).toEqual([null, 'C2', 'C3', 'C4', 'C5', 'C6', 'C7']);
    expect(above.reference).toBeUndefined();
    expect(above.qc.flags).toContain('reference-not-found');
    // At wholeC2Cost 0 the class anchors the count whatever the head says.
    const anchored = withHead((l) => cervical.indexOf(l) - 2, { wholeC2Cost: 0 });
    expect(anchored.vertebrae.map((v) => v.level)).toEqual(['C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'T1']);
    expect(anchored.reference?.level).toBe('C2');
    // A head that agrees with the class keeps it.
    const agreeing = withHead((l) => cervical.indexOf(l) - 1);
    expect(agreeing.vertebrae.map((v) => v.level)).toEqual(['C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'T1']);
    expect(agreeing.reference?.level).toBe('C2');
  });

  it('refuses a malformed level grid with a clear error', () => {
    const levels = { offsets: [0, 1], width: 4, height: 4, probability: new Float32Array(5) };
    expect(() => fuse({ ...input, foreground: { ...input.foreground, levels } })).toThrow(/level grid is malformed/);
  });

  it('picks the view by the better template fit when nothing else says (as the evidence model does)', () => {
    const r = fuse(input, { weighViewEvidence: false });
    expect(r.view).toBe('cervical');
    expect(r.viewSource).toBe('position');
    expect(r.qc.flags).toContain('view-uncertain');
    const weighed = fuse(input);
    expect([weighed.view, weighed.viewSource]).toEqual(['cervical', 'weighed']);
    expect(weighed.qc.flags).toContain('view-uncertain');
  });
});
