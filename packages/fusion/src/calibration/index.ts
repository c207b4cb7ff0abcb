export { applyCalibration, calibrate, type Calibrated } from './apply.js';
export { judgeLabels, type Correctness } from './correctness.js';
export {
  chooseThreshold,
  expectedCalibrationError,
  fitLogistic,
  reliabilityBins,
  thresholdTable,
  type FitOptions,
  type ReliabilityBin,
  type ThresholdRow,
  type ThresholdGoal,
} from './fit.js';
export { FITTED_CALIBRATION } from './fitted.js';
export {
  IMAGE_FEATURES,
  VERTEBRA_FEATURES,
  imageFeatures,
  vertebraFeatures,
  predict,
  logit,
  sigmoid,
  rawConfidenceOf,
  type CalibrationModel,
  type CalibrationSubject,
  type ImageFeature,
  type VertebraFeature,
  type LogisticWeights,
} from './model.js';
