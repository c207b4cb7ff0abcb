/**
 * The project's error classes. Callers decide what to do by `instanceof`, never by message text:
 * an InputError fails a job once (bad input never gets better by retrying), a TransientError is
 * retried with backoff. Messages are for a person and never carry pixel data or patient metadata.
 */
export class VertxnetError extends Error {
  /** A stable machine-readable code, e.g. for job failure records and metrics. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The input itself is unusable (corrupt, unsupported, too large). Never retried. */
export class InputError extends VertxnetError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? 'INPUT_INVALID', message, options);
  }

  /** "scan.png: PNG is truncated": names the file by its basename only, never the full path. */
  static forFile(name: string, cause: string, options?: { cause?: unknown; code?: string }): InputError {
    return new InputError(`${basename(name)}: ${cause}`, options);
  }
}

/** A source or output URI this service is not configured to read or write (ALLOWED_SOURCES / ALLOWED_OUTPUTS). */
export class UriNotAllowedError extends InputError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, code: 'URI_NOT_ALLOWED' });
  }
}

/** A fault that may pass (network, throttling, a server restarting). Retry with backoff. */
export class TransientError extends VertxnetError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? 'TRANSIENT', message, options);
  }
}

/**
 * Object storage did not answer, or answered with a server fault (refused, reset, timed out, 5xx,
 * SlowDown). Retried for minutes rather than seconds, and workers stop taking jobs until the store
 * answers again: an outage is nobody's input and must not use up the images' tries.
 */
export class StorageUnavailableError extends TransientError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, { ...options, code: options?.code ?? 'STORAGE_UNAVAILABLE' });
    // BullMQ keeps the stack of every failed try with the job, and an outage may take 12 tries:
    // the frames (always the S3 adapter) say nothing the message does not.
    this.stack = `${this.name}: ${message}`;
  }
}

/** The service's own configuration is wrong; the process should not start. */
export class ConfigError extends VertxnetError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? 'CONFIG_INVALID', message, options);
  }
}

/** A model failed to load, did not match its manifest, or returned outputs of the wrong shape. */
export class ModelError extends VertxnetError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? 'MODEL_FAILED', message, options);
  }
}

/** A key, object or record that should exist does not. */
export class NotFoundError extends VertxnetError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? 'NOT_FOUND', message, options);
  }
}

/** The last '/'- or '\'-separated segment of a path, key or URI. */
export function basename(name: string): string {
  const parts = name.split(/[\\/]/).filter((p) => p.length > 0);
  return parts[parts.length - 1] ?? name;
}
