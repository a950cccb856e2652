// Lateral phishing: mail from one of the organisation's own accounts that the detection stage judged
// malicious or suspicious — the colleague's copy of the lure in 2017.
import type { AccountEvent, Signal } from '../../model/events.js';
import type { TakeoverConfig } from '../config.js';
import { isInternal, recipientsOf, text } from '../event.js';
import { type Detector, makeSignal } from './types.js';

export function lateralPhishingDetector(config: TakeoverConfig): Detector {
  const senders = new Set<string>();
  return {
    id: 'takeover.lateral-phishing',
    trackedAccounts: () => senders.size,
    observe(event: AccountEvent): Signal[] {
      if (event.kind !== 'message.sent' && event.kind !== 'message.received') return [];
      const verdict = text(event.data.verdict);
      if (!config.lateral.verdicts.includes(verdict)) return [];
      const sender = (event.kind === 'message.sent' ? event.account : text(event.data.from)).toLowerCase();
      if (!isInternal(sender, config.orgDomains)) return [];
      const internalTargets =
        event.kind === 'message.received' ? [event.account] : recipientsOf(event).filter((r) => isInternal(r, config.orgDomains) && r !== sender);
      if (internalTargets.length === 0) return [];
      senders.add(sender);
      const subject = text(event.data.subject);
      return [
        makeSignal({
          detector: this.id,
          at: event,
          account: sender,
          severity: verdict === 'malicious' ? 'critical' : 'high',
          strength: 'strong',
          evidence: [event.id],
          en: `${sender}, an account of our own, sent "${subject}" to ${internalTargets.join(', ')}; the detection stage judged it ${verdict}.`,
          ja: `社内アカウント ${sender} から ${internalTargets.join('、')} へ「${subject}」が送られました。検知段階の判定は「${verdict === 'malicious' ? '悪性' : '不審'}」です。`,
          data: { targets: internalTargets, verdict, subject },
        }),
      ];
    },
  };
}
