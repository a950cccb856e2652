// Bounce flood: many failed-delivery bounces for one account within a window, well above its usual level.
import type { AccountEvent, Signal } from '../../model/events.js';
import type { TakeoverConfig } from '../config.js';
import { HourlyHistory, MINUTE, SlidingWindow } from '../window.js';
import { type Detector, makeSignal, PerAccount, timeOf } from './types.js';

interface State {
  window: SlidingWindow<string>;
  history: HourlyHistory;
  quietUntil: number;
}

export function bounceFloodDetector(config: TakeoverConfig): Detector {
  const cfg = config.bounceFlood;
  const span = cfg.windowMinutes * MINUTE;
  const states = new PerAccount<State>(() => ({ window: new SlidingWindow(span), history: new HourlyHistory(config.baselineDays), quietUntil: 0 }));
  return {
    id: 'takeover.bounce-flood',
    trackedAccounts: () => states.size,
    observe(event: AccountEvent): Signal[] {
      if (event.kind !== 'message.bounce' || event.data.failed === false) return [];
      if (event.data.kind === 'auto-reply' || event.data.kind === 'feedback-report') return [];
      const at = timeOf(event);
      const state = states.get(event.account);
      state.window.push(at, event.id);
      state.history.add(at, 1);
      const count = state.window.size;
      const usual = state.history.busiestBefore(at - span);
      if (at < state.quietUntil || count < cfg.minBounces || count < usual * cfg.baselineMultiplier) return [];
      state.quietUntil = at + span;
      return [
        makeSignal({
          detector: this.id,
          at: event,
          severity: 'high',
          evidence: state.window.values(),
          en: `${count} delivery failures came back to ${event.account} within ${cfg.windowMinutes} minutes (its busiest hour before: ${usual}); someone may be sending mail as this account.`,
          ja: `${event.account} 宛てに ${cfg.windowMinutes} 分間で ${count} 件の配信エラー(バウンス)が返ってきました(これまでの最多は 1 時間に ${usual} 件)。このアカウントになりすまして送信されている可能性があります。`,
          data: { bounces: count, windowMinutes: cfg.windowMinutes, baselineBusiestHour: usual },
        }),
      ];
    },
  };
}
