import type { Redis } from 'ioredis';
import type { PipelineKeys } from './keys.js';

/** One record per finished image id (same source, models and output), so a re-submission skips it. */
export class DoneRecords {
  constructor(
    private readonly redis: Redis,
    private readonly keys: PipelineKeys,
  ) {}

  async has(imageId: string): Promise<boolean> {
    return (await this.redis.hexists(this.keys.doneBucket(imageId), imageId)) === 1;
  }

  /** Which of these ids are done, in one round trip. */
  async which(imageIds: readonly string[]): Promise<boolean[]> {
    if (imageIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of imageIds) pipeline.hexists(this.keys.doneBucket(id), id);
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([err, value]) => {
      if (err) throw err;
      return value === 1;
    });
  }

  /** Records the image as done by `run`; true the first time. */
  async mark(imageId: string, run: string): Promise<boolean> {
    return (await this.redis.hsetnx(this.keys.doneBucket(imageId), imageId, run)) === 1;
  }
}
