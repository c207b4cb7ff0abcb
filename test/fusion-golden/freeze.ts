/**
 * Writes test/fixtures/fusion-golden/expected.json from the current fuse() and measure(), and
 * expected-seg.json from the current buildSegmentation(). Run only when fusion's
 * behaviour is meant to change, and say why in the commit: npx tsx test/fusion-golden/freeze.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_DIR, runGoldenSet } from './cases.js';
import { runSegGoldenSet } from './seg-cases.js';

const results = runGoldenSet();
writeFileSync(
  join(FIXTURE_DIR, 'expected.json'),
  `{\n${Object.entries(results)
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(',\n')}\n}\n`,
);
const segs = runSegGoldenSet();
writeFileSync(join(FIXTURE_DIR, 'expected-seg.json'), `${JSON.stringify(segs)}\n`);
console.log(`${Object.keys(results).length} images frozen, ${Object.keys(segs).length} SEGs`);
