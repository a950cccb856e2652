// What an IMAP mailbox lets Kizuki do, and, in plain words, what it does not.
import type { Capability, CapabilityGap } from '../types.js';

export const IMAP_CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>([
  'mail.users',
  'mail.fetch',
  'mail.fetch-by-id',
  'mail.watch',
  'action.quarantine-message',
  'action.release-message',
  'action.delete-message',
  'action.flag-message',
]);

const ACCOUNT_EN = 'IMAP only reaches the mail in one mailbox; the account itself is managed by the mail host.';
const ACCOUNT_JA = 'IMAP で扱えるのは1つのメールボックス内のメールだけで、アカウント自体はメールサーバーの管理画面で管理されます。';

function gap(capability: Capability, en: string, ja: string): CapabilityGap {
  return { capability, en, ja };
}

export const IMAP_GAPS: readonly CapabilityGap[] = [
  gap('action.suspend', `${ACCOUNT_EN} Suspend the account in your host's control panel.`, `${ACCOUNT_JA}アカウントの停止はホスティング事業者の管理画面で行ってください。`),
  gap('action.unsuspend', `${ACCOUNT_EN} Re-enable the account in your host's control panel.`, `${ACCOUNT_JA}アカウントの再開はホスティング事業者の管理画面で行ってください。`),
  gap(
    'action.sign-out',
    `${ACCOUNT_EN} IMAP cannot end other sessions; change the password at the host, which ends most of them.`,
    `${ACCOUNT_JA}IMAP では他のセッションを終了できません。ホスト側でパスワードを変更してください（多くのセッションはそれで切断されます）。`,
  ),
  gap(
    'action.force-password-change',
    `${ACCOUNT_EN} Reset the password in your host's control panel, and tell the user the new one by telephone.`,
    `${ACCOUNT_JA}パスワードはホスティング事業者の管理画面で再設定し、新しいパスワードは電話で本人に伝えてください。`,
  ),
  gap('action.revoke-oauth', `${ACCOUNT_EN} Remove app authorisations at the host, if it has any.`, `${ACCOUNT_JA}アプリの認可はホスト側で取り消してください（ある場合）。`),
  gap('action.revoke-app-passwords', `${ACCOUNT_EN} Remove app passwords at the host, if it has any.`, `${ACCOUNT_JA}アプリパスワードはホスト側で削除してください（ある場合）。`),
  gap('action.invalidate-backup-codes', `${ACCOUNT_EN} Renew two-step codes at the host, if it has them.`, `${ACCOUNT_JA}2段階認証のバックアップコードはホスト側で再発行してください（ある場合）。`),
  gap(
    'action.remove-forwarding',
    'Forwarding is a server setting (often Sieve or the control panel), which IMAP cannot see or change. Check it at the host.',
    '転送設定はサーバー側の設定（Sieve や管理画面）で、IMAP からは確認も変更もできません。ホスト側で確認してください。',
  ),
  gap(
    'action.remove-filters',
    'Filters run on the server (Sieve) or in the mail program; IMAP cannot see or change them. Check both.',
    'フィルターはサーバー（Sieve）かメールソフトで動いており、IMAP からは確認も変更もできません。両方を確認してください。',
  ),
  gap('action.remove-delegates', 'IMAP has no delegates to remove; check shared-folder rights at the host.', 'IMAP には委任の仕組みがありません。共有フォルダーの権限をホスト側で確認してください。'),
  gap('action.remove-sendas', 'Send-as addresses are set at the host or in the mail program, not over IMAP.', '別名での送信設定はホストかメールソフトにあり、IMAP では変更できません。'),
  gap('action.send-notice', 'IMAP cannot send mail; the notice has to go out through SMTP or by hand.', 'IMAP ではメールを送信できません。通知は SMTP か手作業で送ってください。'),
  gap('events.signin', 'IMAP servers do not report sign-ins; read the host\'s login log if it offers one.', 'IMAP サーバーはサインインの記録を提供しません。ホストにログイン履歴があればそちらを確認してください。'),
  gap('events.settings', 'IMAP servers do not report settings changes (forwarding, filters).', 'IMAP サーバーは設定の変更（転送・フィルター）を通知しません。'),
  gap('events.oauth', 'IMAP servers do not report app authorisations.', 'IMAP サーバーはアプリの認可を通知しません。'),
  gap('events.delivery', 'IMAP has no delivery log; bounces are read from the inbox instead.', 'IMAP には配送ログがありません。代わりに受信箱のバウンスメールを読みます。'),
];
