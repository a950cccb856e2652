// Genuine platform notifications, written for Kizuki from the platforms' documented and commonly seen formats:
// who sends them, how they are signed, what their links look like. Wording is our own.
import { FILE_NAMES, HOME, type Org, PARTNERS, type Person } from './fixture-cast.js';
import type { Envelope, Rng } from './fixture-core.js';
import {
  a,
  addr,
  alt,
  boundary,
  button,
  enDate,
  esc,
  family,
  firstEn,
  googleMessageId,
  hhmm,
  img,
  jaDate,
  nameFor,
  p,
  page,
  small,
} from './fixture-html.js';
import { attachmentPart, encodeWords, mailbox, multipart, rfc5322Date, textPart } from './mime-writer.js';

export interface Draft {
  kind: string;
  slug: string;
  env: Envelope;
}

export interface Ctx {
  rng: Rng;
  at: Date;
}

const GOOGLE_LOGO = 'https://www.gstatic.com/images/branding/googlelogo/2x/googlelogo_color_74x24dp.png';
const GOOGLE_FOOTER_EN = 'Google LLC, 1600 Amphitheatre Parkway, Mountain View, CA 94043, USA';
const GOOGLE_FOOTER_JA = 'Google LLC, 1600 Amphitheatre Parkway, Mountain View, CA 94043, USA';

function googleOut(rng: Rng): { outHost: string; outIp: string } {
  const n = rng.int(41, 99);
  return { outHost: `mail-sor-f${n}.google.com`, outIp: `209.85.220.${n}` };
}

function msOut(rng: Rng): { outHost: string; outIp: string } {
  const host = rng.pick(['NAM12-MW2-obe', 'NAM10-BN7-obe', 'APC01-TYZ-obe', 'JPN01-OS2-obe', 'EUR03-DBA-obe']);
  return { outHost: `${host}.outbound.protection.outlook.com`, outIp: `40.107.${rng.int(1, 250)}.${rng.int(1, 250)}` };
}

const ID = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-';

/** someone at home (the recipient) */
function homeRcpt(ctx: Ctx, home: Org): Person {
  return ctx.rng.pick(home.people);
}

// ---------------------------------------------------------------------------------------------------------------
// Google Drive / Docs / Sheets / Slides shares

type DocType = 'doc' | 'sheet' | 'slides' | 'file';
const DOC_PATH: Record<DocType, string> = { doc: 'document', sheet: 'spreadsheets', slides: 'presentation', file: 'file' };
const DOC_WORD = {
  doc: { en: 'Document', ja: 'ドキュメント' },
  sheet: { en: 'Spreadsheet', ja: 'スプレッドシート' },
  slides: { en: 'Presentation', ja: 'プレゼンテーション' },
  file: { en: 'File', ja: 'ファイル' },
};

export function driveShare(ctx: Ctx, i: number): Draft {
  const { rng } = ctx;
  const home = HOME[i % HOME.length]!;
  const internal = i % 3 === 0;
  const sharerOrg = internal ? home : rng.pick(PARTNERS.filter((o) => o.receiver === 'gmail' || i % 2 === 0));
  const sharer = rng.pick(sharerOrg.people.filter((x) => x !== home.people[0]));
  const rcpt = home.people[i % home.people.length]!;
  const ja = home.lang === 'ja' && i % 4 !== 3;
  const type = (['doc', 'sheet', 'slides', 'file'] as const)[i % 4]!;
  const title = rng.pick(FILE_NAMES[type])[ja ? 0 : 1];
  const id = rng.token(44, ID);
  const url =
    type === 'file'
      ? `https://drive.google.com/file/d/${id}/view?usp=sharing_eil_se_dm&ts=${Math.floor(ctx.at.getTime() / 1000).toString(16)}`
      : `https://docs.google.com/${DOC_PATH[type]}/d/${id}/edit?usp=sharing_eil_se_dm&ts=${Math.floor(ctx.at.getTime() / 1000).toString(16)}`;
  const sharerName = nameFor(sharer, ja ? 'ja' : 'en');
  const sharerAddr = addr(sharer, sharerOrg);
  const notes = ja
    ? ['ご確認をお願いします。', '先日の件、資料を共有します。コメント歓迎です。', '修正版です。赤字の箇所をご確認ください。', '']
    : ['Please take a look before Friday.', 'Here is the latest version, comments welcome.', 'Shared as discussed on the call.', ''];
  const note = notes[i % notes.length]!;
  const word = DOC_WORD[type];
  const subject = ja ? `${word.ja}「${title}」が共有されました` : `${word.en} shared with you: "${title}"`;
  const lead = ja
    ? `${sharerName} (${sharerAddr}) さんが次の${word.ja}を共有しました:`
    : `${sharerName} (${sharerAddr}) has shared the following ${word.en.toLowerCase()}:`;
  const openLabel = ja ? '開く' : 'Open';
  const why = ja
    ? `このメールは、${sharerAddr} さんが Google ドライブであなたとアイテムを共有したため送信されました。`
    : `You have received this email because ${sharerAddr} shared a ${word.en.toLowerCase()} with you from Google ${type === 'file' ? 'Drive' : type === 'doc' ? 'Docs' : type === 'sheet' ? 'Sheets' : 'Slides'}.`;
  const plain = [lead, '', title, note ? `\n"${note}"\n` : '', `${openLabel}: ${url}`, '', why, '', GOOGLE_FOOTER_EN, ''].join('\n');
  const html = page(
    [
      img(GOOGLE_LOGO, 'Google', 74),
      `<h2 style="font-weight:normal;font-size:20px">${esc(ja ? `${sharerName}さんが${word.ja}を共有しました` : `${sharerName} shared a ${word.en.toLowerCase()}`)}</h2>`,
      p(esc(lead)),
      note ? `<blockquote style="margin:0 0 12px;padding:8px 12px;border-left:4px solid #dadce0">${esc(note)}</blockquote>` : '',
      p(a(url, title), 'font-size:16px'),
      button(url, openLabel),
      small(esc(why)),
      small(`${a('https://drive.google.com/', 'Google Drive')} · ${esc(ja ? GOOGLE_FOOTER_JA : GOOGLE_FOOTER_EN)}`),
      small(a('https://www.google.com/intl/ja/policies/privacy/', ja ? 'プライバシー ポリシー' : 'Privacy Policy')),
    ].join('\n'),
    'Roboto,Arial,sans-serif',
    ja ? 'ja' : 'en',
  );
  const mailFrom = `${rng.token(40, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-')}@doclist.bounces.google.com`;
  return {
    kind: `drive-share-${ja ? 'ja' : 'en'}-${internal ? 'internal' : 'external'}`,
    slug: `drive-share-${type}-${ja ? 'ja' : 'en'}`,
    env: {
      headers: [
        ['Reply-To', mailbox(sharerName, sharerAddr)],
        ['Message-ID', googleMessageId(rng)],
        ['Date', rfc5322Date(ctx.at, 0)],
        ['Subject', encodeWords(subject)],
        ['From', mailbox(`${sharerName} (${ja ? 'Google ドライブ経由' : 'via Google Drive'})`, 'drive-shares-dm-noreply@google.com')],
        ['To', addr(rcpt, home)],
      ],
      body: alt(plain, html, boundary(rng, 'google')),
      at: ctx.at,
      signer: { domain: 'google.com', selector: '20230601' },
      mailFrom,
      fromDomain: 'google.com',
      ...googleOut(rng),
      rcpt: addr(rcpt, home),
      receiver: home.receiver,
      dmarcPolicy: 'reject',
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Google account notices: new sign-in, password changed, recovery e-mail changed

export function googleSecurity(ctx: Ctx, i: number): Draft {
  const { rng } = ctx;
  const home = HOME[i % 2 === 0 ? 0 : 2]!;
  const rcpt = home.people[(i * 2) % home.people.length]!;
  const mailboxAddr = addr(rcpt, home);
  const ja = home.lang === 'ja' && i % 3 !== 2;
  const variant = (['signin', 'password', 'recovery', 'app-access'] as const)[i % 4]!;
  const device = rng.pick(['Windows', 'Mac', 'iPhone', 'Android', 'Linux']);
  const alertId = `${Math.floor(ctx.at.getTime())}?rfn%3D${rng.int(10, 400)}%26rfnc%3D1%26eid%3D${rng.int(1e15, 9e15)}%26et%3D0`;
  const check = `https://accounts.google.com/AccountChooser?Email=${encodeURIComponent(mailboxAddr)}&continue=https://myaccount.google.com/alert/nt/${alertId}`;
  const texts = {
    signin: {
      subject: ja ? 'セキュリティ通知' : 'Security alert',
      head: ja ? `${device} での新しいログイン` : `A new sign-in on ${device}`,
      body: ja
        ? `${mailboxAddr}\nGoogle アカウントへの新しいログインがありました。心当たりがある場合は、何もする必要はありません。心当たりがない場合は、アカウントの保護をお手伝いします。`
        : `${mailboxAddr}\nWe noticed a new sign-in to your Google Account on a ${device} device. If this was you, you don’t need to do anything. If not, we’ll help you secure your account.`,
      action: ja ? 'アクティビティを確認' : 'Check activity',
    },
    password: {
      subject: ja ? 'パスワードが変更されました' : 'Your password was changed',
      head: ja ? 'パスワードが変更されました' : 'Your password was changed',
      body: ja
        ? `${mailboxAddr}\nGoogle アカウントのパスワードが変更されました。変更したのがご自身であれば、このメールは無視してかまいません。`
        : `${mailboxAddr}\nThe password for your Google Account was changed. If you did this, you can safely disregard this email.`,
      action: ja ? 'アクティビティを確認' : 'Check activity',
    },
    recovery: {
      subject: ja ? '再設定用のメールアドレスが変更されました' : 'Recovery email was changed',
      head: ja ? '再設定用のメールアドレスが変更されました' : 'The recovery email for your account was changed',
      body: ja
        ? `${mailboxAddr}\nアカウントの再設定用メールアドレスが変更されました。心当たりがない場合は、アクティビティを確認してください。`
        : `${mailboxAddr}\nThe recovery email for your Google Account was changed. If you didn’t change it, check the activity and secure your account.`,
      action: ja ? 'アクティビティを確認' : 'Check activity',
    },
    'app-access': {
      subject: ja ? 'Google アカウントへのアクセスが許可されました' : 'Zoom was granted access to your Google Account',
      head: ja ? 'Zoom にアカウントへのアクセスが許可されました' : 'Zoom was granted access to your Google Account',
      body: ja
        ? `${mailboxAddr}\nZoom に Google アカウントの一部へのアクセスを許可しました。許可していない場合は、アクティビティを確認してください。`
        : `${mailboxAddr}\nIf you did not grant access, you should check this activity and secure your account.`,
      action: ja ? 'アクティビティを確認' : 'Check activity',
    },
  }[variant];
  const footer = ja
    ? 'このメールは、Google アカウントとサービスの重要な変更についてお知らせするために送信しています。'
    : 'You received this email to let you know about important changes to your Google Account and services.';
  const plain = [texts.head, '', texts.body, '', `${texts.action}: ${check}`, '', ja ? 'セキュリティ アクティビティは次の URL でも確認できます:' : 'You can also see security activity at', 'https://myaccount.google.com/notifications', '', footer, `© ${ctx.at.getUTCFullYear()} ${GOOGLE_FOOTER_EN}`, ''].join('\n');
  const html = page(
    [
      img(GOOGLE_LOGO, 'Google', 74),
      `<div style="text-align:center;font-size:24px;padding:16px 0">${esc(texts.head)}</div>`,
      p(esc(texts.body).replace('\n', '<br>')),
      button(check, texts.action),
      small(`${esc(ja ? 'セキュリティ アクティビティは次の URL でも確認できます:' : 'You can also see security activity at')}<br>${a('https://myaccount.google.com/notifications', 'https://myaccount.google.com/notifications')}`),
      small(`${esc(footer)}<br>© ${ctx.at.getUTCFullYear()} ${esc(GOOGLE_FOOTER_EN)}`),
    ].join('\n'),
    'Google Sans,Roboto,Arial,sans-serif',
    ja ? 'ja' : 'en',
  );
  return {
    kind: `google-security-${variant}`,
    slug: `google-${variant}-${ja ? 'ja' : 'en'}`,
    env: {
      headers: [
        ['Date', rfc5322Date(ctx.at, 0)],
        ['From', mailbox('Google', 'no-reply@accounts.google.com')],
        ['To', mailboxAddr],
        ['Message-ID', `<${rng.token(22, ID)}@notifications.google.com>`],
        ['Subject', encodeWords(texts.subject)],
        ['Feedback-ID', `::${rng.pick(['hs', 'sa', 'pw'])}-${rng.int(100, 999)}-email:gaia`],
      ],
      body: alt(plain, html, boundary(rng, 'google')),
      at: ctx.at,
      signer: { domain: 'accounts.google.com', selector: '20230601' },
      mailFrom: `${rng.token(30, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-')}@gaia.bounces.google.com`,
      fromDomain: 'accounts.google.com',
      ...googleOut(rng),
      rcpt: mailboxAddr,
      receiver: home.receiver,
      dmarcPolicy: 'reject',
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Calendar invitations (.ics): Google Calendar from a Workspace user, and Outlook from a Microsoft 365 user

function ics(uid: string, organiser: string, organiserName: string, attendees: string[], start: Date, minutes: number, summary: string, location: string, description: string, stamp: Date): string {
  const f = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const fold = (line: string) => {
    const out: string[] = [];
    let rest = line;
    while (Buffer.byteLength(rest) > 74) {
      let cut = 74;
      while (Buffer.byteLength(rest.slice(0, cut)) > 74) cut--;
      out.push(rest.slice(0, cut));
      rest = ` ${rest.slice(cut)}`;
    }
    out.push(rest);
    return out.join('\r\n');
  };
  return [
    'BEGIN:VCALENDAR',
    'PRODID:-//Google Inc//Google Calendar 70.9054//EN',
    'VERSION:2.0',
    'CALSCALE:GREGORIAN',
    'METHOD:REQUEST',
    'BEGIN:VEVENT',
    `DTSTART:${f(start)}`,
    `DTEND:${f(new Date(start.getTime() + minutes * 60_000))}`,
    `DTSTAMP:${f(stamp)}`,
    `ORGANIZER;CN=${organiserName}:mailto:${organiser}`,
    `UID:${uid}`,
    ...attendees.map((x) => `ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=${x};X-NUM-GUESTS=0:mailto:${x}`),
    `DESCRIPTION:${description.replace(/\n/g, '\\n').replace(/,/g, '\\,')}`,
    `LOCATION:${location.replace(/,/g, '\\,')}`,
    'SEQUENCE:0',
    'STATUS:CONFIRMED',
    `SUMMARY:${summary.replace(/,/g, '\\,')}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ]
    .map(fold)
    .join('\r\n');
}

export function calendarInvite(ctx: Ctx, i: number): Draft {
  const { rng } = ctx;
  const google = i % 3 !== 2;
  const home = google ? HOME[i % 2 === 0 ? 0 : 2]! : HOME[1]!;
  const orgOrg = i % 2 === 0 ? home : rng.pick(PARTNERS.filter((o) => (google ? o.receiver === 'gmail' : o.receiver === 'm365')));
  const organiser = rng.pick(orgOrg.people);
  const rcpt = rng.pick(home.people.filter((x) => x !== organiser));
  const ja = home.lang === 'ja' && orgOrg.lang === 'ja';
  const start = new Date(Math.ceil((ctx.at.getTime() + rng.int(2, 9) * 86_400_000) / 3_600_000) * 3_600_000);
  const titles = ja ? ['定例打ち合わせ', '新製品の仕様確認', '年度末の予算レビュー', '工場見学の件'] : ['Weekly sync', 'Spec review: HX-220', 'Quarterly business review', 'Kick-off: catalogue 2026'];
  const title = titles[i % titles.length]!;
  const meet = `https://meet.google.com/${rng.token(3, 'abcdefghijklmnopqrstuvwxyz')}-${rng.token(4, 'abcdefghijklmnopqrstuvwxyz')}-${rng.token(3, 'abcdefghijklmnopqrstuvwxyz')}`;
  const teams = `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${rng.token(48, ID)}%40thread.v2/0?context=%7b%22Tid%22%3a%22${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}%22%7d`;
  const organiserAddr = addr(organiser, orgOrg);
  const rcptAddr = addr(rcpt, home);
  const organiserName = nameFor(organiser, ja ? 'ja' : 'en');
  const when = ja ? `${jaDate(start)} ${hhmm(start)}～${hhmm(new Date(start.getTime() + 3_600_000))} (日本標準時 - 東京)` : `${enDate(start)} ${hhmm(start)} – ${hhmm(new Date(start.getTime() + 3_600_000))} (Japan Standard Time - Tokyo)`;
  const eid = rng.token(60, ID);
  const respond = (rst: number) =>
    `https://calendar.google.com/calendar/event?action=RESPOND&eid=${eid}&rst=${rst}&tok=${rng.token(60, ID)}&ctz=Asia%2FTokyo&hl=${ja ? 'ja' : 'en'}&es=0`;
  const join = google ? meet : teams;
  const description = ja ? `議題は事前に共有します。\nオンライン参加: ${join}` : `Agenda to follow.\nJoin online: ${join}`;
  const calendar = ics(`${rng.hex(26)}@google.com`, organiserAddr, organiserName, [rcptAddr], start, 60, title, google ? (ja ? '本社 3F 会議室B' : 'Meeting room B') : 'Microsoft Teams Meeting', description, ctx.at);
  const subject = google
    ? ja
      ? `招待: ${title} - ${jaDate(start)} ${hhmm(start)} - ${hhmm(new Date(start.getTime() + 3_600_000))} (JST) (${rcptAddr})`
      : `Invitation: ${title} @ ${enDate(start)} ${hhmm(start)} - ${hhmm(new Date(start.getTime() + 3_600_000))} (JST) (${rcptAddr})`
    : title;
  const plain = google
    ? [
        ja ? `${organiserName} さんから予定への招待が届きました` : `${organiserName} has invited you to an event`,
        '',
        title,
        when,
        '',
        ja ? `Google Meet に参加: ${meet}` : `Join with Google Meet: ${meet}`,
        '',
        ja ? `出席しますか? はい: ${respond(1)}` : `Reply for ${rcptAddr}: Yes ${respond(1)}`,
        ja ? `いいえ: ${respond(2)}` : `No ${respond(2)}`,
        '',
        ja ? 'Google カレンダーからの招待状' : 'Invitation from Google Calendar',
        'https://calendar.google.com/calendar/',
        '',
      ].join('\n')
    : [
        ja ? `${organiserName} です。下記の日程でお打ち合わせをお願いします。` : `${organiserName} invited you.`,
        '',
        '________________________________________________________________________________',
        'Microsoft Teams meeting',
        ja ? 'コンピューター、モバイル アプリ、またはルーム デバイスで参加する' : 'Join on your computer, mobile app or room device',
        `${ja ? 'ここをクリックして会議に参加してください' : 'Click here to join the meeting'} <${teams}>`,
        `${ja ? '会議 ID' : 'Meeting ID'}: ${rng.int(100, 999)} ${rng.int(100, 999)} ${rng.int(100, 999)} ${rng.int(100, 999)}`,
        `${ja ? 'パスコード' : 'Passcode'}: ${rng.token(6, 'abcdefghijkmnpqrstuvwxyz23456789')}`,
        `Learn More <https://aka.ms/JoinTeamsMeeting> | Meeting options <https://teams.microsoft.com/meetingOptions/?organizerId=${rng.hex(8)}-${rng.hex(4)}>`,
        '________________________________________________________________________________',
        '',
      ].join('\n');
  const html = google
    ? page(
        [
          `<h2 style="font-weight:normal">${esc(title)}</h2>`,
          p(esc(when)),
          button(meet, ja ? 'Google Meet に参加' : 'Join with Google Meet'),
          p(`${esc(ja ? '出席しますか?' : 'Going?')} ${a(respond(1), ja ? 'はい' : 'Yes')} · ${a(respond(3), ja ? '未定' : 'Maybe')} · ${a(respond(2), ja ? 'いいえ' : 'No')}`),
          small(`${esc(ja ? 'Google カレンダーからの招待状' : 'Invitation from Google Calendar')}: ${a('https://calendar.google.com/calendar/', 'Google Calendar')}`),
        ].join('\n'),
      )
    : page(
        [
          p(esc(ja ? `${organiserName} です。下記の日程でお打ち合わせをお願いします。` : `${organiserName} invited you.`)),
          '<hr>',
          '<div style="font-size:20px;font-weight:bold">Microsoft Teams meeting</div>',
          p(a(teams, ja ? 'ここをクリックして会議に参加してください' : 'Click here to join the meeting')),
          small(`${a('https://aka.ms/JoinTeamsMeeting', 'Learn More')} | ${a('https://teams.microsoft.com/meetingOptions/', 'Meeting options')}`),
        ].join('\n'),
        'Segoe UI,sans-serif',
      );
  const b = boundary(rng, google ? 'google' : 'ms');
  const inner = multipart('alternative', `${b}a`, [
    textPart(plain, 'plain'),
    textPart(html, 'html'),
    { headers: [['Content-Type', 'text/calendar; charset="UTF-8"; method=REQUEST'], ['Content-Transfer-Encoding', '7bit']], body: Buffer.from(calendar, 'utf8').toString('latin1') },
  ]);
  const body = multipart('mixed', `${b}m`, [inner, attachmentPart(Buffer.from(calendar, 'utf8'), 'application/ics', 'invite.ics')]);
  const from = mailbox(organiserName, organiserAddr);
  const signerDomain = orgOrg.domain;
  return {
    kind: google ? 'calendar-invite-google' : 'calendar-invite-outlook',
    slug: `calendar-${google ? 'google' : 'teams'}-${ja ? 'ja' : 'en'}`,
    env: {
      headers: [
        ...(google ? ([['Reply-To', from]] as Array<[string, string]>) : []),
        ['Sender', google ? mailbox('Google Calendar', 'calendar-notification@google.com') : from],
        ['Message-ID', google ? googleMessageId(rng) : `<${rng.token(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}@${orgOrg.domain}>`],
        ['Date', rfc5322Date(ctx.at, 540)],
        ['Subject', encodeWords(subject)],
        ['From', from],
        ['To', rcptAddr],
      ],
      body,
      at: ctx.at,
      signer: google ? { domain: signerDomain, selector: 'google' } : { domain: signerDomain, selector: 'selector1' },
      mailFrom: google ? `${rng.token(30, 'abcdefghijklmnopqrstuvwxyz0123456789')}@calendar-server.bounces.google.com` : organiserAddr,
      fromDomain: orgOrg.domain,
      ...(google ? googleOut(rng) : msOut(rng)),
      rcpt: rcptAddr,
      receiver: home.receiver,
      dmarcPolicy: orgOrg.dmarc,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// OneDrive / SharePoint shares from Microsoft 365 tenants

export function sharepointShare(ctx: Ctx, i: number): Draft {
  const { rng } = ctx;
  const tenantOrg = i % 3 === 0 ? HOME[1]! : rng.pick(PARTNERS.filter((o) => o.tenant));
  const home = tenantOrg === HOME[1] ? HOME[1]! : HOME[i % 2 === 0 ? 0 : 1]!;
  const sharer = rng.pick(tenantOrg.people);
  const rcpt = rng.pick(home.people.filter((x) => x !== sharer));
  const ja = tenantOrg.lang === 'ja' && home.lang === 'ja';
  const kinds = [
    { code: 'w', ext: 'docx', ja: '打ち合わせメモ', en: 'Meeting notes' },
    { code: 'x', ext: 'xlsx', ja: '見積比較表', en: 'Quote comparison' },
    { code: 'p', ext: 'pptx', ja: '提案資料', en: 'Proposal deck' },
    { code: 'b', ext: 'pdf', ja: '検査成績書', en: 'Inspection certificate' },
    { code: 'f', ext: '', ja: '共有フォルダー_2026', en: 'Project files 2026' },
  ];
  const k = kinds[i % kinds.length]!;
  const fileName = k.ext ? `${ja ? k.ja : k.en}.${k.ext}` : ja ? k.ja : k.en;
  const personal = i % 2 === 0;
  const tenant = tenantOrg.tenant!;
  const path = personal
    ? `https://${tenant}-my.sharepoint.com/:${k.code}:/g/personal/${sharer.local.replace(/[.-]/g, '_')}_${tenantOrg.domain.replace(/[.-]/g, '_')}/${rng.token(46, ID)}?e=${rng.token(6, ID)}`
    : `https://${tenant}.sharepoint.com/:${k.code}:/s/${rng.pick(['Sales', 'Quality', 'Projects', 'Eigyo'])}/${rng.token(46, ID)}?e=${rng.token(6, ID)}`;
  const sharerName = nameFor(sharer, ja ? 'ja' : 'en');
  const message = ja ? rng.pick(['ご確認よろしくお願いいたします。', '最新版をアップしました。', '']) : rng.pick(['Latest version attached via OneDrive.', 'Let me know if anything is missing.', '']);
  const subject = ja ? `${sharerName} さんが "${fileName}" をあなたと共有しました` : `${sharerName} shared "${fileName}" with you`;
  const plain = [
    ja ? `${sharerName} さんがあなたと${k.ext ? 'ファイル' : 'フォルダー'}を共有しました` : `${sharerName} shared a ${k.ext ? 'file' : 'folder'} with you`,
    '',
    message,
    '',
    fileName,
    `${ja ? '開く' : 'Open'}: ${path}`,
    '',
    ja ? 'このリンクは、このメッセージを直接受け取った受信者に対してのみ機能します。' : 'This link will work for anyone in this email thread.',
    `${ja ? 'プライバシーに関する声明' : 'Privacy Statement'}: https://go.microsoft.com/fwlink/?LinkId=521839`,
    'Microsoft Corporation, One Microsoft Way, Redmond, WA 98052',
    '',
  ].join('\n');
  const html = page(
    [
      img('https://res-1.cdn.office.net/files/fabric-cdn-prod_20230815.002/assets/brand-icons/product/png/onedrive_48x1.png', 'OneDrive', 32),
      p(esc(ja ? `${sharerName} さんがあなたと${k.ext ? 'ファイル' : 'フォルダー'}を共有しました` : `${sharerName} shared a ${k.ext ? 'file' : 'folder'} with you`), 'font-size:20px'),
      message ? `<blockquote style="border-left:3px solid #0078d4;padding-left:10px">${esc(message)}</blockquote>` : '',
      p(a(path, fileName)),
      button(path, ja ? '開く' : 'Open', '#0078d4'),
      small(esc(ja ? 'このリンクは、このメッセージを直接受け取った受信者に対してのみ機能します。' : 'This link will work for anyone in this email thread.')),
      small(`${a('https://go.microsoft.com/fwlink/?LinkId=521839', ja ? 'プライバシーに関する声明' : 'Privacy Statement')}<br>Microsoft Corporation, One Microsoft Way, Redmond, WA 98052`),
    ].join('\n'),
    'Segoe UI,Helvetica,Arial,sans-serif',
    ja ? 'ja' : 'en',
  );
  return {
    kind: `sharepoint-share-${ja ? 'ja' : 'en'}-${tenantOrg === home ? 'internal' : 'external'}`,
    slug: `${personal ? 'onedrive' : 'sharepoint'}-share-${ja ? 'ja' : 'en'}`,
    env: {
      headers: [
        ['From', mailbox(sharerName, 'no-reply@sharepointonline.com')],
        ['To', addr(rcpt, home)],
        ['Subject', encodeWords(subject)],
        ['Date', rfc5322Date(ctx.at, 0)],
        ['Message-ID', `<${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}@${rng.pick(['JPN01', 'NAM12', 'EUR03'])}-${rng.pick(['OS2', 'TYZ', 'MW2'])}-obe.outbound.protection.outlook.com>`],
        ['Reply-To', mailbox(sharerName, addr(sharer, tenantOrg))],
        ['X-MS-Exchange-Organization-SharingNotification', 'True'],
      ],
      body: alt(plain, html, boundary(rng, 'ms')),
      at: ctx.at,
      signer: { domain: 'sharepointonline.com', selector: 'selector1' },
      mailFrom: 'no-reply@sharepointonline.com',
      fromDomain: 'sharepointonline.com',
      ...msOut(rng),
      rcpt: addr(rcpt, home),
      receiver: home.receiver,
      dmarcPolicy: 'reject',
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Microsoft account security notices

export function microsoftSecurity(ctx: Ctx, i: number): Draft {
  const { rng } = ctx;
  const home = HOME[i % HOME.length]!;
  const rcpt = homeRcpt(ctx, home);
  const ja = home.lang === 'ja' && i % 2 === 0;
  const maskedMailbox = `${rcpt.local.slice(0, 2)}*****@${home.domain}`;
  const variant = (['code', 'signin', 'info-added'] as const)[i % 3]!;
  const country = rng.pick(ja ? ['日本', '日本', 'シンガポール'] : ['Japan', 'United Kingdom', 'Germany']);
  const lines = {
    code: {
      subject: ja ? 'Microsoft アカウントのセキュリティ コード' : 'Microsoft account security code',
      body: ja
        ? [`Microsoft アカウント ${maskedMailbox} のセキュリティ コードを使用してください。`, '', `セキュリティ コード: ${rng.int(100000, 999999)}`, '', '心当たりがない場合は、このメールを無視してかまいません。']
        : [`Please use the following security code for the Microsoft account ${maskedMailbox}.`, '', `Security code: ${rng.int(100000, 999999)}`, '', "If you don't recognize the Microsoft account, you can click the link below to remove your email address from that account."],
      links: ['https://account.live.com/dp?ft=' + rng.token(40, ID)],
    },
    signin: {
      subject: ja ? 'Microsoft アカウントの新しいアプリが接続されました' : 'New app(s) connected to your Microsoft account',
      body: ja
        ? [`Microsoft アカウント ${maskedMailbox} に新しいサインインがありました (${country})。`, '', '心当たりがない場合は、最近のアクティビティを確認してください。']
        : [`A new sign-in to the Microsoft account ${maskedMailbox} was detected from ${country}.`, '', "If you didn't do this, review your recent activity."],
      links: ['https://account.live.com/activity'],
    },
    'info-added': {
      subject: ja ? 'セキュリティ情報が Microsoft アカウントに追加されました' : 'Security info was added to your Microsoft account',
      body: ja
        ? [`次のセキュリティ情報が Microsoft アカウント ${maskedMailbox} に追加されました: 認証アプリ`, '', 'ご自身で追加した場合は、このメッセージを無視してください。']
        : [`The following security info was recently added to the Microsoft account ${maskedMailbox}: authenticator app`, '', 'If you added this, you can safely ignore this message.'],
      links: ['https://account.live.com/proofs/manage'],
    },
  }[variant];
  const privacy = 'https://go.microsoft.com/fwlink/?LinkId=521839';
  const plain = [
    ja ? 'Microsoft アカウント' : 'Microsoft account',
    lines.subject,
    '',
    ...lines.body,
    '',
    ...lines.links.map((l) => `${ja ? '確認' : 'Review'}: ${l}`),
    '',
    ja ? 'ありがとうございます。' : 'Thanks,',
    ja ? 'Microsoft アカウント チーム' : 'The Microsoft account team',
    `${ja ? 'プライバシーに関する声明' : 'Privacy Statement'}: ${privacy}`,
    'Microsoft Corporation, One Microsoft Way, Redmond, WA 98052',
    '',
  ].join('\n');
  const html = page(
    [
      p(esc(ja ? 'Microsoft アカウント' : 'Microsoft account'), 'font-size:17px;color:#707070'),
      p(esc(lines.subject), 'font-size:41px;color:#2672ec;line-height:1.1'),
      ...lines.body.map((line) => (line ? p(esc(line)) : '')),
      ...lines.links.map((l) => p(a(l, ja ? '最近のアクティビティを確認' : 'Review recent activity'))),
      p(esc(ja ? 'ありがとうございます。' : 'Thanks,') + '<br>' + esc(ja ? 'Microsoft アカウント チーム' : 'The Microsoft account team')),
      small(`${a(privacy, ja ? 'プライバシーに関する声明' : 'Privacy Statement')}<br>Microsoft Corporation, One Microsoft Way, Redmond, WA 98052`),
    ].join('\n'),
    'Segoe UI,Tahoma,Verdana,Arial,sans-serif',
    ja ? 'ja' : 'en',
  );
  return {
    kind: `microsoft-security-${variant}`,
    slug: `microsoft-${variant}-${ja ? 'ja' : 'en'}`,
    env: {
      headers: [
        ['From', mailbox(ja ? 'Microsoft アカウント チーム' : 'Microsoft account team', 'account-security-noreply@accountprotection.microsoft.com')],
        ['To', addr(rcpt, home)],
        ['Subject', encodeWords(lines.subject)],
        ['Date', rfc5322Date(ctx.at, 0)],
        ['Message-ID', `<${rng.token(12, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}@${rng.pick(['BY1PEPF', 'CY4PEPF', 'SN1PEPF'])}0000${rng.hex(4).toUpperCase()}>`],
      ],
      body: alt(plain, html, boundary(rng)),
      at: ctx.at,
      signer: { domain: 'accountprotection.microsoft.com', selector: 'selector1' },
      mailFrom: 'account-security-noreply@accountprotection.microsoft.com',
      fromDomain: 'accountprotection.microsoft.com',
      ...msOut(rng),
      rcpt: addr(rcpt, home),
      receiver: home.receiver,
      dmarcPolicy: 'reject',
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// DocuSign and Adobe Acrobat Sign envelopes

export function docusign(ctx: Ctx, i: number): Draft {
  const { rng } = ctx;
  const home = HOME[i % HOME.length]!;
  const senderOrg = rng.pick(PARTNERS);
  const sender = rng.pick(senderOrg.people);
  const rcpt = homeRcpt(ctx, home);
  const ja = home.lang === 'ja' && senderOrg.lang === 'ja';
  const completed = i % 3 === 2;
  const docs = ja ? ['業務委託契約書', '秘密保持契約書', '発注書_2026-0112', '覚書（価格改定）'] : ['Master Services Agreement', 'Mutual NDA', 'Purchase Order 4410-22', 'Distribution agreement amendment'];
  const doc = docs[i % docs.length]!;
  const senderName = nameFor(sender, ja ? 'ja' : 'en');
  const pod = rng.pick(['na3', 'na4', 'eu', 'na2']);
  const guid = () => `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`;
  const link = `https://${pod}.docusign.net/Signing/EmailStart.aspx?a=${guid()}&etti=24&acct=${guid()}&er=${guid()}`;
  const subject = completed ? (ja ? `完了: ${doc}.pdf` : `Completed: ${doc}.pdf`) : ja ? `DocuSign で署名をお願いします: ${doc}.pdf` : `Please DocuSign: ${doc}.pdf`;
  const lead = completed
    ? ja
      ? 'すべての当事者が文書への署名を完了しました。'
      : 'All parties have completed the envelope.'
    : ja
      ? `${senderName} さんから、確認と署名を依頼する文書が送信されました。`
      : `${senderName} sent you a document to review and sign.`;
  const action = completed ? (ja ? '文書を表示' : 'VIEW COMPLETED DOCUMENT') : ja ? '文書を確認' : 'REVIEW DOCUMENT';
  const note = ja ? `${family(rcpt)}様\nお世話になっております。ご確認のうえご署名をお願いいたします。\n${senderName}` : `Hi ${firstEn(rcpt)}, please review and sign at your convenience. Thanks, ${firstEn(sender)}`;
  const plain = [
    lead,
    '',
    `${action}: ${link}`,
    '',
    note,
    '',
    ja ? 'このメールを転送しないでください: このメールには安全なリンクが含まれています。' : 'Do Not Share This Email',
    ja ? 'このメールには DocuSign への安全なリンクが含まれています。他の人とは共有しないでください。' : 'This email contains a secure link to Docusign. Please do not share this email, link, or access code with others.',
    '',
    ja ? '別の署名方法' : 'Alternate Signing Method',
    `${ja ? 'www.docusign.com にアクセスし、[文書にアクセス] をクリックして、セキュリティ コードを入力してください' : 'Visit Docusign.com, click Access Documents, and enter the security code'}: ${rng.hex(32).toUpperCase()}`,
    '',
    `${ja ? 'DocuSign について' : 'About Docusign'}: https://www.docusign.com/`,
    `${ja ? 'ご質問がある場合' : 'Questions about the Document?'}: ${addr(sender, senderOrg)}`,
    '',
  ].join('\n');
  const html = page(
    [
      img('https://na3.docusign.net/Member/Images/email/docusign-logo.png', 'DocuSign', 116),
      `<div style="background:#1e4ca1;color:#fff;padding:24px;text-align:center">${esc(lead)}<br><br>${button(link, action, '#ffc423')}</div>`,
      p(esc(note).replace(/\n/g, '<br>')),
      small(`<b>${esc(ja ? 'このメールを転送しないでください' : 'Do Not Share This Email')}</b><br>${esc(ja ? 'このメールには DocuSign への安全なリンクが含まれています。' : 'This email contains a secure link to Docusign. Please do not share this email, link, or access code with others.')}`),
      small(`${a('https://www.docusign.com/', ja ? 'DocuSign について' : 'About Docusign')} · ${a('https://support.docusign.com/', ja ? 'ヘルプ' : 'Help')}`),
    ].join('\n'),
    'Helvetica,Arial,sans-serif',
    ja ? 'ja' : 'en',
  );
  return {
    kind: completed ? 'docusign-completed' : 'docusign-sign-request',
    slug: `docusign-${completed ? 'completed' : 'sign'}-${ja ? 'ja' : 'en'}`,
    env: {
      headers: [
        ['From', mailbox(`${senderName} via Docusign`, `dse_${pod.toUpperCase()}@docusign.net`)],
        ['Reply-To', mailbox(senderName, addr(sender, senderOrg))],
        ['To', mailbox(nameFor(rcpt, ja ? 'ja' : 'en'), addr(rcpt, home))],
        ['Message-ID', `<${rng.hex(32)}@docusign.net>`],
        ['Date', rfc5322Date(ctx.at, 0)],
        ['Subject', encodeWords(subject)],
      ],
      body: alt(plain, html, boundary(rng)),
      at: ctx.at,
      signer: { domain: 'docusign.net', selector: 'mail' },
      mailFrom: `bounces+${rng.int(1000000, 9999999)}@docusign.net`,
      fromDomain: 'docusign.net',
      outHost: `mailer${rng.int(1, 9)}-${pod}.docusign.net`,
      outIp: `64.207.219.${rng.int(10, 140)}`,
      rcpt: addr(rcpt, home),
      receiver: home.receiver,
      dmarcPolicy: 'reject',
    },
  };
}

export function adobeSign(ctx: Ctx, i: number): Draft {
  const { rng } = ctx;
  const home = HOME[(i + 1) % HOME.length]!;
  const senderOrg = rng.pick(PARTNERS);
  const sender = rng.pick(senderOrg.people);
  const rcpt = homeRcpt(ctx, home);
  const ja = home.lang === 'ja' && senderOrg.lang === 'ja';
  const doc = ja ? rng.pick(['取引基本契約書', '個人情報取扱に関する覚書']) : rng.pick(['NDA between Halden Optics and Minato Seiki', 'Supply agreement 2026']);
  const link = `https://secure.${rng.pick(['na1', 'na2', 'jp1', 'eu1'])}.adobesign.com/public/apiesign?pid=${rng.token(60, ID)}&client_id=${rng.token(20, ID)}`;
  const senderName = nameFor(sender, ja ? 'ja' : 'en');
  const subject = ja ? `${doc} に署名してください` : `Please sign ${doc}`;
  const plain = [
    ja ? `${senderName} (${addr(sender, senderOrg)}) から署名の依頼が届いています。` : `${senderName} (${addr(sender, senderOrg)}) has requested your signature on ${doc}.`,
    '',
    `${ja ? '確認して署名' : 'Review and sign'}: ${link}`,
    '',
    ja ? 'このメールを転送すると、他のユーザーがこの文書にアクセスできるようになります。' : 'Forwarding this email could allow others to access your agreement.',
    '',
    'Powered by Adobe Acrobat Sign https://www.adobe.com/sign.html',
    `${ja ? 'プライバシー' : 'Privacy'}: https://www.adobe.com/privacy.html`,
    '',
  ].join('\n');
  const html = page(
    [
      img('https://secure.na1.adobesign.com/images/email/adobe-acrobat-sign-logo.png', 'Adobe Acrobat Sign', 140),
      p(esc(ja ? `${senderName} さんから署名の依頼が届いています。` : `${senderName} has requested your signature on`), 'font-size:18px'),
      p(`<b>${esc(doc)}</b>`),
      button(link, ja ? '確認して署名' : 'Review and sign', '#1473e6'),
      small(esc(ja ? 'このメールを転送すると、他のユーザーがこの文書にアクセスできるようになります。' : 'Forwarding this email could allow others to access your agreement.')),
      small(`Powered by ${a('https://www.adobe.com/sign.html', 'Adobe Acrobat Sign')} · ${a('https://www.adobe.com/privacy.html', 'Privacy')}`),
    ].join('\n'),
    'adobe-clean,Helvetica,Arial,sans-serif',
  );
  return {
    kind: 'adobe-sign-request',
    slug: `adobe-sign-${ja ? 'ja' : 'en'}`,
    env: {
      headers: [
        ['From', mailbox(`${senderName} via Adobe Acrobat Sign`, 'adobesign@adobesign.com')],
        ['Reply-To', addr(sender, senderOrg)],
        ['To', addr(rcpt, home)],
        ['Subject', encodeWords(subject)],
        ['Date', rfc5322Date(ctx.at, 0)],
        ['Message-ID', `<${rng.int(1e8, 9e8)}.${rng.int(1e5, 9e5)}.${ctx.at.getTime()}@adobesign.com>`],
      ],
      body: alt(plain, html, boundary(rng)),
      at: ctx.at,
      signer: { domain: 'adobesign.com', selector: 'adbsgn' },
      mailFrom: `bounce-${rng.token(24, 'abcdefghijklmnopqrstuvwxyz0123456789')}@adobesign.com`,
      fromDomain: 'adobesign.com',
      outHost: `mail-${rng.int(10, 99)}.adobesign.com`,
      outIp: `52.71.${rng.int(1, 250)}.${rng.int(1, 250)}`,
      rcpt: addr(rcpt, home),
      receiver: home.receiver,
      dmarcPolicy: 'reject',
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Dropbox shares and Dropbox Transfer

export function dropbox(ctx: Ctx, i: number): Draft {
  const { rng } = ctx;
  const home = HOME[i % HOME.length]!;
  const senderOrg = rng.pick(PARTNERS);
  const sender = rng.pick(senderOrg.people);
  const rcpt = homeRcpt(ctx, home);
  const ja = home.lang === 'ja' && senderOrg.lang === 'ja';
  const transfer = i % 2 === 1;
  const senderName = nameFor(sender, ja ? 'ja' : 'en');
  const item = ja ? rng.pick(['撮影データ_1204', '印刷入稿データ', '会社案内_最終']) : rng.pick(['Photo shoot 12-04', 'Print-ready files', 'Brand assets']);
  const link = transfer
    ? `https://www.dropbox.com/t/${rng.token(16, ID)}`
    : `https://www.dropbox.com/scl/fo/${rng.token(21, 'abcdefghijklmnopqrstuvwxyz0123456789')}/${rng.token(24, ID)}?rlkey=${rng.token(25, 'abcdefghijklmnopqrstuvwxyz0123456789')}&dl=0`;
  const subject = transfer
    ? ja
      ? `${senderName} さんから Dropbox Transfer でファイルが届きました`
      : `${senderName} sent you files with Dropbox Transfer`
    : ja
      ? `${senderName} さんが「${item}」をあなたと共有しました`
      : `${senderName} shared "${item}" with you`;
  const plain = [
    subject,
    '',
    transfer ? (ja ? `${rng.int(3, 40)} 個のファイル、${rng.int(20, 900)} MB・有効期限 7 日` : `${rng.int(3, 40)} files, ${rng.int(20, 900)} MB · Expires in 7 days`) : item,
    '',
    `${ja ? 'ファイルを表示' : transfer ? 'View files' : 'Go to folder'}: ${link}`,
    '',
    ja ? 'Dropbox をご利用いただきありがとうございます。' : 'Enjoy!',
    ja ? 'Dropbox チーム' : 'The Dropbox team',
    '',
    `${ja ? '通知設定' : 'Manage notifications'}: https://www.dropbox.com/account/notifications`,
    'Dropbox, Inc., PO Box 77767, San Francisco, CA 94107',
    '',
  ].join('\n');
  const html = page(
    [
      img('https://cfl.dropboxstatic.com/static/images/emails/glyph/glyph_34@2x.png', 'Dropbox', 34),
      p(esc(subject), 'font-size:18px'),
      p(esc(transfer ? '' : item)),
      button(link, ja ? 'ファイルを表示' : transfer ? 'View files' : 'Go to folder', '#0061fe'),
      small(`${a('https://www.dropbox.com/account/notifications', ja ? '通知設定' : 'Manage notifications')} · Dropbox, Inc., PO Box 77767, San Francisco, CA 94107`),
    ].join('\n'),
  );
  return {
    kind: transfer ? 'dropbox-transfer' : 'dropbox-share',
    slug: `dropbox-${transfer ? 'transfer' : 'share'}-${ja ? 'ja' : 'en'}`,
    env: {
      headers: [
        ['From', mailbox(`${senderName} (via Dropbox)`, 'no-reply@dropbox.com')],
        ['Reply-To', addr(sender, senderOrg)],
        ['To', addr(rcpt, home)],
        ['Subject', encodeWords(subject)],
        ['Date', rfc5322Date(ctx.at, 0)],
        ['Message-ID', `<${rng.token(24, ID)}@mail.dropbox.com>`],
        ['List-Unsubscribe', `<https://www.dropbox.com/l/${rng.token(30, ID)}/unsubscribe>`],
      ],
      body: alt(plain, html, boundary(rng)),
      at: ctx.at,
      signer: { domain: 'dropbox.com', selector: 'pp-dkim1' },
      mailFrom: `bounces+${rng.int(1e6, 9e6)}-${rng.hex(4)}@em-s.dropbox.com`,
      fromDomain: 'dropbox.com',
      outHost: `o${rng.int(1, 9)}.em-s.dropbox.com`,
      outIp: `149.72.${rng.int(1, 250)}.${rng.int(1, 250)}`,
      rcpt: addr(rcpt, home),
      receiver: home.receiver,
      dmarcPolicy: 'reject',
    },
  };
}

export { ID, googleOut, msOut };
