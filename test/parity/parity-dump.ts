/**
 * Reads a parity dump: a fixed model input and torch's outputs for it, written by
 * test/fixtures/make_tiny_models.py or `python3 -m vertxnet_train.parity`.
 *
 * parity.json: { input: {file, shape}, outputs: {name: {file, shape, dtype}}, sources?: [{file, width, height}] }
 * with raw little-endian float32 / int64 / uint8 files beside it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

const Shape = z.array(z.number().int().nonnegative());
const ParityJson = z.object({
  input: z.object({ file: z.string(), shape: Shape }),
  outputs: z.record(z.string(), z.object({ file: z.string(), shape: Shape, dtype: z.enum(['float32', 'int64']) })),
  sources: z.array(z.object({ file: z.string(), width: z.number().int().positive(), height: z.number().int().positive() })).optional(),
});

export interface DumpArray<T> {
  data: T;
  shape: number[];
}

export interface ParityDump {
  input: DumpArray<Float32Array>;
  outputs: Record<string, DumpArray<Float32Array | BigInt64Array>>;
  /** The 8-bit images each input was made from, when the dump says. */
  sources: { gray8: Uint8Array; width: number; height: number }[];
}

export async function readParityDump(dir: string): Promise<ParityDump> {
  const doc = ParityJson.parse(JSON.parse(await readFile(join(dir, 'parity.json'), 'utf8')));
  const input = { data: new Float32Array(await readAligned(dir, doc.input.file, 4)), shape: doc.input.shape };
  expectLength(input.data.length, doc.input.shape, doc.input.file);
  const outputs: ParityDump['outputs'] = {};
  for (const [name, entry] of Object.entries(doc.outputs)) {
    const bytes = await readAligned(dir, entry.file, entry.dtype === 'int64' ? 8 : 4);
    const data = entry.dtype === 'int64' ? new BigInt64Array(bytes) : new Float32Array(bytes);
    expectLength(data.length, entry.shape, entry.file);
    outputs[name] = { data, shape: entry.shape };
  }
  const sources = await Promise.all(
    (doc.sources ?? []).map(async (s) => ({ gray8: new Uint8Array(await readFile(join(dir, s.file))), width: s.width, height: s.height })),
  );
  return { input, outputs, sources };
}

/** The file's bytes in a fresh ArrayBuffer, so typed-array views start aligned. */
async function readAligned(dir: string, file: string, unit: number): Promise<ArrayBuffer> {
  const buf = await readFile(join(dir, file));
  if (buf.length % unit !== 0) throw new Error(`${file}: ${buf.length} bytes is not a whole number of ${unit}-byte values`);
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length) as ArrayBuffer;
}

function expectLength(length: number, shape: number[], file: string): void {
  const want = shape.reduce((a, b) => a * b, 1);
  if (length !== want) throw new Error(`${file}: ${length} values; shape [${shape.join(',')}] needs ${want}`);
}
