// (Re)generates the seed-2017 sample messages, their DNS fixture and their expected verdicts.
//   npx tsc -p . && node build/test/support/make-samples.js samples/seed-2017
// Output is byte-for-byte deterministic once the throwaway DKIM keys exist under <outDir>/keys/.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DKIMSignOptions, dkimSign } from 'mailauth';
import type { DnsFixture } from '../../src/scan/resolver.js';
import {
  attachmentPart,
  CRLF,
  encodeWords,
  type HeaderList,
  jisTextPart,
  mailbox,
  multipart,
  renderMessage,
  rfc5322Date,
  textPart,
} from './mime-writer.js';
import * as cast from './seed-2017-cast.js';
import { makeLurePdf, makeQuotationPdf } from './sample-pdfs.js';

export type ExpectedVerdict = 'malicious' | 'suspicious' | 'clean';

export interface ExpectedSample {
  file: string;
  verdict: ExpectedVerdict;
  /** one line on why, in English */
  why: string;
  /** the same in Japanese */
  whyJa: string;
  /** whose mailbox the copy was taken from */
  mailbox: string;
  direction: 'inbound' | 'outbound' | 'internal';
}

interface SigningKey {
  domain: string;
  selector: string;
  privateKeyPem: string;
  publicKeyBase64: string;
}

const KEY_SPECS: Array<{ domain: string; selector: string }> = [
  { domain: cast.partner.domain, selector: cast.partner.dkimSelector },
  { domain: cast.company.domain, selector: cast.company.dkimSelector },
  { domain: cast.customerStudio.domain, selector: cast.customerStudio.dkimSelector },
  { domain: 'google.com', selector: '20161025' },
  { domain: 'sharepointonline.com', selector: 'selector1' },
];

function keyFileName(domain: string, selector: string): string {
  return `${selector}._domainkey.${domain}.private.pem`;
}

/** Put above every key in its file (PEM allows text before the BEGIN line) so nobody mistakes it for a real one. */
const KEY_FILE_WARNING =
  'THROWAWAY TEST KEY made for the fictional Kizuki sample messages. It belongs to nobody; never sign real mail with it.\n';

const KEYS_README = `# Throwaway DKIM keys — for Kizuki's sample messages only

These RSA keys were generated once by test/support/make-samples.ts to sign the fictional sample
messages in the folder above. They protect nothing, belong to no real organisation, and must never be
used to sign real mail. The public halves are served to tests by ../dns.json through a fixture resolver.

このフォルダーの RSA 鍵は、Kizuki の架空のサンプルメールに署名するためだけに一度生成した使い捨ての
テスト用鍵です。実在の組織とは無関係で、実際のメールの署名には絶対に使わないでください。
`;

/** Reads the committed keys; creates (and writes) any that are missing. */
async function loadOrCreateKeys(keysDir: string, writeMissing: boolean): Promise<Map<string, SigningKey>> {
  const keys = new Map<string, SigningKey>();
  for (const { domain, selector } of KEY_SPECS) {
    const file = join(keysDir, keyFileName(domain, selector));
    let privateKeyPem: string;
    try {
      privateKeyPem = await readFile(file, 'utf8');
    } catch {
      if (!writeMissing) throw new Error(`missing DKIM test key ${file}`);
      privateKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString();
      await mkdir(keysDir, { recursive: true });
      await writeFile(file, KEY_FILE_WARNING + privateKeyPem);
      await writeFile(join(keysDir, 'README.md'), KEYS_README);
    }
    const publicKeyBase64 = createPublicKey(privateKeyPem).export({ type: 'spki', format: 'der' }).toString('base64');
    keys.set(domain, { domain, selector, privateKeyPem, publicKeyBase64 });
  }
  return keys;
}

/** Prepends a DKIM-Signature made with `key` at `signTime` to a rendered message. */
async function dkimSigned(message: string, key: SigningKey, signTime: Date): Promise<string> {
  const signature: DKIMSignOptions = {
    signingDomain: key.domain,
    selector: key.selector,
    privateKey: key.privateKeyPem,
    algorithm: 'rsa-sha256',
    canonicalization: 'relaxed/relaxed',
  };
  const result = await dkimSign(message, { ...signature, signTime, signatureData: [signature] });
  const errors = (result as { errors?: unknown[] }).errors ?? [];
  if (errors.length) throw new Error(`DKIM signing failed for ${key.domain}: ${JSON.stringify(errors)}`);
  return result.signatures + message;
}

/** The `b=` prefix Gmail quotes in Authentication-Results (header.b=). */
function signaturePrefix(signedMessage: string): string {
  const match = /DKIM-Signature:[\s\S]*?\bb=([A-Za-z0-9+/=\s]+)/.exec(signedMessage);
  return (match?.[1] ?? '').replace(/\s+/g, '').slice(0, 8);
}

interface Delivery {
  /** mailbox the copy was delivered to */
  deliveredTo: string;
  returnPath: string;
  fromHost: string;
  fromIp: string;
  at: Date;
  smtpId: string;
  /** the parts of the trusted Authentication-Results after 'mx.google.com;' */
  results: string[];
  receivedSpf: string;
}

/** The trace headers Gmail's receiving host (mx.google.com) puts above a message it accepts. */
function gmailInboundTrace(d: Delivery): string {
  const lines = [
    `Delivered-To: ${d.deliveredTo}`,
    `Return-Path: <${d.returnPath}>`,
    `Received: from ${d.fromHost} (${d.fromHost}. [${d.fromIp}])${CRLF}        by mx.google.com with ESMTPS id ${d.smtpId}${CRLF}        for <${d.deliveredTo}>${CRLF}        (version=TLS1_2 cipher=ECDHE-RSA-AES128-GCM-SHA256 bits=128/128);${CRLF}        ${rfc5322Date(d.at, 0).replace('+0000', '-0000')}`,
    `Received-SPF: ${d.receivedSpf}`,
    `Authentication-Results: mx.google.com;${CRLF}       ${d.results.join(`;${CRLF}       `)}`,
  ];
  return lines.join(CRLF) + CRLF;
}

function spfPassLine(mailFrom: string, ip: string): string {
  return `pass (google.com: domain of ${mailFrom} designates ${ip} as permitted sender) client-ip=${ip};`;
}

// ---------------------------------------------------------------------------------------------
// The lure text. Written for Kizuki; it imitates the plain, slightly odd English of such lures.

function lureTextFrom(sender: { name: string; title: string; org: string; phone: string; site: string }): string {
  return [
    'Hello,',
    '',
    `${sender.name} shared you a file on Google Docs.`,
    'It is attached to this mail as a PDF. Open the Document and sign in',
    'with your email account to view the full file.',
    '',
    'Best Regards,',
    '',
    sender.name,
    sender.title,
    sender.org,
    `Tel: ${sender.phone}`,
    sender.site,
    '',
  ].join('\n');
}

const partnerSignature = {
  name: cast.partnerContact.name,
  title: cast.partnerContact.title,
  org: cast.partner.name,
  phone: '+1 503 555 0143',
  site: cast.partner.site,
};

const victimSignature = {
  name: cast.victim.name,
  title: cast.victim.title,
  org: cast.company.nameEn,
  phone: '+81 3 5555 0182',
  site: cast.company.site,
};

// ---------------------------------------------------------------------------------------------
// 01: the inbound lure from the partner contact's real (compromised) account

async function inboundLure(keys: Map<string, SigningKey>, lurePdf: Uint8Array): Promise<string> {
  const at = cast.times.lureInbound;
  const headers: HeaderList = [
    ['From', mailbox(cast.partnerContact.name, cast.partnerContact.address)],
    ['To', mailbox(cast.victim.name, cast.victim.address)],
    ['Subject', 'shared you a file'],
    ['Date', rfc5322Date(at, cast.PDT)],
    ['Message-ID', '<7c1e0b9a4f2d.20170703062912@mail.halvorsen-imaging.com>'],
    ['X-Mailer', 'Microsoft Outlook 16.0'],
  ];
  const body = multipart('mixed', '----=_Part_1704_0703_halvorsen', [
    textPart(lureTextFrom(partnerSignature), 'plain', 'us-ascii'),
    attachmentPart(lurePdf, 'application/pdf', 'Document.pdf'),
  ]);
  const signed = await dkimSigned(renderMessage(headers, body), mustKey(keys, cast.partner.domain), at);
  const mailFrom = cast.partnerContact.address;
  const trace = gmailInboundTrace({
    deliveredTo: cast.victim.address,
    returnPath: mailFrom,
    fromHost: cast.partner.mailHost,
    fromIp: cast.partner.mailIp,
    at: new Date(at.getTime() + 3_000),
    smtpId: 'c21si4410317pgn.402.2017.07.03.06.29.15',
    receivedSpf: spfPassLine(mailFrom, cast.partner.mailIp),
    results: [
      `dkim=pass header.i=@${cast.partner.domain} header.s=${cast.partner.dkimSelector} header.b=${signaturePrefix(signed)}`,
      `spf=pass (google.com: domain of ${mailFrom} designates ${cast.partner.mailIp} as permitted sender) smtp.mailfrom=${mailFrom}`,
      `dmarc=pass (p=QUARANTINE sp=QUARANTINE dis=NONE) header.from=${cast.partner.domain}`,
    ],
  });
  return trace + signed;
}

// ---------------------------------------------------------------------------------------------
// 02 and 03: the same lure sent by the attacker as the victim, through Gmail, every recipient in Bcc

const OUTBOUND_MESSAGE_ID = '<CAF7qW1n9xR0mZk2Yt5uVbHc4sE8aLd3oPq6jTg@mail.gmail.com>';

async function outboundLureSigned(keys: Map<string, SigningKey>, lurePdf: Uint8Array): Promise<string> {
  const at = cast.times.lureOutbound;
  const headers: HeaderList = [
    ['MIME-Version', '1.0'],
    ['From', mailbox(cast.victim.name, cast.victim.address)],
    ['Date', rfc5322Date(at, cast.JST)],
    ['Message-ID', OUTBOUND_MESSAGE_ID],
    ['Subject', 'shared you a file'],
    ['To', cast.victim.address],
  ];
  const body = multipart('mixed', '001a113e4d2c5f0b7a05541a9e6c', [
    textPart(lureTextFrom(victimSignature), 'plain', 'utf-8'),
    attachmentPart(lurePdf, 'application/pdf', 'Document.pdf'),
  ]);
  // renderMessage adds MIME-Version itself; drop ours so it appears once, where Gmail puts it (first)
  const rendered = renderMessage(headers.slice(1), body).replace(/\r\nMIME-Version: 1\.0/, '');
  const withMime = `MIME-Version: 1.0${CRLF}${rendered}`;
  const signed = await dkimSigned(withMime, mustKey(keys, cast.company.domain), at);
  const submission = `Received: from [${cast.attackerClientIp}] ([${cast.attackerClientIp}])${CRLF}        by smtp.gmail.com with ESMTPSA id n7sm2291570pgq.48.2017.07.11.17.21.47${CRLF}        (version=TLS1_2 cipher=ECDHE-RSA-AES128-GCM-SHA256 bits=128/128);${CRLF}        ${rfc5322Date(at, -7 * 60)} (PDT)${CRLF}`;
  return submission + signed;
}

/** 02: the Sent-folder copy in the victim's own mailbox; it keeps the Bcc header. */
function outboundSentCopy(submitted: string): string {
  const bcc = `Bcc: ${cast.bccRecipients.join(`,${CRLF} `)}${CRLF}`;
  const headerEnd = submitted.indexOf(`${CRLF}${CRLF}`);
  const head = submitted.slice(0, headerEnd + 2);
  const rest = submitted.slice(headerEnd + 2);
  const labels = `X-Gmail-Labels: Sent${CRLF}`;
  return labels + head.replace(/(\r\nTo: [^\r]*\r\n)/, `$1${bcc}`) + rest;
}

/** 03: the copy the colleague receives from the victim's genuine account (no Bcc header on a recipient's copy). */
function internalColleagueCopy(submitted: string, dkimPrefix: string): string {
  const mailFrom = cast.victim.address;
  const trace = gmailInboundTrace({
    deliveredTo: cast.colleague.address,
    returnPath: mailFrom,
    fromHost: cast.gmailOutboundHost,
    fromIp: cast.gmailOutboundIp,
    at: new Date(cast.times.lureOutbound.getTime() + 1_000),
    smtpId: 'v3sor1187644pgq.30.2017.07.11.17.21.48',
    receivedSpf: spfPassLine(mailFrom, cast.gmailOutboundIp),
    results: [
      `dkim=pass header.i=@${cast.company.domain} header.s=${cast.company.dkimSelector} header.b=${dkimPrefix}`,
      `spf=pass (google.com: domain of ${mailFrom} designates ${cast.gmailOutboundIp} as permitted sender) smtp.mailfrom=${mailFrom}`,
      `dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=${cast.company.domain}`,
    ],
  });
  return trace + submitted;
}

// ---------------------------------------------------------------------------------------------
// 04: the Japanese variant, from a customer's account taken over in the same wave (Outlook, ISO-2022-JP)

async function japaneseLure(keys: Map<string, SigningKey>, lurePdf: Uint8Array): Promise<string> {
  const at = cast.times.lureJa;
  const sender = cast.customerContact;
  const text = [
    `${cast.company.nameJa}`,
    `${cast.victim.nameJa} 様`,
    '',
    'いつもお世話になっております。',
    `${cast.customerStudio.nameJa}の${sender.nameJa}です。`,
    '',
    'ファイルを共有しました。',
    '添付のPDFを開き、「Document」をクリックしてメールアカウントで',
    'ログインすると、資料の全体をご覧いただけます。',
    '',
    'よろしくお願いいたします。',
    '',
    '──────────────',
    cast.customerStudio.nameJa,
    `${sender.title}　${sender.nameJa}`,
    'TEL: 06-5555-0127',
    '──────────────',
    '',
  ].join('\n');
  const headers: HeaderList = [
    ['From', mailbox(sender.nameJa ?? sender.name, sender.address, 'iso-2022-jp')],
    ['To', mailbox(cast.victim.nameJa ?? cast.victim.name, cast.victim.address, 'iso-2022-jp')],
    ['Subject', encodeWords('ファイルを共有しました', 'iso-2022-jp')],
    ['Date', rfc5322Date(at, cast.JST)],
    ['Message-ID', '<TY1PR01MB0914C2A7E5B3D1F08E6A4C19B03@TY1PR01MB0914.jpnprd01.prod.outlook.com>'],
    ['Content-Language', 'ja-JP'],
  ];
  const body = multipart('mixed', '_004_TY1PR01MB0914C2A7E5B3D1F_', [
    jisTextPart(text),
    attachmentPart(lurePdf, 'application/pdf', '共有ファイル.pdf', 'iso-2022-jp'),
  ]);
  const signed = await dkimSigned(renderMessage(headers, body), mustKey(keys, cast.customerStudio.domain), at);
  const trace = gmailInboundTrace({
    deliveredTo: cast.victim.address,
    returnPath: sender.address,
    fromHost: cast.microsoftOutboundHost,
    fromIp: cast.microsoftOutboundIp,
    at: new Date(at.getTime() + 2_000),
    smtpId: 'p8si2203571pfk.221.2017.07.13.18.05.20',
    receivedSpf: spfPassLine(sender.address, cast.microsoftOutboundIp),
    results: [
      `dkim=pass header.i=@${cast.customerStudio.domain} header.s=${cast.customerStudio.dkimSelector} header.b=${signaturePrefix(signed)}`,
      `spf=pass (google.com: domain of ${sender.address} designates ${cast.microsoftOutboundIp} as permitted sender) smtp.mailfrom=${sender.address}`,
      `dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=${cast.customerStudio.domain}`,
    ],
  });
  return trace + signed;
}

// ---------------------------------------------------------------------------------------------
// 05: a bounce (RFC 3464) from a customer's MTA for one of the Bcc recipients

function bounce(outboundSubmitted: string): string {
  const at = cast.times.bounce;
  const b = cast.bouncingCustomer;
  const returnedHeaders = outboundSubmitted.slice(0, outboundSubmitted.indexOf(`${CRLF}${CRLF}`) + 2);
  const explanation = [
    `Delivery report from ${b.mtaHost}`,
    '',
    'Your message was not delivered. The mailbox named below is unknown here,',
    'and no further attempts will be made.',
    '',
    `  ${b.goneAddress}`,
    `  reply from ${b.mtaHost}[${b.mtaIp}]: 550 5.1.1 user unknown`,
    '',
    'The headers of the returned message follow in the last part of this report.',
    '',
  ].join('\n');
  const status = [
    `Reporting-MTA: dns; ${b.mtaHost}`,
    `Arrival-Date: ${rfc5322Date(new Date(cast.times.lureOutbound.getTime() + 4_000), cast.JST)}`,
    '',
    `Final-Recipient: rfc822; ${b.goneAddress}`,
    `Original-Recipient: rfc822;${b.goneAddress}`,
    'Action: failed',
    'Status: 5.1.1',
    `Remote-MTA: dns; ${b.mtaHost}`,
    `Diagnostic-Code: smtp; 550 5.1.1 <${b.goneAddress}>: Recipient address rejected: User unknown`,
    '',
  ].join(CRLF);
  const report = multipart(
    'report',
    '8A2C51E0F3.1499819405/mx.marunaka-denki.co.jp',
    [
      textPart(explanation, 'plain', 'us-ascii'),
      { headers: [['Content-Type', 'message/delivery-status']], body: status },
      { headers: [['Content-Type', 'text/rfc822-headers']], body: returnedHeaders },
    ],
    '; report-type=delivery-status',
  );
  const headers: HeaderList = [
    ['From', `Mail Delivery System <MAILER-DAEMON@${b.mtaHost}>`],
    ['To', cast.victim.address],
    ['Subject', 'Mail Delivery Failure'],
    ['Date', rfc5322Date(at, cast.JST)],
    ['Message-ID', `<20170712003005.8A2C51E0F3@${b.mtaHost}>`],
    ['Auto-Submitted', 'auto-replied'],
  ];
  const trace = gmailInboundTrace({
    deliveredTo: cast.victim.address,
    returnPath: '',
    fromHost: b.mtaHost,
    fromIp: b.mtaIp,
    at: new Date(at.getTime() + 1_000),
    smtpId: 'y4si1609321pgd.377.2017.07.11.17.30.06',
    receivedSpf: `pass (google.com: domain of postmaster@${b.mtaHost} designates ${b.mtaIp} as permitted sender) client-ip=${b.mtaIp};`,
    results: [`spf=pass (google.com: domain of postmaster@${b.mtaHost} designates ${b.mtaIp} as permitted sender) smtp.helo=${b.mtaHost}`],
  });
  return trace + renderMessage(headers, report);
}

// ---------------------------------------------------------------------------------------------
// 10: a genuine Google Drive share notification (built from the documented shape of those mails)

async function genuineDriveShare(keys: Map<string, SigningKey>): Promise<string> {
  const at = cast.times.driveShare;
  const sharer = cast.partnerContact;
  const fileName = 'HX-4K_dealer_price_list_2017H2.pdf';
  const fileUrl = 'https://drive.google.com/file/d/0B9kQvB7mZr2WcXp9LsYt4NdE8hJ0/view?usp=sharing_eil_m&ts=595d8e28';
  const note = 'Takuma-san, here is the updated dealer price list for the second half. Prices take effect on 1 August.';
  const plain = [
    `${sharer.name} shared a file`,
    '',
    `${sharer.name} (${sharer.address}) has shared the following file:`,
    '',
    fileName,
    `Open: ${fileUrl}`,
    '',
    `"${note}"`,
    '',
    `You have received this email because ${sharer.address} shared a file with you from Google Drive.`,
    'Google Drive: have all your files within reach from any device. https://drive.google.com/',
    'Google LLC, 1600 Amphitheatre Parkway, Mountain View, CA 94043, USA',
    '',
  ].join('\n');
  const html = [
    '<!DOCTYPE html><html><body style="font-family:Roboto,Arial,sans-serif">',
    `<h2 style="font-weight:normal">${sharer.name} shared a file</h2>`,
    `<p>${sharer.name} (${sharer.address}) has shared the following file:</p>`,
    `<p style="font-size:16px"><a href="${fileUrl}">${fileName}</a></p>`,
    `<blockquote>${note}</blockquote>`,
    `<p><a href="${fileUrl}" style="background:#4285f4;color:#fff;padding:8px 16px;text-decoration:none">Open</a></p>`,
    '<hr>',
    `<p style="font-size:11px;color:#777">You have received this email because ${sharer.address} shared a file with you from Google Drive.</p>`,
    '<p style="font-size:11px;color:#777"><a href="https://drive.google.com/">Google Drive</a>: have all your files within reach from any device.</p>',
    '<p style="font-size:11px;color:#777">Google LLC, 1600 Amphitheatre Parkway, Mountain View, CA 94043, USA</p>',
    '</body></html>',
    '',
  ].join('\n');
  const returnPath = '3KI9dWRAPBnkvwvsG5zBt7yzA-w1o.x45o5w-zq1v2x8.y99y1xozxw5.t95.AB0A@doclist.bounces.google.com';
  const headers: HeaderList = [
    ['Reply-To', mailbox(sharer.name, sharer.address)],
    ['Message-ID', '<0000000000009b5c3e05541f7c22@google.com>'],
    ['Date', rfc5322Date(at, 0)],
    ['Subject', `File shared with you: "${fileName}"`],
    ['From', mailbox(`${sharer.name} (via Google Drive)`, 'drive-shares-dm-noreply@google.com')],
    ['To', cast.victim.address],
  ];
  const body = multipart('alternative', '0000000000009b5c2f05541f7c21', [textPart(plain, 'plain'), textPart(html, 'html')]);
  const signed = await dkimSigned(renderMessage(headers, body), mustKey(keys, 'google.com'), at);
  const trace = gmailInboundTrace({
    deliveredTo: cast.victim.address,
    returnPath,
    fromHost: cast.driveOutboundHost,
    fromIp: cast.driveOutboundIp,
    at: new Date(at.getTime() + 1_000),
    smtpId: 'k12sor4471809iod.11.2017.07.05.18.12.41',
    receivedSpf: spfPassLine(returnPath, cast.driveOutboundIp),
    results: [
      `dkim=pass header.i=@google.com header.s=20161025 header.b=${signaturePrefix(signed)}`,
      `spf=pass (google.com: domain of ${returnPath} designates ${cast.driveOutboundIp} as permitted sender) smtp.mailfrom=${returnPath}`,
      'dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=google.com',
    ],
  });
  return trace + signed;
}

// ---------------------------------------------------------------------------------------------
// 11: an ordinary quotation from the same partner contact, weeks before the lure

async function partnerQuotation(keys: Map<string, SigningKey>): Promise<string> {
  const at = cast.times.quotation;
  const pdf = await makeQuotationPdf({
    number: 'HQ-2017-0614-TVS',
    issued: '14 June 2017',
    validUntil: '31 August 2017',
    seller: [cast.partner.name, ...cast.partner.postal],
    buyer: [cast.company.nameEn, '3-14-7 Higashi-Kanda, Chiyoda-ku', 'Tokyo 101-0031', 'Japan'],
    lines: [
      { sku: 'HX4K-PL25', description: 'HX-4K prime lens 25 mm T2.1, PL mount', quantity: 4, unitPriceUsd: 6850 },
      { sku: 'HX4K-PL50', description: 'HX-4K prime lens 50 mm T2.1, PL mount', quantity: 4, unitPriceUsd: 6850 },
      { sku: 'HX4K-PL85', description: 'HX-4K prime lens 85 mm T2.1, PL mount', quantity: 2, unitPriceUsd: 7420 },
      { sku: 'HX-FF200', description: 'Follow-focus unit FF-200 with 0.8 gear', quantity: 3, unitPriceUsd: 1290 },
      { sku: 'HX-MB6', description: 'Matte box MB-6, 6.6 x 6.6 in filters', quantity: 3, unitPriceUsd: 980 },
      { sku: 'HX-CASE4', description: 'Hard case for four primes', quantity: 2, unitPriceUsd: 410 },
    ],
    terms: [
      'Prices are ex works Portland, Oregon, in US dollars, before duties, taxes and freight.',
      'Payment: 50% with order, balance net 30 days from shipment.',
      'Lead time: 6 to 8 weeks from receipt of order and deposit.',
      'Dealer warranty: 24 months on optics, 12 months on accessories.',
      'This quotation is valid until the date shown on page 1.',
    ],
    contactLine: `${cast.partnerContact.name}, ${cast.partnerContact.title} - ${cast.partnerContact.address}`,
    siteUrl: `${cast.partner.site}support/warranty`,
  });
  const text = [
    'Dear Takuma-san,',
    '',
    'Thank you for your enquiry about the HX-4K primes for your rental customers.',
    'Please find our quotation attached (3 pages: summary, line items, terms).',
    'The deposit terms are the same as last year; lead time is currently 6 to 8 weeks.',
    '',
    'If the quantities change, tell me and I will revise it the same day.',
    '',
    'Best regards,',
    '',
    cast.partnerContact.name,
    cast.partnerContact.title,
    cast.partner.name,
    'Tel: +1 503 555 0143',
    cast.partner.site,
    '',
  ].join('\n');
  const headers: HeaderList = [
    ['From', mailbox(cast.partnerContact.name, cast.partnerContact.address)],
    ['To', mailbox(cast.victim.name, cast.victim.address)],
    ['Subject', 'RE: HX-4K primes - quotation HQ-2017-0614-TVS'],
    ['Date', rfc5322Date(at, cast.PDT)],
    ['Message-ID', '<3d90a6e1c8b7.20170614090531@mail.halvorsen-imaging.com>'],
    ['In-Reply-To', '<CAK2pR8v5hT1nQ0sWd7yLb3xZj6MeF4gAc9uVo2@mail.gmail.com>'],
    ['References', '<CAK2pR8v5hT1nQ0sWd7yLb3xZj6MeF4gAc9uVo2@mail.gmail.com>'],
    ['X-Mailer', 'Microsoft Outlook 16.0'],
  ];
  const body = multipart('mixed', '----=_Part_0614_0905_halvorsen', [
    textPart(text, 'plain', 'us-ascii'),
    attachmentPart(pdf, 'application/pdf', 'Quotation_HQ-2017-0614-TVS.pdf'),
  ]);
  const signed = await dkimSigned(renderMessage(headers, body), mustKey(keys, cast.partner.domain), at);
  const mailFrom = cast.partnerContact.address;
  const trace = gmailInboundTrace({
    deliveredTo: cast.victim.address,
    returnPath: mailFrom,
    fromHost: cast.partner.mailHost,
    fromIp: cast.partner.mailIp,
    at: new Date(at.getTime() + 2_000),
    smtpId: 'f5si3308815plk.512.2017.06.14.09.05.33',
    receivedSpf: spfPassLine(mailFrom, cast.partner.mailIp),
    results: [
      `dkim=pass header.i=@${cast.partner.domain} header.s=${cast.partner.dkimSelector} header.b=${signaturePrefix(signed)}`,
      `spf=pass (google.com: domain of ${mailFrom} designates ${cast.partner.mailIp} as permitted sender) smtp.mailfrom=${mailFrom}`,
      `dmarc=pass (p=QUARANTINE sp=QUARANTINE dis=NONE) header.from=${cast.partner.domain}`,
    ],
  });
  return trace + signed;
}

// ---------------------------------------------------------------------------------------------
// 12: a Japanese internal meeting note (UTF-8), colleague to victim

async function internalMeetingNote(keys: Map<string, SigningKey>): Promise<string> {
  const at = cast.times.meetingNote;
  const text = [
    '営業部の皆さん',
    '',
    'お疲れさまです。堀です。',
    '本日の営業会議のメモを共有します。',
    '',
    '■ 日時：7月10日（月）15:00〜16:30　第2会議室',
    '■ 出席：岩永、堀、小野寺、三宅',
    '',
    '1. 上期実績',
    '　・シネマレンズは前年比112%。レンタル会社向けが好調。',
    '　・放送局向けモニターは入札待ちが2件。',
    '2. 下期の重点',
    '　・Halvorsen社のHX-4Kプライム：見積（6月14日受領）をもとに在庫4セットを確保する方向。',
    '　・9月の機材展示会の出展準備を8月第1週までに終える。',
    '3. 宿題',
    '　・岩永：HX-4Kの発注数を7月14日までに確定。',
    '　・堀：展示会ブースのレイアウト案を作成。',
    '',
    '次回は7月24日（月）15:00からです。',
    '',
    '堀 真理子',
    '月白ビデオシステムズ株式会社　営業部',
    '',
  ].join('\n');
  const headers: HeaderList = [
    ['MIME-Version', '1.0'],
    ['From', mailbox(cast.colleague.nameJa ?? cast.colleague.name, cast.colleague.address)],
    ['Date', rfc5322Date(at, cast.JST)],
    ['Message-ID', '<CAH3vX0mQ7bT2rYk9LdW5sNc1pEf8uJg4aZo6iMh@mail.gmail.com>'],
    ['Subject', encodeWords('7月10日 営業会議メモ')],
    ['To', `sales-team@${cast.company.domain}`],
    ['Cc', mailbox(cast.victim.nameJa ?? cast.victim.name, cast.victim.address)],
  ];
  const body = textPart(text, 'plain', 'utf-8');
  const rendered = `MIME-Version: 1.0${CRLF}${renderMessage(headers.slice(1), body).replace(/\r\nMIME-Version: 1\.0/, '')}`;
  const signed = await dkimSigned(rendered, mustKey(keys, cast.company.domain), at);
  const mailFrom = cast.colleague.address;
  const trace = gmailInboundTrace({
    deliveredTo: cast.victim.address,
    returnPath: mailFrom,
    fromHost: cast.gmailOutboundHost,
    fromIp: cast.gmailOutboundIp,
    at: new Date(at.getTime() + 1_000),
    smtpId: 'r9sor2270614pgo.62.2017.07.10.01.15.23',
    receivedSpf: spfPassLine(mailFrom, cast.gmailOutboundIp),
    results: [
      `dkim=pass header.i=@${cast.company.domain} header.s=${cast.company.dkimSelector} header.b=${signaturePrefix(signed)}`,
      `spf=pass (google.com: domain of ${mailFrom} designates ${cast.gmailOutboundIp} as permitted sender) smtp.mailfrom=${mailFrom}`,
      `dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=${cast.company.domain}`,
    ],
  });
  return trace + signed;
}

// ---------------------------------------------------------------------------------------------
// 13: a genuine OneDrive for Business share notification from a Microsoft 365 customer

async function genuineOneDriveShare(keys: Map<string, SigningKey>): Promise<string> {
  const at = cast.times.sharepointShare;
  const sharer = cast.customerContact;
  const fileName = 'スタジオB_機材リスト_2017.xlsx';
  const fileUrl = `https://${cast.customerStudio.sharepointHost}/:x:/g/personal/k_sato_kitaura-studio_co_jp/EaR4s7Lq2VtNm0XcWk9bP1gB3uYf8dHo6jZe5iKt4QvwJA?e=Xb7pQ2`;
  const plain = [
    `${sharer.name} shared a file with you`,
    '',
    'Here is the equipment list for Studio B, as promised. Please check the lens section.',
    '',
    fileName,
    `Open: ${fileUrl}`,
    '',
    'This link only works for the direct recipients of this message.',
    'Privacy Statement: https://go.microsoft.com/fwlink/?LinkId=521839',
    'Microsoft Corporation, One Microsoft Way, Redmond, WA 98052',
    '',
  ].join('\n');
  const html = [
    '<!DOCTYPE html><html><body style="font-family:Segoe UI,sans-serif">',
    `<p>${sharer.name} shared a file with you</p>`,
    '<blockquote>Here is the equipment list for Studio B, as promised. Please check the lens section.</blockquote>',
    `<p><a href="${fileUrl}">${fileName}</a></p>`,
    `<p><a href="${fileUrl}" style="background:#0078d4;color:#fff;padding:8px 16px;text-decoration:none">Open</a></p>`,
    '<p style="font-size:11px;color:#666">This link only works for the direct recipients of this message.</p>',
    '<p style="font-size:11px;color:#666"><a href="https://go.microsoft.com/fwlink/?LinkId=521839">Privacy Statement</a><br>Microsoft Corporation, One Microsoft Way, Redmond, WA 98052</p>',
    '</body></html>',
    '',
  ].join('\n');
  const headers: HeaderList = [
    ['From', mailbox(sharer.name, 'no-reply@sharepointonline.com')],
    ['To', cast.victim.address],
    ['Subject', encodeWords(`${sharer.name} shared "${fileName}" with you`)],
    ['Date', rfc5322Date(at, 0)],
    ['Message-ID', '<7a1f3c9e-52d4-4b8a-9e06-b3c1d8f2a417@JPN01-TY1-obe.outbound.protection.outlook.com>'],
    ['Reply-To', mailbox(sharer.name, sharer.address)],
  ];
  const body = multipart('alternative', '_000_7a1f3c9e52d44b8a9e06b3c1d8f2a417_', [
    textPart(plain, 'plain'),
    textPart(html, 'html'),
  ]);
  const signed = await dkimSigned(renderMessage(headers, body), mustKey(keys, 'sharepointonline.com'), at);
  const mailFrom = 'no-reply@sharepointonline.com';
  const trace = gmailInboundTrace({
    deliveredTo: cast.victim.address,
    returnPath: mailFrom,
    fromHost: cast.microsoftOutboundHost,
    fromIp: cast.microsoftOutboundIp,
    at: new Date(at.getTime() + 2_000),
    smtpId: 'm5si1882903pgs.140.2017.07.06.22.48.05',
    receivedSpf: spfPassLine(mailFrom, cast.microsoftOutboundIp),
    results: [
      `dkim=pass header.i=@sharepointonline.com header.s=selector1 header.b=${signaturePrefix(signed)}`,
      `spf=pass (google.com: domain of ${mailFrom} designates ${cast.microsoftOutboundIp} as permitted sender) smtp.mailfrom=${mailFrom}`,
      'dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=sharepointonline.com',
    ],
  });
  return trace + signed;
}

// ---------------------------------------------------------------------------------------------

function mustKey(keys: Map<string, SigningKey>, domain: string): SigningKey {
  const key = keys.get(domain);
  if (!key) throw new Error(`no DKIM test key for ${domain}`);
  return key;
}

function dnsFixture(keys: Map<string, SigningKey>): DnsFixture {
  const txt: Record<string, string> = {};
  for (const key of keys.values()) {
    txt[`${key.selector}._domainkey.${key.domain}`] = `v=DKIM1; k=rsa; p=${key.publicKeyBase64}`;
  }
  Object.assign(txt, {
    [cast.partner.domain]: 'v=spf1 ip4:198.51.100.0/24 -all',
    [`_dmarc.${cast.partner.domain}`]: `v=DMARC1; p=quarantine; rua=mailto:dmarc@${cast.partner.domain}`,
    [cast.company.domain]: 'v=spf1 include:_spf.google.com ~all',
    [`_dmarc.${cast.company.domain}`]: 'v=DMARC1; p=none',
    [cast.customerStudio.domain]: 'v=spf1 include:spf.protection.outlook.com -all',
    [`_dmarc.${cast.customerStudio.domain}`]: 'v=DMARC1; p=none',
    [cast.bouncingCustomer.mtaHost]: `v=spf1 ip4:${cast.bouncingCustomer.mtaIp} -all`,
    [cast.bouncingCustomer.domain]: `v=spf1 ip4:${cast.bouncingCustomer.mtaIp} -all`,
    '_spf.google.com': 'v=spf1 ip4:209.85.128.0/17 ip4:74.125.0.0/16 ~all',
    'google.com': 'v=spf1 include:_spf.google.com ~all',
    '_dmarc.google.com': 'v=DMARC1; p=reject; rua=mailto:mailauth-reports@google.com',
    'doclist.bounces.google.com': 'v=spf1 redirect=_spf.google.com',
    'spf.protection.outlook.com': 'v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 ip4:52.100.0.0/14 ip4:104.47.0.0/17 -all',
    'sharepointonline.com': 'v=spf1 include:spf.protection.outlook.com -all',
    '_dmarc.sharepointonline.com': 'v=DMARC1; p=reject',
  });
  const sorted: Record<string, string> = {};
  for (const name of Object.keys(txt).sort()) sorted[name] = txt[name] as string;
  return {
    comment:
      'DNS fixture for the fictional seed-2017 samples, served offline by src/scan/resolver.ts (kizuki scan --dns-fixture). ' +
      'The DKIM keys are throwaway test keys (see keys/README.md); the SPF records for Google and Microsoft ' +
      'are shortened stand-ins, not copies of the real ones.',
    txt: sorted,
  };
}

export const EXPECTED: ExpectedSample[] = [
  {
    file: '01-inbound-lure.eml',
    verdict: 'malicious',
    why: 'A known partner’s genuine, DKIM/DMARC-passing account sends “shared you a file” with a one-page PDF whose only link leads to a fake Google Docs host outside google.com.',
    whyJa: '取引先の正規アカウント（DKIM/DMARC 合格）から「shared you a file」。添付 PDF は1ページで、唯一のリンクが google.com 以外の偽 Google Docs に向かう。',
    mailbox: cast.victim.address,
    direction: 'inbound',
  },
  {
    file: '02-outbound-bcc.eml',
    verdict: 'malicious',
    why: 'The same lure leaves the victim’s account from an unfamiliar client, addressed to himself with every real recipient, mostly outside, in Bcc.',
    whyJa: '同じ誘導メールが見慣れない接続元から被害者のアカウントで送信され、宛先は本人、実際の受信者（大半が社外）は全員 Bcc。',
    mailbox: cast.victim.address,
    direction: 'outbound',
  },
  {
    file: '03-internal-colleague.eml',
    verdict: 'malicious',
    why: 'An internal, authenticated copy of the lure: a colleague’s account sends a file-share PDF whose one link goes to a fake Google Docs host.',
    whyJa: '社内の正規アカウントから届いた誘導メール：ファイル共有を装う PDF の唯一のリンクが偽 Google Docs に向かう。',
    mailbox: cast.colleague.address,
    direction: 'internal',
  },
  {
    file: '04-lure-ja.eml',
    verdict: 'malicious',
    why: 'Japanese “ファイルを共有しました” lure from a customer’s genuine account; the PDF carries a single link to a look-alike document host.',
    whyJa: '顧客の正規アカウントからの日本語版「ファイルを共有しました」。PDF にはなりすまし文書サイトへのリンクが1つだけ。',
    mailbox: cast.victim.address,
    direction: 'inbound',
  },
  {
    file: '05-bounce.eml',
    verdict: 'suspicious',
    why: 'A 5.1.1 bounce for mail the user did not write: the returned headers show the lure sent from his account — a sign of takeover, not a threat by itself.',
    whyJa: '本人が書いていないメールの不達通知（5.1.1）。返送ヘッダーに本人アカウントから送られた誘導メールが見え、乗っ取りの兆候を示す。',
    mailbox: cast.victim.address,
    direction: 'inbound',
  },
  {
    file: '10-genuine-drive-share.eml',
    verdict: 'clean',
    why: 'A real Google Drive share notification: sent and DKIM-signed by google.com, and every link stays on google.com.',
    whyJa: '本物の Google ドライブ共有通知：google.com が送信・DKIM 署名し、リンクはすべて google.com 内。',
    mailbox: cast.victim.address,
    direction: 'inbound',
  },
  {
    file: '11-partner-quotation.eml',
    verdict: 'clean',
    why: 'An ordinary reply from the partner with a three-page quotation PDF full of text; its only link is the partner’s own website.',
    whyJa: '取引先からの通常の返信。添付は本文のある3ページの見積書 PDF で、リンクは取引先自身のサイトだけ。',
    mailbox: cast.victim.address,
    direction: 'inbound',
  },
  {
    file: '12-internal-meeting-note.eml',
    verdict: 'clean',
    why: 'A Japanese meeting note between colleagues: internal, authenticated, no links, no attachments.',
    whyJa: '同僚間の日本語の会議メモ：社内・認証済み、リンクも添付もなし。',
    mailbox: cast.victim.address,
    direction: 'internal',
  },
  {
    file: '13-genuine-onedrive-share.eml',
    verdict: 'clean',
    why: 'A real OneDrive for Business share from Microsoft’s servers; the file link stays on the customer’s own sharepoint.com tenant.',
    whyJa: 'Microsoft のサーバーからの本物の OneDrive for Business 共有通知。リンクは顧客自身の sharepoint.com テナント内。',
    mailbox: cast.victim.address,
    direction: 'inbound',
  },
];

export interface MakeSamplesOptions {
  /** where the DKIM keys live; default <outDir>/keys (created there when missing) */
  keysDir?: string;
}

/** Writes every sample, dns.json and expected.json into outDir; returns the paths written. */
export async function makeSamples(outDir: string, options: MakeSamplesOptions = {}): Promise<string[]> {
  const keysDir = options.keysDir ?? join(outDir, 'keys');
  const keys = await loadOrCreateKeys(keysDir, options.keysDir === undefined);
  const lurePdf = await makeLurePdf(cast.phishingUrl);
  const lurePdfJa = await makeLurePdf(cast.phishingUrlJa, new Date('2017-07-13T00:00:00Z'));

  const submitted = await outboundLureSigned(keys, lurePdf);
  const messages: Record<string, string> = {
    '01-inbound-lure.eml': await inboundLure(keys, lurePdf),
    '02-outbound-bcc.eml': outboundSentCopy(submitted),
    '03-internal-colleague.eml': internalColleagueCopy(submitted, signaturePrefix(submitted)),
    '04-lure-ja.eml': await japaneseLure(keys, lurePdfJa),
    '05-bounce.eml': bounce(submitted),
    '10-genuine-drive-share.eml': await genuineDriveShare(keys),
    '11-partner-quotation.eml': await partnerQuotation(keys),
    '12-internal-meeting-note.eml': await internalMeetingNote(keys),
    '13-genuine-onedrive-share.eml': await genuineOneDriveShare(keys),
  };

  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const [file, text] of Object.entries(messages)) {
    const path = join(outDir, file);
    await writeFile(path, Buffer.from(text, 'latin1'));
    written.push(path);
  }
  const extras: Record<string, unknown> = {
    'dns.json': dnsFixture(keys),
    'expected.json': {
      comment: 'Expected verdict class per sample (malicious / suspicious / clean) and why, in English and Japanese.',
      orgDomains: [cast.company.domain],
      trustedHosts: ['mx.google.com'],
      samples: EXPECTED,
    },
  };
  for (const [file, value] of Object.entries(extras)) {
    const path = join(outDir, file);
    await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
    written.push(path);
  }
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error('usage: node build/test/support/make-samples.js <output folder, e.g. samples/seed-2017>');
    process.exit(2);
  }
  const written = await makeSamples(resolve(outDir));
  for (const path of written) console.log(path);
}
