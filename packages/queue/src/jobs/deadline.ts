import { TransientError } from '@vertxnet/core';

/**
 * Runs one attempt of a stage under its time limit. The handler gets a signal that aborts when
 * the limit passes or `outer` aborts (BullMQ cancelling the job); an attempt over its limit is
 * rejected with a TransientError at once (so it is retried), even if the handler ignores the signal.
 */
export async function withDeadline<T>(stage: string, timeoutMs: number, outer: AbortSignal | undefined, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const forward = (): void => controller.abort(outer?.reason);
  if (outer?.aborted) forward();
  outer?.addEventListener('abort', forward, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    if (timeoutMs <= 0) return;
    timer = setTimeout(() => {
      const err = new TransientError(`${stage} took longer than its limit of ${timeoutMs} ms`, { code: 'STAGE_TIMEOUT' });
      controller.abort(err);
      reject(err);
    }, timeoutMs);
  });
  try {
    return await Promise.race([run(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', forward);
  }
}
