// Sender history: a pure fold over the messages a sender has sent, fed in message order.
import type { Analysis } from '../model/analysis.js';
import type { SenderProfile, Verdict } from '../model/verdict.js';

/** keeps a profile small however chatty the sender */
const MAX_KEYS = 200;

/** Adds one to `key` in a copy of `counts` made by the caller (mutates that copy only). */
function bump(counts: Record<string, number>, key: string): Record<string, number> {
  if (!key) return counts;
  if (!(key in counts) && Object.keys(counts).length >= MAX_KEYS) return counts;
  counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

function emptyProfile(address: string, when: string): SenderProfile {
  return { address, firstSeen: when, lastSeen: when, messageCount: 0, withAttachments: 0, attachmentTypes: {}, linkDomains: {}, languages: {}, flagged: 0 };
}

/**
 * The sender's profile after this message. Pure: `previous` is not modified.
 * Flagged messages (malicious or suspicious) count towards messageCount and flagged only: their attachment
 * types, link domains and language never become "what this sender usually sends", so a taken-over partner
 * cannot teach Kizuki that its lure is normal.
 */
export function updateProfile(previous: SenderProfile | undefined, analysis: Analysis, verdict: Verdict): SenderProfile {
  const address = analysis.from.address.toLowerCase();
  const when = analysis.date || previous?.lastSeen || '';
  const base = previous ?? emptyProfile(address, when);
  const flagged = verdict.verdict === 'malicious' || verdict.verdict === 'suspicious';
  const next: SenderProfile = {
    ...base,
    address: base.address || address,
    firstSeen: earlier(base.firstSeen, when),
    lastSeen: later(base.lastSeen, when),
    messageCount: base.messageCount + 1,
    flagged: base.flagged + (flagged ? 1 : 0),
  };
  if (flagged) return next;
  const attachments = analysis.attachments.filter((a) => a.depth === 0 && !a.inline);
  if (attachments.length) next.withAttachments = base.withAttachments + 1;
  const types = { ...base.attachmentTypes };
  for (const type of new Set(attachments.map((a) => a.detectedType))) bump(types, type);
  const domains = { ...base.linkDomains };
  for (const domain of new Set(analysis.links.map((l) => l.registrableDomain || l.host))) bump(domains, domain);
  next.attachmentTypes = types;
  next.linkDomains = domains;
  next.languages = bump({ ...base.languages }, analysis.facts.language);
  return next;
}

function earlier(a: string, b: string): string {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(b) < Date.parse(a) ? b : a;
}

function later(a: string, b: string): string {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}
