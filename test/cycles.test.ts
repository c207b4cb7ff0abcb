import { describe, expect, it } from 'vitest';
import { check, cycles, grouped, moduleOf, type Graph } from '../scripts/cycles.js';

const graph = (edges: Record<string, string[]>): Graph => new Map(Object.entries(edges).map(([k, v]) => [k, new Set(v)]));

describe('import cycle check', () => {
  it('finds each cycle once, members sorted, and ignores chains', () => {
    expect(cycles(graph({ a: ['b'], b: ['c'], c: ['a'], d: ['a'], e: ['e'], f: [] }))).toEqual([['a', 'b', 'c'], ['e']]);
  });

  it('groups files into modules: top-level folder or file under src', () => {
    expect(moduleOf('packages/queue/src/jobs/flows.ts')).toBe('queue/jobs');
    expect(moduleOf('services/ingest/src/env.ts')).toBe('ingest/env');
    const files = graph({ 'packages/x/src/a/1.ts': ['packages/x/src/b/1.ts'], 'packages/x/src/b/1.ts': [], 'packages/x/src/b/2.ts': ['packages/x/src/a/2.ts'], 'packages/x/src/a/2.ts': [] });
    expect(cycles(files)).toEqual([]);
    expect(cycles(grouped(files, moduleOf))).toEqual([['x/a', 'x/b']]);
  });

  it('fails on a new module cycle and on a known one that is gone, never on a known one', () => {
    const files = graph({ 'packages/x/src/a/1.ts': ['packages/x/src/b/1.ts'], 'packages/x/src/b/1.ts': ['packages/x/src/a/2.ts'], 'packages/x/src/a/2.ts': [] });
    expect(check(files, ['x/a ↔ x/b'])).toEqual([]);
    expect(check(files, [])).toEqual(['module cycle: x/a ↔ x/b']);
    expect(check(graph({}), ['x/a ↔ x/b'])).toEqual(['known cycle gone, remove it from KNOWN_CYCLES: x/a ↔ x/b']);
  });
});
