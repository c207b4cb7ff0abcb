export * from './env-types.js';
export * from './parse-env.js';
export * from './describe-env.js';
