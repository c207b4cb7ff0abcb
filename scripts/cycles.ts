// Import cycles in the TypeScript sources (tests left out), at two grains:
//   files    packages/queue/src/jobs/flows.ts → ./ids.ts …
//   modules  a package's top-level folder or file under src: queue/jobs, imaging/dicom, fusion/seg …
// A cycle not in KNOWN_CYCLES fails; so does a known one that is gone, so the list only shrinks.
//   npx tsx scripts/cycles.ts
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const ROOT = resolve(import.meta.dirname, '..');

/** Module cycles tolerated, each as its sorted members joined by " ↔ ". None since shared was layered (issue 15). */
export const KNOWN_CYCLES: readonly string[] = [];

export type Graph = Map<string, Set<string>>;

/** Strongly connected components with more than one member, or a member importing itself (Tarjan). */
export function cycles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.has(v)) found.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** The graph with each node replaced by `group(node)`, edges inside one group dropped. */
export function grouped(graph: Graph, group: (node: string) => string): Graph {
  const out: Graph = new Map();
  for (const [from, tos] of graph) {
    const g = group(from);
    if (!out.has(g)) out.set(g, new Set());
    for (const to of tos) if (group(to) !== g) out.get(g)!.add(group(to));
  }
  return out;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every non-test source file of packages/* and services/*, with the source files it imports (types included). */
export function importGraph(root = ROOT): Graph {
  const srcDirs = ['packages', 'services'].flatMap((d) => readdirSync(join(root, d)).map((p) => join(root, d, p, 'src'))).filter(existsSync);
  const workspace = new Map<string, string>(); // '@vertxnet/core' → packages/core/src/index.ts
  for (const src of srcDirs) {
    const pkg = JSON.parse(readFileSync(join(src, '..', 'package.json'), 'utf8')) as { name: string };
    workspace.set(pkg.name, join(src, 'index.ts'));
  }
  const graph: Graph = new Map();
  for (const file of srcDirs.flatMap(sources)) {
    const imports = new Set<string>();
    for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      const target = fileName.startsWith('.') ? resolveRelative(dirname(file), fileName) : workspace.get(fileName);
      if (target !== undefined) imports.add(relative(root, target));
    }
    graph.set(relative(root, file), imports);
  }
  return graph;
}

function resolveRelative(dir: string, spec: string): string | undefined {
  const base = resolve(dir, spec.replace(/\.js$/, ''));
  return [`${base}.ts`, join(base, 'index.ts')].find(existsSync);
}

/** packages/queue/src/jobs/flows.ts → queue/jobs; packages/core/src/errors.ts → core/errors. */
export function moduleOf(file: string): string {
  const [, pkg, , first] = file.split('/');
  return `${pkg}/${first!.replace(/\.ts$/, '')}`;
}

/** The problems: unknown cycles at either grain, and known ones that no longer exist. */
export function check(graph: Graph, known: readonly string[] = KNOWN_CYCLES): string[] {
  const fileCycles = cycles(graph).map((c) => `file cycle: ${c.join(' ↔ ')}`);
  const moduleCycles = cycles(grouped(graph, moduleOf)).map((c) => c.join(' ↔ '));
  return [
    ...fileCycles,
    ...moduleCycles.filter((c) => !known.includes(c)).map((c) => `module cycle: ${c}`),
    ...known.filter((c) => !moduleCycles.includes(c)).map((c) => `known cycle gone, remove it from KNOWN_CYCLES: ${c}`),
  ];
}

if (process.argv[1] === import.meta.filename) {
  const graph = importGraph();
  const problems = check(graph);
  for (const p of problems) console.error(p);
  console.log(`cycles: ${graph.size} files; ${problems.length} problems; ${KNOWN_CYCLES.length} known module cycles allowed`);
  process.exitCode = problems.length > 0 ? 1 : 0;
}
