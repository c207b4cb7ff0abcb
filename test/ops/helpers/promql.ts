/**
 * A small PromQL reader: tokenises an expression, checks brackets, ranges and label matchers, and
 * returns the metric names it selects and the label matchers of each selector. Not a full parser;
 * enough to tell which series an expression reads, which is what the ops tests check.
 */

const FUNCTIONS = new Set([
  'abs',
  'absent',
  'absent_over_time',
  'avg_over_time',
  'ceil',
  'changes',
  'clamp',
  'clamp_max',
  'clamp_min',
  'count_over_time',
  'day_of_month',
  'day_of_week',
  'delta',
  'deriv',
  'exp',
  'floor',
  'histogram_quantile',
  'holt_winters',
  'hour',
  'idelta',
  'increase',
  'irate',
  'label_join',
  'label_replace',
  'last_over_time',
  'ln',
  'log2',
  'log10',
  'max_over_time',
  'min_over_time',
  'minute',
  'month',
  'predict_linear',
  'quantile_over_time',
  'rate',
  'resets',
  'round',
  'scalar',
  'sort',
  'sort_desc',
  'sqrt',
  'stddev_over_time',
  'sum_over_time',
  'time',
  'timestamp',
  'vector',
  'year',
]);
const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile']);
const LABEL_LIST_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const OPERATOR_WORDS = new Set(['and', 'or', 'unless', 'bool', 'offset']);

export type Token = { kind: 'ident' | 'string' | 'number' | 'duration' | 'var' | 'op' | 'punct'; text: string };

export function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < expr.length && expr[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < expr.length && expr[j] !== c) j += expr[j] === '\\' && c !== '`' ? 2 : 1;
      if (j >= expr.length) throw new Error(`unterminated string at ${i} in ${expr}`);
      tokens.push({ kind: 'string', text: expr.slice(i + 1, j) });
      i = j + 1;
      continue;
    }
    const dollar = /^\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)/.exec(expr.slice(i));
    if (dollar) {
      tokens.push({ kind: 'var', text: dollar[0] });
      i += dollar[0].length;
      continue;
    }
    const duration = /^(\d+(ms|s|m|h|d|w|y))+/.exec(expr.slice(i));
    if (duration) {
      tokens.push({ kind: 'duration', text: duration[0] });
      i += duration[0].length;
      continue;
    }
    const number = /^(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?/.exec(expr.slice(i));
    if (number) {
      tokens.push({ kind: 'number', text: number[0] });
      i += number[0].length;
      continue;
    }
    const ident = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(expr.slice(i));
    if (ident) {
      tokens.push({ kind: 'ident', text: ident[0] });
      i += ident[0].length;
      continue;
    }
    const op = /^(==|!=|=~|!~|>=|<=|[-+*/%^<>=])/.exec(expr.slice(i));
    if (op) {
      tokens.push({ kind: 'op', text: op[0] });
      i += op[0].length;
      continue;
    }
    if ('(){}[],:'.includes(c)) {
      tokens.push({ kind: 'punct', text: c });
      i++;
      continue;
    }
    throw new Error(`unexpected ${JSON.stringify(c)} at ${i} in ${expr}`);
  }
  return tokens;
}

export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}
export interface Selector {
  metric: string;
  matchers: Matcher[];
}

/** The vector selectors of an expression; throws on unbalanced brackets, bad matchers, unknown functions, bad ranges. */
export function selectors(expr: string): Selector[] {
  const t = tokenize(expr);
  const out: Selector[] = [];
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', '}': '{', ']': '[' };
  for (let i = 0; i < t.length; i++) {
    const tok = t[i]!;
    if (tok.kind === 'punct' && '([{'.includes(tok.text)) stack.push(tok.text);
    if (tok.kind === 'punct' && ')]}'.includes(tok.text) && stack.pop() !== pairs[tok.text]) throw new Error(`unbalanced ${tok.text} in ${expr}`);
    if (tok.kind === 'punct' && tok.text === '[') {
      // A range [5m] or a subquery [1h:5m]; a Grafana variable ($__rate_interval) may stand for a duration.
      const inner: Token[] = [];
      let j = i + 1;
      while (j < t.length && t[j]!.text !== ']') inner.push(t[j++]!);
      const ok = inner.length > 0 && inner.every((x) => x.kind === 'duration' || x.kind === 'var' || (x.kind === 'punct' && x.text === ':'));
      if (!ok) throw new Error(`bad range [${inner.map((x) => x.text).join('')}] in ${expr}`);
    }
    if (tok.kind !== 'ident') continue;
    const next = t[i + 1];
    if (LABEL_LIST_KEYWORDS.has(tok.text)) {
      if (next?.text === '(') {
        let j = i + 2;
        while (j < t.length && t[j]!.text !== ')') {
          if (t[j]!.kind !== 'ident' && t[j]!.text !== ',') throw new Error(`bad label list after ${tok.text} in ${expr}`);
          j++;
        }
        stack.push('(');
        i = j - 1;
      }
      continue;
    }
    if (OPERATOR_WORDS.has(tok.text)) continue;
    if (next?.text === '(' && !(AGGREGATIONS.has(tok.text) || FUNCTIONS.has(tok.text))) throw new Error(`unknown function ${tok.text} in ${expr}`);
    if (AGGREGATIONS.has(tok.text) && (next?.text === '(' || (next && LABEL_LIST_KEYWORDS.has(next.text)))) continue;
    if (FUNCTIONS.has(tok.text) && next?.text === '(') continue;
    // A metric name, maybe with matchers.
    const selector: Selector = { metric: tok.text, matchers: [] };
    if (next?.text === '{') {
      let j = i + 2;
      while (t[j] && t[j]!.text !== '}') {
        const [label, op, value] = [t[j], t[j + 1], t[j + 2]];
        if (label?.kind !== 'ident' || op?.kind !== 'op' || !['=', '!=', '=~', '!~'].includes(op.text) || value?.kind !== 'string')
          throw new Error(`bad label matcher in ${expr}`);
        if (op.text === '=~' || op.text === '!~') new RegExp(`^(?:${value.text})$`);
        selector.matchers.push({ label: label.text, op: op.text as Matcher['op'], value: value.text });
        j += 3;
        if (t[j]?.text === ',') j++;
      }
      if (!t[j]) throw new Error(`unclosed selector in ${expr}`);
      i = j; // the closing brace: matched here, not on the stack
    }
    out.push(selector);
  }
  if (stack.length > 0) throw new Error(`unbalanced brackets in ${expr}`);
  return out;
}

/** Whether a series' labels satisfy a selector's matchers (anchored regexes, as in PromQL). */
export function matches(labels: Record<string, string>, matchers: Matcher[]): boolean {
  return matchers.every((m) => {
    const v = labels[m.label] ?? '';
    switch (m.op) {
      case '=':
        return v === m.value;
      case '!=':
        return v !== m.value;
      case '=~':
        return new RegExp(`^(?:${m.value})$`).test(v);
      case '!~':
        return !new RegExp(`^(?:${m.value})$`).test(v);
    }
  });
}

/** Samples of a Prometheus text exposition: name, labels, value. */
export function parseExposition(text: string): Array<{ name: string; labels: Record<string, string>; value: number }> {
  const out: Array<{ name: string; labels: Record<string, string>; value: number }> = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) throw new Error(`bad exposition line ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[4]) });
  }
  return out;
}

/** Metric names a text exposition declares (# TYPE), with the series names histograms and summaries add. */
export function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = m as unknown as [string, string, string];
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name + s);
  }
  return names;
}
