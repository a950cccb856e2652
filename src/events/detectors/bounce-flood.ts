// Bounce flood: many failed-delivery bounces for one account within a window, well above its usual level.
// What the bounces return decides what the flood means: the owner's own clean announcement from the usual
// client (stale addresses on a customer list) is a low review note; a message judged a lure coming back is
// strong evidence; bounces for mail the account is not known to have sent keep their high weight.
import type { AccountEvent, Signal } from '../../model/events.js';
import type { TakeoverConfig } from '../config.js';
import type { SenderProfiles } from '../sender-profile.js';
import { text } from '../event.js';
import { HourlyHistory, MINUTE, SlidingWindow } from '../window.js';
import { type Detector, makeSignal, PerAccount, timeOf } from './types.js';

type Returned = 'routine' | 'lure' | 'other';

interface State {
  window: SlidingWindow<{ id: string; returned: Returned }>;
  history: HourlyHistory;
  quietUntil: number;
}

export function bounceFloodDetector(config: TakeoverConfig, profiles: SenderProfiles): Detector {
  const cfg = config.bounceFlood;
  const span = cfg.windowMinutes * MINUTE;
  const states = new PerAccount<State>(() => ({ window: new SlidingWindow(span), history: new HourlyHistory(config.baselineDays), quietUntil: 0 }));
  const id = 'takeover.bounce-flood';
  return {
    id,
    trackedAccounts: () => states.size,
    observe(event: AccountEvent): Signal[] {
      if (event.kind !== 'message.bounce' || event.data.failed === false) return [];
      if (event.data.kind === 'auto-reply' || event.data.kind === 'feedback-report') return [];
      const at = timeOf(event);
      const state = states.get(event.account);
      const original = profiles.sentMessage(event.account, text(event.data.originalMessageId));
      const returned: Returned = original?.content === 'lure' ? 'lure' : original?.routine ? 'routine' : 'other';
      state.window.push(at, { id: event.id, returned });
      state.history.add(at, 1);
      const count = state.window.size;
      const usual = state.history.busiestBefore(at - span);
      if (at < state.quietUntil || count < cfg.minBounces || count < usual * cfg.baselineMultiplier) return [];
      state.quietUntil = at + span;
      const bounces = state.window.values();
      const lures = bounces.filter((b) => b.returned === 'lure').length;
      const unexplained = bounces.filter((b) => b.returned === 'other').length;
      const base = {
        en: `${count} delivery failures came back to ${event.account} within ${cfg.windowMinutes} minutes (its busiest hour before: ${usual})`,
        ja: `${event.account} 宛てに ${cfg.windowMinutes} 分間で ${count} 件の配信エラー(バウンス)が返ってきました(これまでの最多は 1 時間に ${usual} 件)`,
      };
      const data = { bounces: count, windowMinutes: cfg.windowMinutes, baselineBusiestHour: usual, returnedLures: lures, unexplained };
      const common = { detector: id, at: event, evidence: bounces.map((b) => b.id), data };
      if (lures > 0) {
        return [
          makeSignal({
            ...common,
            severity: 'critical',
            strength: 'strong',
            en: `${base.en}; ${lures} of them return a message the detection stage judged a lure, sent from this account.`,
            ja: `${base.ja}。うち ${lures} 件は、このアカウントから送信され検知段階でおとりメールと判定されたメールの返送です。`,
          }),
        ];
      }
      // mostly the owner's routine send, and the bounces it does not explain would not make a flood on their own
      if (unexplained < cfg.minBounces && unexplained * 2 <= count) {
        return [
          makeSignal({
            ...common,
            severity: 'low',
            strength: 'review',
            en: `${base.en}; they return mail judged clean, sent from no client or network new to this account: probably stale addresses on a mailing list. A note to review, not a takeover alarm.`,
            ja: `${base.ja}。返送されたのは、問題なしと判定され、普段と異なる端末・ネットワークからではなく送信されたメールで、宛先リストの古いアドレスが原因と考えられます。乗っ取りの警報ではなく、確認のためのメモです。`,
          }),
        ];
      }
      return [
        makeSignal({
          ...common,
          severity: 'high',
          en: `${base.en}; someone may be sending mail as this account.`,
          ja: `${base.ja}。このアカウントになりすまして送信されている可能性があります。`,
        }),
      ];
    },
  };
}
