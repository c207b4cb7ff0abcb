import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import { ConfigError, NotFoundError, StorageUnavailableError, TransientError, basename } from '@vertxnet/core';
import { checkKey, checkPrefix, formatStorageUri, joinKey } from './keys.js';
import type { ListOptions, ListedObject, ObjectInfo, PutBody, PutOptions, Storage } from './storage.js';

/** Bodies above this go up in parts; so does every stream, whose length is unknown. */
export const MULTIPART_THRESHOLD_BYTES = 8 * 1024 * 1024;
const PART_SIZE_BYTES = 8 * 1024 * 1024;

export interface S3ClientOptions {
  /** Any S3-compatible endpoint (MinIO, s3rver); AWS when absent. */
  endpoint?: string;
  /** @defaultValue 'us-east-1' */
  region?: string;
  /** Needed by MinIO and s3rver. @defaultValue true when an endpoint is given */
  forcePathStyle?: boolean;
  /**
   * A server that accepts no connection, or stops sending, within this many ms is taken as
   * unavailable (StorageUnavailableError), rather than holding a job until its stage's time limit.
   * @defaultValue { connectMs: 5000, idleMs: 30000 }
   */
  timeouts?: { connectMs: number; idleMs: number };
}

const S3_TIMEOUTS = { connectMs: 5_000, idleMs: 30_000 };

/**
 * An S3 client that works against AWS and S3-compatible servers. Credentials come from the
 * SDK's standard chain (env AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profile, IRSA, instance role).
 */
export function createS3Client(opts: S3ClientOptions = {}): S3Client {
  return new S3Client({
    region: opts.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    forcePathStyle: opts.forcePathStyle ?? opts.endpoint !== undefined,
    // s3rver and older MinIO reject the SDK's default CRC32 trailers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // The SDK waits forever by default; a hung server must fail the request as a TimeoutError.
    requestHandler: { connectionTimeout: (opts.timeouts ?? S3_TIMEOUTS).connectMs, socketTimeout: (opts.timeouts ?? S3_TIMEOUTS).idleMs },
  });
}

export interface S3StorageOptions {
  bucket: string;
  /** Folder inside the bucket that keys are relative to; '' for the bucket root. */
  prefix?: string;
  client: S3Client;
}

export class S3Storage implements Storage {
  readonly uri: string;
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;

  constructor(opts: S3StorageOptions) {
    this.bucket = opts.bucket;
    this.prefix = joinKey(opts.prefix ?? '');
    this.client = opts.client;
    this.uri = formatStorageUri({ kind: 's3', bucket: this.bucket, prefix: this.prefix });
  }

  uriOf(key: string): string {
    return `s3://${this.bucket}/${this.objectKey(key)}`;
  }

  async get(key: string): Promise<Buffer> {
    const body = await this.getBody(key);
    return Buffer.from(await body.transformToByteArray());
  }

  async getStream(key: string): Promise<Readable> {
    const body = await this.getBody(key);
    if (body instanceof Readable) return body;
    return Readable.fromWeb(body.transformToWebStream() as Parameters<typeof Readable.fromWeb>[0]);
  }

  async put(key: string, body: PutBody, opts: PutOptions = {}): Promise<void> {
    const Key = this.objectKey(key);
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const params = { Bucket: this.bucket, Key, Body: bytes, ContentType: opts.contentType };
    try {
      if (bytes instanceof Readable || bytes.byteLength > MULTIPART_THRESHOLD_BYTES) {
        await new Upload({ client: this.client, params, partSize: PART_SIZE_BYTES, queueSize: 2 }).done();
      } else {
        await this.client.send(new PutObjectCommand(params));
      }
    } catch (err) {
      throw this.mapError(err, key);
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== undefined;
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return {
        size: out.ContentLength ?? 0,
        ...(out.ETag ? { etag: unquote(out.ETag) } : {}),
        ...(out.LastModified ? { lastModified: out.LastModified } : {}),
      };
    } catch (err) {
      const mapped = this.mapError(err, key);
      if (mapped instanceof NotFoundError && mapped.code === 'NOT_FOUND') return undefined;
      throw mapped;
    }
  }

  async *list(prefix: string, opts: ListOptions = {}): AsyncIterable<ListedObject> {
    checkPrefix(prefix);
    const base = this.prefix === '' ? '' : `${this.prefix}/`;
    let continuationToken: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: base + prefix,
            ...(continuationToken !== undefined
              ? { ContinuationToken: continuationToken }
              : opts.startAfter !== undefined
                ? { StartAfter: base + opts.startAfter }
                : {}),
          }),
        );
      } catch (err) {
        throw this.mapError(err, prefix);
      }
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        yield {
          key: object.Key.slice(base.length),
          size: object.Size ?? 0,
          ...(object.ETag ? { etag: unquote(object.ETag) } : {}),
        };
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken !== undefined);
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
    } catch (err) {
      const mapped = this.mapError(err, key);
      if (!(mapped instanceof NotFoundError && mapped.code === 'NOT_FOUND')) throw mapped;
    }
  }

  private objectKey(key: string): string {
    checkKey(key);
    return this.prefix === '' ? key : `${this.prefix}/${key}`;
  }

  private async getBody(key: string) {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      if (out.Body === undefined) throw new NotFoundError(`${basename(key)}: object has no body`);
      return out.Body;
    } catch (err) {
      throw this.mapError(err, key);
    }
  }

  /** S3 faults into the project's error classes, naming the object by its basename only. */
  private mapError(err: unknown, key: string): Error {
    if (err instanceof NotFoundError || err instanceof ConfigError || err instanceof TransientError) return err;
    const name = basename(key) || this.bucket;
    const s3 = err as Partial<S3ServiceException> & { code?: string };
    const status = s3.$metadata?.httpStatusCode;
    const errName = s3.name ?? '';
    if (errName === 'NoSuchBucket') {
      return new NotFoundError(`bucket "${this.bucket}" does not exist`, { cause: err, code: 'BUCKET_NOT_FOUND' });
    }
    if (errName === 'NoSuchKey' || errName === 'NotFound' || status === 404) {
      return new NotFoundError(`${name}: not found in storage`, { cause: err });
    }
    if (errName === 'AccessDenied' || errName === 'InvalidAccessKeyId' || errName === 'SignatureDoesNotMatch' || status === 403) {
      return new ConfigError(`${name}: access to bucket "${this.bucket}" denied (${errName || status})`, { cause: err });
    }
    const code = networkCode(err);
    if ((status !== undefined && (status >= 500 || status === 429)) || UNAVAILABLE_NAMES.has(errName) || code !== undefined) {
      return new StorageUnavailableError(`${name}: S3 unavailable (${code ?? (errName || status)})`, { cause: err });
    }
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** Error names of the SDK and of S3 servers that say "try again later". */
const UNAVAILABLE_NAMES = new Set([
  'SlowDown',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ServiceUnavailable',
  'InternalError',
  'ThrottlingException',
]);
/** Socket-level faults: the server is down, restarting or unreachable for now. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'ENOTCONN']);

/** The socket error code of an SDK failure, on the error itself or its cause (Node nests them). */
function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function unquote(etag: string): string {
  return etag.replace(/^"+|"+$/g, '');
}
