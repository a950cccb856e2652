// From fired rules to a verdict. The thresholds are part of Kizuki's documented behaviour (docs/detection.md).
import type { Reason, Verdict, VerdictLabel } from '../model/verdict.js';
import { VERDICT_SCHEMA } from '../model/verdict.js';

/** threat score at or above which a message is malicious */
export const MALICIOUS_AT = 70;
/** threat score at or above which a message is suspicious */
export const SUSPICIOUS_AT = 40;
/** spam score at or above which a message that is not a threat is spam */
export const SPAM_AT = 40;

/**
 * The most threat points the text model (rules whose id starts with "model.") may add when the message carries
 * no concrete attack path (view.ts attackPathOf). A statistical score alone is not a reason a person can check, so
 * on its own it may make a message `suspicious` (shown to a person, never acted on by a playbook) and never
 * `malicious`. Measured (docs/detection.md): P(phishing) ≥ 0.95, the level at which model.unlike-legitimate-mail
 * fires, flags 0.11 % of 2002 ham and 0.52 % of 2016+ ham out of fold; on the held-out fifth a cap of 40 instead of
 * 25 raises phishing recall from 91.8 % to 95.5 % with the same false alarms (0.43 %, 0 of 33 genuine notices).
 */
export const MODEL_POINTS_WITHOUT_PATH = SUSPICIOUS_AT;

/** Rules that are the text model speaking rather than a fact a person can check. */
export function isStatisticalRule(ruleId: string): boolean {
  return ruleId.startsWith('model.');
}

export interface DecideOptions {
  /** the text model's probabilities, recorded on the verdict (view.ts ModelView) */
  model?: { available: boolean; phishing: number; spam: number };
  /** the message has a concrete attack path; default true (no cap) */
  attackPath?: boolean;
  /** override MODEL_POINTS_WITHOUT_PATH (for measuring the trade-off with `kizuki eval --model-cap`) */
  modelPointsWithoutPath?: number;
}

export interface FiredRule {
  reason: Reason;
  /** counts towards the spam score rather than the threat score */
  spam: boolean;
}

export function decide(fired: FiredRule[], ruleErrors: string[] = [], options: DecideOptions = {}): Verdict {
  if (options.attackPath === false) fired = capStatistical(fired, options.modelPointsWithoutPath ?? MODEL_POINTS_WITHOUT_PATH);
  let threat = 0;
  let spam = 0;
  for (const f of fired) {
    if (f.spam) spam += f.reason.score;
    else threat += f.reason.score;
  }
  let label: VerdictLabel = 'clean';
  if (threat >= MALICIOUS_AT) label = 'malicious';
  else if (threat >= SUSPICIOUS_AT) label = 'suspicious';
  else if (spam >= SPAM_AT) label = 'spam';
  const reasons = fired
    .map((f) => f.reason)
    .sort((a, b) => b.score - a.score || a.ruleId.localeCompare(b.ruleId));
  const verdict: Verdict = { schema: VERDICT_SCHEMA, verdict: label, score: Math.max(0, Math.round(threat)), reasons };
  verdict.spamScore = Math.max(0, Math.round(spam));
  if (options.model?.available) {
    const round = (x: number) => Math.round(x * 1000) / 1000;
    verdict.model = { phishing: round(options.model.phishing), spam: round(options.model.spam), attackPath: options.attackPath !== false };
  }
  if (ruleErrors.length) verdict.ruleErrors = ruleErrors;
  return verdict;
}

/**
 * Caps the threat points of the model rules at `cap` in all (highest first), and says so in their reasons, so the
 * reasons still add up to the score.
 */
function capStatistical(fired: FiredRule[], cap: number): FiredRule[] {
  let left = Math.max(0, cap);
  const ordered = [...fired].sort((a, b) => b.reason.score - a.reason.score);
  const capped = new Map<FiredRule, FiredRule>();
  for (const f of ordered) {
    if (f.spam || !isStatisticalRule(f.reason.ruleId) || f.reason.score <= 0) continue;
    const points = Math.min(f.reason.score, left);
    left -= points;
    if (points === f.reason.score) continue;
    capped.set(f, {
      ...f,
      reason: {
        ...f.reason,
        score: points,
        en: `${f.reason.en} Counted as ${points} of ${f.reason.score} points: the message has no link, form, attachment or reply address that asks for anything.`,
        ja: `${f.reason.ja} リンク・フォーム・添付・返信先のいずれにも具体的な要求がないため、${f.reason.score} 点のうち ${points} 点だけを数えます。`,
      },
    });
  }
  return fired.map((f) => capped.get(f) ?? f);
}
