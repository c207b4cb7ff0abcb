// Written by scripts/calibrate.ts: do not edit by hand, refit (docs/EVALUATION.md, "Calibration").
import type { CalibrationModel } from './model.js';

export const FITTED_CALIBRATION: CalibrationModel = {
  "image": {
    "bias": 2.717,
    "logitRawConfidence": 0.8265,
    "referenceNotFound": 0.6365,
    "viewUncertain": -0.5538,
    "countTrouble": -0.5133,
    "modelDisagreement": -1.0492,
    "levelsMissing": -0.6943
  },
  "vertebra": {
    "bias": -1.146,
    "logitScore": 0.7661,
    "logitRawConfidence": 2.6212,
    "stepsFromAnchor": -0.143,
    "noReference": 2.1118
  },
  "needsReviewBelow": 0.96,
  "measureFrom": 0.8,
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
        "version": "0.4.0",
        "sha256": "65ac290a15c8ad944c0fb82539fec57f101c4ed8b73c0bf0bc5b1c28863bc145"
      },
      {
        "name": "vertxnet-maskrcnn",
        "version": "0.2.0",
        "sha256": "61b28242d9efb04957839568d8d5a95249479cc2d573c3d18f35839db9233689"
      }
    ],
    "date": "2026-12-03T15:04:13.580Z",
    "rule": "highest of 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.96, 0.97, 0.98, 0.99 that the fit sets pooled meet; needsReviewBelow: {\"minUnflaggedRight\":0.98,\"maxFlagged\":0.2} of films; measureFrom: {\"minUnflaggedRight\":0.995,\"maxFlagged\":0.05} of labelled vertebrae"
  }
};
