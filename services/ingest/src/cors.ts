import type { IncomingMessage } from 'node:http';

/**
 * Origins whose pages may call the marks API from a browser: a review page on a static website
 * (https://review.example.org) or opened from a file ("null", which every file:// page sends, so
 * only where the token alone is the guard).
 */
export type CorsPolicy = ReadonlySet<string>;

export function parseCorsOrigins(text: string): CorsPolicy {
  return new Set(
    text
      .split(',')
      .map((o) => o.trim())
      .filter((o) => o !== ''),
  );
}

/** The CORS answer for the request's Origin: nothing when it is not allowed (the browser then refuses). */
export function corsHeaders(req: IncomingMessage, policy: CorsPolicy): Record<string, string> {
  const origin = req.headers.origin;
  if (origin === undefined || !policy.has(origin)) return {};
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
    'Access-Control-Allow-Headers': 'Authorization, Content-Type',
    'Access-Control-Max-Age': '600',
    Vary: 'Origin',
  };
}
