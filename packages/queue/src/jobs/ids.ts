import { createHash, randomBytes } from 'node:crypto';
import type { ModelRefs } from './contract.js';

/**
 * Ids derived from the source and its content. An image is the same image when its source URI,
 * its content identity (ETag or content hash), the models and the output location are the same:
 * re-submitting it is skipped, a changed file or a new model version is a new id and is recomputed.
 * The URI is part of it because each source name gets its own result folder: byte-identical
 * files under two names are two images (their canonical image and model outputs, keyed by
 * content, are still shared). 80 bits keep collisions negligible for any cohort (≈1e-13 at 1e6).
 * The letter prefix keeps BullMQ from reading an all-digit id as an integer id (it refuses those).
 */
export function imageIdOf(source: string, identity: string, models: ModelRefs, out: string): string {
  return `i${sha256Hex([source, identity, models.unet, models.maskrcnn, out].join('\n')).slice(0, 20)}`;
}

/** The identity of a source known by its storage ETag; prepare handlers must use the same form. */
export function etagIdentity(etag: string): string {
  return `etag:${etag}`;
}

/** Job ids of one image's flow: the fusion parent and its two model children. */
export function flowJobIds(imageId: string): { fusion: string; unet: string; maskrcnn: string } {
  return { fusion: imageId, unet: `${imageId}-unet`, maskrcnn: `${imageId}-maskrcnn` };
}

/** The prepare job of one source object in one run (so re-listing after a restart adds it once). */
export function prepareJobId(run: string, source: string): string {
  return `p${sha256Hex(`${run}\n${source}`).slice(0, 20)}`;
}

/** A fresh run id: sortable by creation time, e.g. "r-m5x2k9qz-3f9a1c". */
export function newRunId(now = Date.now()): string {
  return `r-${now.toString(36)}-${randomBytes(3).toString('hex')}`;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
