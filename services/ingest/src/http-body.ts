import type { IncomingMessage, ServerResponse } from 'node:http';
import { InputError } from '@vertxnet/core';
import { sendJson } from '@vertxnet/queue';

/** A body this many times over the limit is cut off rather than read to its end. */
const DRAIN_FACTOR = 4;

/**
 * The request body as text; an InputError when it is over maxBytes. Past the limit nothing more
 * is kept, but the rest is still read (up to DRAIN_FACTOR × maxBytes), so that the client gets
 * the 413 and not a connection reset in the middle of its upload.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes * DRAIN_FACTOR) {
      req.destroy();
      break;
    }
    if (size <= maxBytes) chunks.push(chunk);
  }
  if (size > maxBytes) throw new InputError(`body is larger than ${maxBytes} bytes`);
  return Buffer.concat(chunks).toString('utf8');
}

/** The body parsed as JSON, or false after answering 413 (too large) or 400 (not JSON). */
export async function readJsonBody(req: IncomingMessage, res: ServerResponse, maxBytes: number): Promise<{ body: unknown } | false> {
  try {
    return { body: JSON.parse(await readBody(req, maxBytes)) as unknown };
  } catch (err) {
    sendJson(res, err instanceof InputError ? 413 : 400, { error: err instanceof InputError ? err.message : 'body is not valid JSON' });
    return false;
  }
}

export function methodNotAllowed(res: ServerResponse, allow: string): true {
  res.setHeader('Allow', allow);
  sendJson(res, 405, { error: 'method not allowed' });
  return true;
}
