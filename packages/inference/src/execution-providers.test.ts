import { listSupportedBackends } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@vertxnet/core';
import { availableExecutionProviders, resolveExecutionProviders } from './execution-providers.js';

describe('resolveExecutionProviders', () => {
  it('keeps the requested order of what is available and ends with cpu', () => {
    expect(resolveExecutionProviders(['tensorrt', 'cuda'], ['cpu', 'cuda', 'tensorrt'])).toEqual({
      providers: ['tensorrt', 'cuda', 'cpu'],
      fallbacks: [],
    });
    expect(resolveExecutionProviders(['cpu'], ['cpu'])).toEqual({ providers: ['cpu'], fallbacks: [] });
    expect(resolveExecutionProviders([], ['cpu'])).toEqual({ providers: ['cpu'], fallbacks: [] });
  });

  it('reports what it had to fall back from', () => {
    expect(resolveExecutionProviders(['cuda', 'cpu', 'cuda'], ['cpu', 'webgpu'])).toEqual({ providers: ['cpu'], fallbacks: ['cuda'] });
  });

  it('throws on an unknown name, listing the valid ones', () => {
    expect(() => resolveExecutionProviders(['gpu'], ['cpu'])).toThrow(ConfigError);
    expect(() => resolveExecutionProviders(['gpu'], ['cpu'])).toThrow(/unknown execution provider 'gpu'; valid: tensorrt, cuda, .*cpu/);
  });
});

describe('availableExecutionProviders', () => {
  it('lists only providers bundled in this onnxruntime-node build, cpu among them', () => {
    const available = availableExecutionProviders();
    expect(available).toContain('cpu');
    // onnxruntime-node lists cuda and tensorrt on Linux x64 but ships them only when installed with CUDA.
    for (const backend of listSupportedBackends()) expect(available.includes(backend.name), backend.name).toBe(backend.bundled);
  });
});
