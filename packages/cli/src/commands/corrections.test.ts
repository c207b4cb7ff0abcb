import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cvatCorrected, labelStudioCorrected, truthByFile, type TruthShape } from '../../../../test/helpers/play-annotator.js';
import { vertxnet } from '../../../../test/helpers/vertxnet-cli.js';

/**
 * The corrections round trip, end to end with the real models: a run of 6 phantom films →
 * export-task (both formats) → a reviewer (a script) redraws every body from the phantom's
 * ground truth → import-corrections → the training set holds the ground truth, and training/'s
 * loader reads it. About a minute on 2 cores.
 */
const ROOT = new URL('../../../../', import.meta.url).pathname;

interface TrainingSet {
  info: { vertxnet: { run: string; format: string } };
  images: { id: number; file_name: string; width: number; height: number }[];
  categories: { id: number; name: string }[];
  annotations: { image_id: number; category_id: number; segmentation: number[][]; iscrowd: number }[];
}

/** The training set as level + outline per image file. */
function shapesOf(set: TrainingSet): Map<string, TruthShape[]> {
  const names = new Map(set.categories.map((c) => [c.id, c.name]));
  const files = new Map(set.images.map((i) => [i.id, i.file_name.replace(/^images\//, '')]));
  const out = new Map<string, TruthShape[]>([...files.values()].map((f) => [f, []]));
  for (const a of set.annotations) out.get(files.get(a.image_id)!)!.push({ level: names.get(a.category_id)!, polygon: a.segmentation[0]! });
  return out;
}

const sorted = (shapes: TruthShape[]) => [...shapes].sort((a, b) => a.level.localeCompare(b.level) || a.polygon[0]! - b.polygon[0]!);

let tmp: string;
let truth: Map<string, TruthShape[]>;
let runId: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vx-corr-e2e-'));
  const films = join(tmp, 'films');
  expect((await vertxnet(['phantom', '--count', '6', '--seed', '5', '--max-side', '640', '--quiet', '--out', films])).code).toBe(0);
  const run = await vertxnet(['run', join(films, 'images'), '--out', join(tmp, 'run'), '--json']);
  expect(run.code, run.stderr).toBe(0);
  runId = (JSON.parse(await readFile(join(tmp, 'run', 'run.json'), 'utf8')) as { id: string }).id;
  truth = truthByFile(JSON.parse(await readFile(join(films, 'annotations.json'), 'utf8')) as Parameters<typeof truthByFile>[0]);
  const exported = await vertxnet(['export-task', join(tmp, 'run'), '--select', 'all', '--format', 'both', '--out', join(tmp, 'task')]);
  expect(exported.code, exported.stderr).toBe(0);
}, 240_000);
afterAll(async () => rm(tmp, { recursive: true, force: true }));

async function importAndRead(file: string, out: string): Promise<TrainingSet> {
  const imported = await vertxnet(['import-corrections', file, '--run', join(tmp, 'run'), '--out', out]);
  expect(imported.code, imported.stderr).toBe(0);
  expect(imported.stdout).toMatch(/^training set of 6 images, \d+ vertebrae/);
  return JSON.parse(await readFile(join(out, 'annotations.json'), 'utf8')) as TrainingSet;
}

/** training/'s own loader on the set: the levels of each record, by file. */
function pythonLevels(dir: string): Record<string, string[]> | undefined {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import numpy, PIL'], { cwd: join(ROOT, 'training') });
  if (probe.status !== 0) return undefined;
  const code =
    'import json, sys\nfrom vertxnet_train.coco import load_records\n' +
    'rs = load_records([sys.argv[1]], 256, log=lambda *a: None)\n' +
    'print(json.dumps({r.file: sorted(i.level for i in r.instances) for r in rs}))';
  const py = spawnSync('/usr/bin/python3', ['-c', code, dir], { cwd: join(ROOT, 'training'), encoding: 'utf8' });
  expect(py.status, py.stderr).toBe(0);
  return JSON.parse(py.stdout) as Record<string, string[]>;
}

function expectTruth(set: TrainingSet, dir: string, tolerancePx: number): void {
  expect(set.info.vertxnet.run).toBe(runId);
  const got = shapesOf(set);
  expect([...got.keys()].sort()).toEqual([...truth.keys()].sort());
  for (const [file, want] of truth) {
    const have = sorted(got.get(file)!);
    expect(
      have.map((s) => s.level),
      file,
    ).toEqual(sorted(want).map((s) => s.level));
    sorted(want).forEach((w, k) => {
      expect(have[k]!.polygon).toHaveLength(w.polygon.length);
      for (let i = 0; i < w.polygon.length; i++) expect(Math.abs(have[k]!.polygon[i]! - w.polygon[i]!)).toBeLessThanOrEqual(tolerancePx);
    });
  }
  const py = pythonLevels(dir);
  if (py) for (const [file, want] of truth) expect(py[`images/${file}`], file).toEqual(want.map((s) => s.level).sort());
}

describe('corrections round trip: run → export-task → reviewer → import-corrections → training set', () => {
  it('CVAT: the corrected COCO 1.0 zip (as CVAT exports it, run id blank) gives the ground truth', async () => {
    const task = JSON.parse(await readFile(join(tmp, 'task', 'cvat/annotations/instances_default.json'), 'utf8')) as Parameters<typeof cvatCorrected>[0];
    const predicted = task.annotations.length;
    await writeFile(join(tmp, 'cvat-export.zip'), zipSync({ 'annotations/instances_default.json': strToU8(JSON.stringify(cvatCorrected(task, truth))) }));
    const set = await importAndRead(join(tmp, 'cvat-export.zip'), join(tmp, 'set-cvat'));
    expect(predicted).toBeGreaterThan(0);
    expect(set.annotations.every((a) => a.iscrowd === 0)).toBe(true);
    expectTruth(set, join(tmp, 'set-cvat'), 0);
  });

  it('Label Studio: the JSON export of the annotated tasks gives the ground truth (the annotations, not the predictions)', async () => {
    const tasks = JSON.parse(await readFile(join(tmp, 'task', 'label-studio/tasks.json'), 'utf8')) as Parameters<typeof labelStudioCorrected>[0];
    const sizes = new Map(
      tasks.map((t) => [t.data.vertxnet_image!, { width: t.predictions[0]!.result[0]!.original_width, height: t.predictions[0]!.result[0]!.original_height }]),
    );
    await writeFile(join(tmp, 'ls-export.json'), JSON.stringify(labelStudioCorrected(tasks, truth, (f) => sizes.get(f)!)));
    const set = await importAndRead(join(tmp, 'ls-export.json'), join(tmp, 'set-ls'));
    expectTruth(set, join(tmp, 'set-ls'), 0.01);
    // The predictions differ from the truth, so the set above is the reviewer's and not the model's.
    const predictedCounts = tasks.flatMap((t) =>
      t.predictions[0]!.result.map((r) => (r as unknown as { value: { points: unknown[] } }).value.points.length * 2),
    );
    const truthCounts = [...truth.values()].flat().map((t) => t.polygon.length);
    expect(predictedCounts.sort((a, b) => a - b)).not.toEqual(truthCounts.sort((a, b) => a - b));
  });
});
