// Loading the rule pack and judging messages: rules compile once; judge() is synchronous.
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Analysis } from '../model/analysis.js';
import type { Reason, SenderProfile, Verdict } from '../model/verdict.js';
import { type CelContext, createEnvironment, fromCel, toCelContext } from './environment.js';
import { builtInRulesDir, type DetectionOptions, loadViewContext, type PreparedJudgement, parseCacheFor, prepareJudgement } from './preparer.js';
import type { RuleDefinition, RuleProblem, RuleSample, RuleSourceMap } from './rule-file.js';
import { BODY_TEXT_FIELDS, expressionReads } from './rule-fields.js';
import { decide, type FiredRule } from './verdict.js';
import { type DetectionView, type ViewContext, withHistory } from './view.js';

export type { DetectionOptions, PreparedJudgement } from './preparer.js';
export { builtInRulesDir, loadPreparer } from './preparer.js';

export interface RuleInfo {
  id: string;
  name: string;
  description: string;
  severity: RuleDefinition['severity'];
  attackTypes: string[];
  techniques: string[];
  score: number;
  file: string;
  /** sample paths resolved against the rule file's folder */
  samples: { positive: RuleSample[]; negative: RuleSample[] };
}

export interface Detector {
  judge(analysis: Analysis, profile?: SenderProfile): Verdict;
  /**
   * The part of judging that does not depend on sender history (lure wording, brands, look-alikes, the text
   * model): most of the cost. Plain data, so it can be done on a worker thread and finished on the main one.
   */
  prepare(analysis: Analysis): PreparedJudgement;
  /** Finish a prepared judgement with the sender's history; same result as judge(analysis, profile). */
  judgePrepared(prepared: PreparedJudgement, analysis: Analysis, profile?: SenderProfile): Verdict;
  rules: RuleInfo[];
  /** some rule may read the whole body text (msg.text, msg.textFolded): prepared judgements must carry it */
  readsBodyText: boolean;
}


/** Every problem of every bad rule file, each with its file and position. */
export class RuleLoadError extends Error {
  constructor(readonly problems: RuleProblem[]) {
    super(`${problems.length} problem(s) in rule files:\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'RuleLoadError';
  }
}

export function formatProblem(p: RuleProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

type Compiled = (context: CelContext) => unknown;

export interface CompiledRule {
  definition: RuleDefinition;
  info: RuleInfo;
  condition: Compiled;
  evidence: Array<[string, Compiled]>;
  spam: boolean;
  /** its condition or evidence may read msg.text or msg.textFolded (src/detect/rule-fields.ts) */
  readsBodyText: boolean;
}

export interface LoadedRules {
  rules: CompiledRule[];
  problems: RuleProblem[];
  /** evaluates one rule set on a message: what judge() uses, exposed for `rules test` and eval */
  context: ViewContext;
  modelPointsWithoutPath?: number;
}

async function ruleFilesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
    .map((e) => join(dir, e.name))
    .sort();
}

// The YAML reader (and the YAML library) loads only when a rule file is not in the parse cache.
let ruleFileModule: typeof import('./rule-file.js') | undefined;
async function ruleReader(): Promise<typeof import('./rule-file.js')> {
  ruleFileModule ??= await import('./rule-file.js');
  return ruleFileModule;
}

/** Reads and compiles every rule; collects every problem instead of stopping at the first. */
export async function loadRules(options: DetectionOptions): Promise<LoadedRules> {
  const builtIn = builtInRulesDir();
  const dirs = [builtIn, ...options.ruleDirs.map((d) => resolve(d)).filter((d) => d !== builtIn)];
  const cache = parseCacheFor(options);
  const context = await loadViewContext(options, cache);
  const data = context.data;
  const env = createEnvironment(data, context.protectedDomains);
  const problems: RuleProblem[] = [];
  const rules: CompiledRule[] = [];
  const seen = new Map<string, string>();
  for (const dir of dirs) {
    let files: string[];
    try {
      files = await ruleFilesIn(dir);
    } catch (error) {
      problems.push({ file: dir, line: 0, column: 0, message: `cannot read rule folder: ${(error as Error).message}` });
      continue;
    }
    for (const [index, file] of files.entries()) {
      // compiling is synchronous work: let reading and dispatching the first messages through between files
      if (index % 8 === 7) await new Promise<void>((resolvePromise) => setImmediate(resolvePromise));
      // rule files are small: one synchronous read each is far cheaper at start-up than a promise round trip
      const source = readFileSync(file, 'utf8');
      const cached = cache.get<Omit<RuleDefinition, 'file'>>('rule', source);
      let map: RuleSourceMap | undefined;
      let rule: RuleDefinition;
      if (cached) {
        rule = { ...cached, file };
      } else {
        const read = (await ruleReader()).readRuleFile(source, file);
        problems.push(...read.problems);
        if (!read.rule || !read.map || read.problems.length) continue;
        cache.set('rule', source, { ...read.rule, file: undefined });
        rule = read.rule;
        map = read.map;
      }
      // Positions are only needed to report a problem: a rule taken from the cache reads its file again then.
      const positions = async (): Promise<RuleSourceMap> => {
        map ??= (await ruleReader()).readRuleFile(source, file).map;
        return map ?? { field: () => ({ line: 1, column: 1 }), inside: () => ({ line: 1, column: 1 }) };
      };
      const failures: Array<{ path: string[]; offset: number; message: string }> = [];
      let readsBodyText = false;
      const compile = (expression: string, path: string[]): Compiled | undefined => {
        try {
          const parsed = env.parse(expression);
          const checked = parsed.check();
          if (!checked.valid) throw checked.error;
          if (path[0] === 'condition' && checked.type !== 'bool' && checked.type !== 'dyn') {
            throw Object.assign(new Error(`condition must be a bool expression, not ${checked.type}`), { range: { start: 0 } });
          }
          if (expressionReads(parsed.ast, BODY_TEXT_FIELDS)) readsBodyText = true;
          return parsed as unknown as Compiled;
        } catch (error) {
          const e = error as Error & { range?: { start: number }; summary?: string };
          failures.push({ path, offset: e.range?.start ?? 0, message: `${path.join('.')}: ${e.summary ?? e.message.split('\n')[0]}` });
          return undefined;
        }
      };
      const condition = compile(rule.condition, ['condition']);
      const evidence: Array<[string, Compiled]> = [];
      for (const [name, expression] of Object.entries(rule.evidence)) {
        const fn = compile(expression, ['evidence', name]);
        if (fn) evidence.push([name, fn]);
      }
      for (const failure of failures) problems.push({ file, ...(await positions()).inside(failure.path, failure.offset), message: failure.message });
      if (seen.has(rule.id)) {
        problems.push({ file, ...(await positions()).field('id'), message: `duplicate rule id "${rule.id}" (also in ${seen.get(rule.id)})` });
        continue;
      }
      if (!condition || evidence.length !== Object.keys(rule.evidence).length) continue;
      seen.set(rule.id, file);
      const resolveSample = (s: RuleSample): RuleSample => ({ message: resolve(dirname(file), s.message), history: s.history.map((h) => resolve(dirname(file), h)) });
      rules.push({
        definition: rule,
        condition,
        evidence,
        spam: rule.attack_types.some((t) => t.toLowerCase() === 'spam'),
        readsBodyText,
        info: {
          id: rule.id,
          name: rule.name,
          description: rule.description,
          severity: rule.severity,
          attackTypes: rule.attack_types,
          techniques: rule.techniques,
          score: rule.score,
          file,
          samples: { positive: rule.samples.positive.map(resolveSample), negative: rule.samples.negative.map(resolveSample) },
        },
      });
    }
  }
  cache.save();
  return { rules, problems, context, modelPointsWithoutPath: options.modelPointsWithoutPath };
}

export interface RuleOutcome {
  fired: FiredRule[];
  errors: string[];
}

/** Evaluates every rule on a prepared view. */
export function evaluateRules(rules: readonly CompiledRule[], view: DetectionView): RuleOutcome {
  const cel = toCelContext(view);
  const fired: FiredRule[] = [];
  const errors: string[] = [];
  for (const rule of rules) {
    let hit = false;
    try {
      hit = rule.condition(cel) === true;
    } catch (error) {
      errors.push(`${rule.info.id}: ${(error as { summary?: string }).summary ?? (error as Error).message.split('\n')[0]}`);
      continue;
    }
    if (!hit) continue;
    const values: Record<string, string> = {
      sender: view.sender.address,
      senderDomain: view.sender.domain,
      senderName: view.sender.name,
      subject: view.msg.subject.slice(0, 120),
      brands: view.brand.offBrandLabels.join(', ') || view.brand.namedLabels.join(', '),
      score: String(rule.info.score),
    };
    for (const [name, fn] of rule.evidence) {
      try {
        values[name] = display(fromCel(fn(cel)));
      } catch {
        values[name] = '?';
      }
    }
    const reason: Reason = {
      ruleId: rule.info.id,
      name: rule.info.name,
      score: rule.info.score,
      severity: rule.info.severity,
      en: fill(rule.definition.reason.en, values),
      ja: fill(rule.definition.reason.ja, values),
    };
    fired.push({ reason, spam: rule.spam });
  }
  return { fired, errors };
}

function display(value: unknown): string {
  if (Array.isArray(value)) return [...new Set(value.map(display))].slice(0, 5).join(', ');
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? (values[name] ?? '') : whole));
}

export function detectorFrom(loaded: LoadedRules): Detector {
  const { rules, context } = loaded;
  const prepare = (analysis: Analysis): PreparedJudgement => prepareJudgement(analysis, context);
  const judgePrepared = (prepared: PreparedJudgement, analysis: Analysis, profile?: SenderProfile): Verdict => {
    // an Analysis missing parts the view needs: say so on the verdict rather than stop a batch
    if ('error' in prepared) return decide([], [`view: ${prepared.error}`]);
    let view: DetectionView;
    try {
      view = withHistory(prepared.content, analysis, profile);
    } catch (error) {
      return decide([], [`view: ${(error as Error).message}`]);
    }
    const outcome = evaluateRules(rules, view);
    return decide(outcome.fired, outcome.errors, {
      attackPath: view.msg.attackPath,
      modelPointsWithoutPath: loaded.modelPointsWithoutPath,
      model: view.model,
    });
  };
  return {
    rules: rules.map((r) => r.info),
    readsBodyText: rules.some((r) => r.readsBodyText),
    judge: (analysis, profile) => judgePrepared(prepare(analysis), analysis, profile),
    prepare,
    judgePrepared,
  };
}

/** Compiles every rule once. Throws RuleLoadError listing every bad file with its position. */
export async function loadDetector(options: DetectionOptions): Promise<Detector> {
  const loaded = await loadRules(options);
  if (loaded.problems.length) throw new RuleLoadError(loaded.problems);
  return detectorFrom(loaded);
}
