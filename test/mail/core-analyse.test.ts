import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { analyse } from '../../src/mail/analyse.js';
import { ANALYSIS_SCHEMA, type Analysis } from '../../src/model/analysis.js';
import { lf, testOptions } from './core-fixtures.js';

function assertComplete(analysis: Analysis, raw: Uint8Array): void {
  assert.equal(analysis.schema, ANALYSIS_SCHEMA);
  assert.equal(analysis.sha256, createHash('sha256').update(raw).digest('hex'));
  assert.equal(analysis.size, raw.byteLength);
  // JSON-safe: survives a round trip unchanged
  assert.deepEqual(JSON.parse(JSON.stringify(analysis)), analysis);
  for (const key of ['from', 'to', 'cc', 'bcc', 'headers', 'received', 'attachments', 'links', 'auth', 'facts', 'errors'] as const) {
    assert.ok(analysis[key] !== undefined, `${key} is filled`);
  }
}

describe('analyse()', () => {
  it('never throws: empty, binary, random and non-byte input each give an Analysis with errors', async () => {
    const inputs: Uint8Array[] = [
      new Uint8Array(0),
      Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256),
      Buffer.from('\x00\x01\x02 not a mail at all \xff\xfe'),
      Buffer.from('Content-Type: multipart/mixed; boundary="never-closed"\n\n--never-closed\nContent-Transfer-Encoding: base64\n\n!!!not base64!!!\n'),
    ];
    for (const raw of inputs) {
      const analysis = await analyse(raw, testOptions());
      assertComplete(analysis, raw);
    }
    const empty = await analyse(new Uint8Array(0), testOptions());
    assert.ok(empty.errors.some((e) => e.stage === 'parse'));
    const notBytes = await analyse('a string' as unknown as Uint8Array, testOptions());
    assert.ok(notBytes.errors.some((e) => /not a byte array/.test(e.message)));
  });

  it('fills the whole model for a lure with an HTML body and a forwarded message', async () => {
    const raw = lf(
      'Received: from mail.partner.example (mail.partner.example [203.0.113.5]) by mx.customer.example with ESMTPS; Mon, 03 Jul 2017 22:30:01 +0900',
      'Authentication-Results: mx.customer.example; dkim=pass header.d=partner.example header.s=k1; spf=pass smtp.mailfrom=partner.example; dmarc=pass (p=none) header.from=partner.example',
      'From: "John Smith" <john@partner.example>',
      'Sender: relay@partner.example',
      'To: buyer@customer.example',
      'Subject: shared you a file',
      'Date: Mon, 03 Jul 2017 22:30:00 +0900',
      'Message-ID: <lure-1@partner.example>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="OUTER"',
      '',
      '--OUTER',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>I have shared a file with you.</p><p><a href="https://docs-google.example.net/view">Document</a></p>',
      '--OUTER',
      'Content-Type: message/rfc822',
      'Content-Disposition: attachment; filename="earlier.eml"',
      '',
      'From: someone@elsewhere.example',
      'Subject: earlier',
      'Content-Type: text/plain',
      '',
      'The earlier note pointed to https://forwarded.example/page here.',
      '--OUTER--',
      '',
    );
    const analysis = await analyse(raw, testOptions({ auth: { mode: 'headers', trustedHosts: ['mx.customer.example'] } }));
    assertComplete(analysis, raw);
    assert.equal(analysis.subject, 'shared you a file');
    assert.equal(analysis.sender?.address, 'relay@partner.example');
    assert.equal(analysis.received[0]!.ip, '203.0.113.5');
    assert.equal(analysis.auth.source, 'trusted-header');
    assert.equal(analysis.auth.dkim[0]!.aligned, true);
    assert.match(analysis.text, /I have shared a file with you\./, 'text derived from the HTML body');
    const document = analysis.links.find((l) => l.foundIn === 'html-href');
    assert.equal(document?.url, 'https://docs-google.example.net/view');
    assert.equal(document?.text, 'Document');
    assert.equal(document?.registrableDomain, 'example.net');
    assert.ok(analysis.attachments.some((a) => a.declaredType === 'message/rfc822'));
    assert.ok(
      analysis.links.some((l) => l.url === 'https://forwarded.example/page'),
      'links in an attached message are found too',
    );
    assert.equal(analysis.facts.attachmentCount, analysis.attachments.length);
    assert.equal(analysis.facts.linkCount, analysis.links.length);
    assert.equal(analysis.facts.language, 'en');
  });

  it('takes the HTML text when the text/plain part is only a placeholder', async () => {
    const raw = lf(
      'From: a@b.example',
      'Content-Type: multipart/alternative; boundary="A"',
      '',
      '--A',
      'Content-Type: text/plain',
      '',
      'Enable HTML.',
      '--A',
      'Content-Type: text/html',
      '',
      '<p>Your mailbox is full. Sign in to keep receiving mail.</p>',
      '--A--',
    );
    const analysis = await analyse(raw, testOptions());
    assert.equal(analysis.text, 'Your mailbox is full. Sign in to keep receiving mail.');
  });

  it("gives a bounce the returned message's headers, and leaves them off other mail", async () => {
    const bounce = lf(
      'From: Mail Delivery System <MAILER-DAEMON@mx.customer.example>',
      'To: taro@victim.example',
      'Subject: Undelivered Mail Returned to Sender',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="R"',
      '',
      '--R',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--R',
      'Content-Type: message/delivery-status',
      '',
      'Final-Recipient: rfc822; gone@customer.example',
      'Action: failed',
      'Status: 5.1.1',
      '--R',
      'Content-Type: text/rfc822-headers',
      '',
      'From: Taro <taro@victim.example>',
      'To: gone@customer.example',
      'Subject: =?UTF-8?B?44OV44Kh44Kk44Or44KS5YWx5pyJ44GX44G+44GX44Gf?=',
      'Message-ID: <lure-7@victim.example>',
      'Date: Tue, 11 Jul 2017 17:21:47 -0700',
      'Content-Type: multipart/mixed; boundary="gone"',
      '',
      '--R--',
    );
    const analysis = await analyse(bounce, testOptions());
    assert.equal(analysis.facts.isBounce, true);
    assert.deepEqual(analysis.returnedMessage, {
      from: { name: 'Taro', address: 'taro@victim.example', domain: 'victim.example' },
      to: [{ name: '', address: 'gone@customer.example', domain: 'customer.example' }],
      subject: 'ファイルを共有しました',
      messageId: '<lure-7@victim.example>',
      date: '2017-07-12T00:21:47.000Z',
    });
    assert.deepEqual(analysis.errors, []);
    const ordinary = await analyse(lf('From: a@b.example', 'Subject: hi', '', 'x'), testOptions());
    assert.equal(ordinary.returnedMessage, undefined);
  });

  it('keeps the link limit and says so', async () => {
    const urls = Array.from({ length: 30 }, (_, i) => `https://site${i}.example/`).join(' ');
    const analysis = await analyse(lf('From: a@b.example', '', urls), testOptions({ limits: { ...testOptions().limits, maxLinks: 10 } }));
    assert.equal(analysis.links.length, 10);
    assert.ok(analysis.errors.some((e) => e.stage === 'limit' && /20 more links/.test(e.message)));
  });
});
