import { VERSE_CODES } from '@vertxnet/core';
import type { EvalStats, EvalSummary } from './summary.js';

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const num = (v: number) => v.toFixed(3);

/** The evaluation as a Markdown report: overall figures, per level, QC flag rates, subsets. */
export function renderEvalMarkdown(summary: EvalSummary, title = 'VertXNet evaluation'): string {
  const lines: string[] = [`# ${title}`, ''];
  lines.push(...overall(summary), '');
  lines.push('## Per level', '', '| level | n | Dice | identified |', '| --- | --- | --- | --- |');
  const order = (l: string) => VERSE_CODES[l] ?? 1000;
  for (const [level, p] of Object.entries(summary.perLevel).sort((a, b) => order(a[0]) - order(b[0]))) {
    lines.push(`| ${level} | ${p.n} | ${num(p.dice)} | ${pct(p.identification)} |`);
  }
  lines.push('', '## QC flag rates', '', '| flag | images |', '| --- | --- |');
  for (const [flag, rate] of Object.entries(summary.qcFlagRates)) if (rate > 0) lines.push(`| ${flag} | ${pct(rate)} |`);
  const subsets = Object.entries(summary.subsets);
  if (subsets.length) {
    lines.push(
      '',
      '## Subsets',
      '',
      '| subset | images | vertebrae | mean Dice | identification | precision | recall |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const [name, s] of subsets) {
      lines.push(`| ${name} | ${s.images} | ${s.vertebrae} | ${num(s.meanDice)} | ${pct(s.identificationAccuracy)} | ${pct(s.precision)} | ${pct(s.recall)} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function overall(s: EvalStats): string[] {
  return [
    '| images | vertebrae | mean Dice (vertebrae) | mean Dice (images) | identification | precision | recall |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    `| ${s.images} | ${s.vertebrae} | ${num(s.meanDice)} | ${num(s.meanImageDice)} | ${pct(s.identificationAccuracy)} | ${pct(s.precision)} | ${pct(s.recall)} |`,
  ];
}
