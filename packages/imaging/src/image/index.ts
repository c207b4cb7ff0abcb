export * from './types.js';
export type * from './dicom-info.js';
