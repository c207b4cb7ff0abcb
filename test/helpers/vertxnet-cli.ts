import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const MAIN = 'packages/cli/dist/main.js';

export interface CliOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a built program of this repository (`main`, relative to its root) with node, from the root,
 * and resolves with its exit code and output; killed after `timeoutMs`.
 */
export function runBuilt(main: string, args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CliOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, main), ...args], { cwd: ROOT, env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 150_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Runs the built `vertxnet` as a user would (runBuilt). INFERENCE_PROVIDERS (the services' setting)
 * is unset, so that it does not stand in for --providers.
 */
export function vertxnet(args: string[], opts: { timeoutMs?: number } = {}): Promise<CliOutcome> {
  const env = { ...process.env };
  delete env.INFERENCE_PROVIDERS;
  return runBuilt(MAIN, args, { ...opts, env });
}
