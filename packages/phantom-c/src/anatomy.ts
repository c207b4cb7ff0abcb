import type { View } from '@vertxnet/core';
import { buildColumn, type Column } from './column.js';
import { atlas, head } from './head.js';
import { airway, neckEnvelope } from './neck.js';
import { drawPatient, type Patient } from './patient.js';
import { pelvis, sacrum } from './pelvis.js';
import { posteriorElements } from './posterior.js';
import type { Rng } from './random.js';
import { shoulders } from './shoulders.js';
import type { Solid } from './solids.js';
import { bowelGas, lowerRibsAndAorta, trunkEnvelope } from './trunk.js';

/** Everything in the beam for one film: the column (for the truth) and every solid (for the pixels). */
export interface Anatomy {
  patient: Patient;
  column: Column;
  solids: Solid[];
}

function context(column: Column, patient: Patient, rng: Rng): Solid[] {
  if (column.view === 'cervical') {
    const c1 = atlas(column, patient, rng.fork(1));
    return [
      ...c1.solids,
      ...head(c1.tip, patient, rng.fork(2)),
      neckEnvelope(column, { tip: c1.tip, patient }, rng.fork(3)),
      ...airway(column, { tip: c1.tip, patient }, rng.fork(4)),
      ...shoulders(column, patient, rng.fork(5)),
    ];
  }
  return [
    trunkEnvelope(column, patient, rng.fork(1)),
    ...lowerRibsAndAorta(column, patient, rng.fork(2)),
    ...bowelGas(column, patient, rng.fork(3)),
    ...sacrum(column, patient, rng.fork(4)),
    ...pelvis(column, patient, rng.fork(5)),
  ];
}

export function buildAnatomy(view: View, rng: Rng): Anatomy {
  const patient = drawPatient(rng.fork(1));
  const column = buildColumn(view, patient, rng.fork(2));
  const back = rng.fork(3);
  const solids: Solid[] = [
    ...column.vertebrae.map((v) => v.body),
    ...column.sacrum.map((v) => v.body),
    ...column.vertebrae.flatMap((v, k) => posteriorElements(v, back.fork(k))),
    ...context(column, patient, rng.fork(4)),
  ];
  return { patient, column, solids };
}
