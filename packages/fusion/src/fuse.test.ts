import { describe, expect, it } from 'vitest';
import { frameFor, type InstanceDetection } from '@vertxnet/core';
import { fuse } from './fuse.js';
import { FusionInputError } from './errors.js';
import { drawRotatedRect, syntheticSpine } from './synthetic.js';

const levelsOf = (r: ReturnType<typeof fuse>) => r.vertebrae.map((v) => v.level);
/** The class list of a Mask R-CNN trained with the far-end landmark classes (models/maskrcnn 0.2.0). */
const LANDMARK_MODEL = ['background', 'vertebra', 'C2', 'S1', 'T1', 'T12'];

describe('fuse', () => {
  it('labels a full cervical spine from C2 and a lumbar spine from S1', () => {
    const c = fuse(syntheticSpine({ view: 'cervical', heads: true }));
    expect(levelsOf(c)).toEqual(['C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'T1']);
    expect(c.view).toBe('cervical');
    expect(c.viewSource).toBe('reference');
    expect(c.reference).toEqual({ level: 'C2', score: 0.9 });
    expect(c.qc.flags).toEqual([]);
    expect(c.qc.confidence).toBeGreaterThan(0.75);
    const l = fuse(syntheticSpine({ view: 'lumbar', heads: true }));
    expect(levelsOf(l)).toEqual(['T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'S1']);
    expect(l.reference?.level).toBe('S1');
  });

  it('splits two bodies fused by a bony bridge into two (one U-Net component, two instances)', () => {
    const s = syntheticSpine({ view: 'cervical', fused: [['C4', 'C5']], heads: true });
    const r = fuse(s);
    expect(levelsOf(r)).toEqual(['C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'T1']);
    const c4 = r.vertebrae[2]!;
    const c5 = r.vertebrae[3]!;
    expect(c4.source).toBe('both');
    // Each keeps about its own body plus half the bridge, not one swallowing the other.
    const body = r.vertebrae[1]!.area;
    expect(c4.area / body).toBeGreaterThan(0.95);
    expect(c4.area / body).toBeLessThan(1.2);
    expect(c5.area / body).toBeGreaterThan(0.95);
    expect(c5.area / body).toBeLessThan(1.2);
    // The instance map carries both indices.
    expect(r.instanceMap.includes(3)).toBe(true);
    expect(r.instanceMap.includes(4)).toBe(true);
  });

  it('recovers a bridged body the instance model missed (one component, one instance)', () => {
    const s = syntheticSpine({ view: 'lumbar', fused: [['L2', 'L3']] });
    s.instances.detections.splice(3, 1); // L3's instance
    const r = fuse(s);
    expect(levelsOf(r)).toEqual(['T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'S1']);
    expect(r.vertebrae[2]!.source).toBe('both');
    expect(r.vertebrae[3]!.source).toBe('unet');
    const body = r.vertebrae[1]!.area;
    expect(r.vertebrae[2]!.area / body).toBeLessThan(1.25);
    expect(r.vertebrae[3]!.area / body).toBeGreaterThan(0.9);
  });

  it('splits a bridged pair from the U-Net alone (no instances at all)', () => {
    const s = syntheticSpine({ view: 'cervical', fused: [['C5', 'C6']] });
    const r = fuse({ foreground: s.foreground, view: 'cervical' });
    expect(levelsOf(r)).toEqual(['C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'T1']);
    expect(r.vertebrae.every((v) => v.source === 'unet')).toBe(true);
  });

  it('skips a label across a body both models missed', () => {
    const r = fuse(syntheticSpine({ view: 'lumbar', missing: ['L3'] }));
    expect(levelsOf(r)).toEqual(['T12', 'L1', 'L2', 'L4', 'L5', 'S1']);
    expect(r.qc.flags).toContain('labels-skipped');
  });

  it('labels by position with a flag and low confidence when no reference class is found', () => {
    const r = fuse(syntheticSpine({ view: 'cervical', referenceClass: false, anatomical: true }), {});
    expect(r.viewSource).toBe('weighed');
    expect(r.view).toBe('cervical');
    expect(levelsOf(r)).toEqual(['C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'T1']);
    expect(r.qc.flags).toEqual(expect.arrayContaining(['reference-not-found', 'view-uncertain', 'low-confidence']));
    expect(r.qc.rawConfidence).toBeLessThan(0.5);
    expect(r.qc.flags).toContain('needs-review');
    expect(r.reference).toBeUndefined();
    const l = fuse({ ...syntheticSpine({ view: 'lumbar', referenceClass: false }), view: 'lumbar' });
    expect(l.viewSource).toBe('metadata');
    expect(levelsOf(l)).toEqual(['T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'S1']);
    expect(l.qc.flags).toContain('reference-not-found');
  });

  it('handles partial views at either end', () => {
    // C7 and T1 hidden by the shoulders: labels stop at C6.
    const low = fuse(syntheticSpine({ view: 'cervical', levels: ['C2', 'C3', 'C4', 'C5', 'C6'] }));
    expect(levelsOf(low)).toEqual(['C2', 'C3', 'C4', 'C5', 'C6']);
    expect(low.qc.flags).not.toContain('labels-skipped');
    // Lumbar film cut above L2: counted up from S1.
    const high = fuse(syntheticSpine({ view: 'lumbar', levels: ['L3', 'L4', 'L5', 'S1'] }));
    expect(levelsOf(high)).toEqual(['L3', 'L4', 'L5', 'S1']);
  });

  it('counts from the far-end landmark (T1 / T12) when the film is cut through the reference end', () => {
    // Cervical film cut through C4: no C2, the model (which has a T1 class) marks T1.
    const c = syntheticSpine({ view: 'cervical', levels: ['C4', 'C5', 'C6', 'C7', 'T1'], cut: 'top', anatomical: true, classes: LANDMARK_MODEL });
    c.instances.detections[4]!.className = 'T1';
    const top = fuse(c);
    expect(levelsOf(top)).toEqual(['C4', 'C5', 'C6', 'C7', 'T1']);
    expect(top.view).toBe('cervical');
    expect(top.viewSource).toBe('landmark');
    expect(top.landmark?.level).toBe('T1');
    expect(top.reference).toBeUndefined();
    expect(top.qc.flags).toContain('reference-not-found');
    expect(top.qc.flags).not.toContain('view-uncertain');
    // Lumbar film cut through L4: no S1, the model marks T12.
    const l = syntheticSpine({ view: 'lumbar', levels: ['T12', 'L1', 'L2', 'L3', 'L4'], cut: 'bottom', anatomical: true, classes: LANDMARK_MODEL });
    l.instances.detections[0]!.className = 'T12';
    const bottom = fuse(l);
    expect(levelsOf(bottom)).toEqual(['T12', 'L1', 'L2', 'L3', 'L4']);
    expect(bottom.view).toBe('lumbar');
    expect(bottom.landmark).toEqual({ level: 'T12', score: bottom.landmark!.score });
    // The reference, when found, wins over a misplaced landmark.
    const both = syntheticSpine({ view: 'cervical', classes: LANDMARK_MODEL });
    both.instances.detections[5]!.className = 'T1';
    const r = fuse(both);
    expect(levelsOf(r)).toEqual(['C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'T1']);
    expect(r.landmark).toBeUndefined();
    expect(r.reference?.level).toBe('C2');
  });

  it("weighs a landmark's class against where it sits: a T1 class atop a lumbar spine is its T12", () => {
    // No S1 class, and the model calls the top body of a whole lumbar spine T1 (the other view's
    // class): a T1 with six bodies below it and none above is no cervical spine's T1.
    const s = syntheticSpine({ view: 'lumbar', referenceClass: false, anatomical: true, classes: LANDMARK_MODEL });
    s.instances.detections[0]!.className = 'T1';
    const r = fuse(s, { weighViewEvidence: false });
    expect(r.view).toBe('lumbar');
    expect(r.viewSource).toBe('landmark');
    expect(levelsOf(r)).toEqual(['T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'S1']);
    expect(r.qc.flags).toContain('view-uncertain');
    // The class alone, as before the weighing, would have made it a cervical spine.
    expect(fuse(s, { weighLandmarkView: false, weighViewEvidence: false }).view).toBe('cervical');
    // The evidence model (on by default) weighs the class with the rest, and reads it the same.
    expect([fuse(s).view, fuse(s).viewSource]).toEqual(['lumbar', 'weighed']);
    // Where it sits agrees with its class: kept, and not doubted.
    const c = syntheticSpine({ view: 'cervical', levels: ['C4', 'C5', 'C6', 'C7', 'T1'], cut: 'top', anatomical: true, classes: LANDMARK_MODEL });
    c.instances.detections[4]!.className = 'T1';
    expect(fuse(c).view).toBe('cervical');
    expect(fuse(c).qc.flags).not.toContain('view-uncertain');
  });

  it('weighs all the evidence on the view: a C2 class on the sacrum of a whole lumbar spine is overturned', () => {
    // The Mask R-CNN calls the lumbar spine's S1 "C2"; the view head leans lumbar but is not sure.
    const s = syntheticSpine({ view: 'lumbar', anatomical: true, heads: true });
    s.instances.detections[6]!.className = 'C2';
    const input = { ...s, foreground: { ...s.foreground, viewScores: { cervical: 0.3, lumbar: 0.7 } } };
    const before = fuse(input, { weighViewEvidence: false });
    expect([before.view, before.viewSource]).toEqual(['cervical', 'reference']);
    const r = fuse(input);
    expect([r.view, r.viewSource]).toEqual(['lumbar', 'weighed']);
    expect(r.viewEvidenceProbability).toBeGreaterThan(0.5);
    expect(fuse({ ...input, view: 'lumbar' }).viewEvidenceProbability).toBeUndefined();
    // The chain is traced again for the view it now has: counted from the top, not from the false C2.
    expect(levelsOf(r)).toEqual(['T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'S1']);
    expect(r.reference).toBeUndefined();
    expect(r.qc.flags).toContain('view-uncertain');
  });

  it('weighs every landmark mark with the body shapes, and takes a weak detection as a mark', () => {
    // A film cut through C3, bodies shaped as their levels. The T1 class fires on C7 (it does now
    // and then) and only weakly on the true T1, under the body threshold over its 'vertebra' detection.
    const s = syntheticSpine({ view: 'cervical', levels: ['C3', 'C4', 'C5', 'C6', 'C7', 'T1'], cut: 'top', anatomical: true, classes: LANDMARK_MODEL });
    const d = s.instances.detections;
    d[4]!.className = 'T1';
    d[4]!.score = 0.7;
    d.push({ ...d[5]!, className: 'T1', score: 0.45 });
    const r = fuse(s, { landmarkThreshold: 0.4 });
    expect(levelsOf(r)).toEqual(['C3', 'C4', 'C5', 'C6', 'C7', 'T1']);
    expect(r.landmark).toEqual({ level: 'T1', score: 0.45 });
    expect(r.vertebrae).toHaveLength(6); // the weak detection added no body
  });

  it('flags a transitional lumbosacral vertebra (two adjacent S1-like bodies)', () => {
    const s = syntheticSpine({ view: 'lumbar' });
    const l5 = s.instances.detections[5]!;
    l5.className = 'S1';
    l5.score = 0.8;
    const r = fuse(s);
    expect(r.qc.flags).toContain('transitional-vertebra');
    expect(r.reference?.score).toBeCloseTo(0.91, 2);
    expect(levelsOf(r).at(-1)).toBe('S1');
  });

  it('flags a transitional vertebra when a body-sized segment lies caudal to S1', () => {
    // A lumbarised S1: the first sacral segment below the reference is a separate, mobile body.
    const s = syntheticSpine({ view: 'lumbar', levels: ['L1', 'L2', 'L3', 'L4', 'L5', 'S1'] });
    const s1 = s.bodies.at(-1)!;
    const l5 = s.bodies.at(-2)!;
    const below = { ...s1, cx: 2 * s1.cx - l5.cx, cy: 2 * s1.cy - l5.cy };
    drawRotatedRect(s.foreground.probability, s.frame.width, s.frame.height, below, 230);
    const r = fuse(s);
    expect(r.qc.flags).toContain('transitional-vertebra');
    expect(levelsOf(r)).toEqual(['L1', 'L2', 'L3', 'L4', 'L5', 'S1', null]);
    expect(r.vertebrae.at(-1)!.chainIndex).toBe(6);
    // The plain spine raises no such flag.
    expect(fuse(syntheticSpine({ view: 'lumbar' })).qc.flags).not.toContain('transitional-vertebra');
  });

  it('keeps labels when an anterior plate joins three bodies in the U-Net output', () => {
    const s = syntheticSpine({ view: 'cervical' });
    const [c4, , c6] = [s.bodies[2]!, s.bodies[3]!, s.bodies[4]!];
    const plate = { cx: (c4.cx + c6.cx) / 2 - 0.55 * c4.w, cy: (c4.cy + c6.cy) / 2, w: 6, h: c6.cy - c4.cy + c4.h, angle: 0 };
    drawRotatedRect(s.foreground.probability, s.frame.width, s.frame.height, plate, 250);
    const r = fuse(s);
    expect(levelsOf(r)).toEqual(['C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'T1']);
    const body = r.vertebrae[1]!.area;
    for (const v of r.vertebrae.slice(2, 5)) expect(v.area / body).toBeLessThan(1.4);
  });

  it('fuses from Mask R-CNN alone when the U-Net output is missing', () => {
    const s = syntheticSpine({ view: 'lumbar' });
    const r = fuse({ instances: s.instances });
    expect(levelsOf(r)).toEqual(['T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'S1']);
    expect(r.vertebrae.every((v) => v.source === 'maskrcnn')).toBe(true);
    expect(r.qc.flags).toContain('unet-missing');
    expect(r.modelAgreement).toBeUndefined();
  });

  it('fuses from U-Net alone when the Mask R-CNN output is missing', () => {
    const s = syntheticSpine({ view: 'lumbar' });
    const r = fuse({ foreground: s.foreground, view: 'lumbar' });
    expect(levelsOf(r)).toEqual(['T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'S1']);
    expect(r.vertebrae.every((v) => v.source === 'unet')).toBe(true);
    expect(r.qc.flags).toEqual(expect.arrayContaining(['maskrcnn-missing', 'reference-not-found']));
  });

  it('counts along a tilted lordotic chain, not by raw y', () => {
    const r = fuse(syntheticSpine({ view: 'cervical', tilt: 0.6, lordosis: 0.9 }));
    expect(levelsOf(r)).toEqual(['C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'T1']);
    const ys = r.vertebrae.map((v) => v.centroid[1]);
    expect(ys.every((y, i) => i === 0 || y > ys[i - 1]!)).toBe(true);
    // On this chain raw y order differs from chain order for strongly tilted films.
    const strong = fuse(syntheticSpine({ view: 'lumbar', tilt: 1.2, lordosis: 1.0 }));
    expect(levelsOf(strong)).toEqual(['T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'S1']);
  });

  it('keeps plausible U-Net-only bodies and drops implausible blobs and specks', () => {
    const s = syntheticSpine({ view: 'lumbar' });
    const W = s.frame.width;
    // A long thin rod (an implant) and a speck, both without instances.
    drawRotatedRect(s.foreground.probability, W, s.frame.height, { cx: 420, cy: 250, w: 6, h: 200, angle: 0.1 }, 240);
    drawRotatedRect(s.foreground.probability, W, s.frame.height, { cx: 60, cy: 60, w: 4, h: 4, angle: 0 }, 240);
    s.instances.detections.splice(3, 1); // L3: only U-Net sees it
    const r = fuse(s);
    expect(levelsOf(r)).toEqual(['T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'S1']);
    expect(r.vertebrae[3]!.source).toBe('unet');
    expect(r.vertebrae).toHaveLength(7);
  });

  describe('bad inputs', () => {
    it('returns an empty flagged result for all-background outputs', () => {
      const frame = frameFor(400, 500, 512);
      const r = fuse({ foreground: { frame, probability: new Uint8Array(frame.width * frame.height) }, instances: { frame, detections: [] } });
      expect(r.vertebrae).toEqual([]);
      expect(r.qc.flags).toContain('empty');
      expect(r.qc.confidence).toBe(0);
      expect(r.instanceMap.length).toBe(frame.width * frame.height);
    });

    it('returns an empty flagged result when the instance model found nothing and the U-Net is missing', () => {
      const frame = frameFor(300, 300, 512);
      const r = fuse({ instances: { frame, detections: [] } });
      expect(r.qc.flags).toEqual(['empty', 'needs-review', 'unet-missing', 'low-confidence']);
      expect(r.view).toBeNull();
      expect(r.viewSource).toBe('unknown');
    });

    it('survives 5,000 tiny instances', () => {
      const s = syntheticSpine({ view: 'cervical' });
      const tiny: InstanceDetection[] = Array.from({ length: 5000 }, (_, i) => ({
        className: 'vertebra',
        score: 0.6,
        box: [i % 500, (i * 7) % 500, (i % 500) + 2, ((i * 7) % 500) + 2],
        mask: { x: i % 500, y: (i * 7) % 500, width: 2, height: 2, data: new Uint8Array([1, 1, 1, 1]) },
      }));
      const r = fuse({ foreground: s.foreground, instances: { frame: s.frame, detections: [...s.instances.detections, ...tiny] } });
      expect(levelsOf(r)).toEqual(['C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'T1']);
    });

    it('throws FusionInputError for mismatched frames, wrong lengths, no outputs, non-finite scores', () => {
      const s = syntheticSpine({ view: 'cervical' });
      expect(() => fuse({ foreground: s.foreground, instances: { ...s.instances, frame: frameFor(600, 600, 256) } })).toThrow(FusionInputError);
      expect(() => fuse({ foreground: { frame: s.frame, probability: new Uint8Array(10) } })).toThrow(FusionInputError);
      expect(() => fuse({})).toThrow(FusionInputError);
      expect(() => fuse(s, { wholeReferenceCost: -1 })).toThrow(/wholeReferenceCost/);
      expect(() => fuse(s, { wholeC2Cost: Number.NaN })).toThrow(/wholeC2Cost/);
      expect(() => fuse(s, { headOverReference: 0.4 })).toThrow(/headOverReference/);
      expect(fuse(s, { headOverReference: 0, wholeReferenceCost: 0 }).vertebrae).toHaveLength(7);
      const bad = structuredClone(s.instances);
      bad.detections[0]!.score = Number.NaN;
      expect(() => fuse({ instances: bad })).toThrow(FusionInputError);
      const badMask = structuredClone(s.instances);
      badMask.detections[0]!.mask.width += 1;
      expect(() => fuse({ instances: badMask })).toThrow(FusionInputError);
    });

    it('accepts full-frame instance masks (as Mask R-CNN pastes them)', () => {
      const s = syntheticSpine({ view: 'lumbar' });
      const W = s.frame.width;
      for (const d of s.instances.detections) {
        const full = new Uint8Array(W * s.frame.height);
        for (let y = 0; y < d.mask.height; y++)
          for (let x = 0; x < d.mask.width; x++) full[(y + d.mask.y) * W + x + d.mask.x] = d.mask.data[y * d.mask.width + x]!;
        d.mask = { x: 0, y: 0, width: W, height: s.frame.height, data: full };
      }
      const r = fuse({ instances: s.instances });
      expect(levelsOf(r)).toEqual(['T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'S1']);
      expect(r.vertebrae[3]!.area).toBe(fuse({ instances: syntheticSpine({ view: 'lumbar' }).instances }).vertebrae[3]!.area);
    });

    it('clips instances that reach outside the frame', () => {
      const s = syntheticSpine({ view: 'cervical' });
      const d = s.instances.detections[0]!;
      // The C2 mask moved so that its top-left part lies outside the frame: an extra, clipped body.
      d.mask = { ...d.mask, x: -20, y: -20 };
      d.className = 'vertebra';
      const r = fuse(s);
      const corner = r.vertebrae.find((v) => v.centroid[0] < 60 && v.centroid[1] < 60)!;
      expect(corner.bbox.slice(0, 2)).toEqual([0, 0]);
      expect(corner.source).toBe('maskrcnn');
      const full = d.mask.data.reduce((a, b) => a + b, 0);
      expect(corner.area).toBeLessThan(full);
      expect(corner.area).toBeGreaterThan(0.4 * full);
    });
  });
});
