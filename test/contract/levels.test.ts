import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REFERENCE_LEVEL, VERSE_CODES, VIEW_LEVELS } from '@vertxnet/core';

const TRAINING = resolve(import.meta.dirname, '../../training');

/** The level tables as training/vertxnet_train/levels.py defines them (the Python the models are trained with). */
function pythonLevels(): { verse: Record<string, number>; views: Record<string, string[]>; references: Record<string, string> } {
  const script = [
    'import json',
    'from vertxnet_train import levels as l',
    'print(json.dumps({"verse": l.VERSE_CODES, "views": l.VIEW_LEVELS, "references": l.REFERENCE_LEVEL}))',
  ].join('\n');
  const run = spawnSync('/usr/bin/python3', ['-c', script], { cwd: TRAINING, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python3 could not read training's levels: ${run.stderr}`);
  return JSON.parse(run.stdout) as ReturnType<typeof pythonLevels>;
}

describe('levels: training (Python) and the pipeline (TypeScript) agree', () => {
  const py = pythonLevels();

  it('on every VerSe code, the pixel value of every label mask', () => {
    expect(py.verse).toEqual({ ...VERSE_CODES });
  });

  it('on the levels each view labels, in order, and on the reference of each view', () => {
    expect(py.views).toEqual({ cervical: [...VIEW_LEVELS.cervical], lumbar: [...VIEW_LEVELS.lumbar] });
    expect(py.references).toEqual({ ...REFERENCE_LEVEL });
  });
});
