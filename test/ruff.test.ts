import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { format, lint } from '../scripts/ruff.js';

const dir = mkdtempSync(join(tmpdir(), 'vertxnet-ruff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ruff over training/ (scripts/ruff.ts)', () => {
  it('flags an unused import, and a line over 140 characters', () => {
    writeFileSync(join(dir, 'bad.py'), `import os\n\nX = "${'x'.repeat(140)}"\n`);
    const { files, findings } = lint(dir, dir);
    expect(files).toEqual(['bad.py']);
    expect(findings.map(format)).toEqual([
      'bad.py:1:8: unused-import `os` imported but unused',
      expect.stringMatching(/^bad\.py:3:141: line-too-long Line too long \(146 > 140\)/),
    ]);
  });

  it('passes a clean file, and skips __pycache__', () => {
    const clean = join(dir, 'clean');
    mkdirSync(join(clean, '__pycache__'), { recursive: true });
    writeFileSync(join(clean, 'ok.py'), 'import os\n\n\ndef cwd():\n    return os.getcwd()\n');
    writeFileSync(join(clean, '__pycache__', 'stale.py'), 'import os\n');
    expect(lint(clean, clean)).toEqual({ files: ['ok.py'], findings: [] });
  });
});
