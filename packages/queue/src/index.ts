export * from './jobs/index.js';
export * from './metrics/index.js';
export * from './service/index.js';
