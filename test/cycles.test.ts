import { describe, expect, it } from 'vitest';
import {
  check,
  cycles,
  grouped,
  KNOWN_CYCLES,
  layerProblems,
  moduleOf,
  packageName,
  unusedDependencies,
  type Graph,
  type ImportRef,
  type Manifest,
} from '../scripts/cycles.js';

const graph = (edges: Record<string, string[]>): Graph => new Map(Object.entries(edges).map(([k, v]) => [k, new Set(v)]));

describe('import cycle check', () => {
  it('finds each cycle once, members sorted, and ignores chains', () => {
    expect(cycles(graph({ a: ['b'], b: ['c'], c: ['a'], d: ['a'], e: ['e'], f: [] }))).toEqual([['a', 'b', 'c'], ['e']]);
  });

  it('groups files into modules: top-level folder or file under src', () => {
    expect(moduleOf('packages/queue/src/jobs/flows.ts')).toBe('queue/jobs');
    expect(moduleOf('services/ingest/src/env.ts')).toBe('ingest/env');
    const files = graph({
      'packages/x/src/a/1.ts': ['packages/x/src/b/1.ts'],
      'packages/x/src/b/1.ts': [],
      'packages/x/src/b/2.ts': ['packages/x/src/a/2.ts'],
      'packages/x/src/a/2.ts': [],
    });
    expect(cycles(files)).toEqual([]);
    expect(cycles(grouped(files, moduleOf))).toEqual([['x/a', 'x/b']]);
  });

  it('fails on a new module cycle and on a known one that is gone, never on a known one', () => {
    const files = graph({
      'packages/x/src/a/1.ts': ['packages/x/src/b/1.ts'],
      'packages/x/src/b/1.ts': ['packages/x/src/a/2.ts'],
      'packages/x/src/a/2.ts': [],
    });
    expect(check(files, ['x/a ↔ x/b'])).toEqual([]);
    expect(check(files, [])).toEqual(['module cycle: x/a ↔ x/b']);
    expect(check(graph({}), ['x/a ↔ x/b'])).toEqual(['known cycle gone, remove it from KNOWN_CYCLES: x/a ↔ x/b']);
  });

  it('allows no module cycle any more', () => {
    expect(KNOWN_CYCLES).toEqual([]);
  });
});

describe('layer check', () => {
  const layers = [['core'], ['imaging', 'storage'], ['queue']];
  const manifest = (name: string, dependencies: string[] = [], devDependencies: string[] = []): Manifest => ({ name, dependencies, devDependencies });
  const manifests = new Map([
    ['core', manifest('@v/core', ['zod'])],
    ['imaging', manifest('@v/imaging', ['@v/core', 'sharp'])],
    ['storage', manifest('@v/storage', ['@v/core'], ['s3rver'])],
    ['queue', manifest('@v/queue', ['@v/core', '@v/storage', 'bullmq'])],
  ]);
  const imp = (file: string, spec: string, test = false): ImportRef => ({ file, spec, test });

  it('accepts imports of lower layers and declared packages, builtins and relative files', () => {
    const ok = [
      imp('packages/queue/src/jobs/a.ts', '@v/storage'),
      imp('packages/queue/src/jobs/a.ts', '@v/core'),
      imp('packages/queue/src/jobs/a.ts', 'bullmq'),
      imp('packages/queue/src/jobs/a.ts', 'node:fs'),
      imp('packages/queue/src/jobs/a.ts', '../metrics/b.js'),
      imp('packages/queue/src/jobs/a.test.ts', '../../../../test/helpers/redis.js', true),
      imp('packages/storage/src/s3.test.ts', 's3rver', true),
      imp('packages/storage/src/s3.test.ts', 'vitest', true),
      imp('packages/imaging/src/a.ts', 'sharp/lib/x'),
    ];
    expect(layerProblems(ok, manifests, ['vitest'], layers)).toEqual([]);
  });

  it('fails on an upward or same-layer import, and on an undeclared package', () => {
    expect(layerProblems([imp('packages/storage/src/a.ts', '@v/queue')], manifests, [], layers)).toEqual([
      'upward import: storage (layer 1) → queue (layer 2): packages/storage/src/a.ts imports @v/queue',
      "undeclared dependency: packages/storage/src/a.ts imports @v/queue, not in storage's package.json dependencies",
    ]);
    expect(layerProblems([imp('packages/imaging/src/a.test.ts', '@v/storage', true)], manifests, [], layers)).toEqual([
      'same-layer import: imaging → storage (both layer 1): packages/imaging/src/a.test.ts imports @v/storage',
      "undeclared dependency: packages/imaging/src/a.test.ts imports @v/storage, not in imaging's package.json dependencies or devDependencies",
    ]);
    expect(layerProblems([imp('packages/queue/src/a.ts', 'ioredis'), imp('packages/storage/src/a.ts', 's3rver')], manifests, [], layers)).toEqual([
      "undeclared dependency: packages/queue/src/a.ts imports ioredis, not in queue's package.json dependencies",
      "undeclared dependency: packages/storage/src/a.ts imports s3rver, not in storage's package.json dependencies",
    ]);
  });

  it('fails on a path into another package, a package without a layer, and an upward package.json dependency', () => {
    expect(layerProblems([imp('packages/queue/src/a.ts', '../../storage/src/b.js')], manifests, [], layers)).toEqual([
      'path into another package: packages/queue/src/a.ts imports ../../storage/src/b.js; import @v/storage',
    ]);
    const more = new Map([...manifests, ['cli', manifest('@v/cli')], ['core', manifest('@v/core', ['@v/queue'])]]);
    expect(layerProblems([], more, [], layers)).toEqual([
      'no layer: cli is not in LAYERS (scripts/cycles.ts)',
      'upward import: core (layer 0) → queue (layer 2), declared in core/package.json dependencies',
    ]);
  });

  it('fails on a listed dependency that no file imports, unless it is loaded dynamically', () => {
    const used = [imp('packages/core/src/a.ts', 'zod'), imp('packages/imaging/src/a.ts', '@v/core'), imp('packages/storage/src/a.ts', '@v/core')];
    const queue = [
      imp('packages/queue/src/a.ts', '@v/core'),
      imp('packages/queue/src/a.ts', '@v/storage'),
      imp('packages/queue/src/a.test.ts', 'bullmq', true),
    ];
    expect(unusedDependencies([...used, ...queue], manifests, new Map([['storage', ['s3rver']]]))).toEqual([
      'unused dependency: imaging/package.json lists sharp, which none of its files imports',
    ]);
    expect(unusedDependencies([...used, ...queue], manifests, new Map())).toEqual([
      'unused dependency: imaging/package.json lists sharp, which none of its files imports',
      'unused dependency: storage/package.json lists s3rver, which none of its files imports',
    ]);
  });

  it('names packages by their first path segment, or two for a scope', () => {
    expect(packageName('@aws-sdk/client-s3/dist')).toBe('@aws-sdk/client-s3');
    expect(packageName('pino')).toBe('pino');
  });
});
