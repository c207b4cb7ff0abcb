import type { z } from 'zod';
import { ConfigError } from '@vertxnet/core';

type Env = Record<string, string | undefined>;

/** Values of these variables may hold secrets (passwords in URLs, keys): never echoed. */
const SECRET_NAME = /SECRET|PASSWORD|PASS|TOKEN|CREDENTIAL|KEY|URL|DSN/i;

/**
 * Validates a service's environment once, at start. Empty variables count as unset (compose
 * files often write `S3_ENDPOINT=`). Throws one ConfigError listing every bad variable and why.
 */
export function parseEnv<S extends z.ZodObject>(schema: S, env: Env = process.env, service = 'vertxnet'): z.output<S> {
  const present: Env = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && value !== '') present[name] = value;
  const result = schema.safeParse(present);
  if (result.success) return result.data;

  const lines = result.error.issues.map((issue) => {
    const name = issue.path.length > 0 ? issue.path.join('.') : '(configuration)';
    const value = typeof issue.path[0] === 'string' ? present[issue.path[0]] : undefined;
    const why = value === undefined && issue.code === 'invalid_type' ? 'is required but not set' : issue.message;
    const shown = value === undefined || SECRET_NAME.test(name) ? '' : ` (got ${JSON.stringify(value)})`;
    return `  - ${name}: ${why}${shown}`;
  });
  const count = lines.length === 1 ? '1 problem' : `${lines.length} problems`;
  throw new ConfigError(`${service}: invalid configuration (${count}):\n${lines.join('\n')}`);
}

/** parseEnv for a service's entry point: on bad configuration, says why on stderr and exits 2. */
export function loadConfigOrExit<S extends z.ZodObject>(schema: S, service: string, env: Env = process.env): z.output<S> {
  try {
    return parseEnv(schema, env, service);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
}
