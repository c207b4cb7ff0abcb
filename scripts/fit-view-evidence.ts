/**
 * Fits fusion's view-evidence model (packages/fusion/src/view-evidence.ts) on model outputs cached
 * by `vertxnet eval --ablation --cache`, and reports how it reads each set against the decision
 * without it.
 *
 *   npx tsx scripts/fit-view-evidence.ts \
 *     --fit NAME=CACHE=GT [--fit …]        sets the model is fitted on
 *     --report NAME=CACHE=GT [--report …]  sets only scored, never fitted on
 *     [--l2 1] [--out packages/fusion/src/view-evidence-fitted.ts]
 *
 * GT is the set's COCO annotations.json; its images' `view` is the truth.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { View } from '@vertxnet/core';
import { decodeForeground, decodeInstances } from '@vertxnet/pipeline';
import { fitLogistic } from '../packages/fusion/src/calibration/fit.js';
import { traceFusion } from '../packages/fusion/src/fuse.js';
import { readViewEvidence } from '../packages/fusion/src/steps/view-step.js';
import { VIEW_EVIDENCE_FEATURES, cervicalProbability, evidenceRow, type ViewEvidence, type ViewEvidenceModel } from '../packages/fusion/src/view-evidence.js';

export interface Film {
  name: string;
  truth: View;
  evidence: ViewEvidence;
  /** The view without the evidence model (rule 6's order, the landmark weighing, the template fit). */
  before: View | null;
}

export interface FilmSet {
  name: string;
  films: Film[];
}

export interface SetReport {
  name: string;
  films: number;
  rightBefore: number;
  right: number;
  mended: number;
  broken: number;
}

/** The evidence on each film of a set with a view in its truth and a chain of two bodies or more. */
export async function readSet(spec: string): Promise<FilmSet> {
  const [name, cache, gt] = spec.split('=');
  if (!name || !cache || !gt) throw new Error(`a set is NAME=CACHE=GT, got ${spec}`);
  const coco = JSON.parse(await readFile(gt, 'utf8')) as { images: { file_name: string; view?: View }[] };
  const films: Film[] = [];
  for (const image of coco.images) {
    const file = basename(image.file_name);
    if (!image.view || !existsSync(join(cache, `${file}.fg.bin`)) || !existsSync(join(cache, `${file}.in.bin`))) continue;
    const foreground = decodeForeground(await readFile(join(cache, `${file}.fg.bin`)), file);
    const instances = decodeInstances(await readFile(join(cache, `${file}.in.bin`)), file);
    const t = traceFusion({ foreground, instances }, { weighViewEvidence: false });
    if (t.chain.order.length < 2) continue;
    const viewScores = t.options.viewHead ? foreground.viewScores : undefined;
    films.push({
      name: file,
      truth: image.view,
      evidence: readViewEvidence(t, viewScores),
      before: t.decision.view,
    });
  }
  return { name, films };
}

export function fitViewEvidence(sets: readonly FilmSet[], l2: number, command: string): ViewEvidenceModel {
  const films = sets.flatMap((s) => s.films);
  if (!films.length) throw new Error('no film to fit on: the --fit sets hold no cached film with a view and a chain');
  const w = fitLogistic(
    films.map((f) => evidenceRow(f.evidence)),
    films.map((f) => f.truth === 'cervical'),
    { l2 },
  );
  return {
    weights: Object.fromEntries(VIEW_EVIDENCE_FEATURES.map((f, i) => [f, Math.round(w[i]! * 1e4) / 1e4])) as ViewEvidenceModel['weights'],
    provenance: { command, fitSets: sets.map((s) => ({ name: s.name, films: s.films.length })), l2 },
  };
}

export function reportSet(set: FilmSet, model: ViewEvidenceModel): SetReport {
  const after = set.films.map((f) => (cervicalProbability(f.evidence, model) >= 0.5 ? 'cervical' : 'lumbar'));
  return {
    name: set.name,
    films: set.films.length,
    rightBefore: set.films.filter((f) => f.before === f.truth).length,
    right: after.filter((v, i) => v === set.films[i]!.truth).length,
    mended: set.films.filter((f, i) => f.before !== f.truth && after[i] === f.truth).length,
    broken: set.films.filter((f, i) => f.before === f.truth && after[i] !== f.truth).length,
  };
}

export function modelModule(model: ViewEvidenceModel): string {
  return (
    `// Written by scripts/fit-view-evidence.ts: do not edit by hand, refit (docs/EVALUATION.md, "The view from all the evidence").\n` +
    `import type { ViewEvidenceModel } from './view-evidence.js';\n\nexport const VIEW_EVIDENCE_MODEL: ViewEvidenceModel = ${JSON.stringify(model, null, 2)};\n`
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      fit: { type: 'string', multiple: true, default: [] },
      report: { type: 'string', multiple: true, default: [] },
      l2: { type: 'string', default: '1' },
      out: { type: 'string' },
    },
  });
  const l2 = Number(values.l2);
  if (!(l2 >= 0)) throw new Error(`--l2 must be a non-negative number, got ${values.l2}`);
  const fitSets = await Promise.all(values.fit.map(readSet));
  const reportSets = await Promise.all(values.report.map(readSet));
  // The command as provenance, less where the module was written.
  const args = process.argv.slice(2).filter((a, i, all) => a !== '--out' && all[i - 1] !== '--out' && !a.startsWith('--out='));
  const model = fitViewEvidence(fitSets, l2, `npx tsx scripts/fit-view-evidence.ts ${args.join(' ')}`);
  console.log('weights', model.weights);
  for (const [kind, sets] of [
    ['fit', fitSets],
    ['report', reportSets],
  ] as const) {
    for (const r of sets.map((s) => reportSet(s, model)))
      console.log(`${kind} ${r.name}: ${r.films} films with a chain; view right ${r.rightBefore} → ${r.right} (${r.mended} mended, ${r.broken} broken)`);
  }
  if (values.out) {
    await writeFile(values.out, modelModule(model));
    console.log(`wrote ${values.out}`);
  }
}

if (process.argv[1] === import.meta.filename) await main();
