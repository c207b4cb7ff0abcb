export * from './levels.js';
export * from './model-manifest.js';
export * from './analysis.js';
export * from './errors.js';
export * from './storage/index.js';
export * from './inference/index.js';
export * from './jobs/index.js';
export * from './codecs/index.js';
