// Outbound burst: one account suddenly writes to far more people and outside domains than it ever does,
// sends the same message to many, hides the recipients behind a mail to itself, or writes to many new contacts.
import type { AccountEvent, Severity, Signal, SignalStrength } from '../../model/events.js';
import type { TakeoverConfig } from '../config.js';
import type { SenderProfiles } from '../sender-profile.js';
import { domainOf, fingerprints, isInternal, recipientsOf, strings } from '../event.js';
import { HOUR, HourlyHistory, MINUTE, SlidingWindow } from '../window.js';
import { type Detector, makeSignal, PerAccount, timeOf } from './types.js';

interface Sent {
  id: string;
  recipients: string[];
  externalDomains: string[];
  newContacts: string[];
  /** the owner's routine: clean content from no new client or network (see SenderProfiles) */
  routine: boolean;
}

interface State {
  window: SlidingWindow<Sent>;
  recipientHistory: HourlyHistory;
  domainHistory: HourlyHistory;
  /** fingerprint → recent sends carrying it */
  sameMessage: Map<string, SlidingWindow<{ id: string; recipients: number; routine: boolean }>>;
  contacts: Set<string>;
  burstQuietUntil: number;
  sameQuietUntil: Map<string, number>;
  newContactQuietUntil: number;
  sweptAt: number;
}

const REVIEW_NOTE = {
  en: ' The content was judged clean and nothing shows a client or network new to this account: a note to review, not a takeover alarm.',
  ja: '内容は問題なしと判定され、普段と異なる端末・ネットワークからの送信である形跡もありません。乗っ取りの警報ではなく、確認のためのメモです。',
};

/** Behaviour made only of the owner's routine sends is a low review note; anything else keeps its weight. */
function grade(routine: boolean, severity: Severity): { severity: Severity; strength: SignalStrength; en: string; ja: string } {
  return routine ? { severity: 'low', strength: 'review', ...REVIEW_NOTE } : { severity, strength: 'behaviour', en: '', ja: '' };
}

export function outboundBurstDetector(config: TakeoverConfig, profiles: SenderProfiles): Detector {
  const cfg = config.outboundBurst;
  const span = cfg.windowMinutes * MINUTE;
  const states = new PerAccount<State>(() => ({
    window: new SlidingWindow(span),
    recipientHistory: new HourlyHistory(config.baselineDays),
    domainHistory: new HourlyHistory(config.baselineDays),
    sameMessage: new Map(),
    contacts: new Set(),
    burstQuietUntil: 0,
    sameQuietUntil: new Map(),
    newContactQuietUntil: 0,
    sweptAt: 0,
  }));
  const id = 'takeover.outbound-burst';

  return {
    id,
    trackedAccounts: () => states.size,
    observe(event: AccountEvent): Signal[] {
      if (event.kind !== 'message.sent') return [];
      const at = timeOf(event);
      const state = states.get(event.account);
      const recipients = recipientsOf(event);
      const external = [...new Set(recipients.filter((r) => !isInternal(r, config.orgDomains)).map(domainOf))].filter(Boolean);
      const seasoned = state.recipientHistory.historyDays(at) >= cfg.minHistoryDays;
      const newContacts = seasoned ? recipients.filter((r) => !state.contacts.has(r) && r !== event.account) : [];
      for (const r of recipients) state.contacts.add(r);
      const routine = profiles.assessment(event)?.routine ?? false;
      state.window.push(at, { id: event.id, recipients, externalDomains: external, newContacts, routine });
      state.recipientHistory.add(at, recipients.length);
      state.domainHistory.add(at, external.length);

      const signals: Signal[] = [];
      const sends = state.window.values();
      const windowRecipients = new Set(sends.flatMap((s) => s.recipients)).size;
      const windowDomains = new Set(sends.flatMap((s) => s.externalDomains)).size;
      const usualRecipients = state.recipientHistory.busiestBefore(at - span);
      const usualDomains = state.domainHistory.busiestBefore(at - span);
      const burst =
        windowRecipients >= Math.max(cfg.minRecipients, usualRecipients * cfg.baselineMultiplier) ||
        windowDomains >= Math.max(cfg.minExternalDomains, usualDomains * cfg.baselineMultiplier);
      if (burst && at >= state.burstQuietUntil) {
        state.burstQuietUntil = at + span;
        const g = grade(sends.every((s) => s.routine), 'high');
        signals.push(
          makeSignal({
            detector: `${id}.volume`,
            at: event,
            severity: g.severity,
            strength: g.strength,
            evidence: sends.map((s) => s.id),
            en: `${event.account} sent to ${windowRecipients} recipients at ${windowDomains} outside domains within ${cfg.windowMinutes} minutes; its busiest hour before had ${usualRecipients} recipients and ${usualDomains} outside domains.${g.en}`,
            ja: `${event.account} が ${cfg.windowMinutes} 分間に社外 ${windowDomains} ドメインの ${windowRecipients} 人へ送信しました。これまでの最多は 1 時間に ${usualRecipients} 人・社外 ${usualDomains} ドメインです。${g.ja}`,
            data: { recipients: windowRecipients, externalDomains: windowDomains, baselineRecipients: usualRecipients, baselineDomains: usualDomains },
          }),
        );
      }

      const bcc = strings(event.data.bcc);
      const visible = [...strings(event.data.to), ...strings(event.data.cc)].map((a) => a.toLowerCase());
      const toSelfOnly = visible.every((a) => a === event.account);
      if (toSelfOnly && bcc.length >= cfg.hiddenRecipients) {
        const g = grade(routine, 'medium');
        signals.push(
          makeSignal({
            detector: `${id}.hidden-recipients`,
            at: event,
            severity: g.severity,
            strength: g.strength,
            evidence: [event.id],
            en: routine
              ? `${event.account} sent a message addressed only to itself with ${bcc.length} hidden (Bcc) recipients, as announcements to many customers are sent.${g.en}`
              : `${event.account} sent a message addressed only to itself with ${bcc.length} hidden (Bcc) recipients, a common way to spread a lure.`,
            ja: routine
              ? `${event.account} が自分自身だけを宛先にし、${bcc.length} 人を Bcc(非表示)にしたメールを送信しました。多数の取引先へのお知らせでよく使われる送り方です。${g.ja}`
              : `${event.account} が自分自身だけを宛先にし、${bcc.length} 人を Bcc(非表示)にしたメールを送信しました。なりすまし送信でよく使われる手口です。`,
            data: { hiddenRecipients: bcc.length },
          }),
        );
      }

      // one signal per message however many of its fingerprints (attachment, link, subject) repeat
      const repeated: Array<{ print: string; total: number; ids: string[]; routine: boolean }> = [];
      for (const print of fingerprints(event)) {
        let seen = state.sameMessage.get(print);
        if (!seen) {
          seen = new SlidingWindow(cfg.sameMessageHours * HOUR);
          state.sameMessage.set(print, seen);
        }
        seen.push(at, { id: event.id, recipients: recipients.length, routine });
        const total = seen.values().reduce((n, s) => n + s.recipients, 0);
        if (total >= cfg.sameMessageRecipients && at >= (state.sameQuietUntil.get(print) ?? 0)) {
          state.sameQuietUntil.set(print, at + cfg.sameMessageHours * HOUR);
          repeated.push({ print, total, ids: seen.values().map((s) => s.id), routine: seen.values().every((s) => s.routine) });
        }
      }
      if (repeated.length > 0) {
        const total = Math.max(...repeated.map((r) => r.total));
        const prints = repeated.map((r) => r.print);
        const g = grade(repeated.every((r) => r.routine), 'medium');
        signals.push(
          makeSignal({
            detector: `${id}.same-message`,
            at: event,
            severity: g.severity,
            strength: g.strength,
            evidence: repeated.flatMap((r) => r.ids),
            en: `${event.account} sent the same message (${prints.join(', ')}) to ${total} recipients within ${cfg.sameMessageHours} hours.${g.en}`,
            ja: `${event.account} が ${cfg.sameMessageHours} 時間以内に同じメール(${prints.join('、')})を ${total} 人へ送信しました。${g.ja}`,
            data: { fingerprints: prints, recipients: total },
          }),
        );
      }
      const fresh = new Set(sends.flatMap((s) => s.newContacts));
      if (fresh.size >= cfg.newContacts && at >= state.newContactQuietUntil) {
        state.newContactQuietUntil = at + span;
        const withNew = sends.filter((s) => s.newContacts.length > 0);
        const g = grade(withNew.every((s) => s.routine), 'medium');
        signals.push(
          makeSignal({
            detector: `${id}.new-contacts`,
            at: event,
            severity: g.severity,
            strength: g.strength,
            evidence: withNew.map((s) => s.id),
            en: `${event.account} wrote to ${fresh.size} people it had never written to before within ${cfg.windowMinutes} minutes.${g.en}`,
            ja: `${event.account} が ${cfg.windowMinutes} 分間に、これまで一度も送信したことのない ${fresh.size} 人へメールを送りました。${g.ja}`,
            data: { newContacts: fresh.size },
          }),
        );
      }
      // forget fingerprints that left their window (every ten minutes, not on every message)
      if (at - state.sweptAt >= 10 * MINUTE) {
        state.sweptAt = at;
        for (const [print, seen] of state.sameMessage) {
          seen.evict(at);
          if (seen.size === 0) {
            state.sameMessage.delete(print);
            state.sameQuietUntil.delete(print);
          }
        }
      }
      return signals;
    },
  };
}
