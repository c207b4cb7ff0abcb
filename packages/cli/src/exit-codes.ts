/**
 * What `vertxnet` exits with, so that a script can tell a partial run from a failed one without
 * reading the output. Commander's own usage errors also exit with 1.
 */
export const ExitCode = {
  /** Every image got a result (or the command did what it was asked). */
  ok: 0,
  /** The command could not do its work: bad option, missing input, unusable output, service unreachable. */
  error: 1,
  /** Some images failed; the others have results. */
  someFailed: 2,
  /** No image got a result: all failed, or the source held no images. */
  noneSucceeded: 3,
  /** Stopped by Ctrl-C (128 + SIGINT); what was done is kept and the next run resumes it. */
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit code of a run from its counts of images and results. */
export function runExitCode(counts: { images: number; succeeded: number; failed: number }): ExitCodeValue {
  if (counts.images === 0 || counts.succeeded === 0) return ExitCode.noneSucceeded;
  return counts.failed > 0 ? ExitCode.someFailed : ExitCode.ok;
}

/** The exit codes as `--help` shows them. */
export const EXIT_CODES_HELP = [
  'Exit codes:',
  '  0    every image got a result (other commands: done)',
  '  1    the command failed: bad option, missing input, unusable --out, service unreachable',
  '  2    some images failed (the count is printed); the others have results',
  '  3    no image got a result: all failed, or no images were found',
  '  130  interrupted (Ctrl-C); results so far are kept and the same command resumes',
].join('\n');
