import type { ModelProvenance } from '@vertxnet/core';
import { decodeCanonicalPng } from '@vertxnet/imaging';
import type { Storage } from '@vertxnet/storage';

export type StorageOptions = { endpoint?: string; region?: string; forcePathStyle?: boolean };

/** A grayscale 8-bit image in memory. */
export interface GrayImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export async function readCanonical(work: Storage, key: string): Promise<GrayImage> {
  return decodeCanonicalPng(await work.get(key));
}

/** The short form of a model's identity used in storage keys and job ids. */
export function modelRef(p: ModelProvenance): string {
  return `${p.name}@${p.version}+${p.sha256.slice(0, 12)}`;
}
