export * from './storage.js';
export * from './keys.js';
export * from './local-storage.js';
export * from './s3-storage.js';
export * from './open-storage.js';
export * from './uri-policy.js';
export * from './storage-probe.js';
