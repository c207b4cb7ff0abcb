import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { ConfigError, ModelError, type ModelManifest, type ModelProvenance } from '@vertxnet/core';
import { availableExecutionProviders, resolveExecutionProviders } from './execution-providers.js';
import { readModelManifest, readVerifiedWeights } from './model-files.js';

/** Output tensors of one image, keyed by the manifest's output roles (e.g. foreground, or boxes/labels/scores/masks). */
export type ModelOutputs = Record<string, ort.Tensor>;

/** The part of a pino logger the engine uses. */
export interface InferenceLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface LoadModelOptions {
  /** Execution providers in order of preference; those this build lacks fall back to cpu. @defaultValue ['cpu'] */
  executionProviders?: string[];
  /** Threads per operator. @defaultValue onnxruntime's own (one per core) */
  intraOpThreads?: number;
  logger?: InferenceLogger;
}

/** One interface for both models: a verified ONNX session plus the manifest that describes it. */
export interface InferenceModel {
  readonly manifest: ModelManifest;
  readonly dir: string;
  readonly provenance: ModelProvenance;
  /** Seconds from reading the manifest to a ready session. */
  readonly loadSeconds: number;
  /** The providers the session was given, in order. */
  readonly executionProviders: readonly string[];
  /**
   * Runs each input (size × size, already normalised) and returns its outputs, in order. Dynamic-batch
   * models get one stacked call; others one call per input. Calls on one model never overlap.
   */
  run(inputs: readonly Float32Array[]): Promise<ModelOutputs[]>;
  /** Waits for runs in flight, then releases the session. */
  close(): Promise<void>;
}

/** Loads `<dir>/manifest.json` and the weights it names, checks both, and opens an onnxruntime session. */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<InferenceModel> {
  const started = performance.now();
  const { intraOpThreads, logger } = options;
  if (intraOpThreads !== undefined && !(Number.isInteger(intraOpThreads) && intraOpThreads > 0)) {
    throw new ConfigError(`intraOpThreads must be a positive integer, not ${intraOpThreads}`);
  }
  const { providers, fallbacks } = resolveExecutionProviders(options.executionProviders ?? ['cpu'], availableExecutionProviders());
  const manifest = await readModelManifest(dir);
  const { path, bytes } = await readVerifiedWeights(dir, manifest);
  if (fallbacks.length > 0) {
    logger?.warn(
      { model: manifest.name, requested: fallbacks, using: providers },
      `${fallbacks.join(', ')} requested but not available in this onnxruntime build; using ${providers.join(', ')}`,
    );
  }
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      executionProviders: providers,
      graphOptimizationLevel: 'all',
      // Idle pool threads block instead of spinning: spinning burns CPU a worker's quota pays for
      // (and the other model's stage on the same node needs), for no gain on convolutions this size.
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
      ...(intraOpThreads !== undefined ? { intraOpNumThreads: intraOpThreads } : {}),
    });
  } catch (err) {
    throw new ModelError(`${path}: onnxruntime cannot load it (${(err as Error).message})`, { code: 'MODEL_LOAD_FAILED', cause: err });
  }
  let batchRank: 3 | 4;
  try {
    checkOutputs(session, manifest, path);
    batchRank = inputRank(session, manifest, path);
  } catch (err) {
    await session.release();
    throw err;
  }
  const loadSeconds = (performance.now() - started) / 1000;
  const model = new OnnxModel(session, manifest, dir, providers, batchRank, loadSeconds, logger);
  logger?.info({ model: manifest.name, version: manifest.version, sha256: manifest.sha256, executionProviders: providers, loadSeconds }, 'model loaded');
  return model;
}

function checkOutputs(session: ort.InferenceSession, manifest: ModelManifest, path: string): void {
  const { name } = manifest.input;
  if (session.inputNames.length !== 1 || session.inputNames[0] !== name) {
    throw new ModelError(`${path}: inputs are [${session.inputNames.join(', ')}]; the manifest expects one input '${name}'`, {
      code: 'MODEL_IO_MISMATCH',
    });
  }
  const missing = Object.values(manifest.outputs).filter((output) => !session.outputNames.includes(output));
  if (missing.length > 0) {
    throw new ModelError(`${path}: outputs are [${session.outputNames.join(', ')}]; the manifest also names [${missing.join(', ')}]`, {
      code: 'MODEL_IO_MISMATCH',
    });
  }
}

/**
 * Rank 4 is [N,1,S,S] (batched along N), rank 3 is [1,S,S] (one image per call, as torchvision
 * detection models take). The model's own declared shape wins; the manifest must agree with it.
 */
function inputRank(session: ort.InferenceSession, manifest: ModelManifest, path: string): 3 | 4 {
  const { name, size, dynamicBatch } = manifest.input;
  const meta = session.inputMetadata.find((m) => m.name === name);
  if (!meta?.isTensor || meta.shape.length === 0) return dynamicBatch ? 4 : 3;
  const shape = meta.shape;
  const expected = shape.length === 4 ? [dynamicBatch ? 'N' : 1, 1, size, size] : [1, size, size];
  const fits =
    meta.type === 'float32' &&
    (shape.length === 4 || (shape.length === 3 && !dynamicBatch)) &&
    shape.every((dim, i) => {
      const want = expected[i];
      if (typeof dim !== 'number' || dim < 0) return true; // symbolic: nothing to check
      return typeof want === 'number' ? dim === want : !dynamicBatch;
    });
  if (!fits) {
    throw new ModelError(
      `${path}: input '${name}' is ${meta.type} [${shape.join(',')}]; the manifest (size ${size}, dynamicBatch ${dynamicBatch}) ` +
        `needs float32 [${expected.join(',')}]`,
      { code: 'MODEL_IO_MISMATCH' },
    );
  }
  return shape.length as 3 | 4;
}

class OnnxModel implements InferenceModel {
  readonly provenance: ModelProvenance;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly session: ort.InferenceSession,
    readonly manifest: ModelManifest,
    readonly dir: string,
    readonly executionProviders: readonly string[],
    private readonly rank: 3 | 4,
    readonly loadSeconds: number,
    private readonly logger: InferenceLogger | undefined,
  ) {
    this.provenance = { name: manifest.name, version: manifest.version, sha256: manifest.sha256 };
  }

  async run(inputs: readonly Float32Array[]): Promise<ModelOutputs[]> {
    if (this.closed) throw new ModelError(`${this.manifest.name} is closed`, { code: 'MODEL_CLOSED' });
    const { size } = this.manifest.input;
    inputs.forEach((input, i) => {
      if (input.length !== size * size) {
        throw new ModelError(`input ${i} has ${input.length} values; ${this.manifest.name} takes ${size}x${size} = ${size * size}`, {
          code: 'MODEL_INPUT_SHAPE',
        });
      }
    });
    if (inputs.length === 0) return [];
    return this.serially(async () => {
      if (this.manifest.input.dynamicBatch) return this.runStacked(inputs);
      const results: ModelOutputs[] = [];
      for (const input of inputs) results.push(...(await this.runStacked([input])));
      return results;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail;
    await this.session.release();
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async runStacked(inputs: readonly Float32Array[]): Promise<ModelOutputs[]> {
    const { size, name } = this.manifest.input;
    const n = inputs.length;
    const data = n === 1 ? inputs[0]! : new Float32Array(n * size * size);
    if (n > 1) inputs.forEach((input, i) => data.set(input, i * size * size));
    const dims = this.rank === 4 ? [n, 1, size, size] : [1, size, size];
    const feeds = { [name]: new ort.Tensor('float32', data, dims) };
    const roles = Object.entries(this.manifest.outputs);
    let outputs: ort.InferenceSession.OnnxValueMapType;
    try {
      outputs = await this.session.run(
        feeds,
        roles.map(([, output]) => output),
      );
    } catch (err) {
      for (const [input, tensor] of Object.entries(feeds)) {
        this.logger?.warn({ model: this.manifest.name, input, dims: tensor.dims, type: tensor.type }, 'inference failed for this input');
      }
      throw new ModelError(`${this.manifest.name} ${this.manifest.version}: inference failed (${(err as Error).message})`, {
        code: 'MODEL_RUN_FAILED',
        cause: err,
      });
    }
    const perImage: ModelOutputs[] = Array.from({ length: n }, () => ({}));
    for (const [role, output] of roles) {
      const tensor = outputs[output] as ort.Tensor;
      if (n === 1) {
        perImage[0]![role] = tensor;
        continue;
      }
      if (tensor.dims[0] !== n) {
        throw new ModelError(`${this.manifest.name}: output '${output}' has batch ${tensor.dims[0]} for ${n} inputs`, {
          code: 'MODEL_OUTPUT_SHAPE',
        });
      }
      for (let i = 0; i < n; i++) perImage[i]![role] = batchItem(tensor, i, n);
    }
    return perImage;
  }
}

/** Item i of a tensor batched along its first dimension, as a view with batch 1. */
function batchItem(tensor: ort.Tensor, i: number, n: number): ort.Tensor {
  const per = tensor.size / n;
  const data = tensor.data;
  const item = Array.isArray(data) ? data.slice(i * per, (i + 1) * per) : (data as Float32Array).subarray(i * per, (i + 1) * per);
  return new ort.Tensor(tensor.type, item, [1, ...tensor.dims.slice(1)]);
}
