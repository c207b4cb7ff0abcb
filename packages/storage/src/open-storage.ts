import { LocalStorage } from './local-storage.js';
import { parseStorageUri } from './keys.js';
import { S3Storage, createS3Client, type S3ClientOptions } from './s3-storage.js';
import type { Storage } from './storage.js';

/**
 * Opens the storage a URI names: 's3://bucket/prefix' → S3Storage (client built from `s3`, with
 * credentials from the standard chain); 'file:///abs' or a plain path → LocalStorage.
 */
export function openStorage(uri: string, s3: S3ClientOptions = {}): Storage {
  const location = parseStorageUri(uri);
  if (location.kind === 'local') return new LocalStorage(location.rootDir);
  return new S3Storage({ bucket: location.bucket, prefix: location.prefix, client: createS3Client(s3) });
}
