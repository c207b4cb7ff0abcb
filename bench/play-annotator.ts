/**
 * Plays the reviewer of a CVAT correction task, for the fine-tuning demonstration (bench/adapt.sh):
 * every predicted outline of the task is replaced by the phantom's ground truth, and the result is
 * written as CVAT's COCO 1.0 export would be (blank info, so the tie to the run is the image names).
 *
 *   npx tsx bench/play-annotator.ts --task TASK/cvat/annotations/instances_default.json --gt FILMS/annotations.json --out corrected.json
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { cvatCorrected, truthByFile } from '../test/helpers/play-annotator.js';

const { values } = parseArgs({ options: { task: { type: 'string' }, gt: { type: 'string' }, out: { type: 'string' } } });
if (!values.task || !values.gt || !values.out) throw new Error('usage: play-annotator.ts --task instances_default.json --gt annotations.json --out FILE');

const task = JSON.parse(await readFile(values.task, 'utf8')) as Parameters<typeof cvatCorrected>[0];
const truth = truthByFile(JSON.parse(await readFile(values.gt, 'utf8')) as Parameters<typeof truthByFile>[0]);
const corrected = cvatCorrected(task, truth);
await writeFile(values.out, JSON.stringify(corrected));
console.log(
  `${task.images.length} images: ${task.annotations.length} predicted outlines replaced by ${corrected.annotations.length} drawn from the ground truth`,
);
