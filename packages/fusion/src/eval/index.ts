export { evaluateImage, IDENTIFICATION_IOU, type ImageEvaluation, type LevelScore, type DetectionScore } from './evaluate.js';
export { summariseEval, type EvalImage, type EvalImageMeta, type EvalStats, type EvalSummary } from './summary.js';
export { renderEvalMarkdown } from './markdown.js';
export { rasteriseCoco, type CocoPolygonAnnotation } from './rasterise.js';
