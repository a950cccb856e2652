// Reading rule files: one YAML document per rule, checked field by field; every problem carries file:line:column.
import { isMap, isScalar, LineCounter, parseDocument, type Scalar } from 'yaml';

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface RuleDefinition {
  id: string;
  name: string;
  description: string;
  severity: Severity;
  attack_types: string[];
  techniques: string[];
  condition: string;
  score: number;
  reason: { en: string; ja: string };
  /** optional named CEL expressions evaluated only when the rule fires, for the reason templates: {name} */
  evidence: Record<string, string>;
  samples: { positive: RuleSample[]; negative: RuleSample[] };
  /** the file it came from */
  file: string;
}

/** A sample message, optionally with earlier messages from the same sender that build its history first. */
export interface RuleSample {
  message: string;
  history: string[];
}

export interface RuleProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface Located {
  line: number;
  column: number;
}

/** Where each field's value starts, plus how to map an offset inside a string value to a file position. */
export interface RuleSourceMap {
  field(name: string): Located;
  /** file position of character `offset` inside the string value at `path` (e.g. ['condition'] or ['evidence', 'domain']) */
  inside(path: string[], offset: number): Located;
}

const ID_RE = /^[a-z0-9][a-z0-9_.-]{2,80}$/;
const TECHNIQUE_RE = /^T\d{4}(?:\.\d{3})?$/;

export function readRuleFile(source: string, file: string): { rule?: RuleDefinition; map?: RuleSourceMap; problems: RuleProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  const at = (offset: number): Located => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const problems: RuleProblem[] = [];
  const problem = (where: Located, message: string) => problems.push({ file, ...where, message });
  for (const error of doc.errors) problem(at(error.pos[0]), `YAML: ${error.message.split('\n')[0]}`);
  if (problems.length) return { problems };
  const root = doc.contents;
  if (!isMap(root)) {
    problem({ line: 1, column: 1 }, 'a rule file must be a YAML map with id, name, condition, …');
    return { problems };
  }
  const nodeOf = (path: string[]): Scalar | undefined => {
    const node = doc.getIn(path, true);
    return isScalar(node) ? node : undefined;
  };
  const fieldPos = (path: string[]): Located => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return at(node.range[0]);
    return { line: 1, column: 1 };
  };
  const map: RuleSourceMap = {
    field: (name) => fieldPos([name]),
    inside: (path, offset) => insidePosition(source, nodeOf(path), offset, at),
  };
  const value = root.toJSON() as Record<string, unknown>;
  const str = (key: string, required = true): string => {
    const v = value[key];
    if (typeof v === 'string' && v.trim()) return v.trim();
    if (required) problem(v === undefined ? { line: 1, column: 1 } : fieldPos([key]), `"${key}" must be a non-empty string`);
    return '';
  };
  const list = (key: string, check?: RegExp): string[] => {
    const v = value[key] ?? [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      problem(fieldPos([key]), `"${key}" must be a list of strings`);
      return [];
    }
    if (check) for (const [i, x] of (v as string[]).entries()) if (!check.test(x)) problem(fieldPos([key, String(i)]), `"${key}": "${x}" is not valid`);
    return v as string[];
  };

  const id = str('id');
  if (id && !ID_RE.test(id)) problem(fieldPos(['id']), `"id" must be lower-case letters, digits, '.', '-' or '_' (3–80 characters)`);
  const severity = str('severity') as Severity;
  if (severity && !SEVERITIES.includes(severity)) problem(fieldPos(['severity']), `"severity" must be one of ${SEVERITIES.join(', ')}`);
  const score = value.score;
  if (typeof score !== 'number' || !Number.isFinite(score) || Math.abs(score) > 200) problem(fieldPos(['score']), '"score" must be a number between -200 and 200');
  const reason = value.reason as { en?: unknown; ja?: unknown } | undefined;
  if (!reason || typeof reason.en !== 'string' || typeof reason.ja !== 'string' || !reason.en.trim() || !reason.ja.trim()) {
    problem(fieldPos(['reason']), '"reason" needs both "en" and "ja" sentences');
  }
  const evidence: Record<string, string> = {};
  if (value.evidence !== undefined) {
    if (!value.evidence || typeof value.evidence !== 'object' || Array.isArray(value.evidence)) problem(fieldPos(['evidence']), '"evidence" must be a map of name: CEL expression');
    else for (const [k, v] of Object.entries(value.evidence)) {
      if (typeof v !== 'string' || !/^[a-zA-Z]\w*$/.test(k)) problem(fieldPos(['evidence', k]), `"evidence.${k}" must be a CEL expression string with a simple name`);
      else evidence[k] = v;
    }
  }
  const samples = (value.samples ?? {}) as { positive?: unknown; negative?: unknown };
  const sampleList = (kind: 'positive' | 'negative'): RuleSample[] => {
    const v = samples[kind] ?? [];
    const isSample = (x: unknown) =>
      typeof x === 'string' ||
      (!!x && typeof x === 'object' && typeof (x as RuleSample).message === 'string' &&
        ((x as RuleSample).history === undefined || (Array.isArray((x as RuleSample).history) && (x as RuleSample).history.every((h) => typeof h === 'string'))));
    if (!Array.isArray(v) || !v.every(isSample)) {
      problem(fieldPos(['samples', kind]), `"samples.${kind}" must be a list of file paths or {message: path, history: [paths]}`);
      return [];
    }
    return (v as Array<string | RuleSample>).map((x) => (typeof x === 'string' ? { message: x, history: [] } : { message: x.message, history: x.history ?? [] }));
  };
  const known = new Set(['id', 'name', 'description', 'severity', 'attack_types', 'techniques', 'condition', 'score', 'reason', 'evidence', 'samples']);
  for (const key of Object.keys(value)) if (!known.has(key)) problem(fieldPos([key]), `unknown field "${key}"`);

  const rule: RuleDefinition = {
    id,
    name: str('name'),
    description: str('description'),
    severity,
    attack_types: list('attack_types'),
    techniques: list('techniques', TECHNIQUE_RE),
    condition: str('condition'),
    score: typeof score === 'number' ? score : 0,
    reason: { en: String(reason?.en ?? '').trim(), ja: String(reason?.ja ?? '').trim() },
    evidence,
    samples: { positive: sampleList('positive'), negative: sampleList('negative') },
    file,
  };
  return { rule, map, problems };
}

/** Map an offset inside a YAML string scalar's value to its file line and column (1-based). */
function insidePosition(source: string, node: Scalar | undefined, offset: number, at: (o: number) => Located): Located {
  if (!node?.range) return { line: 1, column: 1 };
  const start = node.range[0];
  const type = node.type;
  if (type === 'PLAIN' || type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE') {
    const opening = type === 'PLAIN' ? 0 : 1;
    return at(start + opening + offset);
  }
  // Block scalar: the header line ('|' or '>') is followed by indented content lines.
  const headerEnd = source.indexOf('\n', start);
  if (headerEnd < 0) return at(start);
  let cursor = headerEnd + 1;
  let remaining = offset;
  let indent = -1;
  while (cursor < source.length) {
    const lineEnd = source.indexOf('\n', cursor) < 0 ? source.length : source.indexOf('\n', cursor);
    const line = source.slice(cursor, lineEnd);
    if (indent < 0 && line.trim()) indent = line.length - line.trimStart().length;
    const content = line.slice(Math.max(indent, 0));
    if (remaining <= content.length) return at(cursor + Math.max(indent, 0) + remaining);
    remaining -= content.length + 1;
    cursor = lineEnd + 1;
  }
  return at(start);
}
