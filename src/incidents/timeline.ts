// The automatic timeline of an incident: one entry per signal, one for the opening, in time order.
import type { Incident, Signal, TimelineEntry } from '../model/events.js';

export function signalEntry(signal: Signal): TimelineEntry {
  return { time: signal.time, kind: `signal:${signal.detector}`, en: signal.en, ja: signal.ja, ref: signal.id, account: signal.account };
}

function evidenceWords(incident: Incident): { en: string; ja: string } {
  return incident.evidence === 'strong'
    ? { en: 'strong evidence', ja: '強い証拠あり' }
    : { en: 'behaviour only so far', ja: '現時点では挙動のみ' };
}

export function openedEntry(incident: Incident): TimelineEntry {
  const who = incident.accounts.join(', ');
  if (incident.kind === 'review') {
    return {
      time: incident.openedAt,
      kind: 'incident.opened',
      en: `Kizuki noted unusual but routine-looking sending by ${who} for a person to review (note ${incident.id}, severity ${incident.severity}); no sign of a takeover so far.`,
      ja: `Kizuki は ${who} の送信に普段と異なる点があるものの通常業務と見られるため、確認用のメモ ${incident.id} を作成しました(重大度 ${incident.severity})。現時点で乗っ取りの兆候はありません。`,
      ref: incident.id,
    };
  }
  const why = evidenceWords(incident);
  return {
    time: incident.openedAt,
    kind: 'incident.opened',
    en: `Kizuki opened incident ${incident.id} about ${who} (severity ${incident.severity}, ${why.en}).`,
    ja: `Kizuki が ${who} に関するインシデント ${incident.id} を起票しました(重大度 ${incident.severity}、${why.ja})。`,
    ref: incident.id,
  };
}

/** A review note that became a possible takeover when this signal joined it. */
export function raisedEntry(incident: Incident, signal: Signal): TimelineEntry {
  const why = evidenceWords(incident);
  return {
    time: signal.time,
    kind: 'incident.raised',
    en: `The review note ${incident.id} is now a possible takeover (severity ${incident.severity}, ${why.en}).`,
    ja: `確認用メモ ${incident.id} を乗っ取りの疑いのあるインシデントに引き上げました(重大度 ${incident.severity}、${why.ja})。`,
    ref: signal.id,
  };
}

/** Insert keeping time order; entries with equal times keep their arrival order. */
export function addEntry(timeline: TimelineEntry[], entry: TimelineEntry): void {
  if (entry.ref && timeline.some((e) => e.ref === entry.ref && e.kind === entry.kind)) return;
  let at = timeline.length;
  while (at > 0 && (timeline[at - 1]?.time ?? '') > entry.time) at--;
  timeline.splice(at, 0, entry);
}

/**
 * The entry a repeat of this signal folds into: the latest one of the same detector and account within
 * `withinHours` before it. Repeats (a batch every few hours) stay in the incident's signals, not as new lines.
 */
export function entryToFoldInto(timeline: TimelineEntry[], signal: Signal, withinHours: number): TimelineEntry | undefined {
  const kind = `signal:${signal.detector}`;
  const since = new Date(Date.parse(signal.time) - withinHours * 3_600_000).toISOString();
  for (let i = timeline.length - 1; i >= 0; i--) {
    const entry = timeline[i];
    if (!entry || entry.time > signal.time) continue;
    if (entry.time < since) break;
    if (entry.kind === kind && entry.account === signal.account) return entry;
  }
  return undefined;
}

/** Seconds from the earliest evidence to the moment the incident was opened. */
export function timeToDetectSeconds(incident: Incident): number {
  return Math.max(0, Math.round((Date.parse(incident.openedAt) - Date.parse(incident.firstEvidenceAt)) / 1000));
}

export function formatDuration(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (d > 0) return `${d}d ${h}h ${m}m`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}
