import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigError } from '@vertxnet/core';
import { sendJson } from '@vertxnet/queue';
import type { IngestConfig } from './env.js';

/** Who may call the runs API: holders of one bearer token, or (API_INSECURE_DEV) anyone. */
export type ApiAuth = { kind: 'token'; digest: Buffer } | { kind: 'open' };

const MIN_TOKEN_LENGTH = 16;

/** The API's token from API_TOKEN or API_TOKEN_FILE; throws ConfigError when the file is unusable. */
export function readApiAuth(config: Pick<IngestConfig, 'API_TOKEN' | 'API_TOKEN_FILE' | 'API_INSECURE_DEV'>): ApiAuth {
  let token = config.API_TOKEN;
  if (token === undefined && config.API_TOKEN_FILE !== undefined) {
    try {
      token = readFileSync(config.API_TOKEN_FILE, 'utf8').trim();
    } catch (err) {
      throw new ConfigError(`ingest: API_TOKEN_FILE ${config.API_TOKEN_FILE} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, {
        cause: err,
      });
    }
    if (token.length < MIN_TOKEN_LENGTH) throw new ConfigError(`ingest: the token in API_TOKEN_FILE must be at least ${MIN_TOKEN_LENGTH} characters`);
  }
  if (token === undefined) {
    if (!config.API_INSECURE_DEV) throw new ConfigError('ingest: API_TOKEN or API_TOKEN_FILE is required');
    return { kind: 'open' };
  }
  return { kind: 'token', digest: digest(token) };
}

/**
 * Whether the request carries the token. Both sides are hashed first, so the comparison takes
 * the same time whatever the length or the first differing byte of what was sent.
 */
export function isAuthorized(req: IncomingMessage, auth: ApiAuth): boolean {
  if (auth.kind === 'open') return true;
  const presented = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')?.[1];
  if (presented === undefined) return false;
  return timingSafeEqual(digest(presented), auth.digest);
}

/** 401 with the challenge RFC 6750 asks for. */
export function refuseUnauthorized(req: IncomingMessage, res: ServerResponse): void {
  const sent = req.headers.authorization !== undefined;
  res.setHeader('WWW-Authenticate', sent ? 'Bearer realm="vertxnet", error="invalid_token"' : 'Bearer realm="vertxnet"');
  sendJson(res, 401, { error: sent ? 'invalid API token' : 'an API token is required (Authorization: Bearer <token>)' });
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
