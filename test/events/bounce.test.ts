import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bounceSummary, parseBounce } from '../../src/events/bounce.js';
import { evaluateBounces } from '../../src/events/bounce-eval.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const corpus = path.resolve(repoRoot, '../shared/corpus');

const crlf = (lines: string[]) => new TextEncoder().encode(lines.join('\r\n'));

const DSN = crlf([
  'From: Mail Delivery System <MAILER-DAEMON@mx.kawase-eizou.co.jp>',
  'To: iwanaga@tsukishiro-vs.co.jp',
  'Subject: Undelivered Mail Returned to Sender',
  'MIME-Version: 1.0',
  'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain',
  '',
  'Your message could not be delivered to one recipient.',
  '--b1',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mx.kawase-eizou.co.jp',
  'Arrival-Date: Wed, 12 Jul 2017 09:30:01 +0900',
  '',
  'Final-Recipient: rfc822; tanaka@kawase-eizou.co.jp',
  'Original-Recipient: rfc822;tanaka@kawase-eizou.co.jp',
  'Action: failed',
  'Status: 5.1.1',
  'Remote-MTA: dns; mail.kawase-eizou.co.jp',
  'Diagnostic-Code: smtp; 550 5.1.1 <tanaka@kawase-eizou.co.jp>: mailbox',
  '  does not exist',
  '',
  'Final-Recipient: rfc822; sato@kawase-eizou.co.jp',
  'Action: delivered',
  'Status: 2.0.0',
  '',
  '--b1',
  'Content-Type: text/rfc822-headers',
  '',
  'From: iwanaga@tsukishiro-vs.co.jp',
  'Subject: shared you a file',
  'Message-ID: <lure-1@mail.gmail.com>',
  '',
  '--b1--',
  '',
]);

test('an RFC 3464 report yields the failed recipient, status, diagnostic, reporting MTA and original message', async () => {
  const report = await parseBounce(DSN);
  assert.ok(report);
  assert.equal(report.kind, 'dsn');
  assert.equal(report.failed, true);
  assert.deepEqual(report.recipients, ['tanaka@kawase-eizou.co.jp']);
  assert.equal(report.status, '5.1.1');
  assert.match(report.diagnostic ?? '', /mailbox does not exist/);
  assert.equal(report.reportingMta, 'mx.kawase-eizou.co.jp');
  assert.equal(report.original.messageId, '<lure-1@mail.gmail.com>');
  assert.equal(report.original.subject, 'shared you a file');
  const summary = await bounceSummary(DSN);
  assert.deepEqual(summary, {
    kind: 'dsn',
    recipients: ['tanaka@kawase-eizou.co.jp'],
    status: '5.1.1',
    diagnostic: report.diagnostic,
    reportingMta: 'mx.kawase-eizou.co.jp',
    originalMessageId: '<lure-1@mail.gmail.com>',
  });
});

test('a plain-text qmail-style notice with bare CR line endings is a non-standard bounce', async () => {
  const raw = new TextEncoder().encode(
    [
      'From: MAILER-DAEMON@mx.hikari-av.co.jp',
      'To: iwanaga@tsukishiro-vs.co.jp',
      'Subject: failure notice',
      '',
      "Hi. This is the delivery program at mx.hikari-av.co.jp. I could not deliver your message to these addresses.",
      '',
      '<kato@hikari-av.co.jp>:',
      'remote host said: 550 5.1.1 no such user here',
      '',
      '--- Below this line is a copy of the message.',
      '',
      'From: iwanaga@tsukishiro-vs.co.jp',
      'To: iwanaga@tsukishiro-vs.co.jp',
      'Subject: shared you a file',
      'Message-ID: <lure-2@mail.gmail.com>',
      '',
      'see the file',
    ].join('\r'),
  );
  const report = await parseBounce(raw);
  assert.ok(report);
  assert.equal(report.kind, 'non-standard-bounce');
  assert.deepEqual(report.recipients, ['kato@hikari-av.co.jp']);
  assert.equal(report.status, '5.1.1');
  assert.equal(report.original.messageId, '<lure-2@mail.gmail.com>');
});

test('an out-of-office reply is an auto-reply, not a failed delivery; ordinary mail is neither', async () => {
  const reply = crlf(['From: hori@tsukishiro-vs.co.jp', 'To: k.sato@kitaura-studio.co.jp', 'Subject: 自動応答: 7月10日の打ち合わせ', 'Auto-Submitted: auto-replied', '', '7月14日まで不在にしております。', '']);
  const report = await parseBounce(reply);
  assert.equal(report?.kind, 'auto-reply');
  assert.equal(report?.failed, false);
  const ordinary = crlf(['From: hori@tsukishiro-vs.co.jp', 'To: iwanaga@tsukishiro-vs.co.jp', 'Subject: meeting notes', '', 'Notes attached.', '']);
  assert.equal(await parseBounce(ordinary), undefined);
});

test('real bounces in ../shared/corpus/bounce: recipients and statuses found, non-bounces not counted', async (t) => {
  if (!existsSync(corpus)) {
    if (process.env.CI) assert.fail('../shared/corpus not found');
    t.skip('../shared/corpus not found beside the repository');
    return;
  }
  const result = await evaluateBounces(corpus);
  t.diagnostic(JSON.stringify({ ...result, errors: result.errors.length }));
  assert.equal(result.errors.length, 0, 'no file makes the parser throw');
  assert.ok(result.labelledBounces >= 500);
  // floors a little under what the parser reached (522 / 522 / 522 of 536, 485 naming a reason; 19 / 20; 11 / 11)
  assert.ok(result.detected >= 515, `bounces recognised: ${result.detected}`);
  assert.ok(result.withRecipient >= 515, `with a recipient: ${result.withRecipient}`);
  assert.ok(result.withRecipientAndStatus / result.labelledBounces >= 0.95, `with recipient and status: ${result.withRecipientAndStatus}`);
  assert.ok(result.withRecipientAndSpecificStatus >= 480, `with a status naming a reason: ${result.withRecipientAndSpecificStatus}`);
  assert.ok(result.nonBouncesNotCounted >= 18, `auto-replies and feedback reports not counted: ${result.nonBouncesNotCounted}`);
  assert.ok(result.feedbackReportsRecognised >= 10, `feedback reports recognised: ${result.feedbackReportsRecognised}`);
});
