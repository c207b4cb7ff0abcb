// Written by scripts/fit-view-evidence.ts: do not edit by hand, refit (docs/EVALUATION.md, "The view from all the evidence").
import type { ViewEvidenceModel } from './view-evidence.js';

export const VIEW_EVIDENCE_MODEL: ViewEvidenceModel = {
  "weights": {
    "bias": -0.57,
    "head": 0.9796,
    "reference": 1.2023,
    "landmark": 0.6613,
    "decoding": 0.9918,
    "shape": 0.4919
  },
  "provenance": {
    "command": "npx tsx scripts/fit-view-evidence.ts --fit own-random=cache-val81001=val81001/annotations.json --fit own-random-anatomy=cache-val83001=val83001/annotations.json --fit own-tall-lumbar=cache-val83101=val83101/annotations.json --fit own-random-cervical=cache-val83201=val83201/annotations.json --fit style-C=cache-c700001=c700001/annotations.json --report own-default=cache-val80001=val80001/annotations.json --report own-held-out=cache-held90001=held90001/annotations.json --report head-films=cache-head94001=head94001/annotations.json --report style-C-check=cache-c710001=c710001/annotations.json --report style-C-fresh=cache-c720001=c720001/annotations.json",
    "fitSets": [
      {
        "name": "own-random",
        "films": 100
      },
      {
        "name": "own-random-anatomy",
        "films": 100
      },
      {
        "name": "own-tall-lumbar",
        "films": 100
      },
      {
        "name": "own-random-cervical",
        "films": 100
      },
      {
        "name": "style-C",
        "films": 200
      }
    ],
    "l2": 1
  }
};
