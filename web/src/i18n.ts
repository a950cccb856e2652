// The console's words in English and Japanese. A missing key shows the key itself, so gaps are visible.
export type Lang = 'en' | 'ja';

const words = {
  login: ['Log in', 'ログイン'],
  username: ['User name', 'ユーザー名'],
  password: ['Password', 'パスワード'],
  logout: ['Log out', 'ログアウト'],
  overview: ['Overview', '概要'],
  messages: ['Messages', 'メッセージ'],
  incidents: ['Incidents', 'インシデント'],
  rules: ['Rules', 'ルール'],
  users: ['Users & tokens', 'ユーザーとトークン'],
  audit: ['Audit log', '監査ログ'],
  openIncidents: ['Open incidents', '対応中のインシデント'],
  recentMalicious: ['Recent malicious messages', '最近の悪性メッセージ'],
  perDay: ['Verdicts and signals per day', '日ごとの判定とシグナル'],
  search: ['Search subject, sender, Message-ID', '件名・送信者・Message-ID で検索'],
  allVerdicts: ['All verdicts', 'すべての判定'],
  malicious: ['malicious', '悪性'],
  suspicious: ['suspicious', '不審'],
  spam: ['spam', 'スパム'],
  clean: ['clean', '問題なし'],
  more: ['Older messages', 'さらに古いメッセージ'],
  subject: ['Subject', '件名'],
  from: ['From', '送信者'],
  verdict: ['Verdict', '判定'],
  score: ['Score', 'スコア'],
  judged: ['Judged', '判定日時'],
  reasons: ['Reasons', '判定の理由'],
  links: ['Links', 'リンク'],
  foundIn: ['Found in', '検出場所'],
  attachments: ['Attachments', '添付ファイル'],
  headers: ['Headers', 'ヘッダー'],
  authentication: ['Authentication', '送信ドメイン認証'],
  noReasons: ['No rule fired.', '該当したルールはありません。'],
  timeline: ['Timeline', 'タイムライン'],
  zoom: ['Zoom', '拡大'],
  accounts: ['Affected accounts', '影響を受けたアカウント'],
  recipients: ['Outside recipients reached', '送信された社外の宛先'],
  indicators: ['Indicators', '侵害の痕跡 (IOC)'],
  evidence: ['Evidence', '証拠'],
  tasks: ['Tasks', 'タスク'],
  noTasks: ['No tasks recorded yet.', 'タスクはまだ記録されていません。'],
  signals: ['Signals', 'シグナル'],
  phase: ['Phase', 'フェーズ'],
  setPhase: ['Set phase', 'フェーズを変更'],
  severity: ['Severity', '重大度'],
  opened: ['Opened', '起票'],
  timeToDetect: ['Time to detect', '検知までの時間'],
  enabled: ['On', '有効'],
  disabled: ['Off', '無効'],
  test: ['Test', 'テスト'],
  testRule: ['Test a rule on a pasted message', '貼り付けたメッセージでルールをテスト'],
  pasteMessage: ['Paste the whole message (headers and body)', 'メッセージ全体(ヘッダーと本文)を貼り付け'],
  matched: ['The rule matched', 'ルールに該当しました'],
  notMatched: ['The rule did not match', 'ルールに該当しませんでした'],
  wholeVerdict: ['Verdict with all enabled rules', '有効なすべてのルールでの判定'],
  addUser: ['Add user', 'ユーザーを追加'],
  role: ['Role', 'ロール'],
  oneTime: ['One-time password (shown once)', 'ワンタイムパスワード(一度だけ表示)'],
  tokens: ['API tokens', 'API トークン'],
  addToken: ['Make token', 'トークンを発行'],
  tokenName: ['Token name', 'トークン名'],
  secretOnce: ['Token (shown once)', 'トークン(一度だけ表示)'],
  revoke: ['Revoke', '失効'],
  disable: ['Disable', '無効化'],
  enable: ['Enable', '有効化'],
  changePassword: ['Choose a new password', '新しいパスワードを設定'],
  current: ['Current password', '現在のパスワード'],
  newPassword: ['New password (12 characters or more)', '新しいパスワード(12 文字以上)'],
  save: ['Save', '保存'],
  loading: ['Loading…', '読み込み中…'],
  none: ['None', 'なし'],
  back: ['Back', '戻る'],
  language: ['日本語', 'English'],
  when: ['When', '日時'],
  what: ['What', '内容'],
  kind: ['Kind', '種類'],
  value: ['Value', '値'],
  seen: ['Seen', '件数'],
  rawKept: ['Raw message kept', '原本を保管'],
} as const;

export type WordKey = keyof typeof words;

export function t(lang: Lang, key: WordKey): string {
  return words[key][lang === 'ja' ? 1 : 0];
}

/** A date and time in the reader's language, in UTC so every reader sees the same time. */
export function when(lang: Lang, iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB', { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' }) + ' UTC';
}

export const foundInLabel: Record<string, [string, string]> = {
  text: ['body text', '本文テキスト'],
  'html-href': ['body link', '本文のリンク'],
  'html-form': ['form in body', '本文のフォーム'],
  'html-meta-refresh': ['redirect in body', '本文のリダイレクト'],
  'html-src': ['embedded in body', '本文の埋め込み'],
  'pdf-annotation': ['PDF link', 'PDF のリンク'],
  'pdf-text': ['PDF text', 'PDF の本文'],
  'html-attachment': ['HTML attachment', 'HTML 添付ファイル'],
  'office-relationship': ['Office document', 'Office 文書'],
  'qr-image': ['QR code (image)', 'QR コード(画像)'],
  'qr-pdf': ['QR code in PDF', 'PDF 内の QR コード'],
};
