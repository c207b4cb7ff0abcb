import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '@vertxnet/core';
import { isImageKey, listSource, parseCsv, resultName } from './sources.js';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('sources', () => {
  it('lists image files of a folder recursively in key order, skipping others and hidden ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vx-src-'));
    await mkdir(join(dir, 'b'), { recursive: true });
    await mkdir(join(dir, '.cache'), { recursive: true });
    for (const f of ['a.png', 'b/c.JPG', 'notes.txt', '.cache/x.png', 'd.dcm']) await writeFile(join(dir, f), 'x');
    const items = await collect(listSource(dir));
    expect(items.map((i) => i.key)).toEqual(['a.png', 'b/c.JPG', 'd.dcm']);
    const resumed = await collect(listSource(dir, { startAfter: 'a.png' }));
    expect(resumed.map((i) => i.key)).toEqual(['b/c.JPG', 'd.dcm']);
  });

  it('takes a single file and a manifest with views', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vx-src-'));
    await writeFile(join(dir, 'one.png'), 'x');
    expect((await collect(listSource(join(dir, 'one.png')))).map((i) => i.key)).toEqual(['one.png']);
    await writeFile(join(dir, 'm.csv'), 'uri,view\none.png,lumbar\n"two, quoted.png",cervical\n');
    const rows = await collect(listSource(join(dir, 'm.csv')));
    expect(rows.map((r) => [r.key, r.view])).toEqual([
      ['one.png', 'lumbar'],
      ['two, quoted.png', 'cervical'],
    ]);
    // A bad row is listed with why it is rejected (it fails alone); the rows after it still list.
    await writeFile(join(dir, 'bad.csv'), 'uri,view\none.png,thoracic\n../../etc/passwd\none.png,lumbar\n');
    expect((await collect(listSource(join(dir, 'bad.csv')))).map((r) => [r.key, r.rejected ?? r.view])).toEqual([
      ['one.png', 'bad.csv row 2: view "thoracic" is not cervical or lumbar'],
      ['../../etc/passwd', expect.stringMatching(/^bad\.csv row 3: .*escapes its root/)],
      ['one.png', 'lumbar'],
    ]);
    await writeFile(join(dir, 'nouri.csv'), 'path\none.png\n');
    await expect(collect(listSource(join(dir, 'nouri.csv')))).rejects.toBeInstanceOf(InputError);
  });

  it('names result folders uniquely after the source key', () => {
    expect(resultName('p1/lat.png')).toBe('p1__lat.png');
    expect(resultName('p2/lat.png')).not.toBe(resultName('p1/lat.png'));
    expect(isImageKey('x/.hidden.png')).toBe(false);
    expect(parseCsv('a,"b ""q"""\r\n1,2')).toEqual([
      ['a', 'b "q"'],
      ['1', '2'],
    ]);
  });

  it('says clearly when the source does not exist', async () => {
    await expect(collect(listSource(join(tmpdir(), 'no-such-dir-vx')))).rejects.toThrow(/does not exist/);
  });
});
