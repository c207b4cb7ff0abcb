/**
 * Writes test/fixtures/fusion-golden/expected.json from the current fuse(). Run only when fusion's
 * behaviour is meant to change, and say why in the commit: npx tsx test/fusion-golden/freeze.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_DIR, runGoldenSet } from './cases.js';

const results = runGoldenSet();
writeFileSync(join(FIXTURE_DIR, 'expected.json'), `{\n${Object.entries(results).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n')}\n}\n`);
console.log(`${Object.keys(results).length} images frozen`);
