// Writes the small sample messages under rules/samples/ that the rules point at (`kizuki rules test`).
// Run: npx tsc -p . && node build/test/detect/make-rule-samples.js
// Every organisation, person and domain here is fictional (the cast of samples/seed-2017 plus a few
// invented senders); brand domains appear only where a rule needs a genuine or imitated brand.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { domainToASCII } from 'node:url';
import { qrPng } from '../mail/attachments-fixtures.js';
import { repoRoot } from '../support/cli.js';
import { attachmentPart, encodeWords, type HeaderList, mailbox, multipart, renderMessage, textPart } from '../support/mime-writer.js';
import { makeLurePdf } from '../support/sample-pdfs.js';

const OUT = join(repoRoot, 'rules', 'samples');
const ORG_USER = 'iwanaga@tsukishiro-vs.co.jp';

function received(fromHost: string, ip: string, date: string): HeaderList {
  return [
    ['Received', `from ${fromHost} (${fromHost} [${ip}]) by mx.google.com with ESMTPS id kz${ip.replace(/\./g, '')}; ${date}`],
  ];
}

function authResults(domain: string, result: 'pass' | 'fail' | 'none'): HeaderList {
  const dkim = result === 'pass' ? `dkim=pass header.i=@${domain} header.s=s1` : 'dkim=none';
  return [['Authentication-Results', `mx.google.com; ${dkim}; spf=${result === 'none' ? 'none' : result} smtp.mailfrom=${domain}; dmarc=${result === 'none' ? 'none' : result} header.from=${domain}`]];
}

interface Spec {
  file: string;
  from: [string, string];
  to?: string;
  subject: string;
  date: string;
  text?: string;
  html?: string;
  attachments?: Array<{ bytes: Uint8Array; type: string; name: string }>;
  extra?: HeaderList;
  auth?: 'pass' | 'fail' | 'none';
  ip?: string;
}

function write(spec: Spec): void {
  const domain = spec.from[1].split('@')[1] ?? '';
  const headers: HeaderList = [
    ...received(`mail.${domain}`, spec.ip ?? '198.51.100.77', spec.date),
    ...authResults(domain, spec.auth ?? 'pass'),
    ['From', mailbox(spec.from[0], spec.from[1])],
    ['To', spec.to ?? ORG_USER],
    ['Subject', encodeWords(spec.subject)],
    ['Date', spec.date],
    ['Message-ID', `<${spec.file.replace(/\W/g, '')}.kizuki-sample@${domain}>`],
    ...(spec.extra ?? []),
  ];
  const bodies = [];
  if (spec.text !== undefined) bodies.push(textPart(spec.text, 'plain'));
  if (spec.html !== undefined) bodies.push(textPart(spec.html, 'html'));
  let root = bodies.length === 1 && bodies[0] ? bodies[0] : multipart('alternative', 'kz-alt-boundary', bodies);
  if (spec.attachments?.length) {
    root = multipart('mixed', 'kz-mixed-boundary', [root, ...spec.attachments.map((a) => attachmentPart(a.bytes, a.type, a.name))]);
  }
  writeFileSync(join(OUT, spec.file), renderMessage(headers, root));
}

const enc = (text: string) => new TextEncoder().encode(text);

async function main(): Promise<void> {
  write({
    file: 'share-lure-pt.eml',
    from: ['Marina Costa', 'marina.costa@casa-lumen-video.com.br'],
    subject: 'Marina Costa compartilhou um documento com você',
    date: 'Tue, 14 Mar 2023 10:12:00 -0300',
    text:
      'Olá,\n\nMarina Costa compartilhou um documento com você: "Pedido_de_compra_0323.pdf".\n\n' +
      'Abrir documento: https://arquivo-compartilhado-visualizar.top/d/4471\n\n' +
      'Para ver o arquivo, entre com o e-mail e a senha da sua conta.\n\nAtenciosamente,\nMarina Costa\nCasa Lumen Vídeo\n',
  });

  write({
    file: 'mailbox-quota.eml',
    from: ['Mail Administrator', 'it-desk@mailbox-notice-centre.site'],
    subject: 'Action required: your mailbox is almost full',
    date: 'Wed, 07 Jun 2023 08:40:00 +0000',
    auth: 'none',
    text:
      `Dear ${ORG_USER},\n\nYour mailbox is almost full (98% of 2 GB). 14 incoming messages are held.\n` +
      'Verify your account within 24 hours to release them and keep your mailbox active:\n\n' +
      `https://mailbox-storage-upgrade.web.app/verify?user=${ORG_USER}\n\nMail Administrator\n`,
  });

  write({
    file: 'bank-lure-pt.eml',
    from: ['Atendimento Banco', 'aviso@central-cliente-atendimento.com'],
    subject: 'Sua conta foi bloqueada temporariamente',
    date: 'Thu, 02 Nov 2023 19:05:00 -0300',
    auth: 'none',
    html:
      '<p>Prezado cliente,</p><p>Sua conta foi bloqueada temporariamente por falta de atualização cadastral.</p>' +
      '<p>Atualize seus dados imediatamente para evitar o cancelamento:</p>' +
      '<p><a href="http://203.0.113.50/atualizacao/cliente">https://www.bradesco.com.br/atualizacao</a></p>' +
      '<p>Equipe de Atendimento</p>',
  });

  write({
    file: 'microsoft-offsite.eml',
    from: ['Microsoft 365 Security', 'no-reply@account-notice-center.com'],
    subject: 'Your password expires today',
    date: 'Mon, 15 Jan 2024 07:30:00 +0000',
    auth: 'none',
    html:
      '<p><img src="https://cdn.account-notice-center.com/img/microsoft-logo.png" alt="Microsoft"></p>' +
      `<p>The password for ${ORG_USER} expires today.</p>` +
      '<p>To keep your current password, sign in to confirm your account:</p>' +
      '<p><a href="https://microsoft-365-login.verify-portal.xyz/keep">Keep current password</a></p>' +
      '<p>Microsoft 365 account team</p>',
  });

  write({
    file: 'esign-lure.eml',
    from: ['Contracts via eSign', 'contracts@esign-contract-desk.com'],
    subject: 'Please review and sign: Distribution_Agreement_2024.pdf',
    date: 'Tue, 20 Feb 2024 02:15:00 +0000',
    auth: 'none',
    html:
      '<p>Halvorsen Imaging sent you a document to review and sign.</p>' +
      '<p><a href="https://secure-esign-review.online/envelope/7731">View the document</a></p>' +
      '<p>Do not share this email. The link expires in 48 hours.</p>',
  });

  write({
    file: 'delivery-ja.eml',
    from: ['ヤマト運輸', 'info@delivery-notice-center.com'],
    subject: 'お荷物お届けのお知らせ',
    date: 'Fri, 08 Dec 2023 11:00:00 +0900',
    auth: 'none',
    text:
      'お客様のお荷物をお届けにあがりましたが、ご不在のため持ち帰りました。\n' +
      '再配達のお手続きは下記よりお願いいたします。\n\nhttps://kuronekoyarnato.co.jp/redelivery?no=44120931\n\n' +
      '本メールは送信専用です。\n',
  });

  const voicemailPage =
    '<html><head><meta http-equiv="refresh" content="0; url=https://voice-message-portal.click/play?id=0412"></head>' +
    '<body><p>Loading your voice message…</p><script>document.title = "Voicemail";</script></body></html>';
  write({
    file: 'voicemail-html.eml',
    from: ['Voice Mail System', 'voicemail@pbx-notify-service.com'],
    subject: 'New voicemail from +81 3-5555-0199 (0:42)',
    date: 'Wed, 10 Apr 2024 09:12:00 +0900',
    auth: 'none',
    text: 'You have a new voice message (42 seconds). Open the attached file to listen.\n',
    attachments: [{ bytes: enc(voicemailPage), type: 'application/pdf', name: 'Voicemail_Transcript_0412.pdf' }],
  });

  const formPage =
    '<html><body><h3>Sign in to view the invoice</h3>' +
    '<form action="https://collect.invoice-statement-portal.click/post.php" method="post">' +
    '<input type="email" name="u"><input type="password" name="p"><button>View</button></form></body></html>';
  write({
    file: 'html-form.eml',
    from: ['Accounts Payable', 'ap@ledger-statements-online.com'],
    subject: 'Outstanding invoice statement',
    date: 'Thu, 11 Jan 2024 13:00:00 +0000',
    auth: 'none',
    html:
      '<p>Your invoice statement is attached. Sign in below if the attachment does not open.</p>' +
      '<form action="https://collect.invoice-statement-portal.click/post.php"><input type="password" name="p"></form>',
    attachments: [{ bytes: enc(formPage), type: 'text/html', name: 'Invoice_Statement.html' }],
  });

  write({
    file: 'qr-lure.eml',
    from: ['IT Security', 'security@mfa-renewal-notice.com'],
    subject: 'Two-factor authentication must be renewed',
    date: 'Tue, 05 Mar 2024 06:00:00 +0000',
    auth: 'none',
    text: 'Your two-factor authentication expires today. Scan the attached QR code with your phone to renew it and verify your account.\n',
    attachments: [{ bytes: qrPng('https://mfa-renew-portal.online/r/771'), type: 'image/png', name: 'renew.png' }],
  });

  const fakeProgram = new Uint8Array(512);
  fakeProgram.set(enc('MZ'), 0);
  fakeProgram.set(enc('This program cannot be run in DOS mode.'), 78);
  write({
    file: 'executable.eml',
    from: ['Payments', 'payments@remittance-advice-desk.com'],
    subject: 'Payment advice',
    date: 'Mon, 12 Feb 2024 09:00:00 +0000',
    auth: 'none',
    text: 'Please find the payment advice attached.\n',
    attachments: [{ bytes: fakeProgram, type: 'application/octet-stream', name: 'Payment_Advice.pdf.exe' }],
  });

  const idnHost = domainToASCII('tsukishirö-vs.co.jp');
  write({
    file: 'lookalike-sender.eml',
    from: ['Takuma Iwanaga <iwanaga@tsukishiro-vs.co.jp>', 'iwanaga@tsukishlro-vs.co.jp'],
    subject: '請求書の送付先変更のお願い',
    date: 'Mon, 04 Mar 2024 10:00:00 +0900',
    auth: 'fail',
    text:
      '経理ご担当者様\n\n今月より請求書の送付先と振込先口座が変わりました。\n' +
      `新しい口座情報は次のページでご確認ください。\nhttps://${idnHost}/billing\n\n岩永\n`,
  });

  write({
    file: 'advance-fee.eml',
    from: ['Barrister James Okoro', 'chambers@okoro-chambers-law.com'],
    to: 'undisclosed-recipients:;',
    subject: 'Unclaimed inheritance of your late relative',
    date: 'Sat, 16 Sep 2023 22:00:00 +0000',
    auth: 'none',
    extra: [['Reply-To', 'kizuki.sample.okoro.chambers@gmail.com']],
    text:
      'Dear friend,\n\nI am the personal attorney of a late client who shares your surname. He left an unclaimed deposit of ' +
      'US$ 8,500,000.00 and I am seeking his next of kin as beneficiary.\nReply to me with your full name and telephone number.\n\nBarrister James Okoro\n',
  });

  write({
    file: 'extortion.eml',
    from: ['', 'noreply@hidden-observer-mail.com'],
    subject: 'I know what you did',
    date: 'Sun, 21 Jan 2024 03:00:00 +0000',
    auth: 'none',
    text:
      'I have gained access to your device some months ago and recorded you through the camera while you visited adult websites.\n' +
      'Send $1450 in Bitcoin to my BTC wallet within 48 hours or the video goes to all of your contacts.\n',
  });

  write({
    file: 'prize-scam.eml',
    from: ['Clube de Pontos', 'premios@clube-pontos-premiados.com'],
    subject: 'Parabéns! Seus pontos vão expirar hoje',
    date: 'Fri, 24 Nov 2023 12:00:00 -0300',
    auth: 'none',
    text: 'Parabéns! Você acumulou 84.300 pontos. Resgate agora seus prêmios antes que expirem:\nhttps://resgate-pontos-premios.shop/r/8812\n',
  });

  write({
    file: 'spam-offer.eml',
    from: ['Ink Deals', 'deals@bulk-offers.example.org'],
    subject: 'HUGE SAVINGS ON PRINTER INK THIS WEEK',
    date: 'Wed, 06 Mar 2024 15:00:00 +0000',
    auth: 'none',
    extra: [['List-Unsubscribe', '<https://bulk-offers.example.org/unsubscribe?id=55>'], ['Precedence', 'bulk']],
    html:
      '<h1>70% off every cartridge</h1><p>Limited time: buy now and get free shipping on every order.</p>' +
      '<p><a href="https://bulk-offers.example.org/shop">Shop now</a></p>' +
      '<p><a href="https://bulk-offers.example.org/unsubscribe?id=55">Unsubscribe</a></p>',
  });

  write({
    file: 'bulk-mortgage-offer.eml',
    from: ['Rate Savers', 'offers@rate-savers.example.org'],
    subject: 'Lower your monthly payments today',
    date: 'Mon, 11 Mar 2024 09:00:00 +0000',
    auth: 'none',
    text:
      'Dear Homeowner,\n\nYou have been pre-approved for our lowest mortgage rates ever. Refinance now and save ' +
      'hundreds of dollars every month. No obligation, no credit check, no hidden fees. Our free quote takes only ' +
      'minutes. Guaranteed approval, even with bad credit. Thousands of satisfied customers have already saved. ' +
      'Act now, this special offer will not last!\n\nClick below for your free quote:\n' +
      'https://rate-savers.example.org/quote\n\nThis is an advertisement. You are receiving this message because you ' +
      'opted in to receive special offers from our marketing partners. To be removed from our mailing list, reply ' +
      'with REMOVE in the subject line.\n',
  });

  write({
    file: 'newsletter-allowed.eml',
    from: ['Camera Trade News', 'newsletter@camera-trade-news.example.net'],
    subject: 'This week in broadcast lenses',
    date: 'Thu, 07 Mar 2024 06:00:00 +0000',
    text: 'Three new cinema primes were announced this week. Read the full issue at https://camera-trade-news.example.net/issue/112\n',
  });

  write({
    file: 'obfuscated-wallet.eml',
    from: ['Wallet Support', 'support@wallet-upgrade-desk.com'],
    subject: '𝐘𝐨𝐮𝐫 𝐰𝐚𝐥𝐥𝐞𝐭 𝐮𝐩𝐠𝐫𝐚𝐝𝐞 𝐢𝐬 𝐩𝐞𝐧𝐝𝐢𝐧𝐠',
    date: 'Sat, 17 Feb 2024 05:00:00 +0000',
    auth: 'none',
    html:
      '<p>As а vаluеd usеr, you must upgrаdе your wаllеt bеforе Fеbruаry 24 or your аssеts will bе frozеn.</p>' +
      `<p>${'\u200c '.repeat(40)}</p>` +
      '<p><a href="https://wallet-upgrade-desk.com/upgrade">Upgrade now</a></p>',
  });

  write({
    file: 'image-only-offer.eml',
    from: ['#Reward_Centre#', 'kizuki.sample.rewards@gmail.com'],
    subject: '_Please_Confirm_Your_Reward_',
    date: 'Tue, 12 Dec 2023 18:00:00 +0000',
    auth: 'none',
    html: '<p><a href="https://tinyurl.com/kizuki-sample"><img src="https://i.imgur.com/kizukiSample.png" alt=""></a></p>',
  });

  write({
    file: 'partner-hello.eml',
    from: ['Greg Ostrander', 'greg.ostrander@halvorsen-imaging.com'],
    subject: 'Trade show dates',
    date: 'Thu, 11 May 2017 08:00:00 -0700',
    text: 'Hi Takuma,\n\nWe will be at the Tokyo show on 14-16 June. Let me know when you could meet.\n\nBest regards,\nGreg\n',
  });

  write({
    file: 'bounce-returned-lure.eml',
    from: ['Mail Delivery Subsystem', 'mailer-daemon@mx.nishikaze-media.jp'],
    subject: 'Undelivered Mail Returned to Sender',
    date: 'Wed, 12 Jul 2017 09:31:00 +0900',
    text:
      'This is the mail system at host mx.nishikaze-media.jp.\n\nI\'m sorry to have to inform you that your message could not be delivered.\n\n' +
      '<purchasing@nishikaze-media.jp>: mailbox unavailable\n\n--- Below this line is a copy of the message.\n\n' +
      `From: "Takuma Iwanaga" <${ORG_USER}>\nTo: ${ORG_USER}\nSubject: shared you a file\n\n` +
      'Takuma Iwanaga shared you a file on Google Docs. Open the Document and sign in with your email account to view it.\n',
  });

  const pdf = await makeLurePdf('https://docs.google.com.file-preview-share.online/d/77/view');
  write({
    file: 'partner-pdf-lure.eml',
    from: ['Greg Ostrander', 'greg.ostrander@halvorsen-imaging.com'],
    subject: 'Updated price list',
    date: 'Mon, 03 Jul 2017 06:29:12 -0700',
    text: 'Hello,\n\nPlease see the attached document.\n\nBest regards,\nGreg\n',
    attachments: [{ bytes: pdf, type: 'application/pdf', name: 'Price_List.pdf' }],
  });
}

await main();
console.log(`samples written to ${OUT}`);
