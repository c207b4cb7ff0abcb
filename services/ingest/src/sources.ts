import { listSource, resultName } from '@vertxnet/pipeline';
import type { S3ClientOptions, SourceLister } from '@vertxnet/shared';

/** The pipeline's source listing (folders, S3 prefixes, manifests) as the paced producer takes it. */
export function sourceLister(s3: S3ClientOptions): SourceLister {
  return async function* (source, cursor) {
    for await (const item of listSource(source, { s3, ...(cursor !== undefined ? { startAfter: cursor } : {}) })) {
      yield {
        uri: item.uri,
        result: resultName(item.key),
        cursor: item.key,
        ...(item.etag ? { etag: item.etag } : {}),
        ...(item.view ? { view: item.view } : {}),
        ...(item.rejected ? { rejected: item.rejected } : {}),
      };
    }
  };
}
