export * from './types.js';
export * from './sniff.js';
export * from './canonical.js';
export * from './decode.js';
export * from './png.js';
