// Persistence: changes an attacker makes to keep access or keep reading mail after a password change.
import type { AccountEvent, Signal } from '../../model/events.js';
import type { TakeoverConfig } from '../config.js';
import { isInternal, strings, text } from '../event.js';
import { type Detector, makeSignal } from './types.js';

export function persistenceDetector(config: TakeoverConfig): Detector {
  const accounts = new Set<string>();
  const id = 'takeover.persistence';
  const outside = (address: string) => address !== '' && !isInternal(address.toLowerCase(), config.orgDomains);

  return {
    id,
    trackedAccounts: () => accounts.size,
    observe(event: AccountEvent): Signal[] {
      const found = describe(event);
      if (!found) return [];
      accounts.add(event.account);
      return [
        makeSignal({
          detector: `${id}.${found.what}`,
          at: event,
          severity: found.severity,
          evidence: [event.id],
          en: found.en,
          ja: found.ja,
          data: found.data,
        }),
      ];
    },
  };

  function describe(event: AccountEvent):
    | { what: string; severity: 'medium' | 'high'; en: string; ja: string; data: Record<string, unknown> }
    | undefined {
    const a = event.account;
    switch (event.kind) {
      case 'setting.forwarding': {
        const target = text(event.data.target).toLowerCase();
        if (event.data.enabled === false || !outside(target)) return undefined;
        return {
          what: 'forwarding',
          severity: 'high',
          en: `Mail of ${a} is now forwarded automatically to ${target}, outside the organisation.`,
          ja: `${a} のメールが社外の ${target} へ自動転送されるよう設定されました。`,
          data: { target },
        };
      }
      case 'setting.filter': {
        const action = text(event.data.action).toLowerCase();
        const forwardTo = text(event.data.forwardTo).toLowerCase();
        if (action !== 'delete' && action !== 'forward' && !forwardTo) return undefined;
        const forwards = action === 'forward' || forwardTo !== '';
        return {
          what: 'filter',
          severity: forwards && outside(forwardTo) ? 'high' : 'medium',
          en: forwards
            ? `A new mail filter on ${a} forwards matching mail to ${forwardTo || 'another address'}.`
            : `A new mail filter on ${a} deletes matching mail, which can hide bounces and replies from the owner.`,
          ja: forwards
            ? `${a} に、条件に合うメールを ${forwardTo || '別のアドレス'} へ転送するフィルタが作成されました。`
            : `${a} に、条件に合うメールを削除するフィルタが作成されました。バウンスや返信を本人から隠す手口です。`,
          data: { action, forwardTo, criteria: event.data.criteria ?? null },
        };
      }
      case 'setting.delegate': {
        const delegate = text(event.data.delegate).toLowerCase();
        return {
          what: 'delegate',
          severity: outside(delegate) ? 'high' : 'medium',
          en: `${delegate || 'Someone'} was given delegate access to the mailbox of ${a}.`,
          ja: `${a} のメールボックスへの委任アクセスが ${delegate || '第三者'} に与えられました。`,
          data: { delegate },
        };
      }
      case 'setting.sendas': {
        const address = text(event.data.address).toLowerCase();
        return {
          what: 'sendas',
          severity: outside(address) ? 'high' : 'medium',
          en: `A new send-as address (${address}) was added to ${a}.`,
          ja: `${a} に新しい送信元アドレス(${address})が追加されました。`,
          data: { address },
        };
      }
      case 'oauth.grant': {
        const app = text(event.data.appName) || text(event.data.clientId) || 'an application';
        const scopes = strings(event.data.scopes);
        const mailScopes = scopes.some((s) => /mail|gmail|imap|exchange/i.test(s));
        return {
          what: 'oauth-grant',
          severity: mailScopes ? 'high' : 'medium',
          en: `${a} granted ${app} access${scopes.length ? ` (${scopes.join(', ')})` : ''}; an attacker can keep reading mail through it after a password change.`,
          ja: `${a} が ${app} にアクセスを許可しました${scopes.length ? `(${scopes.join(', ')})` : ''}。パスワード変更後もこの許可で攻撃者がメールを読み続けられます。`,
          data: { app, scopes },
        };
      }
      case 'apppassword.created':
        return {
          what: 'app-password',
          severity: 'high',
          en: `An app password was created for ${a}; it bypasses two-step verification and survives a password change.`,
          ja: `${a} にアプリ パスワードが作成されました。2 段階認証を迂回し、パスワード変更後も有効です。`,
          data: { name: text(event.data.name) },
        };
      default:
        return undefined;
    }
  }
}
