import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFakeRun, type FakeImage } from '../../../../test/helpers/review-run.js';
import { vertxnet } from '../../../../test/helpers/vertxnet-cli.js';

/** Debian's chromium package (.ci/run installs it); puppeteer-core downloads no browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Expected order: the failure, then needs-review (by confidence), then the rest by ascending confidence.
const IMAGES: FakeImage[] = [
  { name: 'lumbar-sure.png', view: 'lumbar', confidence: 0.97 },
  { name: 'cervical-low.png', view: 'cervical', confidence: 0.31, flags: ['low-confidence'] },
  { name: 'lumbar-flagged.png', view: 'lumbar', confidence: 0.88, flags: ['needs-review', 'labels-skipped'] },
  { name: 'cervical-mid.png', view: 'cervical', confidence: 0.74 },
  { name: 'lumbar-mid.png', view: 'lumbar', confidence: 0.62, flags: ['labels-skipped'] },
  { name: 'cervical-flagged.png', view: 'cervical', confidence: 0.55, flags: ['needs-review'] },
  { name: 'broken.png', failure: 'broken.png: PNG is truncated or corrupt' },
];
const ORDER = ['broken.png', 'cervical-flagged.png', 'lumbar-flagged.png', 'cervical-low.png', 'lumbar-mid.png', 'cervical-mid.png', 'lumbar-sure.png'];

let tmp: string;
let run: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vx-cli-review-'));
  run = join(tmp, 'run');
  await writeFakeRun(run, IMAGES, { id: 'run-0042' });
});
afterAll(async () => rm(tmp, { recursive: true, force: true }));

describe('vertxnet review: the command', () => {
  it('is listed in --help and explains itself in review --help', async () => {
    const top = await vertxnet(['--help']);
    expect(top.stdout).toMatch(/^ {2}review \[options\] <run> +Write a static review page/m);
    const help = await vertxnet(['review', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/review-marks\.json/);
    expect(help.stdout).toMatch(/j\/k or arrows/);
  });

  it('exits 1 with one line when RUN is missing or not a run folder', async () => {
    const missing = await vertxnet(['review', join(tmp, 'nowhere')]);
    expect(missing).toMatchObject({ code: 1, stdout: '', stderr: `vertxnet: ${join(tmp, 'nowhere')}: no such folder\n` });
    const plain = join(tmp, 'plain');
    await mkdir(plain);
    const notRun = await vertxnet(['review', plain]);
    expect(notRun.code).toBe(1);
    expect(notRun.stderr).toMatch(/^vertxnet: .*plain is not a run folder: it has no run\.json[^\n]*\n$/);
    const s3 = await vertxnet(['review', 's3://bucket/run']);
    expect(s3.code).toBe(1);
    expect(s3.stderr.trimEnd().split('\n')).toHaveLength(1);
    for (const api of ['ftp://ingest.example.org', 'not a url', 'https://user:pw@ingest.example.org']) {
      const bad = await vertxnet(['review', run, '--api', api]);
      expect(bad.code, api).toBe(1);
      expect(bad.stderr, api).toMatch(/^vertxnet: --api [^\n]*\n$/);
    }
  });

  it('writes RUN/review/index.html and says where', async () => {
    const { code, stdout } = await vertxnet(['review', run]);
    expect(code).toBe(0);
    expect(stdout).toContain('review page of 7 images (1 failed)');
    expect(stdout.trimEnd().endsWith(join(run, 'review', 'index.html'))).toBe(true);
  });
});

describe('vertxnet review: the page in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  const downloads = () => join(tmp, 'downloads');

  beforeAll(async () => {
    if ((await vertxnet(['review', run])).code !== 0) throw new Error('vertxnet review failed');
    browser = await puppeteer.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless=new'] });
    page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(pathToFileURL(join(run, 'review', 'index.html')).href);
    await page.waitForSelector('#grid .card');
    expect(errors).toEqual([]);
    // Built without --api: no posting controls.
    expect(await page.$eval('#post', (e) => e.hasAttribute('hidden'))).toBe(true);
  });
  afterAll(async () => browser?.close());

  const visibleNames = () => page.$$eval('#grid .card', (cards) => cards.map((c) => c.getAttribute('data-name')));

  it('shows a card per image in review order, failures listed with their reasons', async () => {
    expect(await visibleNames()).toEqual(ORDER);
    expect(await page.$eval('#count', (e) => e.textContent)).toBe('showing 1–7 of 7');
    expect(await page.$$eval('#grid .card.needs-review', (cs) => cs.map((c) => c.getAttribute('data-name')))).toEqual([
      'cervical-flagged.png',
      'lumbar-flagged.png',
    ]);
    expect(await page.$eval('#failures-rows', (e) => e.textContent)).toContain('PNG is truncated or corrupt');
    // Thumbnails load from file:// (a broken image has naturalWidth 0).
    await page.waitForFunction("[...document.querySelectorAll('#grid img.thumb')].every((i) => i.complete)");
    expect(await page.evaluate("[...document.querySelectorAll('#grid img.thumb')].map((i) => i.naturalWidth > 0)")).toEqual(Array(6).fill(true));
  });

  it('hides the cards a filter leaves out, and shows them again', async () => {
    const views = await page.$$eval('#filter-view option', (os) => os.map((o) => [o.getAttribute('value'), o.textContent]));
    await page.select('#filter-view', views.find(([, t]) => t === 'cervical')![0]!);
    expect(await visibleNames()).toEqual(['cervical-flagged.png', 'cervical-low.png', 'cervical-mid.png']);
    const flags = await page.$$eval('#filter-flag option', (os) => os.map((o) => [o.getAttribute('value'), o.textContent]));
    await page.select('#filter-view', '');
    await page.select('#filter-flag', flags.find(([, t]) => t === 'labels-skipped')![0]!);
    expect(await visibleNames()).toEqual(['lumbar-flagged.png', 'lumbar-mid.png']);
    await page.select('#filter-flag', '');
    const levels = await page.$$eval('#filter-level option', (os) => os.map((o) => [o.getAttribute('value'), o.textContent]));
    await page.select('#filter-level', levels.find(([, t]) => t === 'has C4')![0]!);
    expect(await visibleNames()).toEqual(['cervical-flagged.png', 'cervical-low.png', 'cervical-mid.png']);
    await page.select('#filter-level', '');
    await page.select('#filter-status', 'failed');
    expect(await visibleNames()).toEqual(['broken.png']);
    await page.select('#filter-status', '');
    expect(await visibleNames()).toEqual(ORDER);
  });

  it('opens the detail view of a clicked card, with its overlay and per-vertebra table; Esc closes it', async () => {
    await page.click('#grid .card[data-name="lumbar-flagged.png"]');
    await page.waitForSelector('#detail-info table.vertebrae');
    expect(await page.$eval('#detail', (e) => e.hasAttribute('hidden'))).toBe(false);
    expect(await page.$eval('#detail-name', (e) => e.textContent)).toBe('lumbar-flagged.png');
    const levels = await page.$$eval('#detail-info table.vertebrae tbody tr', (rows) => rows.map((r) => r.firstElementChild!.textContent));
    expect(levels).toEqual(['T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'S1']);
    const headers = await page.$$eval('#detail-info table.vertebrae th', (ths) => ths.map((t) => t.textContent));
    expect(headers).toContain('ant. mm');
    expect(await page.$eval('#detail-info dl', (e) => e.textContent)).toContain('needs-review, labels-skipped');
    await page.waitForFunction("(document.querySelector('#detail-figure img')?.naturalWidth ?? 0) > 0");
    expect(await page.$eval('#detail-figure img', (i) => i.getAttribute('src'))).toMatch(/\/lumbar-flagged\.png\/overlay-small\.jpg$/);
    await page.keyboard.press('Escape');
    expect(await page.$eval('#detail', (e) => e.hasAttribute('hidden'))).toBe(true);
  });

  it('moves with j/k, opens with Enter, marks with w, and saves the mark in review-marks.json', async () => {
    // The clicked card (2nd of 7 after the failure and the cervical flagged one) stays selected.
    const selected = () => page.$eval('#grid .card.selected', (c) => c.getAttribute('data-name'));
    expect(await selected()).toBe('lumbar-flagged.png');
    await page.keyboard.press('j');
    expect(await selected()).toBe('cervical-low.png');
    await page.keyboard.press('k');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#detail-info table.vertebrae');
    expect(await page.$eval('#detail-name', (e) => e.textContent)).toBe('cervical-low.png');
    await page.keyboard.press('w');
    expect(await page.$eval('#detail-info .mark-now', (e) => e.textContent)).toMatch(/^Marked wrong at /);
    await page.keyboard.press('Escape');
    await page.keyboard.press('k');
    await page.keyboard.press('r');
    expect(await page.$eval('#grid .card[data-name="cervical-low.png"] .badge', (e) => e.textContent)).toBe('✗ wrong');
    expect(await page.$eval('#grid .card[data-name="lumbar-flagged.png"] .badge', (e) => e.textContent)).toBe('✓ right');

    const stored = (await page.evaluate("localStorage.getItem('vertxnet-review-marks:run-0042')")) as string | null;
    expect(Object.keys(JSON.parse(stored!) as object).sort()).toEqual(['cervical-low.png', 'lumbar-flagged.png']);

    await mkdir(downloads(), { recursive: true });
    const session = await browser.target().createCDPSession();
    await session.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads(), eventsEnabled: true });
    const done = new Promise<void>((resolve, reject) => {
      session.on('Browser.downloadProgress', (e) => {
        if (e.state === 'completed') resolve();
        if (e.state === 'canceled') reject(new Error('download canceled'));
      });
    });
    await page.click('#save-marks');
    await done;
    const file = JSON.parse(await readFile(join(downloads(), 'review-marks.json'), 'utf8')) as {
      run: string;
      marks: { image: string; mark: string; time: string }[];
    };
    expect(file.run).toBe('run-0042');
    expect(file.marks).toEqual([
      { image: 'cervical-low.png', mark: 'wrong', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      { image: 'lumbar-flagged.png', mark: 'right', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
    ]);
  });

  it('keeps the marks when the page is opened again, and filters by them', async () => {
    await page.reload();
    await page.waitForSelector('#grid .card');
    expect(await page.$eval('#save-marks', (e) => e.textContent)).toBe('Save marks (2)');
    await page.select('#filter-mark', 'wrong');
    expect(await visibleNames()).toEqual(['cervical-low.png']);
  });
});
