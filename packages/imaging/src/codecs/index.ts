export * from './canonical.js';
export * from './png.js';
