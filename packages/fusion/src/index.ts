export { fuse } from './fuse.js';
export type { FusionInput, FusionResult, FusedVertebra, PixelSpacing, VertebraSource, ViewSource } from './types.js';
export { DEFAULT_FUSION_OPTIONS, type FusionOptions } from './options.js';
export { FusionInputError } from './errors.js';
export { QC_FLAGS, imageConfidence, type QcFlag, type QualityControl, type ConfidenceFactors } from './qc.js';
export { toSourceLabels, type UpsampleMethod } from './source-labels.js';
export { traceContour, douglasPeucker, simplifyClosed, polygonArea, type Polygon } from './contour.js';
export {
  measure,
  type Measurements,
  type MeasureOptions,
  type VertebraMeasurements,
  type ImageMeasurements,
  type LengthUnit,
  type Point2,
} from './measurements.js';
export { buildImageResult, RESULT_SCHEMA_VERSION, type ImageResult, type ImageResultInput, type ImageVertebra } from './result.js';
export { renderLabelsPng, renderOverlay, downsizeOverlay, SMALL_OVERLAY_LONG_SIDE } from './render.js';
export { overlayHeader, NEEDS_REVIEW_FLAG, HEADER_COLOURS, type OverlayHeader, type HeaderItem } from './overlay-header.js';
export { summaryCsvHeader, summaryCsvRow, summaryCsvFailedRow, vertebraeCsvHeader, vertebraeCsvRows, csvCell } from './csv.js';
export { buildCocoRun, cocoCategories, type CocoRun, type CocoAnnotation, type CocoCategory, type CocoImage } from './coco.js';
export { syntheticSpine, truthLabels, drawRotatedRect, type SyntheticSpine, type SyntheticSpineOptions, type SyntheticBody } from './synthetic.js';
export * from './eval/index.js';
export { buildSegmentation, SEGMENTATION_STORAGE, type SegInput, type SegSource } from './seg/index.js';
export { declareOutOfScope, isOutOfScope } from './scope.js';
export * from './calibration/index.js';
export { VIEW_EVIDENCE_FEATURES, cervicalProbability, viewEvidence, type ViewEvidence, type ViewEvidenceModel } from './view-evidence.js';
export { VIEW_EVIDENCE_MODEL } from './view-evidence-fitted.js';
