import { ZodError } from 'zod';

/**
 * One line a person reads for an error that ends a command: zod's issue lists become "field:
 * problem", and a system error underneath (ECONNREFUSED, EACCES, ...) is added when the message
 * does not already say it: a wrapped "S3 unavailable" then also says "connect ECONNREFUSED 127.0.0.1:9000".
 */
export function readableError(err: unknown): string {
  if (err instanceof ZodError) {
    return err.issues.map((issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`).join('; ');
  }
  if (!(err instanceof Error)) return String(err);
  const message = err.message || err.name;
  const cause = systemCause(err);
  // The address is in the system error's message ("connect ECONNREFUSED 127.0.0.1:9000"), not in its code.
  return cause && !message.includes(cause.message) ? `${message}: ${cause.message}` : message;
}

function systemCause(err: Error): (Error & { code: string }) | undefined {
  let found: (Error & { code: string }) | undefined;
  for (let e: unknown = err.cause; e instanceof Error; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) found = e as Error & { code: string };
  }
  return found;
}
