import { isAbsolute } from 'node:path';
import { InputError } from '@vertxnet/core';
import { formatStorageUri, parseStorageUri } from './keys.js';

/**
 * Which storage URIs a service reads or writes on a caller's behalf (ALLOWED_SOURCES,
 * ALLOWED_OUTPUTS): a comma-separated list of URI prefixes. 's3://' alone admits every bucket the
 * service's credentials reach; 's3://bucket/' or 's3://bucket/folder' one bucket or folder;
 * 'file:///data/cohort/' a local folder. Local paths are admitted only by a file:// entry, so they
 * are off unless an operator names them. Prefixes match whole path segments: 's3://archive/xr'
 * admits 's3://archive/xr/a.png', never 's3://archive/xray/'.
 */
export interface UriPolicy {
  /** The list as configured, for messages. */
  readonly text: string;
  /** Canonical prefixes: 's3://' or 'file://' for a whole scheme, else 's3://bucket/prefix' or 'file:///dir'. */
  readonly prefixes: readonly string[];
}

const WHOLE_SCHEME = /^(s3|file):\/\/\/?$/i;

/** Parses a prefix list; throws InputError naming the first bad entry. */
export function parseUriPolicy(text: string): UriPolicy {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
  if (entries.length === 0) throw new InputError('must name at least one URI prefix, e.g. s3://cohort-bucket/');
  const prefixes = entries.map((entry) => {
    const whole = WHOLE_SCHEME.exec(entry);
    if (whole) return `${whole[1]!.toLowerCase()}://`;
    const refusal = pathRefusal(entry);
    if (refusal !== undefined) throw new InputError(`"${entry}": ${refusal}`);
    return canonicalUri(entry).replace(/\/+$/, '');
  });
  return { text: entries.join(', '), prefixes };
}

/**
 * Why `uri` may not be used under `policy`, or undefined when it may. The reason names the
 * configured list, never the URI (callers decide how much of it a message may show).
 */
export function uriRefusal(uri: string, policy: UriPolicy, variable: 'ALLOWED_SOURCES' | 'ALLOWED_OUTPUTS'): string | undefined {
  const refusal = pathRefusal(uri);
  if (refusal !== undefined) return refusal;
  const canonical = canonicalUri(uri);
  const local = canonical.startsWith('file://');
  const admitted = policy.prefixes.some((p) => (p.endsWith('://') ? canonical.startsWith(p) : canonical === p || canonical.startsWith(`${p}/`)));
  if (admitted) return undefined;
  const what = variable === 'ALLOWED_SOURCES' ? 'sources' : 'outputs';
  if (local && !policy.prefixes.some((p) => p.startsWith('file://'))) return `local paths are not allowed (${variable}: ${policy.text})`;
  return `outside the allowed ${what} (${variable}: ${policy.text})`;
}

/** What no list can admit: '..' segments (also percent-encoded) and relative paths. */
function pathRefusal(uri: string): string | undefined {
  const segments = uri.split(/[\\/]/);
  if (segments.some((s) => s === '..' || safeDecode(s) === '..')) return '".." segments are not allowed';
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(uri)?.[1];
  if (scheme === undefined && !isAbsolute(uri)) return 'relative paths are not allowed';
  return undefined;
}

/** 's3://bucket/prefix' or 'file:///abs/dir', whatever form the URI was given in (throws for other schemes). */
function canonicalUri(uri: string): string {
  return formatStorageUri(parseStorageUri(uri));
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
