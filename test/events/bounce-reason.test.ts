import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBounce } from '../../src/events/bounce.js';
import { statusClass, statusFromText, undefinedStatus } from '../../src/events/bounce-reason.js';

const crlf = (lines: string[]) => new TextEncoder().encode(lines.join('\r\n'));

test('bounce reasons: the words of many mail systems give the RFC 3463 status sisimai would', () => {
  const cases: Array<[string, string, string]> = [
    ['<t.mori@asahi-av.co.jp>... User unknown', '5.1.1', 'userunknown'],
    ['sorry, no mailbox here by that name', '5.1.1', 'userunknown'],
    ['The recipient name is not recognized', '5.1.1', 'userunknown'],
    ['User t.mori not listed in Domino Directory', '5.1.1', 'userunknown'],
    ['Requested action not taken: mailbox unavailable', '5.1.1', 'userunknown'],
    ['指定された宛先は存在しません', '5.1.1', 'userunknown'],
    ['Mailbox is full (quota exceeded)', '5.2.2', 'mailboxfull'],
    ["This account is over quota and can't receive mail", '5.2.2', 'mailboxfull'],
    ['受信者のメールボックスの容量がいっぱいです', '5.2.2', 'mailboxfull'],
    ['The message size exceeds the maximum allowed size', '5.3.4', 'mesgtoobig'],
    ['メールサイズが制限を超えています', '5.3.4', 'mesgtoobig'],
    ['Host unknown (Name server: mx.kaede.example: host not found)', '5.1.2', 'hostunknown'],
    ['No MX record for domain kaede.example', '5.1.2', 'hostunknown'],
    ['Message rejected as spam by Content Filtering', '5.7.1', 'rejected'],
    ['お客様のメールは受信拒否設定により届きませんでした', '5.7.1', 'rejected'],
    ['account is disabled', '5.2.1', 'suspend'],
    ['Connection timed out while talking to mx.kaede.example', '5.4.1', 'networkerror'],
    ['retry timeout exceeded', '5.4.7', 'expired'],
  ];
  for (const [words, status, reason] of cases) {
    const found = statusFromText([words], '5');
    assert.equal(found?.status, status, words);
    assert.equal(found?.reason, reason, words);
  }
  assert.equal(statusFromText(['<expired@kaede.example>: see the transcript'], '5'), undefined, 'an address is not a reason');
  assert.equal(statusFromText(['Thank you for your order'], '5'), undefined);
});

test('bounce reasons: a delay warning reports class 4, a bare reply code or failure wording X.0.0', () => {
  assert.equal(statusClass('THIS IS A WARNING MESSAGE ONLY. Delivery has been delayed.'), '4');
  assert.equal(statusClass('This is a permanent error.'), '5');
  assert.equal(statusFromText(['Message delayed: connection refused by mx.kaede.example'], '4')?.status, '4.4.1');
  assert.equal(undefinedStatus('550', ''), '5.0.0');
  assert.equal(undefinedStatus(undefined, 'Your message could not be delivered.'), '5.0.0');
  assert.equal(undefinedStatus(undefined, 'Hello, here is the agenda.'), undefined);
});

test('a plain-text notice without any code yields the recipient and the status from its words', async () => {
  const report = await parseBounce(
    crlf([
      'From: Mail Administrator <postmaster@mail.kaede-denki.co.jp>',
      'To: m.okada@kuwabara-seiki.co.jp',
      'Subject: Undeliverable Mail',
      '',
      'We could not deliver your message.',
      '',
      '<t.mori@kaede-denki.co.jp>: the recipient mailbox is full, try again later',
      '',
    ]),
  );
  assert.equal(report?.kind, 'non-standard-bounce');
  assert.deepEqual(report?.recipients, ['t.mori@kaede-denki.co.jp']);
  assert.equal(report?.status, '5.2.2');
  assert.equal(report?.reason, 'mailboxfull');
});

test('a report whose MIME boundary never occurs is read from its raw body', async () => {
  const report = await parseBounce(
    crlf([
      'From: Mail Delivery System <MAILER-DAEMON@mx.kaede-denki.co.jp>',
      'To: m.okada@kuwabara-seiki.co.jp',
      'Subject: Undelivered Mail Returned to Sender',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="declared-but-never-used"',
      '',
      '--some-other-boundary',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered to one or more recipients.',
      '',
      '--some-other-boundary',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.kaede-denki.co.jp',
      '',
      'Final-Recipient: rfc822; t.mori@kaede-denki.co.jp',
      'Action: failed',
      'Status: 5.1.1',
      '',
      '--some-other-boundary--',
      '',
    ]),
  );
  assert.deepEqual(report?.recipients, ['t.mori@kaede-denki.co.jp']);
  assert.equal(report?.status, '5.1.1');
});

test('a notice that names no address falls back to the recipients of the returned message', async () => {
  const report = await parseBounce(
    crlf([
      'From: MAILER-DAEMON@mx.kaede-denki.co.jp',
      'To: m.okada@kuwabara-seiki.co.jp',
      'Subject: Returned mail: User unknown',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      '----- The following addresses had permanent delivery errors -----',
      '',
      '--b',
      'Content-Type: message/rfc822',
      '',
      'From: m.okada@kuwabara-seiki.co.jp',
      'To: t.mori@kaede-denki.co.jp',
      'Subject: お見積りの件',
      'Message-ID: <q-1@kuwabara-seiki.co.jp>',
      '',
      'body',
      '--b--',
      '',
    ]),
  );
  assert.deepEqual(report?.recipients, ['t.mori@kaede-denki.co.jp']);
  assert.equal(report?.status, '5.1.1', 'read from the subject');
  assert.equal(report?.original.messageId, '<q-1@kuwabara-seiki.co.jp>');
});
