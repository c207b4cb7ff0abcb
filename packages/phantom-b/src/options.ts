import { z } from 'zod';

/** Options of `vertxnet-phantom-b`, validated once so a bad value fails with one clear line. */
export const SetOptionsSchema = z.object({
  count: z.coerce.number().int('--count must be a whole number').min(1, '--count must be at least 1').max(100_000, '--count must be at most 100000'),
  seed: z.coerce
    .number()
    .int('--seed must be a whole number')
    .min(0, '--seed must be 0 or more')
    .max(2 ** 31 - 1, '--seed must be below 2^31'),
  out: z.string().min(1, '--out needs a folder'),
  view: z.enum(['cervical', 'lumbar', 'both'], { error: '--view must be cervical, lumbar or both' }),
  partialShare: z.coerce.number().min(0, '--partial-share must be in [0, 1]').max(1, '--partial-share must be in [0, 1]'),
  bits: z.coerce
    .number()
    .refine((b) => b === 8 || b === 16, '--bits must be 8 or 16')
    .transform((b) => b as 8 | 16),
  contactSheet: z.boolean(),
});

export type SetOptions = z.infer<typeof SetOptionsSchema>;

/** Validates raw CLI values; throws an Error whose message is one line naming the bad option. */
export function parseSetOptions(raw: Record<string, unknown>): SetOptions {
  const result = SetOptionsSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = issue?.path.join('.') ?? 'options';
    const message = issue?.message ?? 'invalid options';
    throw new Error(message.startsWith('--') ? message : `--${name}: ${message}`);
  }
  return result.data;
}
