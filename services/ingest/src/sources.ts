import { listSource, resultName, type SkippedFile } from '@vertxnet/pipeline';
import type { S3ClientOptions } from '@vertxnet/storage';
import type { ListedImage, SourceLister } from '@vertxnet/queue';

/**
 * The pipeline's source listing (folders, S3 prefixes, manifests) as the paced producer takes it,
 * files it leaves out (not images; links, which the services never follow) included as `leftOut`
 * items in listing order, so run.json lists them with their reasons.
 */
export function sourceLister(s3: S3ClientOptions): SourceLister {
  return async function* (source, cursor) {
    const leftOut: SkippedFile[] = [];
    const flush = function* (): Generator<ListedImage> {
      for (const file of leftOut.splice(0)) yield { uri: '', result: '', cursor: file.key, leftOut: file.reason };
    };
    const listing = listSource(source, { s3, onSkipped: (file) => leftOut.push(file), ...(cursor !== undefined ? { startAfter: cursor } : {}) });
    for await (const item of listing) {
      yield* flush();
      yield {
        uri: item.uri,
        result: resultName(item.key),
        cursor: item.key,
        ...(item.etag ? { etag: item.etag } : {}),
        ...(item.view ? { view: item.view } : {}),
        ...(item.rejected ? { rejected: item.rejected } : {}),
      };
    }
    yield* flush();
  };
}
