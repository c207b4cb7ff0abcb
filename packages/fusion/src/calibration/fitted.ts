// Written by scripts/calibrate.ts: do not edit by hand, refit (docs/EVALUATION.md, "Calibration").
import type { CalibrationModel } from './model.js';

export const FITTED_CALIBRATION: CalibrationModel = {
  "image": {
    "bias": 0.3583,
    "logitRawConfidence": 0.7159,
    "referenceNotFound": -0.5859,
    "viewUncertain": -0.3684,
    "countTrouble": 0.3146,
    "modelDisagreement": -0.1975,
    "levelsMissing": -0.4402,
    "logitViewHead": 0.3667,
    "meanLogitLevelHead": 0.7309
  },
  "vertebra": {
    "bias": 0.9682,
    "logitScore": 0.1346,
    "logitRawConfidence": 1.3435,
    "stepsFromAnchor": -0.0699,
    "noReference": -0.5185,
    "logitLevelHead": 0.3239
  },
  "needsReviewBelow": 0.95,
  "measureFrom": 0.95,
  "provenance": {
    "command": "npx tsx scripts/calibrate.ts --fit own-default=/tmp/calib/runs/val80001=/tmp/calib/val80001/annotations.json --fit own-random=/tmp/calib/runs/val81001=/tmp/calib/val81001/annotations.json --fit style-C=/tmp/calib/runs/c700001=/tmp/calib/c700001/annotations.json --report own-held-out=/tmp/calib/runs/held90001=/tmp/calib/held90001/annotations.json --report style-B=/tmp/calib/runs/b900001=/tmp/calib/b900001/annotations.json --report own-random-anatomy=/tmp/calib/runs/val83001=/tmp/calib/val83001/annotations.json",
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
      },
      {
        "run": "/tmp/calib/runs/c700001",
        "gt": "/tmp/calib/c700001/annotations.json",
        "films": 200
      }
    ],
    "models": [
      {
        "name": "vertxnet-unet",
        "version": "0.8.0",
        "sha256": "3b999d24dee097fd15c29b70123a97ef863186fd8949cb0a7aeb6a04f23fa905"
      },
      {
        "name": "vertxnet-maskrcnn",
        "version": "0.2.0",
        "sha256": "61b28242d9efb04957839568d8d5a95249479cc2d573c3d18f35839db9233689"
      }
    ],
    "date": "2026-12-06T14:19:03.687Z",
    "rule": "highest of 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.96, 0.97, 0.98, 0.99 that the fit sets pooled meet; needsReviewBelow: {\"minUnflaggedRight\":0.98,\"maxFlagged\":0.2} of films; measureFrom: {\"minUnflaggedRight\":0.995,\"maxFlagged\":0.05} of labelled vertebrae"
  }
};
