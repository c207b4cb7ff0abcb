import type { Redis } from 'ioredis';
import type { PipelineKeys } from './keys.js';

/** An image id as imageIdOf makes it: 'i', 4 hex digits (its bucket), 16 more. */
const CONTENT_ID = /^i[0-9a-f]{4}([0-9a-f]{15})[0-9a-f]$/;

/**
 * The field of an image id in its bucket (which holds the id's first 4 hex digits already): the
 * next 15 hex digits (60 bits) as a decimal integer, which a listpack stores in 9 bytes instead of
 * 21 for the id. With the bucket's 16 bits that is 76 bits of the id: no collision in any cohort
 * (about 1e-11 at 1e6 images). Ids of another form (tests) are stored as they are.
 */
export function doneField(imageId: string): string {
  const m = CONTENT_ID.exec(imageId);
  return m ? BigInt(`0x${m[1]}`).toString() : imageId;
}

/**
 * One record per finished image id (same source, models and output), so a re-submission skips it.
 * Records are hash fields bucketed by the id's first 4 hex digits (65,536 buckets, each a small
 * listpack), with an integer field and a 1-byte value: about 12 bytes a record plus the buckets'
 * own cost (about 80 bytes each once used), i.e. about 17 B per image at a million images.
 * Records written before this form (field = the whole id, value = the run) are still found.
 */
export class DoneRecords {
  constructor(
    private readonly redis: Redis,
    private readonly keys: PipelineKeys,
  ) {}

  async has(imageId: string): Promise<boolean> {
    return (await this.which([imageId]))[0] === true;
  }

  /** Which of these ids are done, in one round trip. */
  async which(imageIds: readonly string[]): Promise<boolean[]> {
    if (imageIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of imageIds) {
      pipeline.hexists(this.keys.doneBucket(id), doneField(id));
      pipeline.hexists(this.keys.doneBucket(id), id); // the earlier form
    }
    const replies = (await pipeline.exec()) ?? [];
    for (const [err] of replies) if (err) throw err;
    return imageIds.map((_, i) => replies[2 * i]?.[1] === 1 || replies[2 * i + 1]?.[1] === 1);
  }

  /** Records the image as done; true the first time. */
  async mark(imageId: string): Promise<boolean> {
    return (await this.redis.hsetnx(this.keys.doneBucket(imageId), doneField(imageId), '1')) === 1;
  }
}
