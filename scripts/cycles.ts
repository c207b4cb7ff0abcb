// The import boundaries of packages/* and services/*, checked by `npm run cycles`:
// 1. Import cycles in the TypeScript sources (tests left out), at two grains:
//      files    packages/queue/src/jobs/flows.ts → ./ids.ts …
//      modules  a package's top-level folder or file under src: queue/jobs, imaging/dicom, fusion/seg …
//    A cycle not in KNOWN_CYCLES fails; so does a known one that is gone, so the list only shrinks.
// 2. Layers (LAYERS): a package imports only packages of a lower layer, never one of its own layer
//    or above, and only packages its package.json declares (sources: dependencies; tests: also
//    devDependencies and the root's devDependencies), and lists no package none of its files
//    imports. Tests included.
//   npx tsx scripts/cycles.ts
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { isBuiltin } from 'node:module';
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

function sources(dir: string, tests = false): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path, tests);
    return e.name.endsWith('.ts') && tests === e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

function srcDirs(root: string): string[] {
  return ['packages', 'services'].flatMap((d) => readdirSync(join(root, d)).map((p) => join(root, d, p, 'src'))).filter(existsSync);
}

/** Every non-test source file of packages/* and services/*, with the source files it imports (types included). */
export function importGraph(root = ROOT): Graph {
  const dirs = srcDirs(root);
  const workspace = new Map<string, string>(); // '@vertxnet/core' → packages/core/src/index.ts
  for (const src of dirs) {
    const pkg = JSON.parse(readFileSync(join(src, '..', 'package.json'), 'utf8')) as { name: string };
    workspace.set(pkg.name, join(src, 'index.ts'));
  }
  const graph: Graph = new Map();
  for (const file of dirs.flatMap((d) => sources(d))) {
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

/**
 * The workspace packages (folder names under packages/ and services/) by layer, lowest first. A
 * package may import only packages of lower layers: never one above it (an upward import) nor one
 * beside it (split the layer if that is ever wanted). A new package needs a place here.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['core'], // levels, analysis frame, model-output types, model manifest, errors (zod only)
  ['config', 'imaging', 'inference', 'storage'], // env parsing + logging; codecs + DICOM; onnxruntime; local + S3
  ['queue'], // job contract, run store, producer, workers, service runtime, metrics
  ['fusion', 'phantom', 'phantom-b', 'phantom-c'],
  ['pipeline'],
  ['cli'],
  ['ingest', 'unet-worker', 'maskrcnn-worker', 'fusion-worker'],
];

/** What the layer check needs of a package.json. */
export interface Manifest {
  name: string;
  dependencies: readonly string[];
  devDependencies: readonly string[];
}

/** One import of a workspace file: the file (repo-relative, packages/<pkg>/src/…), what it names, and whether it is a test. */
export interface ImportRef {
  file: string;
  spec: string;
  test: boolean;
}

/** `@aws-sdk/client-s3/foo` → `@aws-sdk/client-s3`; `pino` → `pino`. */
export function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** packages/queue/src/jobs/flows.ts → queue. */
export function packageOf(file: string): string {
  return file.split('/')[1]!;
}

/**
 * The layer problems of these imports: a workspace package of the same or a higher layer, a
 * package missing from the importer's package.json, a relative path into another package, a
 * workspace package without a layer, and package.json dependencies on packages not below.
 * `manifests` is keyed by folder name; `rootDev` is the root package.json's devDependencies.
 */
export function layerProblems(
  imports: readonly ImportRef[],
  manifests: ReadonlyMap<string, Manifest>,
  rootDev: readonly string[] = [],
  layers: readonly (readonly string[])[] = LAYERS,
): string[] {
  const layerOf = new Map(layers.flatMap((names, i) => names.map((n) => [n, i] as const)));
  const byName = new Map([...manifests].map(([dir, m]) => [m.name, dir]));
  const problems: string[] = [];
  for (const dir of [...manifests.keys()].sort()) {
    if (!layerOf.has(dir)) problems.push(`no layer: ${dir} is not in LAYERS (scripts/cycles.ts)`);
  }
  const order = (from: string, to: string): string | undefined => {
    const [a, b] = [layerOf.get(from), layerOf.get(to)];
    if (a === undefined || b === undefined || b < a) return undefined;
    return b > a ? `upward import: ${from} (layer ${a}) → ${to} (layer ${b})` : `same-layer import: ${from} → ${to} (both layer ${a})`;
  };
  for (const [dir, m] of manifests) {
    for (const dep of m.dependencies) {
      const to = byName.get(dep);
      const wrong = to === undefined ? undefined : order(dir, to);
      if (wrong) problems.push(`${wrong}, declared in ${dir}/package.json dependencies`);
    }
  }
  for (const { file, spec, test } of imports) {
    const from = packageOf(file);
    const m = manifests.get(from);
    if (!m) continue;
    if (spec.startsWith('.')) {
      const target = join(dirname(file), spec);
      const to = target.startsWith('packages/') || target.startsWith('services/') ? packageOf(target) : undefined;
      if (to !== undefined && to !== from && manifests.has(to))
        problems.push(`path into another package: ${file} imports ${spec}; import ${manifests.get(to)!.name}`);
      continue;
    }
    if (spec.startsWith('node:') || isBuiltin(spec)) continue;
    const name = packageName(spec);
    if (name === m.name) continue;
    const to = byName.get(name);
    const wrong = to === undefined ? undefined : order(from, to);
    if (wrong) problems.push(`${wrong}: ${file} imports ${name}`);
    const declared = test ? [...m.dependencies, ...m.devDependencies, ...rootDev] : m.dependencies;
    if (!declared.includes(name)) {
      problems.push(
        `undeclared dependency: ${file} imports ${name}, not in ${from}'s package.json ${test ? 'dependencies or devDependencies' : 'dependencies'}`,
      );
    }
  }
  return problems;
}

/**
 * Packages loaded by a name the import scan cannot see (a module id passed as an argument to
 * createRequire's require), by workspace folder.
 */
export const DYNAMIC_DEPENDENCIES: ReadonlyMap<string, readonly string[]> = new Map([
  ['imaging', ['@cornerstonejs/codec-charls', '@cornerstonejs/codec-libjpeg-turbo-8bit', '@cornerstonejs/codec-openjpeg', '@cornerstonejs/codec-openjph']],
]);

/** Dependencies and devDependencies a package.json lists that none of the package's files imports. */
export function unusedDependencies(
  imports: readonly ImportRef[],
  manifests: ReadonlyMap<string, Manifest>,
  dynamic: ReadonlyMap<string, readonly string[]> = DYNAMIC_DEPENDENCIES,
): string[] {
  const used = new Map<string, Set<string>>();
  for (const { file, spec } of imports) {
    if (spec.startsWith('.') || spec.startsWith('node:')) continue;
    const dir = packageOf(file);
    if (!used.has(dir)) used.set(dir, new Set(dynamic.get(dir)));
    used.get(dir)!.add(packageName(spec));
  }
  const problems: string[] = [];
  for (const [dir, m] of [...manifests].sort(([a], [b]) => a.localeCompare(b))) {
    const seen = used.get(dir) ?? new Set(dynamic.get(dir));
    for (const dep of [...m.dependencies, ...m.devDependencies]) {
      if (!seen.has(dep)) problems.push(`unused dependency: ${dir}/package.json lists ${dep}, which none of its files imports`);
    }
  }
  return problems;
}

function readManifest(path: string): Manifest {
  const pkg = JSON.parse(readFileSync(path, 'utf8')) as { name: string; dependencies?: object; devDependencies?: object };
  return { name: pkg.name, dependencies: Object.keys(pkg.dependencies ?? {}), devDependencies: Object.keys(pkg.devDependencies ?? {}) };
}

/** Every import of every TypeScript file (tests included) of packages/* and services/*, with the packages' manifests. */
export function workspaceImports(root = ROOT): { imports: ImportRef[]; manifests: Map<string, Manifest>; rootDev: string[] } {
  const manifests = new Map<string, Manifest>();
  const imports: ImportRef[] = [];
  for (const src of srcDirs(root)) {
    manifests.set(relative(root, src).split('/')[1]!, readManifest(join(src, '..', 'package.json')));
    for (const test of [false, true]) {
      for (const file of sources(src, test)) {
        for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
          imports.push({ file: relative(root, file), spec: fileName, test });
        }
      }
    }
  }
  return { imports, manifests, rootDev: readManifest(join(root, 'package.json')).devDependencies as string[] };
}

if (process.argv[1] === import.meta.filename) {
  const graph = importGraph();
  const { imports, manifests, rootDev } = workspaceImports();
  const problems = [...check(graph), ...layerProblems(imports, manifests, rootDev), ...unusedDependencies(imports, manifests)];
  for (const p of problems) console.error(p);
  console.log(
    `cycles and layers: ${graph.size} source files, ${imports.length} imports of ${manifests.size} packages; ${problems.length} problems; ${KNOWN_CYCLES.length} known module cycles allowed`,
  );
  process.exitCode = problems.length > 0 ? 1 : 0;
}
