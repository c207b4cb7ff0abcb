import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeResult, writeFakeRun } from '../../../../test/helpers/review-run.js';
import { itemFromFailure, itemFromResult, reviewOrder, type ReviewItem } from './cards.js';
import { buildReviewData, indexScript, pageFileName, pageScript, scriptJson, type ReviewIndex } from './site-data.js';
import { ReviewInputError, writeReviewSite } from './write-site.js';

function item(name: string, confidence: number, flags: string[] = [], view: 'cervical' | 'lumbar' = 'lumbar'): ReviewItem {
  const r = fakeResult(view, name);
  return itemFromResult(name, { ...r, qc: { flags: flags as never, confidence } }, 'overlay-small.jpg');
}

describe('review cards', () => {
  it('takes a card and its detail from result.json: levels, flags, heights in mm per vertebra', () => {
    const it0 = item('a.png', 0.42, ['low-confidence']);
    expect(it0).toMatchObject({ name: 'a.png', source: 'file:///cohort/a.png', view: 'lumbar', confidence: 0.42, flags: ['low-confidence'] });
    expect(it0.levels).toEqual(['T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'S1']);
    const d = it0.detail;
    expect(d).toMatchObject({ overlay: 'overlay-small.jpg', unit: 'mm', view: { value: 'lumbar', source: 'reference' }, image: { width: 300, height: 400 } });
    expect(d.vertebrae).toHaveLength(7);
    const l3 = d.vertebrae![3]!;
    expect(l3.level).toBe('L3');
    expect(l3.anteriorHeight).toBeGreaterThan(2); // mm at 0.15 mm per px
    expect(l3.wedgeRatio).toBeGreaterThan(0.5);
    expect(typeof l3.superiorEndplateAngle).toBe('number');
    expect(JSON.stringify(d)).not.toContain('polygon');
  });

  it('orders failed images first, then needs-review, then ascending confidence, ties by name', () => {
    const items = [
      item('sure.png', 0.95),
      item('low.png', 0.3, ['low-confidence']),
      item('flagged.png', 0.9, ['needs-review']),
      itemFromFailure('bad.png', 'file:///cohort/bad.png', 'not an image'),
      item('b-mid.png', 0.6),
      item('a-mid.png', 0.6),
      item('flagged-low.png', 0.2, ['low-confidence', 'needs-review']),
    ];
    expect([...items].sort(reviewOrder).map((i) => i.name)).toEqual([
      'bad.png',
      'flagged-low.png',
      'flagged.png',
      'low.png',
      'a-mid.png',
      'b-mid.png',
      'sure.png',
    ]);
  });
});

describe('review data', () => {
  const items = [
    item('c1.png', 0.8, [], 'cervical'),
    item('l1.png', 0.5, ['labels-skipped']),
    item('l2.png', 0.7, ['needs-review', 'labels-skipped']),
    itemFromFailure('bad.png', 'file:///cohort/bad.png', 'PNG is truncated'),
    item('l3.png', 0.9),
    item('c2.png', 0.1, ['low-confidence'], 'cervical'),
    item('l4.png', 0.95),
  ];
  const data = buildReviewData({ id: 'r1', source: '/cohort' }, items, { pageSize: 3, builtAt: 'now', thumbnails: new Set(['c1.png', 'l2.png']) });

  it('splits the details into pages in review order', () => {
    expect(data.index.pages).toBe(3);
    expect(data.pages.map((p) => p.map((d) => d.name))).toEqual([['bad.png', 'l2.png', 'c2.png'], ['l1.png', 'c1.png', 'l3.png'], ['l4.png']]);
    expect(data.index.cards.map((c) => c.n)).toEqual(data.pages.flat().map((d) => d.name));
  });

  it('gives each card indices into the flag, view and level lists, needs-review first', () => {
    const { index } = data;
    expect(index.flags[0]).toBe('needs-review');
    expect([...index.flags].sort()).toEqual(['labels-skipped', 'low-confidence', 'needs-review']);
    const byName = (n: string) => index.cards.find((c) => c.n === n)!;
    const l2 = byName('l2.png');
    expect(l2.f.map((f) => index.flags[f])).toEqual(['needs-review', 'labels-skipped']);
    expect(index.views[l2.v]).toBe('lumbar');
    expect(l2.l.map((l) => index.levels[l])).toEqual(['T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'S1']);
    expect(l2.t).toBe(1);
    expect(byName('l1.png').t).toBeUndefined();
    expect(byName('bad.png')).toEqual({ n: 'bad.png', v: -1, f: [], l: [], x: 1 });
    expect(index.levels.slice(0, 7)).toEqual(['C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'T1']);
    expect(index.failures).toEqual([{ name: 'bad.png', source: 'file:///cohort/bad.png', reason: 'PNG is truncated' }]);
  });

  it('writes the index and the pages as scripts that assign globals, safe inside a page', () => {
    expect(pageFileName(0)).toBe('page-0001.js');
    expect(pageFileName(122)).toBe('page-0123.js');
    expect(scriptJson({ s: '</script><b>\u2028' })).toBe('{"s":"\\u003c/script>\\u003cb>\\u2028"}');
    const window: { VERTXNET_REVIEW?: ReviewIndex; VERTXNET_REVIEW_PAGES?: Record<number, unknown[]> } = {};
    runInNewContext(indexScript(data.index) + pageScript(1, data.pages[1]!), { window });
    expect(window.VERTXNET_REVIEW).toEqual(data.index);
    expect(window.VERTXNET_REVIEW_PAGES?.[1]).toEqual(data.pages[1]);
  });

  it('refuses a page size that is not a whole number > 0', () => {
    expect(() => buildReviewData({ id: 'r', source: '' }, items, { pageSize: 0 })).toThrow(RangeError);
  });
});

describe('writeReviewSite', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'vx-review-site-'));
  });
  afterAll(async () => rm(tmp, { recursive: true, force: true }));

  it('writes the page, thumbnails and data pages; keeps thumbnails on a rebuild; drops stale pages', async () => {
    const run = join(tmp, 'run');
    await writeFakeRun(run, [
      { name: 'a.png', confidence: 0.9 },
      { name: 'b.png', view: 'cervical', confidence: 0.4, flags: ['low-confidence'] },
      { name: 'c.png', confidence: 0.7 },
      { name: 'bad.png', failure: 'not an image (the content is text)' },
    ]);
    await mkdir(join(run, 'empty-folder'));
    const first = await writeReviewSite(run, { pageSize: 2 });
    expect(first).toMatchObject({ images: 4, failed: 1, thumbnails: { written: 3, reused: 0 } });
    expect((await readdir(join(run, 'review'))).sort()).toEqual([
      'data',
      'index.html',
      'review-detail.js',
      'review-post.js',
      'review.css',
      'review.js',
      'thumbs',
    ]);
    expect((await readdir(join(run, 'review', 'data'))).sort()).toEqual(['index.js', 'page-0001.js', 'page-0002.js']);
    const thumb = await sharp(join(run, 'review', 'thumbs', 'b.png.jpg')).metadata();
    expect([thumb.format, Math.max(thumb.width, thumb.height)]).toEqual(['jpeg', 256]);
    const window: { VERTXNET_REVIEW?: ReviewIndex } = {};
    runInNewContext(await readFile(join(run, 'review', 'data', 'index.js'), 'utf8'), { window });
    expect(window.VERTXNET_REVIEW?.cards.map((c) => c.n)).toEqual(['bad.png', 'b.png', 'c.png', 'a.png']);
    expect(window.VERTXNET_REVIEW?.run).toEqual({ id: 'run-review-test', source: '/cohort', finishedAt: '2026-12-01T12:00:00.000Z' });

    const again = await writeReviewSite(run, { pageSize: 10 });
    expect(again.thumbnails).toEqual({ written: 0, reused: 3 });
    expect(await readdir(join(run, 'review', 'data'))).toEqual(['index.js', 'page-0001.js']);
  });

  it('lists a result.json it cannot read as a failure rather than stopping', async () => {
    const run = join(tmp, 'broken');
    await writeFakeRun(run, [{ name: 'a.png' }]);
    await mkdir(join(run, 'half.png'));
    await writeFile(join(run, 'half.png', 'result.json'), '{"schemaVersion": 1, "vert');
    const report = await writeReviewSite(run);
    expect(report).toMatchObject({ images: 2, failed: 1 });
    const index = await readFile(join(run, 'review', 'data', 'index.js'), 'utf8');
    expect(index).toMatch(/"name":"half.png","source":"","reason":"result.json unreadable: [^"]+"/);
  });

  it('says in one line why a folder is not a run', async () => {
    await expect(writeReviewSite(join(tmp, 'missing'))).rejects.toThrow(new ReviewInputError(`${join(tmp, 'missing')}: no such folder`));
    const plain = join(tmp, 'plain');
    await mkdir(plain);
    await expect(writeReviewSite(plain)).rejects.toThrow(/is not a run folder: it has no run.json/);
    await writeFile(join(plain, 'run.json'), '{"id": ');
    await expect(writeReviewSite(plain)).rejects.toThrow(/run.json is not valid JSON/);
    await writeFile(join(plain, 'run.json'), '{}');
    await expect(writeReviewSite(plain)).rejects.toBeInstanceOf(ReviewInputError);
    expect((await stat(plain)).isDirectory()).toBe(true);
  });
});
