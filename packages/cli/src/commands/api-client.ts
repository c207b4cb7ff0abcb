import { readFileSync } from 'node:fs';
import type { Command } from 'commander';

/** How the CLI reaches the ingest service's runs API, and with which token. */
export interface ApiAuthOptions {
  token?: string;
  tokenFile?: string;
}

export function addApiTokenOptions(command: Command): Command {
  return command
    .option('--token-file <path>', 'file holding the ingest API token (with --api)')
    .option('--token <token>', 'ingest API token (with --api); env VERTXNET_API_TOKEN keeps it out of the process list');
}

/** The Authorization header: --token-file, else --token, else VERTXNET_API_TOKEN; none without any. */
export function apiHeaders(opts: ApiAuthOptions): Record<string, string> {
  const token = opts.tokenFile !== undefined ? readTokenFile(opts.tokenFile) : (opts.token ?? process.env.VERTXNET_API_TOKEN);
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** Throws one readable line when the API refused the caller (401). */
export function checkApiAuth(res: Response, api: string, headers: Record<string, string>): void {
  if (res.status !== 401) return;
  const why = headers.authorization ? 'the API token was not accepted' : 'no API token given (set VERTXNET_API_TOKEN, or use --token-file or --token)';
  throw new Error(`ingest API at ${new URL(api).origin} answered 401: ${why}`);
}

function readTokenFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new Error(`--token-file ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
}
