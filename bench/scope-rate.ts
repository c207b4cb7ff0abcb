/**
 * Share of a run's results flagged out-of-scope (and how many films failed), for each run given:
 * real AP films should all be flagged, lateral films none.
 *
 *   npx tsx bench/scope-rate.ts RUN [RUN...]
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

for (const run of process.argv.slice(2)) {
  let results = 0;
  let flagged = 0;
  const probabilities: number[] = [];
  for (const entry of await readdir(run, { withFileTypes: true })) {
    const file = join(run, entry.name, 'result.json');
    if (!entry.isDirectory() || !existsSync(file)) continue;
    const result = JSON.parse(await readFile(file, 'utf8')) as { qc: { flags: string[]; outOfScope?: number } };
    results++;
    if (result.qc.flags.includes('out-of-scope')) flagged++;
    if (result.qc.outOfScope !== undefined) probabilities.push(result.qc.outOfScope);
  }
  const runJson = JSON.parse(await readFile(join(run, 'run.json'), 'utf8')) as { counts?: { failed?: number } };
  probabilities.sort((a, b) => a - b);
  const median = probabilities.length ? probabilities[Math.floor(probabilities.length / 2)]! : NaN;
  console.log(
    `${run}: ${results} results, ${flagged} out-of-scope (${((100 * flagged) / Math.max(1, results)).toFixed(1)} %), ${runJson.counts?.failed ?? 0} failed; median qc.outOfScope ${median.toFixed(3)}`,
  );
}
