// Written by scripts/calibrate.ts: do not edit by hand, refit (docs/EVALUATION.md, "Calibration").
import type { CalibrationModel } from './model.js';

export const FITTED_CALIBRATION: CalibrationModel = {
  "image": {
    "bias": 2.1085,
    "logitRawConfidence": 0.8617,
    "referenceNotFound": 0.528,
    "viewUncertain": -0.7293,
    "countTrouble": -0.0843,
    "modelDisagreement": -1.1758,
    "levelsMissing": -0.4902
  },
  "vertebra": {
    "bias": -0.405,
    "logitScore": 0.6997,
    "logitRawConfidence": 2.8663,
    "stepsFromAnchor": -0.0075,
    "noReference": 1.0573
  },
  "needsReviewBelow": 0.9,
  "measureFrom": 0.7,
  "provenance": {
    "command": "npx tsx scripts/calibrate.ts --fit own-default=/tmp/calib/runs/val80001=/tmp/calib/val80001/annotations.json --fit own-random=/tmp/calib/runs/val81001=/tmp/calib/val81001/annotations.json --report own-held-out=/tmp/calib/runs/held90001=/tmp/calib/held90001/annotations.json --report style-B=/tmp/calib/runs/b910001=/tmp/calib/b910001/annotations.json",
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
        "version": "0.3.0",
        "sha256": "0c1956b4ce26ecd47f9ae9fe9a93b421aa842a40f3ea07429cb964b4d75d809d"
      },
      {
        "name": "vertxnet-maskrcnn",
        "version": "0.2.0",
        "sha256": "61b28242d9efb04957839568d8d5a95249479cc2d573c3d18f35839db9233689"
      }
    ],
    "date": "2026-12-02T13:58:39.730Z",
    "rule": "highest of 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.96, 0.97, 0.98, 0.99 that the fit sets pooled meet; needsReviewBelow: {\"minUnflaggedRight\":0.98,\"maxFlagged\":0.2} of films; measureFrom: {\"minUnflaggedRight\":0.995,\"maxFlagged\":0.05} of labelled vertebrae"
  }
};
