// Genuine notifications from work services: Zoom, Slack, GitHub, Chatwork, Sansan, freee, Yamato Transport and a
// cloud-PBX voicemail. Sender addresses, signing domains and link shapes follow what these services send; wording is ours.
import { HOME, type Org, PARTNERS } from './fixture-cast.js';
import { a, addr, alt, boundary, button, enDate, esc, family, firstEn, hhmm, jaDate, nameFor, p, page, small } from './fixture-html.js';
import { type Ctx, type Draft, ID } from './fixture-platforms.js';
import { attachmentPart, encodeWords, mailbox, multipart, rfc5322Date, textPart } from './mime-writer.js';

const base = (ctx: Ctx, home: Org, rcptAddr: string) => ({ at: ctx.at, rcpt: rcptAddr, receiver: home.receiver });

// ---------------------------------------------------------------------------------------------------------------

export function zoom(ctx: Ctx, i: number): Draft {
  const { rng } = ctx;
  const home = HOME[i % HOME.length]!;
  const rcpt = rng.pick(home.people);
  const ja = home.lang === 'ja';
  const recording = i % 2 === 0;
  const host = `us${String(rng.int(2, 6)).padStart(2, '0')}web.zoom.us`;
  const topic = ja ? rng.pick(['営業定例', '北浜電機様 打ち合わせ', '全社朝会']) : rng.pick(['Weekly design review', 'Client call: Halden Optics', 'All hands']);
  const link = recording ? `https://${host}/rec/share/${rng.token(64, ID)}.${rng.token(16, ID)}` : `https://${host}/j/${rng.int(80000000000, 89999999999)}?pwd=${rng.token(32, ID)}`;
  const subject = recording
    ? ja
      ? `クラウド記録 - ${topic} が利用可能になりました`
      : `Cloud Recording - ${topic} is now available`
    : ja
      ? `ミーティングが登録されました: ${topic}`
      : `Meeting registration approved: ${topic}`;
  const lines = recording
    ? ja
      ? [`${family(rcpt)} 様`, '', `ミーティング「${topic}」のクラウド記録が利用可能になりました。`, '', `記録を共有: ${link}`, `日時: ${jaDate(ctx.at)} ${hhmm(ctx.at)} 大阪、札幌、東京`, '', 'Zoom をご利用いただきありがとうございます。']
      : [`Hi ${firstEn(rcpt)},`, '', `Your cloud recording of "${topic}" is now available.`, '', `Share recording with viewers: ${link}`, `Date Time: ${enDate(ctx.at)} ${hhmm(ctx.at)} Osaka, Sapporo, Tokyo`, '', 'Thank you for choosing Zoom.']
    : ja
      ? [`${family(rcpt)} 様`, '', `「${topic}」への登録が承認されました。`, '', `参加 URL: ${link}`, `パスコード: ${rng.int(100000, 999999)}`, '', 'Zoom をご利用いただきありがとうございます。']
      : [`Hi ${firstEn(rcpt)},`, '', `Your registration for "${topic}" was approved.`, '', `Join from a PC, Mac, iPad, iPhone or Android device: ${link}`, `Passcode: ${rng.int(100000, 999999)}`, '', 'Thank you for choosing Zoom.'];
  const plain = [...lines, '', '+1.888.799.9666', '©2025 Zoom Communications, Inc.', 'Visit zoom.com https://www.zoom.com', '55 Almaden Blvd, San Jose, CA 95113', ''].join('\n');
  const html = page(
    [
      `<img src="https://st1.zoom.us/static/6.3.26436/image/new/ZoomLogo.png" alt="Zoom" width="90">`,
      ...lines.map((line) => (line ? p(line.includes(link) ? esc(line.replace(link, '')) + a(link, link) : esc(line)) : '')),
      button(link, recording ? (ja ? '記録を見る' : 'View recording') : ja ? '参加' : 'Join', '#0b5cff'),
      small(`©2025 Zoom Communications, Inc. · ${a('https://www.zoom.com', 'zoom.com')} · 55 Almaden Blvd, San Jose, CA 95113`),
    ].join('\n'),
  );
  return {
    kind: recording ? 'zoom-recording' : 'zoom-registration',
    slug: `zoom-${recording ? 'recording' : 'meeting'}-${ja ? 'ja' : 'en'}`,
    env: {
      headers: [
        ['From', mailbox('Zoom', 'no-reply@zoom.us')],
        ['To', addr(rcpt, home)],
        ['Subject', encodeWords(subject)],
        ['Date', rfc5322Date(ctx.at, 0)],
        ['Message-ID', `<${rng.token(22, ID)}@zoom.us>`],
      ],
      body: alt(plain, html, boundary(rng)),
      signer: { domain: 'zoom.us', selector: 's1' },
      mailFrom: `bounces+${rng.int(1e6, 9e6)}-${rng.hex(4)}@mail.zoom.us`,
      fromDomain: 'zoom.us',
      outHost: `o${rng.int(1, 9)}.mail.zoom.us`,
      outIp: `149.72.${rng.int(1, 250)}.${rng.int(1, 250)}`,
      dmarcPolicy: 'reject',
      ...base(ctx, home, addr(rcpt, home)),
    },
  };
}

export function slack(ctx: Ctx, i: number): Draft {
  const { rng } = ctx;
  const home = HOME[i % 2 === 0 ? 2 : 0]!;
  const rcpt = rng.pick(home.people);
  const author = rng.pick(home.people.filter((x) => x !== rcpt));
  const ja = home.lang === 'ja';
  const workspace = home.domain.split('.')[0]!;
  const channel = rng.pick(['general', 'sales', 'design', 'random', 'ops']);
  const text = ja ? rng.pick(['明日の打ち合わせ、10時からに変更になりました。', '見積の件、先方から返信ありました。', '展示会のブース図を共有します。']) : rng.pick(['Can someone review the new label artwork today?', 'Moved standup to 10:30 tomorrow.', 'Shipping confirmed for the Halden order.']);
  const link = `https://${workspace}.slack.com/archives/C0${rng.token(8, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}/p${Math.floor(ctx.at.getTime() / 1000)}${rng.int(100000, 999999)}`;
  const authorName = nameFor(author, ja ? 'ja' : 'en');
  const subject = ja ? `[Slack] ${workspace} の #${channel} で ${authorName} さんからの新しいメッセージ` : `[Slack] New message from ${authorName} in #${channel}`;
  const plain = [
    ja ? `${workspace} ワークスペースで未読のメッセージがあります。` : `You have a new mention in ${workspace}.`,
    '',
    `#${channel}`,
    `${authorName}: ${text}`,
    '',
    `${ja ? 'Slack で開く' : 'Open in Slack'}: ${link}`,
    '',
    `${ja ? '通知の設定を変更する' : 'Change your notification preferences'}: https://${workspace}.slack.com/account/notifications`,
    'Slack Technologies, LLC, a Salesforce company · 415 Mission Street, 3rd Floor, San Francisco, CA 94105',
    '',
  ].join('\n');
  const html = page(
    [
      '<img src="https://a.slack-edge.com/80588/img/slack_logo_240.png" alt="Slack" width="120">',
      p(esc(ja ? `${workspace} ワークスペースで未読のメッセージがあります。` : `You have a new mention in ${workspace}.`)),
      `<div style="border:1px solid #ddd;border-radius:4px;padding:12px"><b>#${esc(channel)}</b><br><b>${esc(authorName)}</b> ${esc(text)}</div>`,
      button(link, ja ? 'Slack で開く' : 'Open in Slack', '#611f69'),
      small(`${a(`https://${workspace}.slack.com/account/notifications`, ja ? '通知の設定を変更する' : 'Change your notification preferences')}<br>Slack Technologies, LLC, a Salesforce company · 415 Mission Street, 3rd Floor, San Francisco, CA 94105`),
    ].join('\n'),
    'Slack-Lato,Lato,Helvetica,sans-serif',
  );
  return {
    kind: 'slack-notification',
    slug: `slack-${ja ? 'ja' : 'en'}`,
    env: {
      headers: [
        ['From', mailbox('Slack', 'notification@slack.com')],
        ['To', addr(rcpt, home)],
        ['Subject', encodeWords(subject)],
        ['Date', rfc5322Date(ctx.at, 0)],
        ['Message-ID', `<${rng.hex(32)}@slack.com>`],
        ['List-Unsubscribe', `<https://slack.com/email/unsubscribe/${rng.token(40, ID)}>`],
        ['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'],
      ],
      body: alt(plain, html, boundary(rng)),
      signer: { domain: 'slack.com', selector: 's1' },
      mailFrom: `${rng.token(20, 'abcdefghijklmnopqrstuvwxyz0123456789')}@bounces.slack.com`,
      fromDomain: 'slack.com',
      outHost: `mail-${rng.pick(['a', 'b', 'c'])}.slack.com`,
      outIp: `54.240.${rng.int(1, 250)}.${rng.int(1, 250)}`,
      dmarcPolicy: 'reject',
      ...base(ctx, home, addr(rcpt, home)),
    },
  };
}

export function github(ctx: Ctx, i: number): Draft {
  const { rng } = ctx;
  const home = HOME[i % 2 === 0 ? 2 : 0]!;
  const rcpt = rng.pick(home.people);
  const org = home.domain.split('.')[0]!;
  const repo = rng.pick(['firmware', 'website', 'label-printer', 'inventory-sync']);
  const n = rng.int(12, 480);
  const variant = (['review', 'issue', 'dependabot', 'security'] as const)[i % 4]!;
  const actor = rng.pick(['kt-dev', 'emma-holt', 'dreese', 'priya-n', 'sito-ms']);
  const url = `https://github.com/${org}/${repo}/${variant === 'issue' ? 'issues' : 'pull'}/${n}`;
  const unsub = `https://github.com/notifications/unsubscribe-auth/${rng.token(26, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
  let subject: string;
  let lines: string[];
  let from = mailbox(actor, 'notifications@github.com');
  let listHeaders: Array<[string, string]> = [
    ['List-ID', `${org}/${repo} <${repo}.${org}.github.com>`],
    ['List-Archive', `https://github.com/${org}/${repo}`],
    ['List-Unsubscribe', `<mailto:unsub+${rng.token(30, ID)}@reply.github.com>, <${unsub}>`],
    ['X-GitHub-Reason', rng.pick(['review_requested', 'mention', 'subscribed', 'author'])],
  ];
  if (variant === 'review') {
    subject = `Re: [${org}/${repo}] Fix off-by-one in label width calculation (PR #${n})`;
    lines = [`@${actor} approved this pull request.`, '', 'Looks good, one nit inline about the constant name.', '', '—', 'Reply to this email directly, view it on GitHub:', `${url}#pullrequestreview-${rng.int(1e9, 3e9)}`, `You are receiving this because your review was requested.`];
  } else if (variant === 'issue') {
    subject = `[${org}/${repo}] Printer driver hangs after sleep (Issue #${n})`;
    lines = [`${actor} opened an issue:`, '', 'Steps: print a label, close the lid, wait 10 min, print again. The second job never starts.', '', '—', 'Reply to this email directly, view it on GitHub:', url, 'You are receiving this because you are subscribed to this thread.'];
  } else if (variant === 'dependabot') {
    from = mailbox('dependabot[bot]', 'notifications@github.com');
    subject = `[${org}/${repo}] Bump undici from 6.21.1 to 6.21.2 (PR #${n})`;
    lines = ['Bumps undici from 6.21.1 to 6.21.2.', '', 'Release notes', 'Sourced from undici’s releases.', '', `You can trigger a rebase of this PR by commenting @dependabot rebase.`, '', '—', 'You can view, comment on, or merge this pull request online at:', url];
  } else {
    from = mailbox('GitHub', 'noreply@github.com');
    listHeaders = [];
    subject = '[GitHub] A third-party OAuth application has been added to your account';
    lines = [
      `Hey ${actor}!`,
      '',
      'A third-party OAuth application (Visual Studio Code) with read:user and repo scopes was recently authorized to access your account.',
      'Visit https://github.com/settings/connections/applications/01ab8ac9400c4e429b23 for more information.',
      '',
      'To see this and other security events for your account, visit https://github.com/settings/security-log',
      '',
      'If you run into problems, please contact support by visiting https://github.com/contact',
      '',
      'Thanks,',
      'The GitHub Team',
    ];
  }
  const plain = [...lines, '', variant === 'security' ? '' : `Unsubscribe: ${unsub}`, ''].join('\n');
  const html = `<p>${lines.map((l) => esc(l)).join('<br>\n').replace(/(https:\/\/github\.com\/\S+?)(?=<br>|$|\s)/g, '<a href="$1">$1</a>')}</p>\n${variant === 'security' ? '' : `<p style="font-size:small;color:#666">${a(url, 'View it on GitHub')} or ${a(unsub, 'unsubscribe')}.</p>`}\n`;
  return {
    kind: `github-${variant}`,
    slug: `github-${variant}`,
    env: {
      headers: [
        ['Date', rfc5322Date(ctx.at, 0)],
        ['From', from],
        ['Reply-To', variant === 'security' ? 'noreply@github.com' : `${org}/${repo} <reply+${rng.token(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}@reply.github.com>`],
        ['To', variant === 'security' ? addr(rcpt, home) : `${org}/${repo} <${repo}@noreply.github.com>`],
        ...(variant === 'security' ? [] : ([['Cc', `${actor === 'kt-dev' ? 'Mention' : 'Review requested'} <${variant === 'issue' ? 'subscribed' : 'review_requested'}@noreply.github.com>`]] as Array<[string, string]>)),
        ['Message-ID', `<${org}/${repo}/${variant === 'issue' ? 'issues' : 'pull'}/${n}/${rng.int(1e9, 9e9)}@github.com>`],
        ['Subject', subject],
        ...listHeaders,
        ['X-Auto-Response-Suppress', 'All'],
      ],
      body: alt(plain, html, `--==_mimepart_${rng.hex(13)}_${rng.int(1000, 9999)}`),
      signer: { domain: 'github.com', selector: 'pf2023' },
      mailFrom: `noreply@github.com`,
      fromDomain: 'github.com',
      outHost: `out-${rng.int(20, 30)}.smtp.github.com`,
      outIp: `192.30.252.${rng.int(190, 210)}`,
      dmarcPolicy: 'reject',
      ...base(ctx, home, addr(rcpt, home)),
    },
  };
}

export function chatwork(ctx: Ctx, i: number): Draft {
  const { rng } = ctx;
  const home = HOME[i % 2]!;
  const rcpt = rng.pick(home.people);
  const partner = rng.pick(PARTNERS.filter((o) => o.lang === 'ja'));
  const sender = rng.pick(partner.people);
  const room = rng.pick([`${partner.nameJa}様 連絡用`, '展示会プロジェクト', '品質保証チーム']);
  const rid = rng.int(100000000, 399999999);
  const link = `https://www.chatwork.com/#!rid${rid}`;
  const subject = rng.pick(['[Chatwork] 未読のメッセージがあります', `[Chatwork] ${room} に新着メッセージ`]);
  const lines = [
    `${rcpt.ja} さん`,
    '',
    `Chatwork に未読メッセージが ${rng.int(1, 12)} 件あります。`,
    '',
    `■ ${room}`,
    `${sender.ja}: ${rng.pick(['資料拝受いたしました。ありがとうございます。', '来週の訪問日程についてご相談させてください。', '修正版をアップロードしました。ご確認お願いします。'])}`,
    '',
    `メッセージを確認する: ${link}`,
    '',
    '※このメールは送信専用アドレスから送信しています。',
    `通知設定の変更: https://www.chatwork.com/service/packages/chatwork/subpackages/mail_notify.php`,
    '株式会社kubell',
  ];
  const plain = `${lines.join('\n')}\n`;
  const html = page(
    [
      '<img src="https://assets.chatwork.com/images/email/logo.png" alt="Chatwork" width="130">',
      ...lines.map((l) => (l.includes('https://') ? p(`${esc(l.split(': ')[0] ?? '')}: ${a(l.slice(l.indexOf('https://')), l.slice(l.indexOf('https://')))}`) : l ? p(esc(l)) : '')),
      button(link, 'メッセージを確認する', '#e83828'),
    ].join('\n'),
    'Hiragino Sans,Meiryo,sans-serif',
    'ja',
  );
  return {
    kind: 'chatwork-unread',
    slug: 'chatwork-unread-ja',
    env: {
      headers: [
        ['From', mailbox('Chatwork', 'info@chatwork.com')],
        ['To', addr(rcpt, home)],
        ['Subject', encodeWords(subject)],
        ['Date', rfc5322Date(ctx.at, 540)],
        ['Message-ID', `<${rng.hex(24)}.${rng.int(1000, 9999)}@chatwork.com>`],
      ],
      body: alt(plain, html, boundary(rng)),
      signer: { domain: 'chatwork.com', selector: 'cw1' },
      mailFrom: `bounce@mail.chatwork.com`,
      fromDomain: 'chatwork.com',
      outHost: `mail${rng.int(1, 4)}.chatwork.com`,
      outIp: `52.68.${rng.int(1, 250)}.${rng.int(1, 250)}`,
      dmarcPolicy: 'none',
      ...base(ctx, home, addr(rcpt, home)),
    },
  };
}

export function sansan(ctx: Ctx, i: number): Draft {
  const { rng } = ctx;
  const home = HOME[i % 2]!;
  const rcpt = rng.pick(home.people);
  const partner = rng.pick(PARTNERS.filter((o) => o.lang === 'ja'));
  const contact = rng.pick(partner.people);
  const link = `https://ap.sansan.com/v/persons/${rng.token(24, ID)}`;
  const lines =
    i % 2 === 0
      ? [`${rcpt.ja} 様`, '', `${partner.nameJa} ${contact.ja} 様の名刺がデータ化されました。`, '', `名刺を確認する: ${link}`, '', 'Sansan 株式会社']
      : [`${rcpt.ja} 様`, '', `${partner.nameJa} の ${contact.ja} 様が部署を異動されました（人事異動ニュース）。`, '', `詳細を見る: ${link}`, '', 'Sansan 株式会社'];
  const subject = i % 2 === 0 ? '【Sansan】名刺のデータ化が完了しました' : '【Sansan】コンタクトの人事異動情報';
  const plain = [...lines, '', '配信設定: https://ap.sansan.com/v/settings/notification', ''].join('\n');
  const html = page(
    [
      ...lines.map((l) => (l.includes('https://') ? p(a(l.slice(l.indexOf('https://')), l.split(': ')[0] ?? '')) : l ? p(esc(l)) : '')),
      small(a('https://ap.sansan.com/v/settings/notification', '配信設定')),
    ].join('\n'),
    'Meiryo,sans-serif',
    'ja',
  );
  return {
    kind: 'sansan-notice',
    slug: 'sansan-ja',
    env: {
      headers: [
        ['From', mailbox('Sansan', 'noreply@sansan.com')],
        ['To', addr(rcpt, home)],
        ['Subject', encodeWords(subject)],
        ['Date', rfc5322Date(ctx.at, 540)],
        ['Message-ID', `<${rng.hex(32)}@sansan.com>`],
      ],
      body: alt(plain, html, boundary(rng)),
      signer: { domain: 'sansan.com', selector: 'sansan1' },
      mailFrom: `bounce-${rng.hex(10)}@mail.sansan.com`,
      fromDomain: 'sansan.com',
      outHost: `mta${rng.int(1, 6)}.mail.sansan.com`,
      outIp: `13.112.${rng.int(1, 250)}.${rng.int(1, 250)}`,
      dmarcPolicy: 'quarantine',
      ...base(ctx, home, addr(rcpt, home)),
    },
  };
}

/** freee invoices: a partner issues an invoice through freee; the notice links to freee's own invoice viewer. */
export function freeeInvoice(ctx: Ctx, i: number): Draft {
  const { rng } = ctx;
  const home = HOME[i % 2]!;
  const rcpt = rng.pick(home.people);
  const partner = PARTNERS.filter((o) => o.lang === 'ja')[i % 3]!;
  const issuer = rng.pick(partner.people);
  const amount = rng.int(30, 900) * 1100;
  const month = new Date(ctx.at.getTime() + 9 * 3_600_000).getUTCMonth() + 1;
  const link = `https://invoice.secure.freee.co.jp/reports/${rng.hex(24)}/view?token=${rng.token(32, ID)}`;
  const subject = i % 2 === 0 ? `【${partner.nameJa}】${month}月分 請求書送付のお知らせ` : `${partner.nameJa}より請求書が届いています`;
  const lines = [
    `${home.nameJa}`,
    `${rcpt.ja} 様`,
    '',
    'いつもお世話になっております。',
    `${partner.nameJa}の${issuer.ja}です。`,
    `${month}月分のご請求書をお送りいたします。下記よりご確認くださいますようお願い申し上げます。`,
    '',
    `請求金額: ${amount.toLocaleString('ja-JP')}円（税込）`,
    `お支払期限: ${month === 12 ? 1 : month + 1}月末日`,
    '',
    `請求書を確認する: ${link}`,
    '',
    '※本メールは freee 請求書から送信しています。お心当たりのない場合は送信元へお問い合わせください。',
    'freee株式会社 https://www.freee.co.jp/',
  ];
  const plain = `${lines.join('\n')}\n`;
  const html = page(
    [
      ...lines.map((l) => (l.startsWith('請求書を確認する') ? button(link, '請求書を確認する', '#2864f0') : l.includes('https://www.freee.co.jp/') ? small(`freee株式会社 ${a('https://www.freee.co.jp/', 'https://www.freee.co.jp/')}`) : l ? p(esc(l)) : '')),
    ].join('\n'),
    'Hiragino Sans,Meiryo,sans-serif',
    'ja',
  );
  return {
    kind: 'freee-invoice',
    slug: 'freee-invoice-ja',
    env: {
      headers: [
        ['From', mailbox(`${partner.nameJa} (freee請求書)`, 'no-reply@invoice.freee.co.jp')],
        ['Reply-To', addr(issuer, partner)],
        ['To', addr(rcpt, home)],
        ['Subject', encodeWords(subject)],
        ['Date', rfc5322Date(ctx.at, 540)],
        ['Message-ID', `<${rng.hex(30)}@invoice.freee.co.jp>`],
      ],
      body: alt(plain, html, boundary(rng)),
      signer: { domain: 'freee.co.jp', selector: 's1' },
      mailFrom: `bounces+${rng.int(1e6, 9e6)}@em.freee.co.jp`,
      fromDomain: 'invoice.freee.co.jp',
      outHost: `o${rng.int(1, 9)}.em.freee.co.jp`,
      outIp: `167.89.${rng.int(1, 250)}.${rng.int(1, 250)}`,
      dmarcPolicy: 'quarantine',
      ...base(ctx, home, addr(rcpt, home)),
    },
  };
}

/** ヤマト運輸 お届け予定eメール / ご不在連絡eメール: the recipient registered for Kuroneko Members notices. */
export function yamato(ctx: Ctx, i: number): Draft {
  const { rng } = ctx;
  const home = HOME[i % 2]!;
  const rcpt = rng.pick(home.people);
  const slip = `${rng.int(4000, 4999)}-${rng.int(1000, 9999)}-${rng.int(1000, 9999)}`;
  const absent = i % 3 === 2;
  const day = jaDate(new Date(ctx.at.getTime() + 86_400_000));
  const shipper = rng.pick(['アスクル株式会社', '株式会社北浜電機', 'モノタロウ', '有限会社ささき印刷']);
  const detail = `https://jizen.kuronekoyamato.co.jp/jizen/servlet/crjz.b.NQ0010?id=${rng.token(32, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`;
  const track = 'https://toi.kuronekoyamato.co.jp/cgi-bin/tneko';
  const subject = absent ? 'ヤマト運輸 ご不在連絡eメール' : 'ヤマト運輸 お届け予定eメール';
  const lines = absent
    ? [
        `${rcpt.ja} 様`,
        '',
        '本日お荷物をお届けにうかがいましたが、ご不在でしたので持ち帰りました。',
        '再配達のご依頼は、クロネコメンバーズのページから承ります。',
        '',
        `■伝票番号 ${slip}`,
        `■ご依頼主 ${shipper} 様`,
        '',
        `■再配達のご依頼・お届け状況の確認`,
        detail,
        '',
        'クロネコメンバーズにログインのうえ、ご希望の日時をご指定ください。',
      ]
    : [
        `${rcpt.ja} 様`,
        '',
        `${shipper} 様からのお荷物を下記の予定でお届けいたします。`,
        '',
        `■お届け予定日時 ${day} 14時～16時`,
        `■伝票番号 ${slip}`,
        '',
        '■お届け日時の変更・受取場所の変更はこちら',
        detail,
        '',
        `お荷物の状況確認: ${track}`,
      ];
  const plain = [...lines, '', '※このメールは送信専用です。', 'ヤマト運輸株式会社', 'https://www.kuronekoyamato.co.jp/', ''].join('\n');
  return {
    kind: absent ? 'yamato-absence' : 'yamato-delivery-plan',
    slug: absent ? 'yamato-absent-ja' : 'yamato-delivery-ja',
    env: {
      headers: [
        ['From', mailbox('ヤマト運輸', 'mail@kuronekoyamato.co.jp')],
        ['To', addr(rcpt, home)],
        ['Subject', encodeWords(subject)],
        ['Date', rfc5322Date(ctx.at, 540)],
        ['Message-ID', `<${rng.int(1e11, 9e11)}.${rng.hex(8)}@kuronekoyamato.co.jp>`],
      ],
      body: textPart(plain, 'plain'),
      signer: { domain: 'kuronekoyamato.co.jp', selector: 'kmail' },
      mailFrom: `return@mail.kuronekoyamato.co.jp`,
      fromDomain: 'kuronekoyamato.co.jp',
      outHost: `mx${rng.int(1, 4)}.mail.kuronekoyamato.co.jp`,
      outIp: `210.148.${rng.int(1, 250)}.${rng.int(1, 250)}`,
      dmarcPolicy: 'reject',
      ...base(ctx, home, addr(rcpt, home)),
    },
  };
}

/** A cloud PBX forwards a voicemail as an audio attachment, with a link into its own portal. */
export function voicemail(ctx: Ctx, i: number): Draft {
  const { rng } = ctx;
  const home = HOME[i % HOME.length]!;
  const rcpt = rng.pick(home.people);
  const ja = home.lang === 'ja';
  const caller = ja ? `03-${rng.int(3000, 6999)}-${rng.int(1000, 9999)}` : `+44 20 ${rng.int(7000, 7999)} ${rng.int(1000, 9999)}`;
  const seconds = rng.int(8, 95);
  const zoomPhone = i % 2 === 0;
  const audio = Buffer.alloc(2048 + seconds * 16);
  audio.write('ID3', 0, 'latin1');
  for (let k = 10; k < audio.length; k++) audio[k] = Math.floor(rng.next() * 256);
  const portal = zoomPhone ? `https://zoom.us/pbx/page/telephone/voicemail#/voicemail/${rng.hex(24)}` : `https://dialpad.com/app/voicemail/${rng.int(1e15, 9e15)}`;
  const subject = ja ? `${caller} からの新しいボイスメール (${seconds} 秒)` : `New voicemail from ${caller} (${seconds}s)`;
  const plain = (
    ja
      ? [`${rcpt.ja} 様`, '', `${caller} から ${seconds} 秒のボイスメールが届きました。`, '音声ファイルを添付しています。', '', `ボイスメールを再生: ${portal}`, '', zoomPhone ? 'Zoom Phone' : 'Dialpad']
      : [`Hi ${firstEn(rcpt)},`, '', `You have a new voicemail (${seconds} seconds) from ${caller}.`, 'The recording is attached.', '', `Play it in the app: ${portal}`, '', zoomPhone ? 'Zoom Phone' : 'Dialpad']
  ).join('\n');
  const body = multipart('mixed', boundary(rng), [
    textPart(`${plain}\n`, 'plain'),
    attachmentPart(audio, 'audio/mpeg', `voicemail_${ctx.at.toISOString().slice(0, 10).replace(/-/g, '')}_${rng.int(100000, 999999)}.mp3`),
  ]);
  const domain = zoomPhone ? 'zoom.us' : 'dialpad.com';
  return {
    kind: 'cloud-pbx-voicemail',
    slug: `voicemail-${zoomPhone ? 'zoomphone' : 'dialpad'}-${ja ? 'ja' : 'en'}`,
    env: {
      headers: [
        ['From', mailbox(zoomPhone ? 'Zoom Phone' : 'Dialpad', `${zoomPhone ? 'no-reply' : 'voicemail'}@${domain}`)],
        ['To', addr(rcpt, home)],
        ['Subject', encodeWords(subject)],
        ['Date', rfc5322Date(ctx.at, 0)],
        ['Message-ID', `<${rng.token(24, ID)}@${domain}>`],
      ],
      body,
      signer: { domain, selector: 's1' },
      mailFrom: `bounces@mail.${domain}`,
      fromDomain: domain,
      outHost: `o${rng.int(1, 9)}.mail.${domain}`,
      outIp: `149.72.${rng.int(1, 250)}.${rng.int(1, 250)}`,
      dmarcPolicy: 'reject',
      ...base(ctx, home, addr(rcpt, home)),
    },
  };
}

export { nameFor };
