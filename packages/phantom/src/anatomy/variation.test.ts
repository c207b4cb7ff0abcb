import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CocoDataset } from '../coco.js';
import { phantomCommand } from '../command.js';
import { generatePhantom } from '../phantom.js';
import { Rng } from '../prng.js';
import { cervicalScene } from './cervical.js';
import { lumbarScene } from './lumbar.js';
import { patientLevels, type BaseLevel } from './specs.js';
import { DEFAULT_ANATOMY, drawAnatomyVariation, widen, withContext, type AnatomyVariation } from './variation.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const BASE: BaseLevel[] = [
  { level: 'L1', labelled: true, height: 26, depth: 35, disc: 9, discAngle: 0, wedge: 1 },
  { level: 'L2', labelled: true, height: 27, depth: 37, disc: 10, discAngle: 0, wedge: 0 },
  { level: 'L3', labelled: true, height: 28, depth: 39, disc: 0, discAngle: 0, wedge: 0 },
];
const shape = { size: 1, age: 0.3, spurMax: 3, squared: false, concavity: 1 };
const vary = (changes: Partial<AnatomyVariation>): AnatomyVariation => ({ ...DEFAULT_ANATOMY, ...changes });

describe('anatomy variation', () => {
  it('is the identity at its default: widen(g, 1) is g bit for bit, and the levels are those without it', () => {
    for (const g of [0.8712345, 1, 1.1300001, 0.1 + 0.2]) expect(widen(g, 1)).toBe(g);
    expect(widen(1.1, 2)).toBeCloseTo(1.2, 12);
    expect(patientLevels(new Rng(7), BASE, { ...shape, variation: DEFAULT_ANATOMY })).toEqual(patientLevels(new Rng(7), BASE, shape));
  });

  it('aspect makes bodies taller over their depth by aspect^1.5; disc scales every disc', () => {
    const plain = patientLevels(new Rng(3), BASE, shape);
    const tall = patientLevels(new Rng(3), BASE, { ...shape, variation: vary({ aspect: 1.25, disc: 0.5 }) });
    plain.forEach((p, k) => {
      const t = tall[k]!;
      expect(t.height / t.depth / (p.height / p.depth)).toBeCloseTo(1.25 ** 1.5, 9);
      expect(t.discBelow).toBeCloseTo(p.discBelow * 0.5, 9);
    });
  });

  it('a fracture wedges the chosen labelled level, and only that one', () => {
    const plain = patientLevels(new Rng(5), BASE, shape);
    const broken = patientLevels(new Rng(5), BASE, { ...shape, variation: vary({ fracture: { labelledIndex: 1, degrees: 20 } }) });
    expect(broken[1]!.wedge - plain[1]!.wedge).toBeCloseTo((20 * Math.PI) / 180, 12);
    expect(broken[0]!.wedge).toBe(plain[0]!.wedge);
    expect(broken[2]!.wedge).toBe(plain[2]!.wedge);
  });

  it('leaving context out removes its structures and keeps the spine exactly as drawn', () => {
    for (const [scene, parts] of [
      [cervicalScene, ['mandible', 'airway', 'shoulders']],
      [lumbarScene, ['pelvis', 'ribs', 'bowel']],
    ] as const) {
      const full = scene(new Rng(21), { ankylosing: false, implants: false, variation: DEFAULT_ANATOMY });
      const bare = scene(new Rng(21), { ankylosing: false, implants: false, variation: vary({ without: [...parts] }) });
      expect(bare.bodies).toEqual(full.bodies);
      expect(bare.structures.length).toBeLessThan(full.structures.length);
      // What is left is what the full scene drew, in order: nothing else moved.
      const outlines = new Set(full.structures.map((x) => JSON.stringify(x.outline)));
      for (const x of bare.structures) expect(outlines.has(JSON.stringify(x.outline))).toBe(true);
    }
    const structures = [{ outline: [], layer: 'fine' as const, value: 1 }];
    expect(withContext(structures, vary({ without: ['ribs'] }), 'ribs', () => structures.push({ outline: [], layer: 'fine', value: 2 }))).toBe(2);
    expect(structures).toHaveLength(1);
  });

  it('a segmented sacrum draws S2 as a body across a disc, an unlabelled body of the truth', () => {
    const options = { ankylosing: false, implants: false };
    const fused = lumbarScene(new Rng(33), { ...options, variation: vary({ rng: new Rng(9) }) });
    const segmented = lumbarScene(new Rng(33), { ...options, variation: vary({ rng: new Rng(9), sacralSegment: true }) });
    expect(fused.bodies.map((b) => b.level).at(-1)).toBe('S1');
    expect(segmented.bodies.map((b) => b.level)).toEqual([...fused.bodies.map((b) => b.level), 'S2']);
    expect(segmented.bodies.at(-1)!.labelled).toBe(false);
    // Every body down to S1 is where it was; S2 sits below it, past a wider disc.
    expect(segmented.bodies.slice(0, -1)).toEqual(fused.bodies);
    expect(segmented.structures.length).toBeGreaterThan(fused.structures.length);
  });

  it('a tall field stacks T7–T9 on T10, unlabelled bodies of the truth, and frames up to them', () => {
    const options = { ankylosing: false, implants: false };
    const plain = lumbarScene(new Rng(33), { ...options, variation: vary({ rng: new Rng(9) }) });
    const tall = lumbarScene(new Rng(33), { ...options, variation: vary({ rng: new Rng(9), tallField: true }) });
    expect(tall.bodies.map((b) => b.level)).toEqual(['T7', 'T8', 'T9', ...plain.bodies.map((b) => b.level)]);
    expect(tall.bodies.slice(0, 3).every((b) => !b.labelled)).toBe(true);
    // Every body from T10 down is where it was, and so is every structure the plain scene drew.
    expect(tall.bodies.slice(3)).toEqual(plain.bodies);
    const drawn = new Set(tall.structures.map((x) => JSON.stringify(x)));
    for (const x of plain.structures) expect(drawn.has(JSON.stringify(x))).toBe(true);
    expect(tall.structures.length).toBeGreaterThan(plain.structures.length);
    // Stacked in order above T10, a body's height apart (21–27 mm from centre to centre).
    const centre = (b: (typeof tall.bodies)[number]) => b.outline.reduce((y, p) => y + p.y, 0) / b.outline.length;
    for (let k = 0; k < 3; k++) {
      expect(centre(tall.bodies[k + 1]!) - centre(tall.bodies[k]!)).toBeGreaterThan(15);
      expect(centre(tall.bodies[k + 1]!) - centre(tall.bodies[k]!)).toBeLessThan(40);
    }
    expect(plain.marginAbove[1]).toBeLessThan(tall.marginAbove[0]);
  });

  it('a dens apart from C2 stands above its endplate with a cortex of its own, an unlabelled body of the truth', () => {
    const options = { ankylosing: false, implants: false };
    const plain = cervicalScene(new Rng(33), { ...options, variation: vary({ rng: new Rng(9) }) });
    const apart = cervicalScene(new Rng(33), { ...options, variation: vary({ rng: new Rng(9), densApart: true }) });
    expect(apart.bodies.map((b) => b.level)).toEqual(['C1', ...plain.bodies.map((b) => b.level)]);
    const dens = apart.bodies[0]!;
    expect(dens.labelled).toBe(false);
    // Every body from C2 down is where it was, and so is every structure but the dens.
    expect(apart.bodies.slice(1)).toEqual(plain.bodies);
    expect(apart.structures).toHaveLength(plain.structures.length);
    const changed = apart.structures.filter((x, i) => JSON.stringify(x) !== JSON.stringify(plain.structures[i]));
    expect(changed).toHaveLength(1);
    expect(changed[0]!.outline).toBe(dens.outline);
    const joined = plain.structures[apart.structures.indexOf(changed[0]!)]!;
    expect(changed[0]!.bone!.cortex).toBeGreaterThan(joined.bone!.cortex);
    // The joined dens reaches into C2; the one apart ends above C2's highest point.
    const c2 = plain.bodies[0]!.outline;
    const top = Math.min(...c2.map((p) => p.y));
    expect(Math.max(...joined.outline.map((p) => p.y))).toBeGreaterThan(top);
    expect(Math.max(...dens.outline.map((p) => p.y))).toBeLessThan(top);
  });

  it('a body-like atlas draws the lateral masses as a denser block above C2, an unlabelled body of the truth', () => {
    const options = { ankylosing: false, implants: false };
    const plain = cervicalScene(new Rng(33), { ...options, variation: vary({ rng: new Rng(9) }) });
    const atlas = cervicalScene(new Rng(33), { ...options, variation: vary({ rng: new Rng(9), atlasBody: true }) });
    expect(atlas.bodies.map((b) => b.level)).toEqual(['C1', ...plain.bodies.map((b) => b.level)]);
    const c1 = atlas.bodies[0]!;
    expect(c1.labelled).toBe(false);
    // Every body from C2 down is where it was, and so is every structure but the lateral masses.
    expect(atlas.bodies.slice(1)).toEqual(plain.bodies);
    expect(atlas.structures).toHaveLength(plain.structures.length);
    const changed = atlas.structures.filter((x, i) => JSON.stringify(x) !== JSON.stringify(plain.structures[i]));
    expect(changed).toHaveLength(1);
    expect(changed[0]!.outline).toBe(c1.outline);
    const masses = plain.structures[atlas.structures.indexOf(changed[0]!)]!;
    expect(changed[0]!.value).toBeGreaterThan(masses.value);
    // Wholly above C2's upper endplate: its lowest point is above C2's highest.
    const c2 = plain.bodies[0]!.outline;
    expect(Math.max(...c1.outline.map((p) => p.y))).toBeLessThan(Math.min(...c2.map((p) => p.y)));
  });

  it('draws within its ranges, with context parts of the film view only', () => {
    const seen = { lowAspect: false, highAspect: false, kyphotic: false, fracture: false, without: new Set<string>() };
    let segmented = 0;
    let atlas = 0;
    let densApart = 0;
    let tall = 0;
    for (let i = 0; i < 300; i++) {
      const view = i % 2 === 0 ? 'cervical' : 'lumbar';
      const v = drawAnatomyVariation(new Rng(1000 + i), view);
      expect(v.aspect).toBeGreaterThanOrEqual(0.78);
      expect(v.aspect).toBeLessThanOrEqual(1.28);
      expect(v.disc).toBeGreaterThanOrEqual(0.45);
      expect(v.disc).toBeLessThanOrEqual(1.6);
      expect(v.rounding).toBeGreaterThanOrEqual(1);
      expect(v.rounding).toBeLessThanOrEqual(4);
      if (view === 'lumbar') expect(v.lordosis).toBeGreaterThanOrEqual(0.4);
      const allowed = view === 'cervical' ? ['mandible', 'airway', 'shoulders'] : ['pelvis', 'ribs', 'bowel'];
      for (const part of v.without) expect(allowed).toContain(part);
      seen.lowAspect ||= v.aspect < 0.85;
      seen.highAspect ||= v.aspect > 1.2;
      seen.kyphotic ||= v.lordosis < 0;
      seen.fracture ||= v.fracture !== null;
      for (const part of v.without) seen.without.add(part);
      if (view === 'cervical') expect(v.sacralSegment).toBe(false);
      if (view === 'lumbar') expect(v.atlasBody).toBe(false);
      if (view === 'lumbar') expect(v.densApart).toBe(false);
      if (view === 'cervical') expect(v.tallField).toBe(false);
      if (v.sacralSegment) segmented++;
      if (v.atlasBody) atlas++;
      if (v.densApart) densApart++;
      if (v.tallField) tall++;
    }
    // About 35 % of the 150 lumbar films, and of the 150 cervical ones.
    expect(segmented).toBeGreaterThan(35);
    expect(segmented).toBeLessThan(70);
    expect(atlas).toBeGreaterThan(35);
    expect(atlas).toBeLessThan(70);
    expect(densApart).toBeGreaterThan(35);
    expect(densApart).toBeLessThan(70);
    expect(tall).toBeGreaterThan(35);
    expect(tall).toBeLessThan(70);
    expect(seen).toEqual({
      lowAspect: true,
      highAspect: true,
      kyphotic: true,
      fracture: true,
      without: new Set(['mandible', 'airway', 'shoulders', 'pelvis', 'ribs', 'bowel']),
    });
  });

  it('varies the film and its ground truth, keeps the view, facing and film size of the seed, and records itself', () => {
    let differing = 0;
    for (const seed of [101, 202, 303, 404]) {
      const plain = generatePhantom({ seed, maxSide: 256 });
      const varied = generatePhantom({ seed, maxSide: 256, anatomy: 'random' });
      const again = generatePhantom({ seed, maxSide: 256, anatomy: 'random' });
      expect(Buffer.from(again.pixels.buffer).equals(Buffer.from(varied.pixels.buffer))).toBe(true);
      expect([varied.meta.view, varied.meta.facing, varied.width, varied.height]).toEqual([plain.meta.view, plain.meta.facing, plain.width, plain.height]);
      expect(plain.meta.anatomy).toBeUndefined();
      expect(varied.meta.anatomy?.aspect).toBeGreaterThan(0);
      if (!Buffer.from(varied.labelMask).equals(Buffer.from(plain.labelMask))) differing++;
    }
    expect(differing).toBe(4);
  });

  it('takes --anatomy random, writes images[].anatomy, and refuses unknown values', async () => {
    const out = await mkdtemp(join(tmpdir(), 'anatomy-test-'));
    dirs.push(out);
    const args = ['--out', out, '--count', '2', '--seed', '9', '--max-side', '128', '--quiet'];
    const log = console.log;
    console.log = () => {};
    try {
      await phantomCommand().parseAsync([...args, '--anatomy', 'random'], { from: 'user' });
    } finally {
      console.log = log;
    }
    const dataset = JSON.parse(await readFile(join(out, 'annotations.json'), 'utf8')) as CocoDataset;
    expect(dataset.images.every((i) => typeof i.anatomy?.disc === 'number' && Array.isArray(i.anatomy.without))).toBe(true);
    const refuse = phantomCommand()
      .exitOverride()
      .configureOutput({ writeErr: () => {} })
      .parseAsync([...args, '--anatomy', 'alien'], { from: 'user' });
    await expect(refuse).rejects.toThrow(/--anatomy/);
  });
});
