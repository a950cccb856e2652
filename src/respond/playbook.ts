// Playbooks as data: one YAML file per playbook, checked field by field. Every problem carries file:line:column,
// and a bad file only removes itself: the other playbooks still load. A user's playbook with the id of a
// built-in one replaces it.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { SEVERITIES } from '../detect/rule-file.js';
import type { Severity } from '../model/events.js';
import { ACTION_KINDS, type ActionKind } from '../providers/types.js';
import { compileCondition } from './conditions.js';
import { INCIDENT_KINDS, type Playbook, STEP_MODES, type StepDo, type StepSpec } from './types.js';

export interface PlaybookProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export function formatProblem(p: PlaybookProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

/** Actions that lock a person out of their account: evidence decides whether they may run unattended. */
export const LOCKOUT_ACTIONS: ReadonlySet<ActionKind> = new Set<ActionKind>(['suspend', 'force-password-change', 'sign-out']);

const ID = z.string().regex(/^[a-z0-9][a-z0-9_.-]{1,60}$/, 'lower-case letters, digits, ".", "-" or "_" (2–61 characters)');
const text = z.string().trim().min(1);
const bilingual = z.object({ en: text, ja: text }).strict();

const stepBase = {
  id: ID.optional(),
  for: z.enum(['once', 'each-account', 'each-message']).optional(),
  when: text.optional(),
  mode: z.enum(STEP_MODES as [string, ...string[]]).optional(),
  timeoutSeconds: z.number().int().min(1).max(86_400).optional(),
  sinceIncident: z.boolean().optional(),
  action: z.enum(ACTION_KINDS as [string, ...string[]]).optional(),
  block: z.array(z.enum(['senders', 'domains', 'urls'])).min(1).optional(),
  notify: z.enum(['staff', 'recipients', 'reporter']).optional(),
  subject: bilingual.optional(),
  text: bilingual.optional(),
  task: bilingual.optional(),
};
const fallbackSchema = z.object(stepBase).strict();
const stepSchema = z.object({ ...stepBase, id: ID, onFailure: fallbackSchema.optional() }).strict();

const playbookSchema = z
  .object({
    id: ID,
    name: bilingual,
    description: text,
    trigger: z
      .object({
        kinds: z.array(z.enum(INCIDENT_KINDS as [string, ...string[]])).min(1),
        minSeverity: z.enum(SEVERITIES).default('low'),
        detectors: z.array(text).default([]),
        evidence: z.enum(['strong', 'any']).default('any'),
      })
      .strict(),
    mode: z.enum(STEP_MODES as [string, ...string[]]).default('automatic'),
    steps: z.array(stepSchema).min(1),
  })
  .strict();

type RawStep = z.infer<typeof fallbackSchema>;

export interface ReadResult {
  playbook?: Playbook;
  problems: PlaybookProblem[];
}

/** Reads one playbook file's text; `file` names it in problems. */
export function readPlaybook(source: string, file: string): ReadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const problems: PlaybookProblem[] = [];
  const problem = (where: { line: number; column: number }, message: string) => problems.push({ file, ...where, message });
  for (const error of doc.errors) problem(at(error.pos[0]), `YAML: ${error.message.split('\n')[0]}`);
  if (problems.length) return { problems };
  // The position of the deepest node on `path` that exists (a missing field points at its parent).
  const position = (path: ReadonlyArray<PropertyKey>) => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth) as unknown[], true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return at(node.range[0]);
    }
    return { line: 1, column: 1 };
  };
  // Where a key (not its value) is written: unknown fields are pointed at by name.
  const keyPosition = (path: ReadonlyArray<PropertyKey>, key: string) => {
    const parent = doc.getIn(path as unknown[], true);
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === key);
      const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (range) return at(range[0]);
    }
    return position([...path, key]);
  };
  const parsed = playbookSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
      const name = path.join('.');
      if (keys.length) for (const key of keys) problem(keyPosition(path, key), `unknown field "${key}"${name ? ` in ${name}` : ''}`);
      else problem(position(path), `${path.length ? `"${path.join('.')}"` : 'the playbook'}: ${issue.message}`);
    }
    return { problems };
  }
  const value = parsed.data;
  const steps: StepSpec[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of value.steps.entries()) {
    const where = ['steps', index];
    if (seen.has(raw.id)) problem(position([...where, 'id']), `step id "${raw.id}" is used twice`);
    seen.add(raw.id);
    const step = toStep(raw, raw.id, where, position, problem);
    if (!step) continue;
    if (raw.onFailure) {
      const fallback = toStep(raw.onFailure, raw.onFailure.id ?? `${raw.id}.onFailure`, [...where, 'onFailure'], position, problem);
      if (fallback) {
        if (fallback.for !== step.for && raw.onFailure.for) problem(position([...where, 'onFailure', 'for']), 'a fallback acts on the same target as its step');
        step.onFailure = { ...fallback, for: step.for };
      }
    }
    steps.push(step);
  }
  // A `when` that does not compile is reported where it is written.
  const checkWhen = (expression: string | undefined, path: Array<string | number>) => {
    if (!expression) return;
    try {
      compileCondition(expression);
    } catch (error) {
      const node = doc.getIn(path, true);
      const start = isScalar(node) && node.range ? at(node.range[0]) : position(path);
      const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') ? 1 : 0;
      const offset = (error as { offset?: number }).offset ?? 0;
      problem({ line: start.line, column: start.column + quoted + offset }, `"when" is not a valid CEL condition: ${(error as Error).message}`);
    }
  };
  for (const [index, raw] of value.steps.entries()) {
    checkWhen(raw.when, ['steps', index, 'when']);
    checkWhen(raw.onFailure?.when, ['steps', index, 'onFailure', 'when']);
  }
  if (problems.length) return { problems };
  return {
    playbook: {
      id: value.id,
      name: value.name,
      description: value.description,
      trigger: {
        kinds: value.trigger.kinds as Playbook['trigger']['kinds'],
        minSeverity: value.trigger.minSeverity as Severity,
        detectors: value.trigger.detectors,
        evidence: value.trigger.evidence,
      },
      mode: value.mode as Playbook['mode'],
      steps,
      file,
    },
    problems,
  };
}

function toStep(
  raw: RawStep,
  id: string,
  where: Array<string | number>,
  position: (path: ReadonlyArray<PropertyKey>) => { line: number; column: number },
  problem: (where: { line: number; column: number }, message: string) => void,
): StepSpec | undefined {
  const kinds = [raw.action && 'action', raw.block && 'block', raw.notify && 'notify', raw.task && 'task'].filter(Boolean);
  if (kinds.length !== 1) {
    problem(position(where), `step "${id}" must have exactly one of action, block, notify or task (it has ${kinds.length ? kinds.join(', ') : 'none'})`);
    return undefined;
  }
  let what: StepDo;
  if (raw.action) what = { type: 'action', action: raw.action as ActionKind };
  else if (raw.block) what = { type: 'block', what: raw.block };
  else if (raw.notify) {
    if (!raw.subject || !raw.text) {
      problem(position(where), `notify step "${id}" needs "subject" and "text", each with en and ja`);
      return undefined;
    }
    what = { type: 'notify', to: raw.notify, subject: raw.subject, text: raw.text };
  } else what = { type: 'task', task: raw.task as { en: string; ja: string } };
  if ((raw.subject || raw.text) && what.type !== 'notify') problem(position([...where, raw.subject ? 'subject' : 'text']), '"subject" and "text" belong to notify steps');
  const defaultFor = what.type === 'action' && /message$/.test(what.action) ? 'each-message' : what.type === 'action' ? 'each-account' : 'once';
  const step: StepSpec = {
    id,
    do: what,
    for: raw.for ?? defaultFor,
    timeoutSeconds: raw.timeoutSeconds ?? 120,
    lockout: what.type === 'action' && LOCKOUT_ACTIONS.has(what.action),
    sinceIncident: raw.sinceIncident ?? true,
  };
  if (raw.when) step.when = raw.when;
  if (raw.mode) step.mode = raw.mode as StepSpec['mode'];
  return step;
}

/** The playbooks/ folder shipped with Kizuki: the nearest ancestor folder holding playbooks/account-takeover.yaml. */
export function builtInPlaybookDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'playbooks');
    if (existsSync(join(candidate, 'account-takeover.yaml'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('the built-in playbooks/ folder was not found beside the Kizuki installation');
}

export interface LoadedPlaybooks {
  playbooks: Playbook[];
  problems: PlaybookProblem[];
}

/**
 * Loads the built-in playbooks, then every *.yaml in `dirs` in order; a later playbook with the same id replaces an
 * earlier one. A file with problems is left out and its problems reported; the rest load.
 */
export async function loadPlaybooks(dirs: readonly string[] = [], options: { builtIn?: boolean } = {}): Promise<LoadedPlaybooks> {
  const all = options.builtIn === false ? dirs.map((d) => resolve(d)) : [builtInPlaybookDir(), ...dirs.map((d) => resolve(d))];
  const byId = new Map<string, Playbook>();
  const problems: PlaybookProblem[] = [];
  for (const dir of [...new Set(all)]) {
    let names: string[];
    try {
      names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name)).map((e) => e.name).sort();
    } catch (error) {
      problems.push({ file: dir, line: 1, column: 1, message: `cannot read the playbook folder: ${(error as Error).message}` });
      continue;
    }
    for (const name of names) {
      const file = join(dir, name);
      let source: string;
      try {
        source = await readFile(file, 'utf8');
      } catch (error) {
        problems.push({ file, line: 1, column: 1, message: `cannot read: ${(error as Error).message}` });
        continue;
      }
      const result = readPlaybook(source, file);
      problems.push(...result.problems);
      if (result.playbook) byId.set(result.playbook.id, result.playbook);
    }
  }
  return { playbooks: [...byId.values()], problems };
}
