import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressLine } from './progress.js';

function capture(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & { isTTY: boolean };
  stream.isTTY = isTTY;
  const chunks: string[] = [];
  (stream as unknown as PassThrough).on('data', (c: Buffer) => chunks.push(c.toString()));
  return { stream, text: () => chunks.join('') };
}

describe('progressLine', () => {
  it('off a terminal writes whole lines: the first, then at most one per interval, and the last', async () => {
    const { stream, text } = capture(false);
    const p = progressLine('films', stream, 60_000);
    for (let i = 1; i <= 50; i++) p.update(i, 50);
    p.end();
    await new Promise((r) => setImmediate(r));
    expect(text()).toBe('films 1/50\nfilms 50/50\n');
  });

  it('on a terminal redraws one line in place and ends it', async () => {
    const { stream, text } = capture(true);
    const p = progressLine('films', stream);
    p.update(1, 2);
    p.update(2, 2);
    p.end();
    await new Promise((r) => setImmediate(r));
    expect(text()).toBe('\rfilms 1/2\rfilms 2/2\n');
  });
});
