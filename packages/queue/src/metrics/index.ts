export * from './registry.js';
export * from './stage-metrics.js';
export * from './inference-metrics.js';
export * from './qc-metrics.js';
export * from './queue-metrics.js';
export * from './health-server.js';
export * from './run-metrics.js';
