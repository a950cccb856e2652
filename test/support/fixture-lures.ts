// What fixtures/lookalike-lures holds: lures that imitate the genuine notifications of fixtures/genuine — share,
// signature, security, invoice, delivery and account notices — sent from look-alike domains, free mail, or a real
// partner's (compromised) account, with the credential page off the platform. All wording is written for Kizuki.
import { HOME, type Org, PARTNERS, type Person } from './fixture-cast.js';
import type { Envelope } from './fixture-core.js';
import { addr, alt, boundary, button, esc, jaDate, nameFor, p, page } from './fixture-html.js';
import { type Ctx, type Draft, ID } from './fixture-platforms.js';
import { attachmentPart, encodeWords, mailbox, type MimePart, multipart, rfc5322Date } from './mime-writer.js';
import { makeLurePdf } from './sample-pdfs.js';
import type { PlanEntry } from './make-fixtures.js';

/** Where the credential pages live: free hosting, look-alike and throwaway domains, a hacked small-business site. */
const LANDING = [
  (r: Ctx['rng']) => `https://docs-google-viewer-${r.token(5, 'abcdefghijklmnopqrstuvwxyz')}.web.app/file/d/${r.token(20, ID)}`,
  (r: Ctx['rng']) => `https://drive-share-${r.hex(6)}.pages.dev/?doc=${r.token(16, ID)}`,
  (r: Ctx['rng']) => `https://onedrive-files-${r.hex(4)}.workers.dev/view.aspx?id=${r.token(12, ID)}`,
  (r: Ctx['rng']) => `https://secure-docview.${r.pick(['top', 'xyz', 'shop', 'online'])}/${r.token(10, ID)}/index.html`,
  (r: Ctx['rng']) => `https://www.hanamizuki-seitai.jp/wp-content/uploads/${r.int(2019, 2023)}/0${r.int(1, 9)}/doc/index.php?${r.token(8, ID)}`,
  (r: Ctx['rng']) => `https://login-microsoftonline.${r.pick(['cloud-auth.net', 'secure-id.org', 'verify-365.com'])}/common/oauth2/?client=${r.token(12, ID)}`,
  (r: Ctx['rng']) => `https://ipfs.io/ipfs/Qm${r.token(44, 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ123456789')}#`,
  (r: Ctx['rng']) => `https://storage.googleapis.com/${r.token(10, 'abcdefghijklmnopqrstuvwxyz')}/index.html#`,
];

function landing(ctx: Ctx, i: number, rcpt?: string): string {
  const url = LANDING[i % LANDING.length]!(ctx.rng);
  return rcpt && i % 2 === 0 ? `${url}${url.endsWith('#') ? '' : url.includes('?') ? '&e=' : '?e='}${rcpt}` : url;
}

/** Who sends the lure: a compromised partner account, a look-alike domain, or free mail. */
type Origin = 'partner' | 'lookalike' | 'freemail';

interface Sent {
  fromHeader: string;
  replyTo?: string;
  envelope: Omit<Envelope, 'headers' | 'body'>;
}

const LOOKALIKE_SENDERS = [
  { domain: 'drive-notifications.net', local: 'no-reply' },
  { domain: 'docs-sharepoint.online', local: 'share' },
  { domain: 'secure-esign.info', local: 'dse' },
  { domain: 'account-security-alerts.com', local: 'no-reply' },
  { domain: 'kuroneko-yamato.delivery-info.top', local: 'info' },
  { domain: 'seikyu-tsuchi.jp.net', local: 'support' },
];

function sent(ctx: Ctx, origin: Origin, home: Org, rcpt: Person, i: number, display: string): Sent {
  const { rng } = ctx;
  const rcptAddr = addr(rcpt, home);
  const base = { at: ctx.at, rcpt: rcptAddr, receiver: home.receiver } as const;
  if (origin === 'partner') {
    const partner = PARTNERS[i % PARTNERS.length]!;
    const who = rng.pick(partner.people);
    return {
      fromHeader: mailbox(display || nameFor(who, partner.lang === 'ja' ? 'ja' : 'en'), addr(who, partner)),
      envelope: {
        ...base,
        signer: { domain: partner.domain, selector: partner.receiver === 'gmail' ? 'google' : 'selector1' },
        mailFrom: addr(who, partner),
        fromDomain: partner.domain,
        outHost: partner.outHost,
        outIp: partner.outIp,
        dmarcPolicy: partner.dmarc,
      },
    };
  }
  if (origin === 'lookalike') {
    const s = LOOKALIKE_SENDERS[i % LOOKALIKE_SENDERS.length]!;
    return {
      fromHeader: mailbox(display, `${s.local}@${s.domain}`),
      envelope: {
        ...base,
        signer: { domain: s.domain, selector: 'default' },
        mailFrom: `bounce@${s.domain}`,
        fromDomain: s.domain,
        outHost: `mail.${s.domain}`,
        outIp: `185.${rng.int(10, 250)}.${rng.int(1, 250)}.${rng.int(1, 250)}`,
        dmarcPolicy: '',
      },
    };
  }
  const free = rng.pick(['gmail.com', 'outlook.jp', 'yahoo.co.jp']);
  const local = `${rng.pick(['info', 'support', 'office', 'n.tanaka', 'docs'])}${rng.int(10, 9999)}`;
  return {
    fromHeader: mailbox(display, `${local}@${free}`),
    envelope: {
      ...base,
      signer: { domain: free, selector: free === 'gmail.com' ? '20230601' : 'selector1' },
      mailFrom: `${local}@${free}`,
      fromDomain: free,
      outHost: free === 'gmail.com' ? 'mail-sor-f69.google.com' : `mail.${free}`,
      outIp: free === 'gmail.com' ? '209.85.220.69' : `40.92.${rng.int(1, 250)}.${rng.int(1, 250)}`,
      dmarcPolicy: free === 'gmail.com' ? 'none' : '',
    },
  };
}

function draft(kind: string, slug: string, s: Sent, subject: string, body: MimePart, ctx: Ctx, extra: Array<[string, string]> = []): Draft {
  return {
    kind,
    slug,
    env: {
      headers: [
        ['From', s.fromHeader],
        ...(s.replyTo ? ([['Reply-To', s.replyTo]] as Array<[string, string]>) : []),
        ['To', s.envelope.rcpt],
        ['Subject', encodeWords(subject)],
        ['Date', rfc5322Date(ctx.at, 540)],
        ['Message-ID', `<${ctx.rng.hex(24)}@${s.envelope.fromDomain}>`],
        ...extra,
      ],
      body,
      ...s.envelope,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------

/** "shared you a file": the 2017 pattern and its modern kin — a PDF or a button that leads to a sign-in page. */
async function shareLure(ctx: Ctx, i: number): Promise<Draft> {
  const { rng } = ctx;
  const home = HOME[i % HOME.length]!;
  const rcpt = rng.pick(home.people);
  const origin: Origin = (['partner', 'lookalike', 'freemail', 'partner'] as const)[i % 4]!;
  const ja = home.lang === 'ja' && i % 3 !== 0;
  const url = landing(ctx, i, addr(rcpt, home));
  const platform = rng.pick(['Google Drive', 'OneDrive', 'SharePoint', 'Dropbox']);
  const display = origin === 'partner' ? '' : ja ? `${platform} 共有通知` : `${platform} (via ${platform})`;
  const s = sent(ctx, origin, home, rcpt, i, display);
  const withPdf = origin === 'partner' && i % 2 === 0;
  const subject = ja ? rng.pick(['ファイルを共有しました', 'ドキュメントが共有されました', '【共有】資料送付の件']) : rng.pick(['shared you a file', 'Document shared with you', 'New document shared via OneDrive']);
  const text = ja
    ? [
        'お世話になっております。',
        `${platform} でファイルを共有しました。`,
        withPdf ? '添付の PDF を開き、ご利用中のメールアカウントでログインのうえご覧ください。' : '下記のボタンからドキュメントを開いてください。閲覧にはサインインが必要です。',
        '',
        withPdf ? '' : `ドキュメントを開く: ${url}`,
        '',
        'よろしくお願いいたします。',
      ]
    : [
        'Hello,',
        '',
        `A file has been shared with you on ${platform}.`,
        withPdf ? 'Open the attached PDF and sign in with your email account to view the document.' : 'Click below to view the document. You will be asked to sign in with your email to access it.',
        '',
        withPdf ? '' : `Open document: ${url}`,
        '',
        'Regards',
      ];
  const html = page([...text.filter((l) => !l.includes(url)).map((l) => (l ? p(esc(l)) : '')), withPdf ? '' : button(url, ja ? 'ドキュメントを開く' : 'Open document')].join('\n'));
  const parts: MimePart[] = [alt(text.join('\n'), html, `${boundary(rng)}a`)];
  if (withPdf) parts.push(attachmentPart(await makeLurePdf(url, ctx.at), 'application/pdf', ja ? '共有ファイル.pdf' : 'Shared_Document.pdf'));
  const body = parts.length > 1 ? multipart('mixed', boundary(rng), parts) : parts[0]!;
  return draft(`share-lure-${origin}`, `share-lure-${origin}-${ja ? 'ja' : 'en'}`, s, subject, body, ctx);
}

async function esignLure(ctx: Ctx, i: number): Promise<Draft> {
  const { rng } = ctx;
  const home = HOME[(i + 1) % HOME.length]!;
  const rcpt = rng.pick(home.people);
  const origin: Origin = (['lookalike', 'partner', 'freemail'] as const)[i % 3]!;
  const ja = home.lang === 'ja' && i % 2 === 0;
  const url = landing(ctx, i + 3, addr(rcpt, home));
  const service = i % 2 === 0 ? 'DocuSign' : 'Adobe Acrobat Sign';
  const s = sent(ctx, origin, home, rcpt, i + 2, origin === 'partner' ? '' : `${service} Service`);
  const doc = ja ? rng.pick(['業務委託契約書_最終版', '支払条件変更の覚書']) : rng.pick(['Payment_Remittance_Advice', 'Revised_Contract_2026']);
  const subject = ja ? `${service}: ${doc} への署名をお願いします` : `${service}: Please review and sign ${doc}.pdf`;
  const text = ja
    ? [`${service} で文書が届いています。`, `文書名: ${doc}.pdf`, '', '文書を確認するには、メールアドレスとパスワードで本人確認を行ってください。', `文書を確認: ${url}`, '', 'このリンクの有効期限は 24 時間です。']
    : [`You have received a document to review and sign via ${service}.`, `Document: ${doc}.pdf`, '', 'To access the document, verify your email account and password.', `REVIEW DOCUMENT: ${url}`, '', 'This link expires in 24 hours.'];
  const html = page([...text.filter((l) => !l.includes(url)).map((l) => (l ? p(esc(l)) : '')), `<div style="background:#1e4ca1;padding:24px;text-align:center">${button(url, ja ? '文書を確認' : 'REVIEW DOCUMENT', '#ffc423')}</div>`].join('\n'));
  return draft('esign-lure', `esign-lure-${origin}-${ja ? 'ja' : 'en'}`, s, subject, alt(text.join('\n'), html, boundary(rng)), ctx);
}

async function securityLure(ctx: Ctx, i: number): Promise<Draft> {
  const { rng } = ctx;
  const home = HOME[i % HOME.length]!;
  const rcpt = rng.pick(home.people);
  const ja = home.lang === 'ja' && i % 3 !== 1;
  const rcptAddr = addr(rcpt, home);
  const url = landing(ctx, i + 5, rcptAddr);
  const variant = i % 3;
  const display = variant === 0 ? 'Google' : variant === 1 ? 'Microsoft 365' : ja ? '情報システム部' : 'IT Helpdesk';
  const s = sent(ctx, variant === 2 ? 'freemail' : 'lookalike', home, rcpt, 3, display);
  const subject = [
    ja ? 'セキュリティ通知: 新しいデバイスからのログイン' : 'Security alert: sign-in attempt blocked',
    ja ? '【重要】パスワードの有効期限が本日切れます' : 'Your password expires today',
    ja ? `【${home.nameJa}】メールアカウントの確認のお願い` : `Action required: verify your ${home.domain} mailbox`,
  ][variant]!;
  const text = ja
    ? [`${rcptAddr} 様`, '', ['お使いのアカウントに、不明なデバイスからのログインがありました。', 'ご利用中のパスワードの有効期限が本日で切れます。', 'メールボックスの移行に伴い、アカウント情報の確認が必要です。'][variant]!, '引き続きご利用いただくには、以下からログインして本人確認を行ってください。', '', `確認する: ${url}`, '', '24時間以内に確認されない場合、アカウントは一時停止されます。']
    : [`Dear ${rcptAddr},`, '', ['Someone tried to sign in to your account from an unknown device.', 'The password for your mailbox expires today.', 'We are upgrading mailboxes and need you to confirm your account details.'][variant]!, 'To keep using your account, sign in below and verify your identity.', '', `Verify now: ${url}`, '', 'Accounts not verified within 24 hours will be suspended.'];
  const html = page([...text.filter((l) => !l.includes(url)).map((l) => (l ? p(esc(l)) : '')), button(url, ja ? '確認する' : 'Verify now')].join('\n'));
  return draft('security-lure', `security-lure-${variant}-${ja ? 'ja' : 'en'}`, s, subject, alt(text.join('\n'), html, boundary(rng)), ctx);
}

/** 請求書 lures in Japanese, the kind that went out from the taken-over account in the scenario. */
async function invoiceLureJa(ctx: Ctx, i: number): Promise<Draft> {
  const { rng } = ctx;
  const home = HOME[i % 2]!;
  const rcpt = rng.pick(home.people);
  const origin: Origin = (['partner', 'lookalike', 'partner', 'freemail'] as const)[i % 4]!;
  const url = landing(ctx, i + 1, i % 2 ? addr(rcpt, home) : undefined);
  const s = sent(ctx, origin, home, rcpt, i % 3, origin === 'partner' ? '' : rng.pick(['請求書送付システム', '経理部', 'freee請求書']));
  const month = new Date(ctx.at.getTime() + 9 * 3_600_000).getUTCMonth() + 1;
  const subjects = [`${month}月分 請求書のご確認のお願い`, '【請求書】お支払いのご案内', `請求書送付のお知らせ（${jaDate(ctx.at)}）`, 'ご請求書の再送について'];
  const bodies = [
    ['いつもお世話になっております。', `${month}月分の請求書を発行いたしましたので、下記よりご確認ください。`, 'なお、請求書の閲覧には、ご利用中のメールアドレスとパスワードによるログインが必要となります。'],
    ['平素より大変お世話になっております。', 'お支払い期日が近づいております請求書を、オンラインでご確認いただけます。', 'セキュリティ保護のため、閲覧の際はお使いのメールアカウントで認証してください。'],
    ['お世話になっております。', '請求書をクラウドにアップロードいたしました。', 'ファイルを開くには、メールアドレスとパスワードを入力してログインしてください。'],
    ['先日お送りした請求書にファイルの不備がございましたので、再送いたします。', 'お手数ですが、以下のリンクよりサインインのうえご確認くださいますようお願いいたします。', '本日中にご確認いただけますと幸いです。'],
  ];
  const text = [`${home.nameJa}`, `ご担当者様`, '', ...bodies[i % bodies.length]!, '', `請求書を表示する: ${url}`, '', '何卒よろしくお願い申し上げます。'];
  const html = page([...text.filter((l) => !l.includes(url)).map((l) => (l ? p(esc(l)) : '')), button(url, '請求書を表示する', '#2864f0')].join('\n'), 'Meiryo,sans-serif', 'ja');
  return draft('invoice-lure-ja', `invoice-lure-ja-${origin}`, s, subjects[i % subjects.length]!, alt(text.join('\n'), html, boundary(rng)), ctx);
}

async function deliveryLureJa(ctx: Ctx, i: number): Promise<Draft> {
  const { rng } = ctx;
  const home = HOME[i % 2]!;
  const rcpt = rng.pick(home.people);
  const url = [
    `https://kuroneko-yamato.redelivery-${rng.hex(4)}.top/?id=${rng.token(10, ID)}`,
    `https://sagawa-exp.delivery-check.${rng.pick(['xyz', 'icu', 'cn'])}/track/${rng.int(1e9, 9e9)}`,
    `https://japanpost-redelivery.${rng.hex(6)}.pages.dev/`,
  ][i % 3]!;
  const brand = ['ヤマト運輸', '佐川急便', '日本郵便'][i % 3]!;
  const s = sent(ctx, i % 2 === 0 ? 'lookalike' : 'freemail', home, rcpt, 4, brand);
  const subject = ['【ヤマト運輸】お荷物お届けのお知らせ', '【佐川急便】不在通知：再配達のご依頼をお願いします', '【日本郵便】お届け先住所の確認のお願い'][i % 3]!;
  const text = [
    `${brand}をご利用いただきありがとうございます。`,
    'お客様宛てのお荷物をお届けにあがりましたが、宛先不明のため持ち帰りました。',
    '再配達をご希望の場合は、下記より配送先情報の確認とお手続きをお願いいたします。',
    `※${rng.int(2, 3)}日以内にお手続きがない場合、お荷物は返送されます。`,
    '',
    `再配達を依頼する: ${url}`,
  ];
  const html = page([...text.filter((l) => !l.includes(url)).map((l) => (l ? p(esc(l)) : '')), button(url, '再配達を依頼する', '#f5a200')].join('\n'), 'Meiryo,sans-serif', 'ja');
  return draft('delivery-lure-ja', 'delivery-lure-ja', s, subject, alt(text.join('\n'), html, boundary(rng)), ctx);
}

async function suspensionLureJa(ctx: Ctx, i: number): Promise<Draft> {
  const { rng } = ctx;
  const home = HOME[i % 2]!;
  const rcpt = rng.pick(home.people);
  const rcptAddr = addr(rcpt, home);
  const url = landing(ctx, i + 2, rcptAddr);
  const service = ['Microsoft 365', 'Amazon', 'Google Workspace', 'メールサービス'][i % 4]!;
  const s = sent(ctx, i % 2 === 0 ? 'lookalike' : 'freemail', home, rcpt, 3, `${service} サポート`);
  const subject = ['【重要】アカウントの一時停止について', `【${service}】ご本人様確認のお願い`, '【緊急】お客様のアカウントが制限されています', 'メールアカウントの利用停止予定のお知らせ'][i % 4]!;
  const text = [
    `${rcptAddr} 様`,
    '',
    `いつも${service}をご利用いただき、誠にありがとうございます。`,
    'お客様のアカウントにて、第三者による不正なアクセスの可能性が確認されたため、ご利用を一時的に制限させていただいております。',
    '恐れ入りますが、下記リンクより、ご登録情報の確認と本人確認のお手続きをお願い申し上げます。',
    `お手続き期限：${jaDate(new Date(ctx.at.getTime() + 2 * 86_400_000))}`,
    '',
    `ご本人確認はこちら: ${url}`,
    '',
    '期限までにお手続きいただけない場合、アカウントは停止されますのでご了承ください。',
  ];
  const html = page([...text.filter((l) => !l.includes(url)).map((l) => (l ? p(esc(l)) : '')), button(url, 'ご本人確認はこちら', '#d93025')].join('\n'), 'Meiryo,sans-serif', 'ja');
  return draft('account-suspension-lure-ja', 'suspension-lure-ja', s, subject, alt(text.join('\n'), html, boundary(rng)), ctx);
}

async function serviceLure(ctx: Ctx, i: number): Promise<Draft> {
  const { rng } = ctx;
  const home = HOME[i % HOME.length]!;
  const rcpt = rng.pick(home.people);
  const ja = home.lang === 'ja';
  const url = landing(ctx, i + 4, addr(rcpt, home));
  const variant = i % 4;
  const names = ['Chatwork', 'Zoom', ja ? 'ボイスメール' : 'Voicemail', ja ? 'スキャナー' : 'Scanner'];
  const s = sent(ctx, 'lookalike', home, rcpt, i, names[variant]!);
  const subject = [
    '[Chatwork] 未読メッセージが3件あります',
    ja ? 'Zoom: ミーティングの録画を共有しました' : 'Zoom: a meeting recording was shared with you',
    ja ? '新しいボイスメッセージがあります (0:42)' : 'New voice message received (0:42)',
    ja ? 'スキャンしたドキュメント' : 'Scanned document from office printer',
  ][variant]!;
  const text = [
    [`未読メッセージを確認するには、Chatwork にログインしてください。`, `ログイン: ${url}`],
    [ja ? '録画を見るにはサインインしてください。' : 'Sign in with your work account to watch the recording.', `${ja ? '録画を見る' : 'Watch'}: ${url}`],
    [ja ? '添付のメッセージを開き、メールアカウントでサインインして再生してください。' : 'Open the attached message and sign in with your email account to play it.'],
    [ja ? '添付ファイルを開き、メールアドレスとパスワードで認証してください。' : 'Open the attachment and confirm your email password to view the scan.'],
  ][variant]!;
  const parts: MimePart[] = [alt(text.join('\n'), page(text.map((l) => (l.includes(url) ? button(url, l.split(':')[0] ?? 'Open') : p(esc(l)))).join('\n')), `${boundary(rng)}a`)];
  if (variant >= 2) {
    const form = `<!DOCTYPE html><html><body><h3>${variant === 2 ? 'Voice Message' : 'Scan'} - Sign in</h3><form action="${esc(url)}" method="post"><input name="email" value="${esc(addr(rcpt, home))}"><input name="password" type="password"><button>Open</button></form></body></html>`;
    parts.push(attachmentPart(Buffer.from(form, 'utf8'), 'text/html', variant === 2 ? 'VoiceMessage_0042.html' : 'Scan_0001.html'));
  }
  const body = parts.length > 1 ? multipart('mixed', boundary(rng), parts) : parts[0]!;
  return draft(`service-lure-${['chatwork', 'zoom', 'voicemail', 'scan'][variant]}`, `service-lure-${['chatwork', 'zoom', 'voicemail', 'scan'][variant]}-${ja ? 'ja' : 'en'}`, s, subject, body, ctx);
}

/** A free-mail account on a platform's own domain linking to pages anyone can publish on that platform. */
async function platformHostedLure(ctx: Ctx, i: number): Promise<Draft> {
  const { rng } = ctx;
  const home = HOME[i % HOME.length]!;
  const rcpt = rng.pick(home.people);
  const ja = home.lang === 'ja';
  const url = [
    `https://storage.googleapis.com/${rng.token(12, 'abcdefghijklmnopqrstuvwxyz')}/review.html#${addr(rcpt, home)}`,
    `https://sites.google.com/view/${rng.token(10, 'abcdefghijklmnopqrstuvwxyz')}-docs/home`,
    `https://docs.google.com/forms/d/e/1FAIpQL${rng.token(50, ID)}/viewform`,
  ][i % 3]!;
  const s = sent(ctx, 'freemail', home, rcpt, 0, ja ? '総務部' : 'Accounts Team');
  s.fromHeader = mailbox(ja ? '総務部' : 'Accounts Team', `${rng.pick(['kanri', 'office.team', 'docs.review'])}${rng.int(100, 999)}@gmail.com`);
  s.envelope = { ...s.envelope, signer: { domain: 'gmail.com', selector: '20230601' }, mailFrom: s.fromHeader.replace(/^.*<|>$/g, ''), fromDomain: 'gmail.com', outHost: 'mail-sor-f69.google.com', outIp: '209.85.220.69', dmarcPolicy: 'none' };
  const subject = ja ? '【要確認】共有ドキュメントの確認をお願いします' : 'Action required: review the shared document';
  const text = ja
    ? ['お疲れさまです。', '共有ドキュメントを確認してください。閲覧にはメールアドレスとパスワードでのログインが必要です。', `確認する: ${url}`]
    : ['Hello,', 'Please review the shared document. To view the document, sign in with your email and password.', `Review: ${url}`];
  const html = page([...text.filter((l) => !l.includes(url)).map((l) => p(esc(l))), button(url, ja ? '確認する' : 'Review')].join('\n'));
  return draft('platform-hosted-lure', `platform-hosted-lure-${ja ? 'ja' : 'en'}`, s, subject, alt(text.join('\n'), html, boundary(rng)), ctx);
}

export const LURE_PLAN: PlanEntry[] = [
  { build: platformHostedLure, count: 3 },
  { build: shareLure, count: 10 },
  { build: esignLure, count: 5 },
  { build: securityLure, count: 6 },
  { build: invoiceLureJa, count: 8 },
  { build: deliveryLureJa, count: 4 },
  { build: suspensionLureJa, count: 4 },
  { build: serviceLure, count: 6 },
];


