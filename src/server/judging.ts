// The detection stack as the service uses it: the rule pack with the console's on/off switches applied,
// judging one message (a pasted rule test, a worker's job) without the scan pool.
import type { DetectionOptions, LoadedRules } from '../detect/detector.js';
import type { Analysis } from '../model/analysis.js';
import type { Verdict } from '../model/verdict.js';

export interface RuleTestOutcome {
  ruleId: string;
  /** the rule's condition held on the message */
  matched: boolean;
  /** the reason it would give, when it matched */
  reason?: Verdict['reasons'][number];
  /** the whole verdict with every enabled rule */
  verdict: Pick<Verdict, 'verdict' | 'score' | 'reasons'>;
  subject: string;
  from: string;
  links: Array<{ url: string; foundIn: string }>;
  errors: string[];
}

export class Judging {
  private loaded?: Promise<LoadedRules>;
  constructor(
    private readonly options: DetectionOptions,
    private readonly now: () => Date = () => new Date(),
  ) {}

  rules(): Promise<LoadedRules> {
    this.loaded ??= import('../detect/detector.js').then(async ({ loadRules, RuleLoadError }) => {
      const loaded = await loadRules(this.options);
      if (loaded.problems.length) throw new RuleLoadError(loaded.problems);
      return loaded;
    });
    return this.loaded;
  }

  async analyse(raw: Uint8Array): Promise<Analysis> {
    const [{ analyse }, { defaultAnalyseOptions }] = await Promise.all([import('../mail/analyse.js'), import('../mail/options.js')]);
    return analyse(raw, defaultAnalyseOptions({ orgDomains: this.options.orgDomains, now: this.now }));
  }

  /** Judges with every rule that is not switched off. */
  async judge(analysis: Analysis, disabled: ReadonlySet<string> = new Set()): Promise<Verdict> {
    const { detectorFrom } = await import('../detect/detector.js');
    const loaded = await this.rules();
    return detectorFrom({ ...loaded, rules: loaded.rules.filter((r) => !disabled.has(r.info.id)) }).judge(analysis);
  }

  /** Runs one rule (switched on or not) on a pasted message, and the whole enabled pack beside it. */
  async testRule(ruleId: string, raw: Uint8Array, disabled: ReadonlySet<string>): Promise<RuleTestOutcome | undefined> {
    const { detectorFrom } = await import('../detect/detector.js');
    const loaded = await this.rules();
    const rule = loaded.rules.find((r) => r.info.id === ruleId);
    if (!rule) return undefined;
    const analysis = await this.analyse(raw);
    const alone = detectorFrom({ ...loaded, rules: [rule] }).judge(analysis);
    const whole = await this.judge(analysis, disabled);
    const reason = alone.reasons.find((r) => r.ruleId === ruleId);
    const out: RuleTestOutcome = {
      ruleId,
      matched: Boolean(reason),
      verdict: { verdict: whole.verdict, score: whole.score, reasons: whole.reasons },
      subject: analysis.subject,
      from: analysis.from.address,
      links: analysis.links.slice(0, 50).map((l) => ({ url: l.url, foundIn: l.foundIn })),
      errors: analysis.errors.map((e) => `${e.stage}: ${e.message}`),
    };
    if (reason) out.reason = reason;
    return out;
  }
}
