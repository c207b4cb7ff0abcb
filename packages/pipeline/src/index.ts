export * from './intermediates.js';
export * from './sources.js';
export * from './local-runner.js';
export * from './stages/context.js';
export * from './stages/prepare.js';
export * from './stages/segment.js';
export * from './stages/fuse.js';
export * from './handlers.js';
