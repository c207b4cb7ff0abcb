export * from './env-types.js';
export * from './common.js';
export * from './parse-env.js';
export * from './describe-env.js';
