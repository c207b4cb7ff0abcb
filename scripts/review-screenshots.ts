// Screenshots of the review page for docs/: runs the real pipeline on the example films (and one
// file that is not an image, to show a failure), builds the review page, and photographs the grid
// and a detail view in headless Chromium.
//   npm run build && npx tsx scripts/review-screenshots.ts
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';
import sharp from 'sharp';

const ROOT = new URL('../', import.meta.url).pathname;
const MAIN = join(ROOT, 'packages/cli/dist/main.js');
const EXAMPLES = join(ROOT, 'examples/phantom/images');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function vertxnet(args: string[]): void {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  // 2: some images failed, which is what the bad file is for.
  if (r.status !== 0 && r.status !== 2) throw new Error(`vertxnet ${args[0]} exited ${r.status}`);
}

/** A palette PNG: the page is flat colours but for the thumbnails, so 256 colours keep it well under 300 KB. */
async function save(shot: Uint8Array, file: string): Promise<void> {
  const png = await sharp(shot).png({ palette: true, quality: 80, compressionLevel: 9 }).toBuffer();
  await writeFile(file, png);
  console.log(`${file}: ${(png.length / 1024).toFixed(0)} KB`);
}

const dir = await mkdtemp(join(tmpdir(), 'vx-review-shots-'));
try {
  const src = join(dir, 'films');
  await mkdir(src);
  for (const f of await readdir(EXAMPLES)) await copyFile(join(EXAMPLES, f), join(src, f));
  await writeFile(join(src, 'scan-notes.png'), 'not a film: a text file saved as .png');
  const run = join(dir, 'run');
  vertxnet(['run', src, '--out', run]);
  vertxnet(['review', run]);

  const browser = await puppeteer.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless=new'] });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 760 });
    await page.goto(pathToFileURL(join(run, 'review', 'index.html')).href);
    await page.waitForSelector('#grid .card');
    await page.click('#failures summary');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('r');
    await page.waitForFunction("[...document.querySelectorAll('#grid img.thumb')].every((i) => i.complete)");
    await save(await page.screenshot(), join(ROOT, 'docs', 'review-grid.png'));
    await page.keyboard.press('k');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#detail-info table.vertebrae');
    await page.waitForFunction("(document.querySelector('#detail-figure img')?.naturalWidth ?? 0) > 0");
    await page.keyboard.press('w');
    await save(await page.screenshot(), join(ROOT, 'docs', 'review-detail.png'));
  } finally {
    await browser.close();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
