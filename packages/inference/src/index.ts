export * from './batcher.js';
export * from './execution-providers.js';
export * from './model.js';
export * from './model-files.js';
export * from './postprocess.js';
export * from './preprocess.js';
export * from './resample.js';
export * from './tasks.js';
