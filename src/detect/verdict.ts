// From fired rules to a verdict. The thresholds are part of Kizuki's documented behaviour (docs/detection.md).
import type { Reason, Verdict, VerdictLabel } from '../model/verdict.js';
import { VERDICT_SCHEMA } from '../model/verdict.js';

/** threat score at or above which a message is malicious */
export const MALICIOUS_AT = 70;
/** threat score at or above which a message is suspicious */
export const SUSPICIOUS_AT = 40;
/** spam score at or above which a message that is not a threat is spam */
export const SPAM_AT = 40;

export interface FiredRule {
  reason: Reason;
  /** counts towards the spam score rather than the threat score */
  spam: boolean;
}

export function decide(fired: FiredRule[], ruleErrors: string[] = []): Verdict {
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
  if (ruleErrors.length) verdict.ruleErrors = ruleErrors;
  return verdict;
}
