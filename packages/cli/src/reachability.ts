import { Redis } from 'ioredis';

/** A service the command needs (Redis, the ingest API) did not answer; the message names the address and the cause. */
export class ServiceUnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServiceUnreachableError';
  }
}

/** How long a command waits for a service before it says so. */
export const REACH_TIMEOUT_MS = 4000;

/**
 * Connects to Redis once, without retrying, and pings it: a command that needs Redis says within
 * seconds that it is not there, instead of retrying forever with a stack trace per attempt.
 */
export async function checkRedis(url: string, timeoutMs = REACH_TIMEOUT_MS): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  let lastError: unknown;
  redis.on('error', (err: unknown) => (lastError = err)); // reported once, below
  try {
    await withTimeout(
      redis.connect().then(() => redis.ping()),
      timeoutMs,
    );
  } catch (err) {
    throw new ServiceUnreachableError(`cannot reach Redis at ${redactUrl(url)}: ${causeOf(lastError ?? err)}`, { cause: err });
  } finally {
    redis.disconnect();
  }
}

/** fetch() that names the URL and the cause when the service does not answer, and gives up after a few seconds. */
export async function fetchService(what: string, url: URL, init: RequestInit = {}, timeoutMs = REACH_TIMEOUT_MS): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new ServiceUnreachableError(`cannot reach ${what} at ${redactUrl(url.href)}: ${causeOf(err)}`, { cause: err });
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The innermost cause in words: "connect ECONNREFUSED 127.0.0.1:1", "no answer within 4 s". */
function causeOf(err: unknown): string {
  let e: unknown = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  if (e instanceof Error && e.name === 'TimeoutError') return `no answer within ${REACH_TIMEOUT_MS / 1000} s`;
  if (e instanceof Error) return e.message || (e as NodeJS.ErrnoException).code || e.name;
  return String(e);
}

/** The address without a password, so that it can be printed. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.href.replace(/\/$/, '');
  } catch {
    return url;
  }
}
