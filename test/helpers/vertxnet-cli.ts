import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const MAIN = join(ROOT, 'packages/cli/dist/main.js');

export interface CliOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `vertxnet` as a user would, from the repository root, and resolves with its exit
 * code and output; killed after `timeoutMs`. INFERENCE_PROVIDERS (the services' setting) is unset,
 * so that it does not stand in for --providers.
 */
export function vertxnet(args: string[], opts: { timeoutMs?: number } = {}): Promise<CliOutcome> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.INFERENCE_PROVIDERS;
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, env });
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
