import { deflateSync, inflateSync } from 'node:zlib';
import {
  type ForegroundMap,
  type Frame,
  type InstanceDetection,
  type InstanceSet,
  type LevelGrid,
  type ModelProvenance,
  type View,
  InputError,
  VIEWS,
} from '@vertxnet/core';

/**
 * Model outputs travel between stages through object storage, never through Redis. The format is
 * a small self-describing blob: magic, a JSON header, then the raw mask bytes, deflated together.
 * Masks are 0/1 bytes, so deflate shrinks them about 20×: a 512² foreground map is ~15 kB.
 */
const FOREGROUND_MAGIC = 'VXFG1';
const INSTANCES_MAGIC = 'VXIN1';

function pack(magic: string, header: unknown, payload: Uint8Array[]): Buffer {
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(magic.length + 4);
  prefix.write(magic, 0, 'latin1');
  prefix.writeUInt32LE(head.length, magic.length);
  return deflateSync(Buffer.concat([prefix, head, ...payload.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))]), {
    level: 1,
  });
}

function unpack(magic: string, blob: Buffer, what: string): { header: unknown; body: Buffer } {
  let raw: Buffer;
  try {
    raw = inflateSync(blob);
  } catch (err) {
    throw new InputError(`${what}: stored model output is corrupt (${(err as Error).message})`, { cause: err });
  }
  if (raw.length < magic.length + 4 || raw.toString('latin1', 0, magic.length) !== magic) {
    throw new InputError(`${what}: stored model output has an unknown format`);
  }
  const headLength = raw.readUInt32LE(magic.length);
  const start = magic.length + 4;
  const header = JSON.parse(raw.toString('utf8', start, start + headLength)) as unknown;
  return { header, body: raw.subarray(start + headLength) };
}

/** A stored output carries the model that made it, so fusion can record provenance without loading models. */
export type WithModel<T> = T & { model?: ModelProvenance };

type StoredLevels = Omit<LevelGrid, 'probability'>;

/**
 * The foreground bytes, then, when the U-Net has a level head, its grid as bytes too (probability
 * × 255, like the foreground: fusion floors the probabilities far above 1/255 anyway).
 */
export function encodeForeground(map: ForegroundMap, model?: ModelProvenance): Buffer {
  const levels: StoredLevels | undefined = map.levels ? { offsets: map.levels.offsets, width: map.levels.width, height: map.levels.height } : undefined;
  const header = {
    frame: map.frame,
    ...(map.viewScores ? { viewScores: map.viewScores } : {}),
    ...(levels ? { levels } : {}),
    ...(map.outOfScope !== undefined ? { outOfScope: map.outOfScope } : {}),
    ...(map.facing ? { facing: map.facing } : {}),
    ...(map.inverted ? { inverted: true } : {}),
    ...(model ? { model } : {}),
  };
  const grid = map.levels ? [Uint8Array.from(map.levels.probability, (p) => Math.round(Math.min(1, Math.max(0, p)) * 255))] : [];
  return pack(FOREGROUND_MAGIC, header, [map.probability, ...grid]);
}

export function decodeForeground(blob: Buffer, what = 'foreground'): WithModel<ForegroundMap> {
  const { header, body } = unpack(FOREGROUND_MAGIC, blob, what);
  const { frame, viewScores, levels, outOfScope, facing, inverted, model } = header as {
    frame: Frame;
    viewScores?: Record<View, number>;
    levels?: StoredLevels;
    outOfScope?: number;
    facing?: { left: number; right: number };
    inverted?: unknown;
    model?: ModelProvenance;
  };
  const pixels = frame.width * frame.height;
  const levelBytes = levels ? levels.offsets.length * levels.width * levels.height : 0;
  if (body.length !== pixels + levelBytes) {
    throw new InputError(`${what}: stored foreground has ${body.length} bytes, expected ${pixels + levelBytes}`);
  }
  const views = viewScores && VIEWS.every((v) => typeof viewScores[v] === 'number' && Number.isFinite(viewScores[v])) ? { viewScores } : {};
  const grid = levels ? { levels: { ...levels, probability: Float32Array.from(body.subarray(pixels), (b) => b / 255) } } : {};
  const isProbability = (p: unknown): p is number => typeof p === 'number' && p >= 0 && p <= 1;
  const scope = isProbability(outOfScope) ? { outOfScope } : {};
  const sides = facing && isProbability(facing.left) && isProbability(facing.right) ? { facing: { left: facing.left, right: facing.right } } : {};
  const polarity = inverted === true ? { inverted: true } : {};
  return { frame, probability: new Uint8Array(body.subarray(0, pixels)), ...views, ...grid, ...scope, ...sides, ...polarity, ...(model ? { model } : {}) };
}

interface StoredDetection extends Omit<InstanceDetection, 'mask'> {
  mask: { x: number; y: number; width: number; height: number };
}

export function encodeInstances(set: InstanceSet, model?: ModelProvenance): Buffer {
  const detections: StoredDetection[] = set.detections.map(({ mask, ...rest }) => ({
    ...rest,
    mask: { x: mask.x, y: mask.y, width: mask.width, height: mask.height },
  }));
  return pack(
    INSTANCES_MAGIC,
    {
      frame: set.frame,
      detections,
      ...(set.classes ? { classes: set.classes } : {}),
      ...(set.inverted ? { inverted: true } : {}),
      ...(model ? { model } : {}),
    },
    set.detections.map((d) => d.mask.data),
  );
}

export function decodeInstances(blob: Buffer, what = 'instances'): WithModel<InstanceSet> {
  const { header, body } = unpack(INSTANCES_MAGIC, blob, what);
  const { frame, detections, classes, inverted, model } = header as {
    frame: Frame;
    detections: StoredDetection[];
    classes?: unknown;
    inverted?: unknown;
    model?: ModelProvenance;
  };
  let offset = 0;
  const out: InstanceDetection[] = [];
  for (const d of detections) {
    const size = d.mask.width * d.mask.height;
    if (offset + size > body.length) throw new InputError(`${what}: stored instance masks are truncated`);
    out.push({ ...d, mask: { ...d.mask, data: new Uint8Array(body.subarray(offset, offset + size)) } });
    offset += size;
  }
  const classList = Array.isArray(classes) && classes.every((c) => typeof c === 'string') ? { classes: classes as string[] } : {};
  return { frame, detections: out, ...classList, ...(inverted === true ? { inverted: true } : {}), ...(model ? { model } : {}) };
}
