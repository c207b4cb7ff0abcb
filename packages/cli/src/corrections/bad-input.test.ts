import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFakeRun } from '../../../../test/helpers/review-run.js';
import { CorrectionsError, writeFolderAtomically } from './common.js';
import { exportTask } from './export-task.js';
import { importCorrections } from './import-corrections.js';
import { readableError } from '../readable-error.js';
import { vertxnet } from '../../../../test/helpers/vertxnet-cli.js';

const NAMES = ['film-1.png', 'film-2.png'];

/** A fake run whose results point at real local images (what import copies into the training set). */
async function localRun(dir: string, id: string, src: string): Promise<void> {
  await writeFakeRun(
    dir,
    NAMES.map((name) => ({ name, view: 'lumbar' as const, flags: ['needs-review'] })),
    { id, overlays: 'shared' },
  );
  for (const name of NAMES) {
    const file = join(dir, name, 'result.json');
    const result = JSON.parse(await readFile(file, 'utf8')) as { source: string };
    result.source = pathToFileURL(join(src, name)).href;
    await writeFile(file, JSON.stringify(result));
  }
}

let tmp: string;
let task: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vx-corr-bad-'));
  const src = join(tmp, 'src');
  await mkdir(src);
  for (const name of NAMES)
    await sharp({ create: { width: 300, height: 400, channels: 3, background: { r: 90, g: 90, b: 90 } } })
      .greyscale()
      .png()
      .toFile(join(src, name));
  await localRun(join(tmp, 'run-a'), 'run-a', src);
  await localRun(join(tmp, 'run-b'), 'run-b', src);
  task = join(tmp, 'task');
  await exportTask({ run: join(tmp, 'run-a'), select: 'all', format: 'both', out: task, images: 'copy' });
});
afterAll(async () => rm(tmp, { recursive: true, force: true }));

let outs = 0;
/** import-corrections must refuse in one line matching `message`, leaving no folder behind (in this process: a CLI start costs seconds). */
async function expectRefused(file: string, run: string, message: RegExp): Promise<void> {
  const out = join(tmp, 'outs', `set-${++outs}`);
  const err = await importCorrections(file, join(tmp, run), out).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CorrectionsError);
  expect(readableError(err)).not.toContain('\n');
  expect(readableError(err)).toMatch(message);
  expect(await stat(out).catch(() => undefined)).toBeUndefined();
  expect((await readdir(join(tmp, 'outs')).catch(() => [])).filter((f) => f.includes('partial'))).toEqual([]);
}

async function edited(from: string, to: string, edit: (text: string) => string): Promise<string> {
  const file = join(tmp, to);
  await writeFile(file, edit(await readFile(join(task, from), 'utf8')));
  return file;
}

describe('import-corrections refuses bad input in one line, exit code 1, writing nothing', () => {
  it('reads the untouched export of the right run (the baseline the other cases break)', async () => {
    const out = join(tmp, 'ok');
    await importCorrections(join(task, 'label-studio/tasks.json'), join(tmp, 'run-a'), out);
    expect(JSON.parse(await readFile(join(out, 'annotations.json'), 'utf8'))).toMatchObject({ info: { vertxnet: { run: 'run-a' } } });
  });

  it('an export of another run (Label Studio tasks, CVAT zip)', async () => {
    await expectRefused(join(task, 'label-studio/tasks.json'), 'run-b', /is an export of run run-a, not of .*run-b \(run run-b\)/);
    await expectRefused(join(task, 'cvat-coco-1.0.zip'), 'run-b', /is an export of run run-a/);
  });

  it('a label that is not a level', async () => {
    const ls = await edited('label-studio/tasks.json', 'unknown-label.json', (t) => t.replace('"L1"', '"Moonwalker"'));
    await expectRefused(ls, 'run-a', /unknown label "Moonwalker": labels are vertebral levels \(C2, C3/);
    const cvat = await edited('cvat/annotations/instances_default.json', 'unknown-label-cvat.json', (t) => t.replace('"name":"L1"', '"name":"vertebra"'));
    await expectRefused(cvat, 'run-a', /unknown label "vertebra"/);
  });

  it('a correction for an image the run does not have', async () => {
    const ls = await edited('label-studio/tasks.json', 'other-image.json', (t) => t.replaceAll('film-2.png', 'film-9.png'));
    await expectRefused(ls, 'run-a', /has a correction for film-9\.png, an image run run-a .* does not have/);
    const cvat = await edited('cvat/annotations/instances_default.json', 'other-image-cvat.json', (t) => t.replace('film-2.png', 'film-9.png'));
    await expectRefused(cvat, 'run-a', /film-9\.png, an image run run-a/);
  });

  it('a half-written file (JSON cut off, zip cut off)', async () => {
    const json = await edited('label-studio/tasks.json', 'cut.json', (t) => t.slice(0, Math.floor(t.length / 2)));
    await expectRefused(json, 'run-a', /cut\.json is not complete JSON: it ends early/);
    const cli = await vertxnet(['import-corrections', json, '--run', join(tmp, 'run-a'), '--out', join(tmp, 'outs', 'cli')]);
    expect(cli).toMatchObject({ code: 1, stdout: '' });
    expect(cli.stderr).toMatch(/^vertxnet: .*cut\.json is not complete JSON: it ends early \(half-written or cut off\?\); export it again\n$/);
    expect(await stat(join(tmp, 'outs', 'cli')).catch(() => undefined)).toBeUndefined();
    const zip = await readFile(join(task, 'cvat-coco-1.0.zip'));
    await writeFile(join(tmp, 'cut.zip'), zip.subarray(0, Math.floor(zip.length / 2)));
    await expectRefused(join(tmp, 'cut.zip'), 'run-a', /cut\.zip is not a complete ZIP archive/);
  });

  it('a CVAT box without an outline, and an image of another size', async () => {
    const box = await edited('cvat/annotations/instances_default.json', 'box.json', (t) => t.replace(/"segmentation":\[\[[^\]]*\]\]/, '"segmentation":[]'));
    await expectRefused(box, 'run-a', /has no outline \(a box\?\)/);
    const size = await edited('cvat/annotations/instances_default.json', 'size.json', (t) => t.replace('"width":300', '"width":301'));
    await expectRefused(size, 'run-a', /is 301×400 there but 300×400 in run run-a/);
  });
});

describe('export-task refuses bad input', () => {
  it('marks of another run, --select wrong without marks, an --out that exists', async () => {
    await writeFile(
      join(tmp, 'marks-b.json'),
      JSON.stringify({ run: 'run-b', marks: [{ image: 'film-1.png', mark: 'wrong', time: '2026-12-03T10:00:00.000Z' }] }),
    );
    const args = (out: string, ...more: string[]) => ['export-task', join(tmp, 'run-a'), '--out', join(tmp, out), ...more];
    const other = await vertxnet(args('t1', '--select', 'wrong', '--marks', join(tmp, 'marks-b.json')));
    expect(other).toMatchObject({ code: 1, stderr: expect.stringMatching(/holds marks of run run-b, not of .*run-a/) as unknown });
    expect(await stat(join(tmp, 't1')).catch(() => undefined)).toBeUndefined();
    const base = { run: join(tmp, 'run-a'), format: 'both' as const, images: 'copy' as const };
    await expect(exportTask({ ...base, select: 'wrong', out: join(tmp, 't2') })).rejects.toThrow(/needs --marks/);
    await expect(exportTask({ ...base, select: 'all', out: task })).rejects.toThrow(/already exists/);
  });

  it('selects the images marked wrong', async () => {
    await writeFile(
      join(tmp, 'marks-a.json'),
      JSON.stringify({
        run: 'run-a',
        marks: [
          { image: 'film-2.png', mark: 'wrong', time: '2026-12-03T10:00:00.000Z' },
          { image: 'film-1.png', mark: 'right', time: '2026-12-03T10:00:00.000Z' },
        ],
      }),
    );
    const m = await exportTask({
      run: join(tmp, 'run-a'),
      select: 'wrong',
      marks: join(tmp, 'marks-a.json'),
      format: 'cvat',
      out: join(tmp, 't3'),
      images: 'reference',
    });
    expect(m.images.map((i) => i.name)).toEqual(['film-2.png']);
    expect(m.files).toEqual(['export.json', 'cvat/annotations/instances_default.json', 'cvat-coco-1.0.zip']);
  });
});

describe('writeFolderAtomically', () => {
  it('leaves nothing when the writing fails halfway', async () => {
    const out = join(tmp, 'atomic', 'set');
    await expect(
      writeFolderAtomically(out, async (dir) => {
        await writeFile(join(dir, 'half.json'), '{');
        throw new CorrectionsError('stopped');
      }),
    ).rejects.toThrow('stopped');
    expect(await readdir(join(tmp, 'atomic'))).toEqual([]);
  });
});
