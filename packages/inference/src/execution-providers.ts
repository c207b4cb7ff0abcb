import { listSupportedBackends } from 'onnxruntime-node';
import { ConfigError } from '@vertxnet/core';

/** Execution provider names that may be asked for, fastest first as a rule of thumb. */
export const EXECUTION_PROVIDERS = ['tensorrt', 'cuda', 'dml', 'coreml', 'webgpu', 'cpu'] as const;

export interface ResolvedExecutionProviders {
  /** What to give the session, in the requested order; always ends with cpu. */
  providers: string[];
  /** Requested but not available in this build. */
  fallbacks: string[];
}

/**
 * Intersects the requested execution providers with those this onnxruntime build offers, keeping
 * the requested order; cpu always stays last so that any node a faster provider cannot run still runs.
 */
export function resolveExecutionProviders(requested: readonly string[], available: readonly string[]): ResolvedExecutionProviders {
  const valid: readonly string[] = EXECUTION_PROVIDERS;
  const unknown = requested.filter((name) => !valid.includes(name));
  if (unknown.length > 0) {
    throw new ConfigError(`unknown execution provider ${unknown.map((n) => `'${n}'`).join(', ')}; valid: ${valid.join(', ')}`);
  }
  const wanted = [...new Set(requested)].filter((name) => name !== 'cpu');
  const providers = wanted.filter((name) => available.includes(name));
  const fallbacks = wanted.filter((name) => !available.includes(name));
  return { providers: [...providers, 'cpu'], fallbacks };
}

/** Providers this onnxruntime-node build can actually run (installed and bundled). */
export function availableExecutionProviders(): string[] {
  return listSupportedBackends()
    .filter((backend) => backend.bundled)
    .map((backend) => backend.name);
}
