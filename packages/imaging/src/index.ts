export * from './image/index.js';
export * from './codecs/index.js';
export * from './dicom/index.js';
export * from './decode/index.js';
