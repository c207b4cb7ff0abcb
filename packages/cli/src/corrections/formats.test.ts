import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFakeRun } from '../../../../test/helpers/review-run.js';
import { TASK_LEVELS } from './common.js';
import { buildCvatCoco, cvatCocoSchema, parseCvatCoco } from './cvat.js';
import { LS_FROM_NAME, LS_TO_NAME, buildLsTasks, lsExportSchema, lsImportTasksSchema, lsLabelingConfig, parseLsExport } from './label-studio.js';
import { readRunFolder, type RunFolder } from './run-folder.js';
import { rleStats } from './training-set.js';

const FIXTURES = new URL('../../../../test/fixtures/corrections/', import.meta.url).pathname;
const fixture = async (name: string): Promise<unknown> => JSON.parse(await readFile(join(FIXTURES, name), 'utf8')) as unknown;

/** Every key of the documented example is in ours, with a value of the same kind (arrays: their first items). */
function expectShapeLike(ours: unknown, example: unknown, path = '$'): void {
  if (Array.isArray(example)) {
    expect(Array.isArray(ours), `${path} is an array`).toBe(true);
    if (example.length > 0 && (ours as unknown[]).length > 0) expectShapeLike((ours as unknown[])[0], example[0], `${path}[0]`);
    return;
  }
  if (example !== null && typeof example === 'object') {
    expect(ours !== null && typeof ours === 'object' && !Array.isArray(ours), `${path} is an object`).toBe(true);
    for (const [key, value] of Object.entries(example)) {
      expect(ours as object, `${path} has ${key}`).toHaveProperty([key]);
      expectShapeLike((ours as Record<string, unknown>)[key], value, `${path}.${key}`);
    }
    return;
  }
  expect(typeof ours, `${path} is a ${typeof example}`).toBe(typeof example);
}

let tmp: string;
let run: RunFolder;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vx-corr-formats-'));
  await writeFakeRun(
    join(tmp, 'run'),
    [
      { name: 'film-1.png', view: 'lumbar', flags: ['needs-review'] },
      { name: 'film-2.png', view: 'cervical' },
    ],
    { id: 'run-formats', overlays: 'shared' },
  );
  run = await readRunFolder(join(tmp, 'run'));
});
afterAll(async () => rm(tmp, { recursive: true, force: true }));

describe('CVAT COCO 1.0', () => {
  it("accepts CVAT's documented instances file, and reads its polygon and its mask (RLE, iscrowd 1) as levels", async () => {
    const example = await fixture('cvat-coco-1.0.json');
    expect(cvatCocoSchema.safeParse(example).success).toBe(true);
    const c = parseCvatCoco(example, 'example');
    expect(c.run).toBeUndefined(); // CVAT's own export leaves info blank
    const shapes = c.images.get('film-1.png')!;
    expect(shapes.map((s) => s.level)).toEqual(['C3', 'C4']);
    expect(shapes[0]!.segmentation).toEqual([[10, 5, 20, 5, 20, 12, 10, 12]]);
    expect(rleStats(shapes[1]!.segmentation as never)).toEqual({ bbox: [15, 5, 3, 5], area: 15 });
    expect(c.sizes.get('film-1.png')).toEqual({ width: 40, height: 30 });
  });

  it("writes a file that validates and has the documented example's shape, a category per level, the run id in info", async () => {
    const ours = buildCvatCoco(run, [...run.images.values()]);
    expect(cvatCocoSchema.safeParse(ours).success).toBe(true);
    expectShapeLike(ours, await fixture('cvat-coco-1.0.json'));
    expect(ours.categories.map((c) => c.name)).toEqual(TASK_LEVELS);
    expect(ours.images.map((i) => [i.file_name, i.width, i.height])).toEqual([
      ['film-1.png', 300, 400],
      ['film-2.png', 300, 400],
    ]);
    expect(ours.annotations.length).toBeGreaterThan(5);
    expect(parseCvatCoco(ours, 'ours').run).toBe('run-formats');
  });
});

describe('Label Studio', () => {
  it('accepts the documented pre-annotated task and annotated export', async () => {
    expect(lsImportTasksSchema.safeParse(await fixture('label-studio-tasks.json')).success).toBe(true);
    expect(lsExportSchema.safeParse(await fixture('label-studio-export.json')).success).toBe(true);
  });

  it("writes tasks that validate, have the documented example's shape, and match the labeling config", async () => {
    const tasks = buildLsTasks(run, [...run.images.values()], 'https://films.example/x');
    expect(lsImportTasksSchema.safeParse(tasks).success).toBe(true);
    expectShapeLike(tasks, await fixture('label-studio-tasks.json'));
    const r = tasks[0]!.predictions[0]!.result[0]!;
    expect(r).toMatchObject({ type: 'polygonlabels', from_name: LS_FROM_NAME, to_name: LS_TO_NAME, original_width: 300, original_height: 400 });
    for (const [x, y] of r.value.points) expect(x >= 0 && x <= 100 && y >= 0 && y <= 100).toBe(true);
    expect(tasks[0]!.data).toMatchObject({ image: 'https://films.example/x/film-1.png', vertxnet_run: 'run-formats', vertxnet_image: 'film-1.png' });
    const config = lsLabelingConfig('run-formats');
    expect(config).toContain(`<Image name="${LS_TO_NAME}" value="$image"`);
    expect(config).toContain(`<PolygonLabels name="${LS_FROM_NAME}" toName="${LS_TO_NAME}"`);
    expect([...config.matchAll(/<Label value="([^"]+)"\/>/g)].map((m) => m[1])).toEqual(TASK_LEVELS);
  });

  it("reads an export: the reviewer's annotation over the prediction, points from percent to pixels", async () => {
    const c = parseLsExport(await fixture('label-studio-export.json'), 'export', () => undefined);
    expect(c.images.get('film-1.png')).toEqual([{ level: 'C4', segmentation: [[10, 6, 20, 6, 20, 12, 10, 12]] }]);
    const { annotations: _dropped, ...unannotated } = ((await fixture('label-studio-export.json')) as Record<string, unknown>[])[0]!;
    expect(
      parseLsExport([unannotated], 'export', () => undefined)
        .images.get('film-1.png')!
        .map((s) => s.level),
    ).toEqual(['C3']);
    // An export without original_width/height: the run's size of the image stands in.
    const bare = JSON.parse(JSON.stringify(await fixture('label-studio-export.json')).replace(/"original_(width|height)":\d+,/g, '')) as unknown;
    expect(parseLsExport(bare, 'export', () => ({ width: 40, height: 30 })).images.get('film-1.png')![0]!.segmentation).toEqual([
      [10, 6, 20, 6, 20, 12, 10, 12],
    ]);
    expect(() => parseLsExport(bare, 'export', () => undefined)).toThrow(/without original_width/);
  });

  it('reads back what it wrote (a task never annotated keeps its prediction)', () => {
    const tasks = buildLsTasks(run, [...run.images.values()]);
    const c = parseLsExport(tasks, 'tasks', () => undefined);
    expect(c.run).toBe('run-formats');
    const predicted = run.images
      .get('film-1.png')!
      .result.vertebrae.filter((v) => v.level !== null)
      .map((v) => v.level);
    expect(c.images.get('film-1.png')!.map((s) => s.level)).toEqual(predicted);
  });
});
