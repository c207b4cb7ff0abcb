export * from './sniff.js';
export * from './decode-image.js';
