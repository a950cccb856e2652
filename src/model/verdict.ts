// What the detection stage says of one message. JSON-safe.

export const VERDICT_SCHEMA = 'kizuki.verdict/1' as const;

export type VerdictLabel = 'malicious' | 'suspicious' | 'spam' | 'clean';

export interface Reason {
  /** id of the rule (or detector) that fired, e.g. 'lure.file-share-subject' */
  ruleId: string;
  /** short name of the rule */
  name: string;
  /** points this reason contributed to the score (may be negative) */
  score: number;
  severity: 'info' | 'low' | 'medium' | 'high' | 'critical';
  /** one human sentence, English */
  en: string;
  /** one human sentence, Japanese */
  ja: string;
}

export interface Verdict {
  schema: typeof VERDICT_SCHEMA;
  verdict: VerdictLabel;
  score: number;
  /** reasons sorted by score, highest first */
  reasons: Reason[];
  /** (detection) points from rules that describe bulk / marketing spam rather than a threat */
  spamScore?: number;
  /** (detection) rules that could not be evaluated on this message: "rule-id: message" */
  ruleErrors?: string[];
  /**
   * (detection) what the text model said, when it spoke: P(phishing) and P(spam), 0..1, rounded to 3 places, and
   * whether the message had a concrete attack path (without one the model's threat points are capped)
   */
  model?: { phishing: number; spam: number; attackPath: boolean };
}

/** What the sender-history store keeps per sender address. */
export interface SenderProfile {
  /** lower-cased sender address */
  address: string;
  firstSeen: string;
  lastSeen: string;
  messageCount: number;
  /** messages with at least one attachment */
  withAttachments: number;
  /** counts of attachment detected types, e.g. { pdf: 3 } */
  attachmentTypes: Record<string, number>;
  /** counts of registrable link domains seen in this sender's mail */
  linkDomains: Record<string, number>;
  /** counts of body languages */
  languages: Record<string, number>;
  /** times this sender's mail was judged malicious or suspicious */
  flagged: number;
}
