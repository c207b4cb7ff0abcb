import type { z } from 'zod';

export interface EnvRow {
  name: string;
  /** The default as written in a table ('' when there is none). */
  default: string;
  required: boolean;
  description: string;
}

interface Inspectable {
  description?: string;
  def: { type: string; innerType?: unknown; defaultValue?: unknown; in?: unknown };
}

/** One row per variable, in schema order, for generating the README's configuration table. */
export function describeEnv(schema: z.ZodObject): EnvRow[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    let description = '';
    let defaultValue: unknown;
    let hasDefault = false;
    let optional = false;
    // .describe() may sit outside or inside .default()/.optional(): look through the wrappers.
    let node = field as unknown as Inspectable | undefined;
    while (node) {
      if (!description && node.description) description = node.description;
      if (node.def.type === 'default' && !hasDefault) {
        hasDefault = true;
        defaultValue = node.def.defaultValue;
      }
      if (node.def.type === 'optional') optional = true;
      // A .transform() is a pipe: its default and description sit on the input side.
      node = (node.def.innerType ?? (node.def.type === 'pipe' ? node.def.in : undefined)) as Inspectable | undefined;
    }
    return {
      name,
      default: hasDefault ? String(defaultValue) : '',
      required: !hasDefault && !optional,
      description,
    };
  });
}

/** A Markdown table of describeEnv's rows. */
export function envMarkdownTable(schema: z.ZodObject): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = describeEnv(schema).map(
    (r) => `| \`${r.name}\` | ${r.required ? 'required' : r.default ? `\`${cell(r.default)}\`` : ''} | ${cell(r.description)} |`,
  );
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
