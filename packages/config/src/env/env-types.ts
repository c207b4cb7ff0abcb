import { z } from 'zod';

/** A boolean variable: "true"/"false"/"1"/"0" (any case). */
export function envBool() {
  return z.stringbool({
    truthy: ['true', '1'],
    falsy: ['false', '0'],
    error: 'must be true, false, 1 or 0',
  });
}

/** An integer variable within [min, max]. */
export function envInt(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
  return z
    .string()
    .trim()
    .regex(/^[+-]?\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

/** A URL variable whose scheme must be one of `schemes`. */
export function envUrl(schemes: string[]) {
  return z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          return schemes.includes(new URL(value).protocol.replace(/:$/, ''));
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${schemes.map((s) => `${s}://`).join(' or ')}`,
    );
}
