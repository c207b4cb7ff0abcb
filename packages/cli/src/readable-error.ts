import { ZodError } from 'zod';

/** One line a person reads for an error that ends a command; zod's issue lists become "field: problem". */
export function readableError(err: unknown): string {
  if (err instanceof ZodError) {
    return err.issues.map((issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`).join('; ');
  }
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
