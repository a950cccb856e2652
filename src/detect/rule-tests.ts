// `kizuki rules test`: every rule must fire on each of its positive samples and stay silent on each negative one.
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Analysis } from '../model/analysis.js';
import type { SenderProfile } from '../model/verdict.js';
import { type CompiledRule, detectorFrom, evaluateRules, loadRules, builtInRulesDir } from './detector.js';
import { updateProfile } from './profile.js';
import type { RuleProblem, RuleSample } from './rule-file.js';
import { buildView } from './view.js';

/** The organisation the samples are written for (rules/samples/context.json). */
export interface SampleContext {
  orgDomains: string[];
  knownContactDomains: string[];
  /** receiving hosts whose Authentication-Results the samples carry */
  trustedHosts: string[];
  allow: { senders: string[]; domains: string[] };
  block: { senders: string[]; domains: string[] };
}

export type AnalyseFn = (raw: Uint8Array, context: SampleContext) => Promise<Analysis>;

export interface SampleResult {
  ruleId: string;
  kind: 'positive' | 'negative';
  sample: string;
  ok: boolean;
  /** what went wrong, or '' */
  detail: string;
}

export interface RuleTestReport {
  rules: number;
  problems: RuleProblem[];
  results: SampleResult[];
  /** rules without any positive sample */
  withoutPositive: string[];
  failed: number;
}

export async function readSampleContext(file = join(builtInRulesDir(), 'samples', 'context.json')): Promise<SampleContext> {
  const raw = JSON.parse(await readFile(file, 'utf8')) as Partial<SampleContext>;
  return {
    orgDomains: raw.orgDomains ?? [],
    knownContactDomains: raw.knownContactDomains ?? [],
    trustedHosts: raw.trustedHosts ?? [],
    allow: { senders: raw.allow?.senders ?? [], domains: raw.allow?.domains ?? [] },
    block: { senders: raw.block?.senders ?? [], domains: raw.block?.domains ?? [] },
  };
}

export async function testRules(ruleDirs: string[], context: SampleContext, analyse: AnalyseFn, only?: string): Promise<RuleTestReport> {
  const loaded = await loadRules({
    ruleDirs,
    orgDomains: context.orgDomains,
    knownContactDomains: context.knownContactDomains,
    allow: context.allow,
    block: context.block,
  });
  const detector = detectorFrom(loaded);
  const analyses = new Map<string, Promise<Analysis>>();
  const analysed = (path: string) => {
    let pending = analyses.get(path);
    if (!pending) {
      pending = readFile(path).then((raw) => analyse(new Uint8Array(raw), context));
      analyses.set(path, pending);
    }
    return pending;
  };
  const historyOf = async (sample: RuleSample): Promise<SenderProfile | undefined> => {
    let profile: SenderProfile | undefined;
    for (const path of sample.history) {
      const earlier = await analysed(path);
      profile = updateProfile(profile, earlier, detector.judge(earlier, profile));
    }
    return profile;
  };
  const results: SampleResult[] = [];
  const withoutPositive: string[] = [];
  const shown = (path: string) => relative(process.cwd(), path) || path;
  const rules = loaded.rules.filter((r) => !only || r.info.id.includes(only));
  for (const rule of rules) {
    if (!rule.info.samples.positive.length) withoutPositive.push(rule.info.id);
    for (const kind of ['positive', 'negative'] as const) {
      for (const sample of rule.info.samples[kind]) {
        results.push(await runSample(rule, kind, sample, { analysed, historyOf, shown, context: loaded.context }));
      }
    }
  }
  return { rules: rules.length, problems: loaded.problems, results, withoutPositive, failed: results.filter((r) => !r.ok).length };
}

interface SampleDeps {
  analysed(path: string): Promise<Analysis>;
  historyOf(sample: RuleSample): Promise<SenderProfile | undefined>;
  shown(path: string): string;
  context: Parameters<typeof buildView>[2];
}

async function runSample(rule: CompiledRule, kind: 'positive' | 'negative', sample: RuleSample, deps: SampleDeps): Promise<SampleResult> {
  const base = { ruleId: rule.info.id, kind, sample: deps.shown(sample.message) };
  let analysis: Analysis;
  let profile: SenderProfile | undefined;
  try {
    profile = await deps.historyOf(sample);
    analysis = await deps.analysed(sample.message);
  } catch (error) {
    return { ...base, ok: false, detail: `cannot read the sample: ${(error as Error).message}` };
  }
  const outcome = evaluateRules([rule], buildView(analysis, profile, deps.context));
  if (outcome.errors.length) return { ...base, ok: false, detail: outcome.errors.join('; ') };
  const fired = outcome.fired.length > 0;
  const ok = kind === 'positive' ? fired : !fired;
  return { ...base, ok, detail: ok ? '' : kind === 'positive' ? 'did not fire' : `fired: ${outcome.fired[0]?.reason.en ?? ''}` };
}
