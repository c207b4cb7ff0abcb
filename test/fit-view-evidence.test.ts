import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VIEW_EVIDENCE_FEATURES } from '@vertxnet/fusion';
import { fitViewEvidence, modelModule, readSet, reportSet } from '../scripts/fit-view-evidence.js';

/** The golden set's cached model outputs (60 films of our held-out style) and their views. */
const GOLDEN = join(import.meta.dirname, 'fixtures/fusion-golden');

describe('scripts/fit-view-evidence.ts', () => {
  it('reads the evidence of cached films, fits a model that reads their views, and writes it as a module', async () => {
    const images = JSON.parse(readFileSync(join(GOLDEN, 'images.json'), 'utf8')) as { name: string; view: string }[];
    const dir = mkdtempSync(join(tmpdir(), 'vertxnet-fit-view-'));
    const gt = join(dir, 'annotations.json');
    writeFileSync(gt, JSON.stringify({ images: images.map((i) => ({ file_name: i.name, view: i.view })) }));
    const set = await readSet(`golden=${join(GOLDEN, 'outputs')}=${gt}`);
    expect(set.films.length).toBeGreaterThan(50);
    expect(new Set(set.films.map((f) => f.truth))).toEqual(new Set(['cervical', 'lumbar']));
    const model = fitViewEvidence([set], 1, 'test');
    expect(Object.keys(model.weights)).toEqual([...VIEW_EVIDENCE_FEATURES]);
    expect(model.provenance).toMatchObject({ fitSets: [{ name: 'golden', films: set.films.length }], l2: 1 });
    const report = reportSet(set, model);
    expect(report.right).toBeGreaterThanOrEqual(report.films - 1);
    expect(report.right).toBe(report.rightBefore + report.mended - report.broken);
    expect(modelModule(model)).toContain('export const VIEW_EVIDENCE_MODEL: ViewEvidenceModel = {');
    await expect(readSet('golden=only-two')).rejects.toThrow(/NAME=CACHE=GT/);
    expect(() => fitViewEvidence([{ name: 'none', films: [] }], 1, 'test')).toThrow(/no film to fit on/);
  });
});
