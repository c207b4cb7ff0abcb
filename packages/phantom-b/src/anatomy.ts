import type { Level, View } from '@vertxnet/core';
import { ribs, bowelGas, pelvis } from './abdomen.js';
import { bodyOutline } from './body.js';
import { drawColumn, type Column } from './column.js';
import { airway, headAndNeck, shoulders, trunk } from './context.js';
import type { Point } from './geometry.js';
import { atlasAndDens, bodyMatter, cervicalArch, lumbarArch, sacrumBlock } from './posterior.js';
import type { FilmRandom } from './random.js';
import type { Solid } from './solids.js';

/** A vertebral body as drawn: its outline is both the projected solid and the ground truth. */
export interface DrawnBody {
  level: Level;
  labelled: boolean;
  outline: Point[];
}

/** One patient in world millimetres, anterior toward +x, caudal toward +y. */
export interface Patient {
  view: View;
  column: Column;
  bodies: DrawnBody[];
  solids: Solid[];
}

export function drawPatient(view: View, rng: FilmRandom): Patient {
  const column = drawColumn(view, rng);
  const lumbar = view === 'lumbar';
  const bodies: DrawnBody[] = column.vertebrae.map((v) => ({ level: v.level, labelled: v.labelled, outline: bodyOutline(v.body) }));
  const bone: Solid[] = bodies.map((b, i) => ({ kind: 'outline', points: b.outline, matter: bodyMatter(column.vertebrae[i]!.body, lumbar) }));
  for (const v of column.vertebrae) {
    if (v.level === 'S1') bone.push(...sacrumBlock(v, rng));
    else bone.push(...(lumbar ? lumbarArch(v, rng) : cervicalArch(v, rng)));
  }
  const context: Solid[] = lumbar
    ? [trunk(column, rng), ...ribs(column, rng), ...pelvis(column, rng), ...bowelGas(column, rng)]
    : [...headAndNeck(column, rng), airway(column, rng), ...shoulders(column, rng), ...atlasAndDens(column.vertebrae[0]!, rng)];
  return { view, column, bodies, solids: [...context, ...bone] };
}
