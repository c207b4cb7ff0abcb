// The eval report: its per-image rows and overall shape (written as JSON), and its Markdown
// rendering. Split from eval.ts, which scores results and runs the ablation.
import { renderEvalMarkdown, type EvalSummary } from '@vertxnet/fusion';
import type { View } from '@vertxnet/core';

export const ABLATION_MODES = ['ensemble', 'unet-only', 'maskrcnn-only'] as const;
export type AblationMode = (typeof ABLATION_MODES)[number];

export interface ImageRow {
  name: string;
  view: View | null;
  as?: boolean;
  cut?: string;
  levels: number;
  meanDice: number;
  identified: number;
  tp: number;
  fp: number;
  fn: number;
  extraLevels: string[];
  flags: string[];
  missing?: true;
}

export interface EvalReport {
  results: string;
  gt: string;
  summary: EvalSummary;
  missingResults: string[];
  images: ImageRow[];
  ablation?: Record<AblationMode, EvalSummary>;
  /** Per-image rows of each ablation labelling (JSON report only). */
  ablationImages?: Record<AblationMode, ImageRow[]>;
  ablationViewFromGt?: boolean;
}

/** A fraction as a percentage with one decimal, and a score with three: the report's number formats. */
export const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
export const num = (v: number) => v.toFixed(3);

/** The full Markdown report: summary, ablation table, per-image table. */
export function renderReport(report: EvalReport): string {
  const parts = [renderEvalMarkdown(report.summary, 'VertXNet evaluation').trimEnd(), ''];
  parts.push(`Results: \`${report.results}\`; ground truth: \`${report.gt}\`. A missing or mislabelled vertebra scores Dice 0.`);
  if (report.missingResults.length)
    parts.push(
      '',
      `Images without a result (scored 0): ${report.missingResults.length} — ${report.missingResults.slice(0, 10).join(', ')}${report.missingResults.length > 10 ? ', …' : ''}`,
    );
  if (report.ablation) {
    parts.push(
      '',
      `## Ablation (labels from each model alone, same fusion rule; view ${report.ablationViewFromGt ? 'given from the ground truth' : 'decided by fusion'})`,
      '',
    );
    parts.push(
      '| labelling from | mean Dice | mean Dice (images) | identification | precision | recall | reference-not-found |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const mode of ABLATION_MODES) {
      const s = report.ablation[mode];
      parts.push(
        `| ${mode} | ${num(s.meanDice)} | ${num(s.meanImageDice)} | ${pct(s.identificationAccuracy)} | ${pct(s.precision)} | ${pct(s.recall)} | ${pct(s.qcFlagRates['reference-not-found'])} |`,
      );
    }
    const names = Object.keys(report.ablation.ensemble.subsets);
    if (names.length) {
      parts.push('', '| subset | ' + ABLATION_MODES.map((m) => `${m} Dice`).join(' | ') + ' |', '| --- |' + ABLATION_MODES.map(() => ' --- |').join(''));
      for (const n of names)
        parts.push(
          `| ${n} | ${ABLATION_MODES.map((m) => (report.ablation![m].subsets[n] ? num(report.ablation![m].subsets[n]!.meanDice) : '–')).join(' | ')} |`,
        );
    }
  }
  parts.push(
    '',
    '## Per image',
    '',
    '| image | view | AS | cut | levels | mean Dice | identified | TP | FP | FN | extra labels | flags |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  const rows = [...report.images].sort((a, b) => a.meanDice - b.meanDice || (a.name < b.name ? -1 : 1));
  for (const r of rows) {
    parts.push(
      `| ${r.name}${r.missing ? ' (no result)' : ''} | ${r.view ?? '–'} | ${r.as === undefined ? '–' : r.as ? 'yes' : 'no'} | ${r.cut ?? '–'} | ${r.levels} | ${num(r.meanDice)} | ${r.identified}/${r.levels} | ${r.tp} | ${r.fp} | ${r.fn} | ${r.extraLevels.join(' ')} | ${r.flags.join(' ')} |`,
    );
  }
  return `${parts.join('\n')}\n`;
}
