// Python lint for training/, run by `npm run lint:training`: Ruff compiled to WebAssembly
// (@astral-sh/ruff-wasm-nodejs), since Debian does not package Ruff and only the npm registry is reachable.
//   npx tsx scripts/ruff.ts [dir]        (default training/)
// The settings live here, not in a ruff.toml: the wasm Workspace takes a JS object and the repository has no
// TOML parser. They keep what flake8 checked (pycodestyle and pyflakes, lines up to 140 characters), so the
// E1–E3 whitespace rules need Ruff's preview mode; in preview the wasm build reports a rule by its name
// (unused-import) rather than its code (F401), and `# noqa: F401` still takes the code.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { PositionEncoding, Workspace, type Diagnostic } from '@astral-sh/ruff-wasm-nodejs';

export const ROOT = resolve(import.meta.dirname, '..');

/** pycodestyle's default ignores, which flake8 applied, that Ruff implements (E121, E123, E126, E704, W503, W504 it does not). */
const PYCODESTYLE_DEFAULT_IGNORES = ['E226', 'E24'];

export const RUFF_SETTINGS = {
  'line-length': 140,
  'target-version': 'py311',
  lint: {
    preview: true,
    select: ['E', 'F', 'W'],
    ignore: PYCODESTYLE_DEFAULT_IGNORES,
  },
} as const;

export interface Finding {
  path: string;
  line: number;
  column: number;
  rule: string;
  message: string;
}

/** Every .py file under dir, sorted, __pycache__ and dot-folders left out. */
export function pythonFiles(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === '__pycache__' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...pythonFiles(path));
    else if (name.endsWith('.py')) found.push(path);
  }
  return found;
}

/** Lints every .py file under dir; paths in the findings are relative to cwd. */
export function lint(dir: string, cwd = process.cwd()): { files: string[]; findings: Finding[] } {
  const workspace = new Workspace(RUFF_SETTINGS, PositionEncoding.Utf16);
  try {
    const files = pythonFiles(dir).map((file) => relative(cwd, file));
    const findings = files.flatMap((path) =>
      (workspace.check(readFileSync(resolve(cwd, path), 'utf8')) as Diagnostic[]).map((d) => ({
        path,
        line: d.start_location.row,
        column: d.start_location.column,
        rule: d.code ?? 'syntax-error',
        message: d.message,
      })),
    );
    return { files, findings };
  } finally {
    workspace.free();
  }
}

export function format(f: Finding): string {
  return `${f.path}:${f.line}:${f.column}: ${f.rule} ${f.message}`;
}

if (process.argv[1] === import.meta.filename) {
  const dir = resolve(process.argv[2] ?? join(ROOT, 'training'));
  const { files, findings } = lint(dir);
  const rules = `${RUFF_SETTINGS.lint.select.join(', ')} (preview), ignoring ${RUFF_SETTINGS.lint.ignore.join(', ')}`;
  if (files.length === 0) {
    console.error(`ruff: no .py files under ${dir}`);
    process.exit(1);
  }
  for (const f of findings) console.log(format(f));
  if (findings.length > 0) {
    console.error(`ruff ${Workspace.version()}: ${findings.length} finding(s) in ${files.length} files; rules ${rules}`);
    process.exit(1);
  }
  console.log(`ruff ${Workspace.version()}: ${files.length} files clean; rules ${rules}, lines ≤ ${RUFF_SETTINGS['line-length']}`);
}
