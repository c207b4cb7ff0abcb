export * from './common-env.js';
export * from './service-env.js';
export * from './service-runtime.js';
export * from './model-worker.js';
