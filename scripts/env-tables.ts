// Writes the README's configuration tables from the services' own env schemas:
//   npx tsx scripts/env-tables.ts          rewrite README.md
//   npx tsx scripts/env-tables.ts --check  exit 1 when README.md is out of date
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { envMarkdownTable } from '@vertxnet/config';
import { IngestEnv } from '../services/ingest/src/env.js';
import { UnetWorkerEnv } from '../services/unet-worker/src/env.js';
import { MaskrcnnWorkerEnv } from '../services/maskrcnn-worker/src/env.js';
import { FusionWorkerEnv } from '../services/fusion-worker/src/env.js';

export const README = resolve(import.meta.dirname, '..', 'README.md');

export const SERVICE_ENVS = {
  ingest: IngestEnv,
  'unet-worker': UnetWorkerEnv,
  'maskrcnn-worker': MaskrcnnWorkerEnv,
  'fusion-worker': FusionWorkerEnv,
} as const;

type TableSchema = Parameters<typeof envMarkdownTable>[0];

/** The README with each `<!-- env:SERVICE -->` … `<!-- /env -->` block replaced by that service's table. */
export function withEnvTables(readme: string): string {
  return readme.replace(/<!-- env:([a-z-]+) -->\n[\s\S]*?<!-- \/env -->/g, (block, service: string) => {
    const schema = SERVICE_ENVS[service as keyof typeof SERVICE_ENVS];
    if (!schema) throw new Error(`README names an env table for an unknown service: ${service}`);
    return `<!-- env:${service} -->\n${envMarkdownTable(schema as unknown as TableSchema)}\n<!-- /env -->`;
  });
}

async function main(): Promise<void> {
  const readme = await readFile(README, 'utf8');
  const next = withEnvTables(readme);
  if (process.argv.includes('--check')) {
    if (next !== readme) {
      console.error('README.md: the configuration tables are out of date; run `npx tsx scripts/env-tables.ts`');
      process.exit(1);
    }
    return;
  }
  if (next !== readme) await writeFile(README, next);
  console.log(next === readme ? 'README.md: tables up to date' : `README.md: tables rewritten (${join('README.md')})`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) await main();
