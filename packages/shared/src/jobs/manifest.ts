import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { InputError, basename } from '../errors.js';
import { isView, type View } from '../levels.js';

export interface ManifestRow {
  /** 1-based line number in the file; the listing cursor of a manifest. */
  line: number;
  uri: string;
  view?: View;
}

/**
 * Streams the rows of a manifest CSV: a header with a `uri` column and an optional `view`
 * column (cervical | lumbar | empty). Quoted fields ("a,b", "say ""x""") are read; fields
 * spanning lines are not. Rows up to `afterLine` are skipped (resuming a listing).
 */
export async function* readManifest(name: string, stream: Readable, afterLine = 0): AsyncGenerator<ManifestRow> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  let uriColumn = -1;
  let viewColumn = -1;
  for await (const text of lines) {
    line += 1;
    if (line === 1) {
      const header = parseCsvLine(text.replace(/^\uFEFF/, '')).map((h) => h.trim().toLowerCase());
      uriColumn = header.indexOf('uri');
      viewColumn = header.indexOf('view');
      if (uriColumn === -1) throw new InputError(`${basename(name)}: the manifest has no "uri" column`);
      continue;
    }
    if (line <= afterLine || text.trim() === '') continue;
    const fields = parseCsvLine(text);
    const uri = fields[uriColumn]?.trim() ?? '';
    if (uri === '') throw new InputError(`${basename(name)} line ${line}: the uri is empty`);
    const view = viewColumn === -1 ? '' : (fields[viewColumn]?.trim().toLowerCase() ?? '');
    if (view !== '' && !isView(view)) throw new InputError(`${basename(name)} line ${line}: view must be "cervical", "lumbar" or empty`);
    yield view === '' ? { line, uri } : { line, uri, view: view as View };
  }
  if (line === 0) throw new InputError(`${basename(name)}: the manifest is empty`);
}

/** Splits one CSV line into fields (RFC 4180 quoting, on one line). */
export function parseCsvLine(text: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}
