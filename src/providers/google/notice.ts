// A notice mail as RFC 822 bytes for Gmail's messages.send: UTF-8 text (and HTML when given), headers encoded so
// Japanese subjects and names travel safely. The Message-ID comes from the action's idempotency key, so a retried
// send can be recognised in the sender's mailbox.

export interface NoticeInput {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html?: string;
  messageId: string;
  date: Date;
}

function encodeWord(value: string): string {
  // plain ASCII without control characters stays as it is; anything else becomes RFC 2047 base64 words
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  const words: string[] = [];
  let chunk = '';
  for (const ch of value) {
    if (Buffer.byteLength(chunk + ch) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join('\r\n ');
}

function base64Lines(text: string): string {
  return (Buffer.from(text).toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

function safeAddress(address: string): string {
  if (/[\r\n<>,]/.test(address) || !address.includes('@')) throw new Error(`not a plain e-mail address: ${JSON.stringify(address)}`);
  return address;
}

export function buildNotice(input: NoticeInput): { bytes: Uint8Array; messageId: string } {
  const boundary = `kizuki-${input.messageId.replace(/[^A-Za-z0-9]/g, '').slice(0, 24)}`;
  const head = [
    `From: ${safeAddress(input.from)}`,
    `To: ${input.to.map(safeAddress).join(', ')}`,
    `Subject: ${encodeWord(input.subject.replace(/[\r\n]+/g, ' '))}`,
    `Date: ${input.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${input.messageId}>`,
    'MIME-Version: 1.0',
  ];
  let body: string[];
  if (input.html) {
    head.push(`Content-Type: multipart/alternative; boundary="${boundary}"`);
    body = [
      `--${boundary}`,
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(input.text),
      `--${boundary}`,
      'Content-Type: text/html; charset=UTF-8',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(input.html),
      `--${boundary}--`,
      '',
    ];
  } else {
    head.push('Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: base64');
    body = [base64Lines(input.text), ''];
  }
  return { bytes: new Uint8Array(Buffer.from([...head, '', ...body].join('\r\n'))), messageId: input.messageId };
}
