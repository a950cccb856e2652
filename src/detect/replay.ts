// Judging a set of analysed messages the way a mailbox would have seen them: in date order, with sender
// history built from the earlier ones (in memory).
import type { Analysis } from '../model/analysis.js';
import type { SenderProfile, Verdict } from '../model/verdict.js';
import type { Detector } from './detector.js';
import { updateProfile } from './profile.js';

export interface AnalysedItem {
  path: string;
  label: string;
  /** ISO date used for ordering ('' sorts first); falls back to the message's own Date header */
  date: string;
  analysis?: Analysis;
  error?: string;
}

export interface JudgedReplayItem {
  path: string;
  label: string;
  verdict: Verdict;
  error?: string;
}

const CLEAN_UNANALYSABLE: Verdict = { schema: 'kizuki.verdict/1', verdict: 'clean', score: 0, reasons: [] };

function orderKey(item: AnalysedItem): number {
  const t = Date.parse(item.date || item.analysis?.date || '');
  return Number.isFinite(t) ? t : Number.NEGATIVE_INFINITY;
}

export function judgeInOrder(detector: Detector, items: readonly AnalysedItem[], profiles = new Map<string, SenderProfile>()): JudgedReplayItem[] {
  const ordered = [...items].sort((a, b) => orderKey(a) - orderKey(b) || a.path.localeCompare(b.path));
  const judged: JudgedReplayItem[] = [];
  for (const item of ordered) {
    if (!item.analysis) {
      judged.push({ path: item.path, label: item.label, verdict: CLEAN_UNANALYSABLE, error: item.error ?? 'not analysed' });
      continue;
    }
    const sender = item.analysis.from.address.toLowerCase();
    const profile = sender ? profiles.get(sender) : undefined;
    const verdict = detector.judge(item.analysis, profile);
    if (sender) profiles.set(sender, updateProfile(profile, item.analysis, verdict));
    judged.push({ path: item.path, label: item.label, verdict });
  }
  return judged;
}
