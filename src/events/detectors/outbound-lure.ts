// Outbound lure: one of our accounts sends outside a message the detection stage judged malicious or
// suspicious. "Our account is sending a lure" is strong evidence on its own: no sign-in telemetry, inbound
// copy or volume is needed to open an incident. (Internal recipients are the lateral-phishing detector's.)
import type { AccountEvent, Signal } from '../../model/events.js';
import type { TakeoverConfig } from '../config.js';
import type { SenderProfiles } from '../sender-profile.js';
import { domainOf, isInternal, recipientsOf, text } from '../event.js';
import { HOUR } from '../window.js';
import { type Detector, makeSignal, timeOf } from './types.js';

export function outboundLureDetector(config: TakeoverConfig, profiles: SenderProfiles): Detector {
  /** account → time before which a further lure only adds to the open signal's count */
  const quietUntil = new Map<string, number>();
  const id = 'takeover.outbound-lure';
  return {
    id,
    trackedAccounts: () => quietUntil.size,
    observe(event: AccountEvent): Signal[] {
      if (event.kind !== 'message.sent') return [];
      const assessment = profiles.assessment(event);
      if (assessment?.content !== 'lure') return [];
      const outside = recipientsOf(event).filter((r) => !isInternal(r, config.orgDomains));
      if (outside.length === 0) return [];
      const at = timeOf(event);
      if (at < (quietUntil.get(event.account) ?? 0)) return [];
      quietUntil.set(event.account, at + HOUR);
      const verdict = text(event.data.verdict);
      const subject = text(event.data.subject);
      const domains = [...new Set(outside.map(domainOf))].filter(Boolean);
      const client = text(event.data.userAgent);
      const how =
        assessment.client === 'new' || assessment.network === 'new'
          ? { en: ' It left from a client or network this account has not used before.', ja: 'このアカウントがこれまで使っていない端末またはネットワークから送信されています。' }
          : { en: '', ja: '' };
      return [
        makeSignal({
          detector: id,
          at: event,
          severity: verdict === 'malicious' ? 'critical' : 'high',
          strength: 'strong',
          evidence: [event.id],
          en: `${event.account} sent "${subject}" to ${outside.length} outside recipient(s) at ${domains.length} domain(s); the detection stage judged the message ${verdict}: our account is sending a lure.${how.en}`,
          ja: `${event.account} から社外の ${domains.length} ドメイン・${outside.length} 人へ「${subject}」が送信されました。検知段階の判定は「${verdict === 'malicious' ? '悪性' : '不審'}」です。自社のアカウントがおとりメールを送っています。${how.ja}`,
          data: {
            verdict,
            subject,
            recipients: outside.length,
            domains: domains.length,
            reasons: Array.isArray(event.data.reasons) ? event.data.reasons : [],
            ...(client ? { userAgent: client } : {}),
            client: assessment.client,
            network: assessment.network,
          },
        }),
      ];
    },
  };
}
