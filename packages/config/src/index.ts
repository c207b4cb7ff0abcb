export * from './env/index.js';
export * from './logging/index.js';
