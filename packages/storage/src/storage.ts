import type { Readable } from 'node:stream';

/** What a storage knows about one object without reading it. */
export interface ObjectInfo {
  size: number;
  /** S3: the ETag without quotes. Local storage has none: hash the content where identity matters. */
  etag?: string;
  lastModified?: Date;
}

/** One entry of a listing. */
export interface ListedObject {
  key: string;
  size: number;
  etag?: string;
}

export interface ListOptions {
  /** Resume a listing: only keys strictly after this one (lexicographic) are returned. */
  startAfter?: string;
}

export interface PutOptions {
  contentType?: string;
}

export type PutBody = Buffer | Uint8Array | string | Readable;

/**
 * Object storage rooted at `uri`. Keys are relative to the root and '/'-separated
 * ('runs/r1/images/a.png'); a key may not escape the root. Missing objects throw NotFoundError.
 */
export interface Storage {
  /** The root, e.g. 's3://bucket/prefix' or 'file:///data/cohort'. */
  readonly uri: string;
  /** The full URI of one key, e.g. 's3://bucket/prefix/runs/a.png'. */
  uriOf(key: string): string;
  get(key: string): Promise<Buffer>;
  getStream(key: string): Promise<Readable>;
  /** Whole-object write: readers see the old object or the new one, never a part. */
  put(key: string, body: PutBody, opts?: PutOptions): Promise<void>;
  exists(key: string): Promise<boolean>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /**
   * Every object whose key starts with `prefix` (a string prefix, not only a folder), in
   * lexicographic (UTF-8 byte) key order, fetched lazily page by page.
   */
  list(prefix: string, opts?: ListOptions): AsyncIterable<ListedObject>;
  /** Deletes one object; deleting a missing one is not an error. */
  delete(key: string): Promise<void>;
}
