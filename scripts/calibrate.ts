/**
 * Fits fusion's confidence calibration from run folders and their ground truth, and reports it.
 *
 *   npx tsx scripts/calibrate.ts \
 *     --fit NAME=RUN=GT [--fit …]        sets the fit and the thresholds are chosen on
 *     --report NAME=RUN=GT [--report …]  sets only scored (held out; style B), never fitted on
 *     [--out packages/fusion/src/calibration/fitted.ts] [--svg docs/reliability.svg] [--doc docs/CALIBRATION.md]
 *
 * RUN is a `vertxnet run` output folder, GT its COCO annotations.json (or label-PNG folder). Only
 * result.json and labels.png are read, so a refit after a model change needs only new runs.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  IMAGE_FEATURES,
  VERTEBRA_FEATURES,
  calibrate,
  chooseThreshold,
  evaluateImage,
  expectedCalibrationError,
  fitLogistic,
  imageFeatures,
  judgeLabels,
  rawConfidenceOf,
  reliabilityBins,
  thresholdTable,
  vertebraFeatures,
  type CalibrationModel,
  type CalibrationSubject,
  type ImageResult,
} from '@vertxnet/fusion';
import { decodeCanonicalPng } from '@vertxnet/imaging';
import { loadGroundTruth, truthMask } from '../packages/cli/src/commands/eval.js';

/** Grid the thresholds are chosen on, and what they must achieve on every fit set. */
const GRID = [...Array.from({ length: 19 }, (_, i) => Math.round((0.05 + 0.05 * i) * 100) / 100), 0.96, 0.97, 0.98, 0.99];
/**
 * needs-review: ≥ 98 % of unflagged films fully right (the issue's goal) with at most 20 % of
 * films flagged (the issue allows 30 %; the margin is for styles never fitted on, which score lower).
 */
const REVIEW_GOAL = { minUnflaggedRight: 0.98, maxFlagged: 0.2 };
/** Angles: end levels at least 99.5 % right, withholding at most 5 % of labelled vertebrae. */
const MEASURE_GOAL = { minUnflaggedRight: 0.995, maxFlagged: 0.05 };

interface Film {
  name: string;
  subject: CalibrationSubject;
  outOfScope: boolean;
  /** Nothing labelled: confidence 0 by rule, not by the fit. */
  unlabelled: boolean;
  allRight: boolean;
  levelRight: (boolean | null)[];
  models: ImageResult['models'];
}

interface FilmSet {
  name: string;
  run: string;
  gt: string;
  films: Film[];
  missing: string[];
}

async function loadSet(name: string, run: string, gt: string): Promise<FilmSet> {
  const truth = await loadGroundTruth(gt);
  const films: Film[] = [];
  const missing: string[] = [];
  for (const t of truth) {
    const dir = join(run, t.name);
    if (!existsSync(join(dir, 'result.json')) || !existsSync(join(dir, 'labels.png'))) {
      missing.push(t.name);
      continue;
    }
    const r = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as ImageResult;
    const pred = await decodeCanonicalPng(await readFile(join(dir, 'labels.png')), dir);
    const mask = await truthMask(t);
    const judged = judgeLabels(evaluateImage(pred.data, mask.data, mask.width, mask.height), r.vertebrae);
    const subject: CalibrationSubject = {
      view: r.view.value,
      ...(r.view.headProbability !== undefined ? { viewHeadProbability: r.view.headProbability } : {}),
      qc: r.qc,
      ...(r.reference ? { reference: r.reference } : {}),
      ...(r.landmark ? { landmark: r.landmark } : {}),
      vertebrae: r.vertebrae,
    };
    films.push({
      name: t.name,
      subject,
      outOfScope: r.qc.flags.includes('out-of-scope'),
      unlabelled: r.vertebrae.every((v) => v.level === null) || r.qc.flags.includes('empty'),
      ...judged,
      models: r.models,
    });
  }
  return { name, run, gt, films, missing };
}

function fit(sets: FilmSet[]): Omit<CalibrationModel, 'needsReviewBelow' | 'measureFrom' | 'provenance'> {
  const films = sets.flatMap((s) => s.films).filter((f) => !f.outOfScope && !f.unlabelled);
  const imageW = fitLogistic(
    films.map((f) => IMAGE_FEATURES.map((k) => imageFeatures(f.subject)[k])),
    films.map((f) => f.allRight),
  );
  const vx: number[][] = [];
  const vy: boolean[] = [];
  for (const f of films) {
    f.levelRight.forEach((right, i) => {
      if (right === null) return;
      const x = vertebraFeatures(f.subject, i);
      vx.push(VERTEBRA_FEATURES.map((k) => x[k]));
      vy.push(right);
    });
  }
  const vertebraW = fitLogistic(vx, vy);
  const round = (w: number) => Math.round(w * 1e4) / 1e4;
  return {
    image: Object.fromEntries(IMAGE_FEATURES.map((k, i) => [k, round(imageW[i]!)])) as CalibrationModel['image'],
    vertebra: Object.fromEntries(VERTEBRA_FEATURES.map((k, i) => [k, round(vertebraW[i]!)])) as CalibrationModel['vertebra'],
  };
}

interface Scored {
  /** In-scope films: calibrated and raw image probability, outcome, needs-review. */
  p: number[];
  raw: number[];
  y: boolean[];
  review: boolean[];
  outOfScope: number;
  /** Labelled vertebrae. */
  vp: number[];
  vy: boolean[];
  /** Lordosis end pairs: both levels at or above measureFrom, and how many of those were both right. */
  anglesKept: number;
  anglesKeptRight: number;
  anglesWithheld: number;
}

const LORDOSIS_ENDS = { cervical: ['C2', 'C7'], lumbar: ['L1', 'S1'] } as const;

function score(set: FilmSet, model: CalibrationModel): Scored {
  const s: Scored = { p: [], raw: [], y: [], review: [], outOfScope: 0, vp: [], vy: [], anglesKept: 0, anglesKeptRight: 0, anglesWithheld: 0 };
  for (const f of set.films) {
    if (f.outOfScope) {
      s.outOfScope++;
      continue;
    }
    const c = calibrate(f.subject, model);
    s.p.push(c.confidence);
    s.raw.push(rawConfidenceOf(f.subject));
    s.y.push(f.allRight);
    s.review.push(c.needsReview);
    c.levelProbability.forEach((p, i) => {
      if (p === undefined) return;
      s.vp.push(p);
      s.vy.push(f.levelRight[i] === true);
    });
    const view = f.subject.view;
    if (!view) continue;
    const ends = LORDOSIS_ENDS[view].map((level) => f.subject.vertebrae.findIndex((v) => v.level === level));
    if (ends.some((i) => i < 0)) continue;
    if (ends.every((i) => c.levelProbability[i]! >= model.measureFrom)) {
      s.anglesKept++;
      if (ends.every((i) => f.levelRight[i] === true)) s.anglesKeptRight++;
    } else s.anglesWithheld++;
  }
  return s;
}

const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
const f3 = (v: number) => v.toFixed(3);

function summaryRow(name: string, role: string, set: FilmSet, s: Scored): string {
  const n = set.films.length;
  const unflagged = s.review.filter((r) => !r).length;
  const unflaggedRight = s.y.filter((y, i) => y && !s.review[i]).length;
  return `| ${name} | ${role} | ${n} | ${pct(s.y.filter(Boolean).length / Math.max(1, s.y.length))} | ${f3(expectedCalibrationError(s.raw, s.y))} | **${f3(expectedCalibrationError(s.p, s.y))}** | ${f3(expectedCalibrationError(s.vp, s.vy))} | ${pct((n - unflagged) / Math.max(1, n))} (${s.outOfScope} out of scope) | ${pct(unflaggedRight / Math.max(1, unflagged))} (${unflaggedRight}/${unflagged}) | ${s.anglesKept} (${s.anglesKeptRight} right) / ${s.anglesWithheld} |`;
}

function tradeOffTable(fitSets: { name: string; s: Scored }[]): string {
  const rows = [
    '| threshold | ' + fitSets.map((f) => `${f.name}: flagged · unflagged fully right`).join(' | ') + ' |',
    '| --- |' + fitSets.map(() => ' --- |').join(''),
  ];
  for (const t of GRID) {
    const cells = fitSets.map(({ s }) => {
      const r = thresholdTable(s.p, s.y, [t])[0]!;
      return `${pct(r.flagged)} · ${pct(r.unflaggedRight)} (${r.unflagged})`;
    });
    rows.push(`| ${t.toFixed(2)} | ${cells.join(' | ')} |`);
  }
  return rows.join('\n');
}

/** Reliability diagram: one panel per level of judgement (image, vertebra), one line per set. */
function reliabilitySvg(sets: { name: string; s: Scored }[]): string {
  const colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];
  const size = 300;
  const pad = 45;
  const panel = (x0: number, title: string, pick: (s: Scored) => { p: number[]; y: boolean[] }) => {
    const X = (v: number) => x0 + pad + v * size;
    const Y = (v: number) => pad + (1 - v) * size;
    const out = [
      `<rect x="${X(0)}" y="${Y(1)}" width="${size}" height="${size}" fill="none" stroke="#999"/>`,
      `<line x1="${X(0)}" y1="${Y(0)}" x2="${X(1)}" y2="${Y(1)}" stroke="#bbb" stroke-dasharray="4 3"/>`,
      `<text x="${X(0.5)}" y="${pad - 15}" text-anchor="middle" font-size="14">${title}</text>`,
      `<text x="${X(0.5)}" y="${Y(0) + 35}" text-anchor="middle" font-size="12">predicted probability (10 bins)</text>`,
      `<text x="${X(0) - 30}" y="${Y(0.5)}" text-anchor="middle" font-size="12" transform="rotate(-90 ${X(0) - 30} ${Y(0.5)})">share right</text>`,
    ];
    for (const t of [0, 0.5, 1]) {
      out.push(
        `<text x="${X(t)}" y="${Y(0) + 15}" text-anchor="middle" font-size="10">${t}</text>`,
        `<text x="${X(0) - 5}" y="${Y(t) + 3}" text-anchor="end" font-size="10">${t}</text>`,
      );
    }
    sets.forEach(({ s }, k) => {
      const { p, y } = pick(s);
      const bins = reliabilityBins(p, y).filter((b) => b.count > 0);
      const colour = colours[k % colours.length]!;
      out.push(
        `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${bins.map((b) => `${X(b.meanProbability).toFixed(1)},${Y(b.accuracy).toFixed(1)}`).join(' ')}"/>`,
      );
      for (const b of bins) {
        const r = Math.max(2, Math.min(9, Math.sqrt(b.count)));
        out.push(
          `<circle cx="${X(b.meanProbability).toFixed(1)}" cy="${Y(b.accuracy).toFixed(1)}" r="${r.toFixed(1)}" fill="${colour}" fill-opacity="0.5"><title>${b.count} in [${b.from.toFixed(1)}, ${b.to.toFixed(1)})</title></circle>`,
        );
      }
    });
    return out.join('\n');
  };
  const width = 2 * (size + 2 * pad) + 10;
  const legend = sets
    .map(({ name }, k) => `<text x="${pad + 10}" y="${size + 2 * pad + 20 + 16 * k}" font-size="12" fill="${colours[k % colours.length]}">● ${name}</text>`)
    .join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${size + 2 * pad + 30 + 16 * sets.length}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    panel(0, 'image: every label right', (s) => ({ p: s.p, y: s.y })),
    panel(size + 2 * pad + 10, 'vertebra: level right', (s) => ({ p: s.vp, y: s.vy })),
    legend,
    `<text x="${width - 10}" y="${size + 2 * pad + 20}" text-anchor="end" font-size="10">dot area ∝ films (vertebrae) in the bin</text>`,
    '</svg>',
    '',
  ].join('\n');
}

function fittedTs(model: CalibrationModel): string {
  return [
    '// Written by scripts/calibrate.ts: do not edit by hand, refit (docs/EVALUATION.md, "Calibration").',
    "import type { CalibrationModel } from './model.js';",
    '',
    `export const FITTED_CALIBRATION: CalibrationModel = ${JSON.stringify(model, null, 2)};`,
    '',
  ].join('\n');
}

/** NAME=RUN=GT: the name the set goes by in the report, its run folder, its ground truth. */
function parseSpec(spec: string): string[] {
  const p = spec.split('=');
  if (p.length !== 3 || p.some((x) => !x)) throw new Error(`"${spec}": expected NAME=RUN=GT`);
  return p;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      fit: { type: 'string', multiple: true },
      report: { type: 'string', multiple: true },
      out: { type: 'string', default: 'packages/fusion/src/calibration/fitted.ts' },
      svg: { type: 'string', default: 'docs/reliability.svg' },
      doc: { type: 'string', default: 'docs/CALIBRATION.md' },
    },
  });
  if (!values.fit?.length) throw new Error('give at least one --fit NAME=RUN=GT');
  const fitSets = await Promise.all(values.fit.map(parseSpec).map(([name, run, gt]) => loadSet(name!, run!, gt!)));
  const reportSets = await Promise.all((values.report ?? []).map(parseSpec).map(([name, run, gt]) => loadSet(name!, run!, gt!)));
  for (const s of [...fitSets, ...reportSets])
    if (s.missing.length) process.stderr.write(`${s.name}: ${s.missing.length} films without a result, left out: ${s.missing.slice(0, 5).join(', ')}\n`);

  const weights = fit(fitSets);
  // Thresholds on the fit sets only, each set on its own.
  const provisional: CalibrationModel = { ...weights, needsReviewBelow: 0, measureFrom: 0, provenance: {} };
  const fitScored = fitSets.map((s) => ({ name: s.name, s: score(s, provisional) }));
  // Pooled: the random-look set alone reaches 98 % at no threshold (films right but for a missed T1 score high).
  const pooled = mergeScored(fitScored.map((x) => x.s));
  const needsReviewBelow = chooseThreshold([{ p: pooled.p, y: pooled.y }], GRID, REVIEW_GOAL);
  const measureFrom = chooseThreshold([{ p: pooled.vp, y: pooled.vy }], GRID, MEASURE_GOAL);

  const models = new Map<string, unknown>();
  for (const f of fitSets.flatMap((s) => s.films)) for (const m of Object.values(f.models)) if (m) models.set(`${m.name}@${m.version}:${m.sha256}`, m);
  const model: CalibrationModel = {
    ...weights,
    needsReviewBelow,
    measureFrom,
    provenance: {
      command: `npx tsx scripts/calibrate.ts ${process.argv.slice(2).join(' ')}`,
      fitSets: fitSets.map((s) => ({ run: s.run, gt: s.gt, films: s.films.length })),
      models: [...models.values()],
      date: new Date().toISOString(),
      rule: `highest of ${GRID.join(', ')} that the fit sets pooled meet; needsReviewBelow: ${JSON.stringify(REVIEW_GOAL)} of films; measureFrom: ${JSON.stringify(MEASURE_GOAL)} of labelled vertebrae`,
    },
  };
  await writeFile(values.out, fittedTs(model));

  const all = [...fitSets.map((s) => ({ set: s, role: 'fit' })), ...reportSets.map((s) => ({ set: s, role: 'held out' }))];
  const scored = all.map(({ set, role }) => ({ set, role, s: score(set, model) }));
  await writeFile(
    values.svg,
    reliabilitySvg(
      scored
        .filter((x) => x.role !== 'fit')
        .map(({ set, s }) => ({ name: set.name, s }))
        .concat([{ name: 'fit sets (pooled)', s: mergeScored(scored.filter((x) => x.role === 'fit').map((x) => x.s)) }]),
    ),
  );

  const doc = calibrationReport(model, [...models.values()], scored, fitSets);
  await writeFile(values.doc, doc);
  process.stdout.write(doc);
}

/** docs/CALIBRATION.md: the fitted model, figures per set, the threshold trade-off and reliability bins. */
function calibrationReport(model: CalibrationModel, models: unknown[], scored: { set: FilmSet; role: string; s: Scored }[], fitSets: FilmSet[]): string {
  return [
    '# Calibration report',
    '',
    `Written by \`${model.provenance['command'] as string}\` on ${model.provenance['date'] as string}; see docs/EVALUATION.md, "Calibration", for what it means.`,
    '',
    `Models: ${models
      .map((m) => {
        const x = m as { name: string; version: string; sha256: string };
        return `${x.name} ${x.version} (sha256 ${x.sha256.slice(0, 12)}…)`;
      })
      .join(', ')}.`,
    '',
    '## Fitted model',
    '',
    `P(every label right) = σ(${IMAGE_FEATURES.map((k) => `${model.image[k]} · ${k}`).join(' + ')})`,
    '',
    `P(level right) = σ(${VERTEBRA_FEATURES.map((k) => `${model.vertebra[k]} · ${k}`).join(' + ')})`,
    '',
    `\`needs-review\` below **${model.needsReviewBelow}**; lordosis written when both end levels have level probability ≥ **${model.measureFrom}**.`,
    '',
    '## Figures per set',
    '',
    'ECE: expected calibration error, 10 equal-width bins, over in-scope films (image) or labelled vertebrae (vertebra). "flagged": `needs-review` or `out-of-scope`, of all films. Angles: lordosis measurable (both end levels labelled) and written (both ends ≥ measureFrom), of those written how many had both ends right / withheld.',
    '',
    '| set | role | films | fully right | ECE raw confidence | ECE calibrated (image) | ECE (vertebra) | flagged | unflagged fully right | angles written (right) / withheld |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...scored.map(({ set, role, s }) => summaryRow(set.name, role, set, s)),
    '',
    '## needs-review threshold: the trade-off on the fit sets',
    '',
    tradeOffTable([
      ...fitSets.map((set) => ({ name: set.name, s: score(set, model) })),
      { name: 'pooled (the choice)', s: mergeScored(fitSets.map((set) => score(set, model))) },
    ]),
    '',
    '## Reliability (image level, per set)',
    '',
    ...scored.flatMap(({ set, s }) => [
      `${set.name}: ` +
        reliabilityBins(s.p, s.y)
          .filter((b) => b.count)
          .map((b) => `[${b.from.toFixed(1)}, ${b.to.toFixed(1)}) n=${b.count} p̄=${f3(b.meanProbability)} right=${f3(b.accuracy)}`)
          .join('; '),
      '',
    ]),
    '![reliability diagram](reliability.svg)',
    '',
  ].join('\n');
}

function mergeScored(list: Scored[]): Scored {
  const out: Scored = { p: [], raw: [], y: [], review: [], outOfScope: 0, vp: [], vy: [], anglesKept: 0, anglesKeptRight: 0, anglesWithheld: 0 };
  for (const s of list) {
    out.p.push(...s.p);
    out.raw.push(...s.raw);
    out.y.push(...s.y);
    out.review.push(...s.review);
    out.vp.push(...s.vp);
    out.vy.push(...s.vy);
    out.outOfScope += s.outOfScope;
    out.anglesKept += s.anglesKept;
    out.anglesKeptRight += s.anglesKeptRight;
    out.anglesWithheld += s.anglesWithheld;
  }
  return out;
}

main().catch((e: unknown) => {
  process.stderr.write(`calibrate: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
