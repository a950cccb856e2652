// Ordinary business mail between people: partners' quotations and invoices with PDFs (Japanese, German, Portuguese,
// English), out-of-office replies, a multifunction printer's scan, an internal Google Forms survey, an IT warning
// that quotes the 2017 lure, newsletters, and everyday Japanese (敬語) and English correspondence.
import { HOME, type Org, PARTNERS, type Person } from './fixture-cast.js';
import type { Envelope } from './fixture-core.js';
import { a, addr, alt, boundary, button, esc, family, familyEn, firstEn, googleMessageId, jaDate, nameFor, p, page, small } from './fixture-html.js';
import { makeBusinessPdf } from './fixture-pdf.js';
import { type Ctx, type Draft, ID, googleOut } from './fixture-platforms.js';
import { attachmentPart, encodeWords, jisTextPart, mailbox, type MimePart, multipart, rfc5322Date, textPart } from './mime-writer.js';

/** Envelope fields of a person's own mail sent from their organisation's system. */
function personal(ctx: Ctx, from: Person, fromOrg: Org, to: Org, rcpt: string): Omit<Envelope, 'headers' | 'body'> {
  return {
    at: ctx.at,
    signer: { domain: fromOrg.domain, selector: fromOrg.receiver === 'gmail' ? 'google' : 'selector1' },
    mailFrom: addr(from, fromOrg),
    fromDomain: fromOrg.domain,
    outHost: fromOrg.outHost,
    outIp: fromOrg.outIp,
    rcpt,
    receiver: to.receiver,
    dmarcPolicy: fromOrg.dmarc,
  };
}

function messageId(ctx: Ctx, org: Org): string {
  return org.receiver === 'gmail' ? `<CA${ctx.rng.token(40, ID)}@mail.gmail.com>` : `<${ctx.rng.token(36, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}@${ctx.rng.pick(['TYCP286MB', 'OS3P286MB', 'DB9PR04MB'])}${ctx.rng.int(1000, 9999)}.prod.outlook.com>`;
}

function signatureJa(person: Person, org: Org): string {
  return ['――――――――――――――――――――', org.nameJa, person.ja, `TEL: 0${[3, 6, 45, 52][person.local.length % 4]}-${1000 + person.local.length * 37}-${2000 + person.ja.length * 111}`, `Mail: ${addr(person, org)}`, `https://www.${org.domain}/`, '――――――――――――――――――――'].join('\n');
}

function signatureEn(person: Person, org: Org): string {
  return ['--', person.en, org.nameEn, addr(person, org), `https://www.${org.domain}/`].join('\n');
}

// ---------------------------------------------------------------------------------------------------------------

const DOC_TEXT = {
  ja: {
    quote: { subject: (n: string) => `御見積書送付の件（${n}）`, title: 'MITSUMORISHO / QUOTATION' },
    invoice: { subject: (n: string) => `請求書送付のご案内（${n}）`, title: 'SEIKYUSHO / INVOICE' },
  },
  de: {
    quote: { subject: (n: string) => `Angebot ${n}`, title: 'ANGEBOT' },
    invoice: { subject: (n: string) => `Rechnung ${n}`, title: 'RECHNUNG' },
  },
  pt: {
    quote: { subject: (n: string) => `Cotação ${n}`, title: 'COTACAO' },
    invoice: { subject: (n: string) => `Fatura ${n} - vencimento`, title: 'FATURA' },
  },
  en: {
    quote: { subject: (n: string) => `Quotation ${n}`, title: 'QUOTATION' },
    invoice: { subject: (n: string) => `Invoice ${n}`, title: 'INVOICE' },
  },
} as const;

const ADDRESS = {
  ja: ['2-8-14 Kitahama, Chuo-ku', 'Osaka 541-0041, Japan'],
  de: ['Industriestrasse 27', '70565 Stuttgart, Germany', 'USt-IdNr. DE 281 554 907'],
  pt: ['Rua Doutor Zuquim 1120', 'Sao Paulo - SP, 02035-021, Brasil', 'CNPJ 12.345.678/0001-90'],
  en: ['Unit 4, Riverside Business Park', 'Leeds LS10 1QN, United Kingdom', 'VAT GB 312 8841 07'],
} as const;

const BANK = { ja: 'MUFG Bank, Kitahama branch, ordinary 1234567', de: 'IBAN DE44 6005 0101 0004 2210 77', pt: 'Banco 341 ag. 0451 c/c 10422-7', en: 'Sort code 20-45-77, account 40311822' } as const;

export async function partnerDocument(ctx: Ctx, i: number): Promise<Draft> {
  const { rng } = ctx;
  const partner = PARTNERS[i % PARTNERS.length]!;
  const home = partner.lang === 'ja' ? HOME[i % 2]! : HOME[(i % 3) as 0 | 1 | 2]!;
  const sender = rng.pick(partner.people);
  const rcpt = rng.pick(home.people);
  const kind = i % 2 === 0 ? 'quote' : 'invoice';
  const lang = partner.lang;
  const number = `${kind === 'quote' ? 'Q' : 'INV'}-${ctx.at.getUTCFullYear()}-${rng.int(1000, 9999)}`;
  const t = DOC_TEXT[lang][kind];
  const currency = { ja: 'JPY', de: 'EUR', pt: 'BRL', en: partner.domain.endsWith('.uk') ? 'GBP' : 'USD' }[lang];
  const pdf = await makeBusinessPdf({
    title: t.title,
    number,
    issued: ctx.at.toISOString().slice(0, 10),
    seller: [partner.nameEn, ...ADDRESS[lang], `Tel ${rng.int(100, 999)}-${rng.int(1000, 9999)} · ${addr(sender, partner)} · www.${partner.domain}`, `Contact: ${sender.en}`],
    buyer: [home.nameEn, `Attn: ${rcpt.en}`, home.lang === 'ja' ? 'Tokyo, Japan' : 'Bristol, United Kingdom'],
    lines: [
      { item: rng.pick(['Precision bearing B-220', 'Label stock 100x50 (roll)', 'Sensor module SM-4', 'Printing: catalogue 32pp', 'Calibration service']), qty: rng.int(1, 40), price: rng.int(12, 900) * (currency === 'JPY' ? 100 : 1) },
      { item: rng.pick(['Shipping and handling', 'Setup fee', 'Spare parts kit']), qty: 1, price: rng.int(10, 90) * (currency === 'JPY' ? 100 : 1) },
    ],
    currency,
    notes:
      kind === 'quote'
        ? ['Validity: 30 days from the date of issue.', 'Delivery: about 3 weeks after receipt of order, ex works.', 'Prices exclude consumption tax / VAT where applicable.', 'Payment: as per our framework agreement.', 'We look forward to your order.']
        : [
            'Payment terms: bank transfer within 30 days of the invoice date.',
            `Bank: ${BANK[lang]} · Account holder: ${partner.nameEn}`,
            `Please quote the invoice number ${number} with your payment.`,
            'Goods remain our property until paid in full.',
            'Thank you for your business.',
          ],
    created: ctx.at,
    seed: 7000 + i,
  });
  const fileName = `${number}.pdf`;
  let subject: string;
  let text: string;
  if (lang === 'ja') {
    subject = t.subject(number);
    text = [
      home.nameJa,
      `${rcpt.ja}様`,
      '',
      'いつも大変お世話になっております。',
      `${partner.nameJa}の${family(sender)}でございます。`,
      '',
      kind === 'quote'
        ? 'ご依頼いただきました件につきまして、御見積書を添付にてお送りいたします。\nご査収のほど、よろしくお願い申し上げます。'
        : '今月分のご請求書を PDF にてお送りいたします。\nお手数ですが、ご確認のほどよろしくお願いいたします。\nお支払いは従来どおり銀行振込にてお願いいたします。',
      '',
      'ご不明な点がございましたら、お気軽にお問い合わせください。',
      '引き続きどうぞよろしくお願いいたします。',
      '',
      signatureJa(sender, partner),
    ].join('\n');
  } else if (lang === 'de') {
    subject = t.subject(number);
    text = [
      `Sehr geehrte${rcpt.en.startsWith('M') || rcpt.en.startsWith('Y') || rcpt.en.startsWith('E') ? '' : 'r'} ${rcpt.en},`,
      '',
      kind === 'quote'
        ? `vielen Dank für Ihre Anfrage. Anbei erhalten Sie unser Angebot ${number} als PDF.`
        : `anbei erhalten Sie unsere Rechnung ${number} für die Lieferung vom letzten Monat. Wir bitten um Überweisung innerhalb von 30 Tagen.`,
      '',
      'Für Rückfragen stehe ich Ihnen gerne zur Verfügung.',
      '',
      'Mit freundlichen Grüßen',
      sender.en,
      partner.nameEn,
      `Tel. +49 711 ${rng.int(100000, 999999)}`,
    ].join('\n');
  } else if (lang === 'pt') {
    subject = t.subject(number);
    text = [
      `Prezado(a) ${rcpt.en},`,
      '',
      kind === 'quote' ? `Segue em anexo a nossa cotação ${number}, conforme solicitado.` : `Segue em anexo a fatura ${number}, referente ao pedido do mês passado. O pagamento pode ser feito por transferência bancária.`,
      '',
      'Qualquer dúvida, estou à disposição.',
      '',
      'Atenciosamente,',
      sender.en,
      partner.nameEn,
    ].join('\n');
  } else {
    subject = t.subject(number);
    text = [
      `Hi ${firstEn(rcpt)},`,
      '',
      kind === 'quote' ? `Please find attached our quotation ${number} for the items we discussed. Prices hold for 30 days.` : `Please find attached invoice ${number} for last month's delivery. Payment terms are net 30 as usual.`,
      '',
      'Let me know if you have any questions.',
      '',
      'Best regards,',
      signatureEn(sender, partner),
    ].join('\n');
  }
  const useJis = lang === 'ja' && i % 4 === 0;
  const textEntity: MimePart = useJis ? jisTextPart(`${text}\n`) : textPart(`${text}\n`, 'plain');
  const body = multipart('mixed', boundary(rng, partner.receiver === 'gmail' ? 'google' : 'ms'), [textEntity, attachmentPart(pdf, 'application/pdf', fileName)]);
  const charset = useJis ? 'iso-2022-jp' : 'utf-8';
  return {
    kind: `partner-${kind}-${lang}`,
    slug: `partner-${kind}-${lang}`,
    env: {
      headers: [
        ['From', mailbox(nameFor(sender, lang === 'ja' ? 'ja' : 'en'), addr(sender, partner), charset)],
        ['To', mailbox(nameFor(rcpt, lang === 'ja' ? 'ja' : 'en'), addr(rcpt, home), charset)],
        ['Subject', encodeWords(subject, charset)],
        ['Date', rfc5322Date(ctx.at, lang === 'ja' ? 540 : lang === 'de' ? 60 : lang === 'pt' ? -180 : 0)],
        ['Message-ID', messageId(ctx, partner)],
      ],
      body,
      ...personal(ctx, sender, partner, home, addr(rcpt, home)),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------

export function outOfOffice(ctx: Ctx, i: number): Draft {
  const { rng } = ctx;
  const partner = rng.pick(PARTNERS);
  const home = HOME[i % HOME.length]!;
  const away = rng.pick(partner.people);
  const rcpt = rng.pick(home.people);
  const ja = partner.lang === 'ja';
  const back = ja ? jaDate(new Date(ctx.at.getTime() + 5 * 86_400_000)) : new Date(ctx.at.getTime() + 5 * 86_400_000).toISOString().slice(0, 10);
  const origSubject = ja ? rng.pick(['納期のご確認', '打ち合わせ日程の件']) : rng.pick(['Delivery date', 'Call next week?']);
  const subject = ja ? `自動応答: Re: ${origSubject}` : `Automatic reply: Re: ${origSubject}`;
  const text = ja
    ? [`誠に恐れ入りますが、${back}まで休暇をいただいております。`, '期間中はメールの確認ができないため、お急ぎの場合は下記までご連絡ください。', `${rng.pick(partner.people).ja}（${addr(rng.pick(partner.people), partner)}）`, '', `${partner.nameJa} ${away.ja}`].join('\n')
    : [`Thank you for your message. I am out of the office until ${back} with limited access to email.`, `For urgent matters please contact ${addr(rng.pick(partner.people), partner)}.`, '', `${away.en}`].join('\n');
  return {
    kind: 'out-of-office',
    slug: `out-of-office-${ja ? 'ja' : partner.lang}`,
    env: {
      headers: [
        ['From', mailbox(nameFor(away, ja ? 'ja' : 'en'), addr(away, partner))],
        ['To', mailbox(nameFor(rcpt, ja ? 'ja' : 'en'), addr(rcpt, home))],
        ['Subject', encodeWords(subject)],
        ['Date', rfc5322Date(ctx.at, 540)],
        ['Message-ID', messageId(ctx, partner)],
        ['Auto-Submitted', 'auto-replied'],
        ['X-Auto-Response-Suppress', 'All'],
        ...(partner.receiver === 'm365' ? ([['X-MS-Exchange-Inbox-Rules-Loop', addr(away, partner)]] as Array<[string, string]>) : []),
      ],
      body: textPart(`${text}\n`, 'plain'),
      ...personal(ctx, away, partner, home, addr(rcpt, home)),
    },
  };
}

export async function mfpScan(ctx: Ctx, i: number): Promise<Draft> {
  const { rng } = ctx;
  const home = HOME[i % 2]!;
  const rcpt = rng.pick(home.people);
  const device = rng.pick(['RICOH IM C3010', 'Canon iR-ADV C5840', 'SHARP BP-50C31', 'KONICA MINOLTA bizhub C360i']);
  const stamp = new Date(ctx.at.getTime() + 9 * 3_600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const pdf = await makeBusinessPdf({
    title: 'SCAN',
    number: stamp,
    issued: stamp,
    seller: [device],
    buyer: [home.nameEn],
    lines: [{ item: 'Delivery note (scanned)', qty: 1, price: 0 }],
    currency: '',
    notes: ['Scanned image'],
    created: ctx.at,
    seed: 9100 + i,
  });
  const text = [`デバイス名: ${device}`, `設置場所: ${rng.pick(['本社2F', '本社3F 営業部', '倉庫事務所'])}`, `ファイル形式: PDF`, `解像度: 300dpi x 300dpi`, '', '添付ファイルを開いてください。', 'Please open the attached file.'].join('\n');
  const scanner = `scanner@${home.domain}`;
  return {
    kind: 'mfp-scan-to-mail',
    slug: 'mfp-scan',
    env: {
      headers: [
        ['From', mailbox(device, scanner)],
        ['To', addr(rcpt, home)],
        ['Subject', `Scanned from ${device.split(' ')[0]} ${stamp}`],
        ['Date', rfc5322Date(ctx.at, 540)],
        ['Message-ID', `<${stamp}.${rng.hex(6)}@${home.domain}>`],
        ['X-Mailer', device],
      ],
      body: multipart('mixed', boundary(rng), [textPart(`${text}\n`, 'plain'), attachmentPart(pdf, 'application/pdf', `${stamp}.pdf`)]),
      at: ctx.at,
      signer: { domain: home.domain, selector: home.receiver === 'gmail' ? 'google' : 'selector1' },
      mailFrom: scanner,
      fromDomain: home.domain,
      outHost: home.receiver === 'gmail' ? 'smtp-relay.gmail.com' : home.outHost,
      outIp: home.receiver === 'gmail' ? '74.125.203.28' : home.outIp,
      rcpt: addr(rcpt, home),
      receiver: home.receiver,
      dmarcPolicy: home.dmarc,
    },
  };
}

export function formsSurvey(ctx: Ctx, i: number): Draft {
  const { rng } = ctx;
  const home = HOME[i % 2 === 0 ? 0 : 2]!;
  const author = home.people[1]!;
  const rcpt = rng.pick(home.people.filter((x) => x !== author));
  const ja = home.lang === 'ja';
  const title = ja ? rng.pick(['社内研修アンケート', '忘年会 出欠確認', '在宅勤務に関するアンケート']) : rng.pick(['Office move survey', 'Team offsite: dates', 'Lunch & learn feedback']);
  const form = `https://docs.google.com/forms/d/e/1FAIpQL${rng.token(50, ID)}/viewform?usp=mail_form_link`;
  const authorName = nameFor(author, ja ? 'ja' : 'en');
  const plain = [
    ja ? `${authorName} さんからフォームへの回答を依頼されています。` : `${authorName} has invited you to fill out a form:`,
    '',
    title,
    ja ? '12月10日までにご回答をお願いします。' : 'Please answer by Friday.',
    '',
    `${ja ? 'フォームに記入' : 'Fill out form'}: ${form}`,
    '',
    ja ? 'Google フォームで独自のフォームを作成できます。' : 'Create your own Google Form',
    'https://docs.google.com/forms/',
    '',
  ].join('\n');
  const html = page(
    [
      p(esc(ja ? `${authorName} さんからフォームへの回答を依頼されています。` : `${authorName} has invited you to fill out a form:`)),
      `<div style="border-top:8px solid #673ab7;padding:12px;border-radius:8px;background:#fff"><h2>${esc(title)}</h2>${p(esc(ja ? '12月10日までにご回答をお願いします。' : 'Please answer by Friday.'))}</div>`,
      button(form, ja ? 'フォームに記入' : 'Fill out form', '#673ab7'),
      small(a('https://docs.google.com/forms/', ja ? 'Google フォームで独自のフォームを作成できます。' : 'Create your own Google Form')),
    ].join('\n'),
  );
  return {
    kind: 'google-forms-internal',
    slug: `google-forms-${ja ? 'ja' : 'en'}`,
    env: {
      headers: [
        ['Reply-To', mailbox(authorName, addr(author, home))],
        ['Message-ID', googleMessageId(rng)],
        ['Date', rfc5322Date(ctx.at, 0)],
        ['Subject', encodeWords(title)],
        ['From', mailbox(`${authorName} (${ja ? 'Google フォーム' : 'Google Forms'})`, 'forms-receipts-noreply@google.com')],
        ['To', addr(rcpt, home)],
      ],
      body: alt(plain, html, boundary(rng, 'google')),
      at: ctx.at,
      signer: { domain: 'google.com', selector: '20230601' },
      mailFrom: `${rng.token(30, 'abcdefghijklmnopqrstuvwxyz0123456789')}@docs.bounces.google.com`,
      fromDomain: 'google.com',
      ...googleOut(rng),
      rcpt: addr(rcpt, home),
      receiver: home.receiver,
      dmarcPolicy: 'reject',
    },
  };
}

/** The IT person warns colleagues about the lure, quoting it (its wording and host written out, defanged). */
export function securityWarning(ctx: Ctx, i: number): Draft {
  const { rng } = ctx;
  const home = HOME[i % 2]!;
  const it = home.people[home.people.length - 1]!;
  const ja = i % 2 === 0;
  const subject = ja ? '【注意喚起】「shared you a file」を装うフィッシングメールについて' : 'Heads-up: fake "shared you a file" emails going around';
  const text = ja
    ? [
        '各位',
        '',
        '情報システム担当の' + family(it) + 'です。',
        '取引先のアカウントから、次のような文面のメールが届いているとの報告がありました。',
        '',
        '> Subject: Takuma Sasaki shared you a file',
        '> Hello, Please find attached the document I shared with you. Click on the document to view and sign in with your email to access it.',
        '',
        '添付 PDF のボタンは docs-google-viewer[.]com という偽のログインページにつながっています。',
        'このメールを受け取った方は、リンクを開かず、パスワードも入力せずに、このメールに返信してお知らせください。',
        'すでにパスワードを入力してしまった場合は、すぐに情報システム担当までお電話ください（内線 210）。',
        '',
        '正規の共有通知は drive-shares-dm-noreply@google.com などサービス自身のアドレスから届きます。',
        '',
        signatureJa(it, home),
      ]
    : [
        'Hi all,',
        '',
        'A partner’s mailbox was compromised and is sending messages like this one:',
        '',
        '> Subject: shared you a file',
        '> Please find attached the document I shared with you. Click on the document to view and sign in with your email to access it.',
        '',
        'The button in the attached PDF goes to a fake sign-in page at docs-google-viewer[.]com.',
        'Do not open it and do not enter your password. If you already did, call me right away so we can reset it.',
        '',
        'Thanks,',
        it.en,
      ];
  return {
    kind: 'security-warning-quoting-lure',
    slug: `security-warning-${ja ? 'ja' : 'en'}`,
    env: {
      headers: [
        ['From', mailbox(nameFor(it, ja ? 'ja' : 'en'), addr(it, home))],
        ['To', mailbox(ja ? '全社員' : 'All staff', `all@${home.domain}`)],
        ['Subject', encodeWords(subject)],
        ['Date', rfc5322Date(ctx.at, 540)],
        ['Message-ID', messageId(ctx, home)],
      ],
      body: textPart(`${text.join('\n')}\n`, 'plain'),
      at: ctx.at,
      signer: { domain: home.domain, selector: home.receiver === 'gmail' ? 'google' : 'selector1' },
      mailFrom: addr(it, home),
      fromDomain: home.domain,
      outHost: home.outHost,
      outIp: home.outIp,
      rcpt: addr(rng.pick(home.people), home),
      receiver: home.receiver,
      dmarcPolicy: home.dmarc,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------

const PUBLISHERS = [
  { name: '月刊ものづくり通信', domain: 'monozukuri-tsushin.jp', esp: 'sendgrid', lang: 'ja' },
  { name: 'Supply Chain Brief', domain: 'supplychainbrief.com', esp: 'mailchimp', lang: 'en' },
  { name: '中小企業IT便り', domain: 'chusho-it.jp', esp: 'benchmark', lang: 'ja' },
  { name: 'The Design Ledger', domain: 'designledger.co', esp: 'substack', lang: 'en' },
  { name: '関西展示会ナビ', domain: 'kansai-expo-navi.jp', esp: 'sendgrid', lang: 'ja' },
] as const;

export function newsletter(ctx: Ctx, i: number): Draft {
  const { rng } = ctx;
  const pub = PUBLISHERS[i % PUBLISHERS.length]!;
  const home = pub.lang === 'ja' ? HOME[i % 2]! : HOME[2]!;
  const rcpt = rng.pick(home.people);
  const ja = pub.lang === 'ja';
  const issue = rng.int(40, 220);
  const site = `https://www.${pub.domain}`;
  const espHost = { sendgrid: `u${rng.int(1000000, 9999999)}.ct.sendgrid.net`, mailchimp: `${pub.domain.split('.')[0]}.us${rng.int(2, 21)}.list-manage.com`, benchmark: 'bmetrack.com', substack: `${pub.domain.split('.')[0]}.substack.com` }[pub.esp];
  const track = (path: string) => `https://${espHost}/${pub.esp === 'mailchimp' ? 'track/click?u=' + rng.hex(25) + '&id=' + rng.hex(10) + '&e=' + rng.hex(10) : `ls/click?upn=${rng.token(60, ID)}`}#${path}`;
  const articles = ja
    ? [
        ['特集：工場の省エネ、まず何から始めるか', `${site}/articles/${rng.int(1000, 9999)}`],
        ['補助金情報：今月締切の3件', `${site}/subsidy/${rng.int(100, 999)}`],
        ['現場の声：検査工程のデジタル化事例', `${site}/case/${rng.int(100, 999)}`],
      ]
    : [
        ['Freight rates ease for the third month', `${site}/p/${rng.token(10, 'abcdefghijklmnopqrstuvwxyz')}`],
        ['How small teams plan inventory for the holidays', `${site}/p/${rng.token(10, 'abcdefghijklmnopqrstuvwxyz')}`],
        ['Five questions to ask a new supplier', `${site}/p/${rng.token(10, 'abcdefghijklmnopqrstuvwxyz')}`],
      ];
  const unsub = `https://${espHost}/unsubscribe?u=${rng.hex(25)}&id=${rng.hex(10)}`;
  const subject = ja ? `【${pub.name}】第${issue}号 ${articles[0]![0]}` : `${pub.name} #${issue}: ${articles[0]![0]}`;
  const plain = [
    ja ? `${pub.name} 第${issue}号` : `${pub.name} — issue ${issue}`,
    '',
    ...articles.flatMap(([t, u]) => [`■ ${t}`, track(u ?? ''), '']),
    ja ? `配信停止はこちら: ${unsub}` : `Unsubscribe: ${unsub}`,
    ja ? `${pub.name} 編集部` : `${pub.name}`,
    '',
  ].join('\n');
  const html = page(
    [
      `<h1 style="font-size:22px">${esc(pub.name)} <span style="color:#888">#${issue}</span></h1>`,
      ...articles.map(([t, u]) => `<h3>${a(track(u ?? ''), t ?? '')}</h3><p>${esc(ja ? '続きはウェブで' : 'Read more on the site.')}</p>`),
      `<img src="https://${espHost}/wf/open?upn=${rng.token(40, ID)}" width="1" height="1" alt="">`,
      small(`${a(unsub, ja ? '配信停止' : 'Unsubscribe')} · ${a(site, pub.name)}`),
    ].join('\n'),
    ja ? 'Meiryo,sans-serif' : 'Georgia,serif',
    ja ? 'ja' : 'en',
  );
  return {
    kind: 'newsletter',
    slug: `newsletter-${pub.lang}`,
    env: {
      headers: [
        ['From', mailbox(pub.name, `news@${pub.domain}`)],
        ['To', addr(rcpt, home)],
        ['Subject', encodeWords(subject)],
        ['Date', rfc5322Date(ctx.at, ja ? 540 : 0)],
        ['Message-ID', `<${rng.hex(20)}.${rng.int(1000, 9999)}@${pub.domain}>`],
        ['List-Unsubscribe', `<${unsub}>, <mailto:unsubscribe@${pub.domain}?subject=unsubscribe>`],
        ['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'],
        ['Precedence', 'bulk'],
      ],
      body: alt(plain, html, boundary(rng)),
      at: ctx.at,
      signer: { domain: pub.domain, selector: 's1' },
      mailFrom: `bounces+${rng.int(1e6, 9e6)}@em.${pub.domain}`,
      fromDomain: pub.domain,
      outHost: `o${rng.int(1, 20)}.ptr${rng.int(1000, 9999)}.${pub.domain}`,
      outIp: `167.89.${rng.int(1, 250)}.${rng.int(1, 250)}`,
      rcpt: addr(rcpt, home),
      receiver: home.receiver,
      dmarcPolicy: 'none',
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Everyday correspondence

const JA_TOPICS: Array<{ key: string; subject: string; body: (from: Person, to: Person) => string[] }> = [
  {
    key: 'meeting',
    subject: 'お打ち合わせ日程のご相談',
    body: (f, t) => [`${family(t)}様`, '', 'いつもお世話になっております。', `先日お話しした新製品の件で、一度お打ち合わせのお時間をいただけますと幸いです。`, '下記の候補日でご都合はいかがでしょうか。', '・12月9日(火) 14:00～15:00', '・12月11日(木) 10:00～11:00', '', 'ご多忙のところ恐縮ですが、ご検討のほどよろしくお願いいたします。', family(f)],
  },
  {
    key: 'thanks',
    subject: '先日はありがとうございました',
    body: (f, t) => [`${family(t)}様`, '', '先日はご多用のところ、弊社までお越しいただき誠にありがとうございました。', 'いただいたご意見をもとに、仕様を社内で再検討しております。', '改めてご報告させていただきますので、今後ともよろしくお願い申し上げます。', '', family(f)],
  },
  {
    key: 'delivery-date',
    subject: '納期のご連絡',
    body: (f, t) => [`${family(t)}様`, '', 'お世話になっております。', 'ご注文いただいておりました部品につきまして、12月15日に出荷の予定となりましたのでご連絡いたします。', '出荷後、送り状番号を改めてお知らせいたします。', '何卒よろしくお願いいたします。', '', family(f)],
  },
  {
    key: 'handover',
    subject: '担当者変更のお知らせ',
    body: (f, t) => [`${family(t)}様`, '', '平素より格別のお引き立てを賜り、厚く御礼申し上げます。', '来月より、貴社の担当を私から後任の者へ引き継ぐこととなりました。', '在任中は大変お世話になりました。後任とともに改めてご挨拶に伺います。', '今後とも変わらぬご愛顧のほど、よろしくお願い申し上げます。', '', family(f)],
  },
  {
    key: 'payment',
    subject: 'お支払い予定日についてのご確認',
    body: (f, t) => [`${family(t)}様`, '', 'いつもお世話になっております。', '11月分のご請求につきまして、弊社のお支払いは月末締め翌月末払いとなっております。', '12月31日が休業日のため、12月26日にお振込みさせていただく予定です。', 'ご確認のほどよろしくお願いいたします。', '', family(f)],
  },
  {
    key: 'request',
    subject: '資料送付のお願い',
    body: (f, t) => [`${family(t)}様`, '', 'お世話になっております。', '恐れ入りますが、先日ご説明いただいた製品の仕様書と価格表をお送りいただけますでしょうか。', '社内での検討に使用させていただきます。', 'お手数をおかけしますが、よろしくお願いいたします。', '', family(f)],
  },
  {
    key: 'ppap',
    subject: 'パスワード付きファイルの送付について（PPAP廃止のお知らせ）',
    body: (f, t) => [`${family(t)}様`, '', 'いつもお世話になっております。', '弊社では来月より、パスワード付き ZIP ファイルのメール送付を廃止いたします。', '今後、ファイルは社内の共有ストレージのリンクでお送りいたします。リンクを開く際にログインは不要です。', 'ご理解とご協力のほど、よろしくお願い申し上げます。', '', family(f)],
  },
  {
    key: 'share',
    subject: '展示会資料の共有について',
    body: (f, t) => [
      `${family(t)}様`,
      '',
      'いつもお世話になっております。',
      '来月の展示会で使用するパネルのデータを、下記の共有フォルダーにアップロードいたしました。',
      `https://drive.google.com/drive/folders/1${(f.local + t.local).replace(/[^a-z]/g, '').padEnd(32, 'x').slice(0, 32)}?usp=sharing`,
      'ファイルが大きいため、リンクでの共有とさせていただきました。ご確認のほどよろしくお願いいたします。',
      '',
      family(f),
    ],
  },
];

const EN_TOPICS: Array<{ subject: string; body: (from: Person, to: Person) => string[] }> = [
  { subject: 'Re: samples for the spring catalogue', body: (f, t) => [`Hi ${firstEn(t)},`, '', 'The samples arrived this morning, thanks. Two of the colours look different from the proofs; I will send photos tomorrow.', '', 'Cheers,', firstEn(f)] },
  { subject: 'Moving our Thursday call', body: (f, t) => [`Hi ${firstEn(t)},`, '', 'Could we move Thursday’s call to Friday at the same time? Something came up on our side.', '', 'Thanks,', firstEn(f)] },
  { subject: 'Introduction: our new account manager', body: (f, t) => [`Dear ${firstEn(t)},`, '', 'I would like to introduce Sophie, who takes over your account from January. She is copied here and will be in touch to set up a call.', '', 'Kind regards,', f.en] },
  { subject: 'Shipment confirmation PO 4471', body: (f, t) => [`Hello ${firstEn(t)},`, '', 'Your order left our warehouse today. DHL tracking: 1234567890, https://www.dhl.com/jp-en/home/tracking.html?tracking-id=1234567890', '', 'Best,', f.en] },
  { subject: 'Payment reminder: invoice 2025-118', body: (f, t) => [`Hi ${firstEn(t)},`, '', 'A friendly reminder that invoice 2025-118 was due last week. If it has already been paid, please ignore this note; otherwise could you let me know when to expect it?', '', 'Thank you,', f.en] },
];

export function businessJa(ctx: Ctx, i: number): Draft {
  const { rng } = ctx;
  const inbound = i % 3 !== 2;
  const partner = PARTNERS.filter((o) => o.lang === 'ja')[i % 3]!;
  const home = HOME[i % 2]!;
  const [fromOrg, toOrg] = inbound ? [partner, home] : [home, home];
  const from = rng.pick(fromOrg.people);
  const to = rng.pick(toOrg.people.filter((x) => x !== from));
  const topic = JA_TOPICS[i % JA_TOPICS.length]!;
  const text = [fromOrg === home ? '' : toOrg.nameJa, ...topic.body(from, to), '', signatureJa(from, fromOrg)].join('\n').replace(/^\n/, '');
  const jis = i % 3 === 1;
  const charset = jis ? 'iso-2022-jp' : 'utf-8';
  const html = page(text.split('\n').map((l) => (l ? `<div>${esc(l)}</div>` : '<div><br></div>')).join('\n'), 'Meiryo,sans-serif', 'ja');
  const body = jis ? jisTextPart(`${text}\n`) : alt(`${text}\n`, html, boundary(rng, fromOrg.receiver === 'gmail' ? 'google' : 'ms'));
  return {
    kind: inbound ? 'business-ja-partner' : 'business-ja-internal',
    slug: `business-ja-${topic.key}`,
    env: {
      headers: [
        ['From', mailbox(from.ja, addr(from, fromOrg), charset)],
        ['To', mailbox(to.ja, addr(to, toOrg), charset)],
        ['Subject', encodeWords(topic.subject, charset)],
        ['Date', rfc5322Date(ctx.at, 540)],
        ['Message-ID', messageId(ctx, fromOrg)],
        ...(fromOrg.receiver === 'm365' ? ([['X-Mailer', 'Microsoft Outlook 16.0']] as Array<[string, string]>) : []),
      ],
      body,
      ...personal(ctx, from, fromOrg, toOrg, addr(to, toOrg)),
    },
  };
}

export function businessEn(ctx: Ctx, i: number): Draft {
  const { rng } = ctx;
  const partner = PARTNERS.filter((o) => o.lang === 'en')[i % 2]!;
  const home = HOME[i % 3]!;
  const from = rng.pick(partner.people);
  const to = rng.pick(home.people);
  const topic = EN_TOPICS[i % EN_TOPICS.length]!;
  const text = [...topic.body(from, to), '', signatureEn(from, partner)].join('\n');
  return {
    kind: 'business-en-partner',
    slug: 'business-en',
    env: {
      headers: [
        ['From', mailbox(from.en, addr(from, partner))],
        ['To', mailbox(to.en, addr(to, home))],
        ['Subject', topic.subject],
        ['Date', rfc5322Date(ctx.at, 0)],
        ['Message-ID', messageId(ctx, partner)],
      ],
      body: alt(`${text}\n`, page(text.split('\n').map((l) => `<div>${esc(l) || '<br>'}</div>`).join('\n'), 'Calibri,Arial,sans-serif'), boundary(rng)),
      ...personal(ctx, from, partner, home, addr(to, home)),
    },
  };
}

/** 年末年始休業のお知らせ, sent by Bcc from a partner's usual Outlook to its customer list. */
export function holidayNotice(ctx: Ctx, i: number): Draft {
  const { rng } = ctx;
  const partner = PARTNERS.filter((o) => o.lang === 'ja')[i % 3]!;
  const home = HOME[i % 2]!;
  const from = partner.people[0]!;
  const rcpt = rng.pick(home.people);
  const summer = i % 2 === 1;
  const subject = summer ? '夏季休業のお知らせ' : '年末年始休業のお知らせ';
  const text = [
    'お取引先各位',
    '',
    '拝啓　時下ますますご清栄のこととお慶び申し上げます。',
    '平素は格別のお引き立てを賜り、厚く御礼申し上げます。',
    `さて、誠に勝手ながら弊社では下記の期間を${summer ? '夏季' : '年末年始'}休業とさせていただきます。`,
    '',
    '記',
    summer ? '休業期間：8月13日(水)～8月17日(日)' : '休業期間：12月27日(土)～1月4日(日)',
    summer ? '8月18日(月)より通常営業いたします。' : '1月5日(月)より通常営業いたします。',
    '',
    '休業期間中にいただいたお問い合わせにつきましては、営業開始日以降に順次対応させていただきます。',
    'ご不便をおかけいたしますが、何卒ご了承くださいますようお願い申し上げます。',
    '敬具',
    '',
    signatureJa(from, partner),
  ].join('\n');
  return {
    kind: 'holiday-notice-bcc',
    slug: 'holiday-notice-ja',
    env: {
      headers: [
        ['From', mailbox(from.ja, addr(from, partner))],
        ['To', mailbox(from.ja, addr(from, partner))],
        ['Subject', encodeWords(subject)],
        ['Date', rfc5322Date(ctx.at, 540)],
        ['Message-ID', messageId(ctx, partner)],
        ['X-Mailer', 'Microsoft Outlook 16.0'],
      ],
      body: textPart(`${text}\n`, 'plain'),
      ...personal(ctx, from, partner, home, addr(rcpt, home)),
    },
  };
}

export { familyEn };
