/**
 * Redis keys of the pipeline's own records, beside BullMQ's `<prefix>:<queue>:…` keys (no
 * queue is called "run" or "done", so the two never meet).
 */
export class PipelineKeys {
  constructor(readonly prefix: string) {}

  /** Hash: source, out, view, models, created, listed, queued, skipped, done, failed, cursor, listingDone. */
  run(id: string): string {
    return `${this.prefix}:run:${id}`;
  }

  /** Hash of the run's images in flight: prepare job id → image id ('' until prepared). At most MAX_PENDING fields. */
  pending(id: string): string {
    return `${this.prefix}:run:${id}:pending`;
  }

  /** List of the source's files the listing left out (not images, links), as JSON {key, reason}; the first LEFT_OUT_KEPT. */
  leftOut(id: string): string {
    return `${this.prefix}:run:${id}:left-out`;
  }

  /** Pub/sub channel: a message per queued batch, per image that leaves the backlog, and at the listing's end. */
  events(id: string): string {
    return `${this.prefix}:run:${id}:events`;
  }

  /**
   * Images finished in each second of one minute, for throughput: a hash of second-of-minute →
   * count that expires, so a busy run holds about three small listpacks rather than a key per second.
   */
  finishedIn(id: string, epochMinute: number): string {
    return `${this.prefix}:run:${id}:finished:${epochMinute}`;
  }

  /** String with a short expiry: held while one review-marks post of the run reads, merges and writes (any ingest replica). */
  marksLock(id: string): string {
    return `${this.prefix}:run:${id}:marks-lock`;
  }

  /** Sorted set of run ids by creation time. */
  runs(): string {
    return `${this.prefix}:runs`;
  }

  /**
   * Done-records live in hashes bucketed by the id's first 4 hex digits (see DoneRecords): small
   * hashes are stored as listpacks, about 12 bytes a record instead of about 90 for a key per image.
   */
  doneBucket(imageId: string): string {
    return `${this.prefix}:done:${imageId.slice(1, 5)}`;
  }
}
