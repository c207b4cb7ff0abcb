#!/usr/bin/env node
// The `vertxnet` executable. It is committed (dist/ is not), so npm links it at `npm ci`, before
// anything is built; it then loads the built command line, or says how to build it.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('vertxnet: not built yet; run `npm run build` in the repository first\n');
  process.exit(1);
}
await import(main.href);
