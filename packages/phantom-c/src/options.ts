import { availableParallelism } from 'node:os';
import { z } from 'zod';

export type ViewChoice = 'cervical' | 'lumbar' | 'both';

/** Everything a run of `vertxnet-phantom-c` needs, validated. */
export interface SetOptions {
  count: number;
  seed: number;
  out: string;
  view: ViewChoice;
  partialShare: number;
  bits: 8 | 16;
  jobs: number;
  contactSheet: boolean;
}

/** A bad option: its message names the option, for the one line the command prints. */
export class OptionError extends Error {}

const integer = (name: string, min: number, max: number): z.ZodType<number> =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`));

const schema = z.object({
  count: integer('--count', 1, 1_000_000),
  seed: integer('--seed', 0, 2 ** 31 - 1),
  out: z.string({ error: '--out <dir> is required' }).min(1, '--out <dir> is required'),
  view: z.enum(['cervical', 'lumbar', 'both'], { error: '--view must be cervical, lumbar or both' }),
  partialShare: z
    .string()
    .regex(/^(\d+(\.\d*)?|\.\d+)$/, '--partial-share must be a number from 0 to 1')
    .transform(Number)
    .pipe(z.number().min(0, '--partial-share must be from 0 to 1').max(1, '--partial-share must be from 0 to 1')),
  bits: z.enum(['8', '16'], { error: '--bits must be 8 or 16' }).transform((b) => (b === '8' ? 8 : 16) as 8 | 16),
  jobs: integer('--jobs', 1, 64),
  contactSheet: z.boolean(),
});

export const DEFAULT_JOBS = Math.min(2, availableParallelism());

/** Validates the options as commander hands them over (strings, and a flag). */
export function parseOptions(raw: Record<string, unknown>): SetOptions {
  const input = {
    count: raw.count,
    seed: raw.seed ?? '1',
    out: raw.out,
    view: raw.view ?? 'both',
    partialShare: raw.partialShare ?? '0.3',
    bits: raw.bits ?? '8',
    jobs: raw.jobs ?? String(DEFAULT_JOBS),
    contactSheet: raw.contactSheet === true,
  };
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new OptionError(parsed.error.issues[0]?.message ?? 'bad options');
  return parsed.data;
}
