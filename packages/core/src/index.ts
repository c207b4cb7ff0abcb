export * from './levels.js';
export * from './model-manifest.js';
export * from './analysis.js';
export * from './errors.js';
export * from './review-marks.js';
export * from './reframe.js';
