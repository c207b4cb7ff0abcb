// Written by scripts/calibrate.ts: do not edit by hand, refit (docs/EVALUATION.md, "Calibration").
import type { CalibrationModel } from './model.js';

export const FITTED_CALIBRATION: CalibrationModel = {
  "image": {
    "bias": 2.038,
    "logitRawConfidence": 0.8852,
    "referenceNotFound": 0.6049,
    "viewUncertain": -0.326,
    "countTrouble": -0.6479,
    "modelDisagreement": -0.7046,
    "levelsMissing": -0.5384
  },
  "vertebra": {
    "bias": -0.2731,
    "logitScore": 0.5758,
    "logitRawConfidence": 1.8899,
    "stepsFromAnchor": -0.1934,
    "noReference": 0.6626
  },
  "needsReviewBelow": 0.95,
  "measureFrom": 0.96,
  "provenance": {
    "command": "npx tsx scripts/calibrate.ts --fit own-default=/tmp/calib/runs/val80001=/tmp/calib/val80001/annotations.json --fit own-random=/tmp/calib/runs/val81001=/tmp/calib/val81001/annotations.json --report own-held-out=/tmp/calib/runs/held90001=/tmp/calib/held90001/annotations.json --report style-B=/tmp/calib/runs/b900001=/tmp/calib/b900001/annotations.json",
    "fitSets": [
      {
        "run": "/tmp/calib/runs/val80001",
        "gt": "/tmp/calib/val80001/annotations.json",
        "films": 100
      },
      {
        "run": "/tmp/calib/runs/val81001",
        "gt": "/tmp/calib/val81001/annotations.json",
        "films": 100
      }
    ],
    "models": [
      {
        "name": "vertxnet-unet",
        "version": "0.5.0",
        "sha256": "11dd3e40f2eb1add11685fad04147c7fe178f51473a1b0dd3bd24585025b323f"
      },
      {
        "name": "vertxnet-maskrcnn",
        "version": "0.2.0",
        "sha256": "61b28242d9efb04957839568d8d5a95249479cc2d573c3d18f35839db9233689"
      }
    ],
    "date": "2026-12-03T20:15:25.455Z",
    "rule": "highest of 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.96, 0.97, 0.98, 0.99 that the fit sets pooled meet; needsReviewBelow: {\"minUnflaggedRight\":0.98,\"maxFlagged\":0.2} of films; measureFrom: {\"minUnflaggedRight\":0.995,\"maxFlagged\":0.05} of labelled vertebrae"
  }
};
