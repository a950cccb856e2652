import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { dkimSign } from 'mailauth';
import { analyse } from '../../src/mail/analyse.js';
import { parseAuthenticationResults, summariseTrustedHeaders } from '../../src/mail/authenticate.js';
import type { DnsResolver } from '../../src/mail/options.js';
import { parseReceivedChain } from '../../src/mail/received.js';
import { crlf, testOptions } from './core-fixtures.js';

describe('Received hops', () => {
  it('reads from/by/ip/with/date from common MTA formats, top to bottom', () => {
    const hops = parseReceivedChain([
      'from mail.partner.example (mail.partner.example. [203.0.113.5]) by mx.google.com with ESMTPS id x12si; Mon, 03 Jul 2017 06:30:01 -0700 (PDT)',
      'from [10.0.0.7] (helo=laptop) by mail.partner.example with esmtpsa (Exim 4.89) (envelope-from <a@partner.example>) id 1dS; Mon, 03 Jul 2017 14:30:00 +0100',
      'from unknown (HELO relay.example) (198.51.100.9) by qmail.example with SMTP; 3 Jul 2017 13:29:59 -0000',
      'from sender.example (sender.example [IPv6:2001:db8::25]) by relay.example (Postfix) with ESMTP id 3F2',
      'by 2002:a05:6838:1234:: with SMTP id abc; Mon, 3 Jul 2017 06:30:02 -0700',
    ]);
    assert.deepEqual(hops[0], { index: 0, from: 'mail.partner.example', by: 'mx.google.com', ip: '203.0.113.5', with: 'ESMTPS', date: '2017-07-03T13:30:01.000Z' });
    assert.equal(hops[1]!.ip, '10.0.0.7');
    assert.equal(hops[1]!.with, 'esmtpsa');
    assert.equal(hops[2]!.ip, '198.51.100.9');
    assert.equal(hops[2]!.from, 'unknown');
    assert.equal(hops[3]!.ip, '2001:db8::25');
    assert.equal(hops[3]!.date, undefined);
    assert.equal(hops[4]!.from, undefined);
    assert.equal(hops[4]!.by, '2002:a05:6838:1234::');
    assert.equal(hops[4]!.index, 4);
  });
});

describe('Authentication-Results (mode headers)', () => {
  it('parses methods, properties and comments', () => {
    const parsed = parseAuthenticationResults(
      'mx.google.com; dkim=pass header.i=@partner.example header.s=k1 header.b=abc; spf=pass (google.com: domain of a@partner.example designates 203.0.113.5 as permitted sender) smtp.mailfrom=a@partner.example; dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=partner.example',
    );
    assert.equal(parsed.authservId, 'mx.google.com');
    assert.deepEqual(
      parsed.entries.map((e) => [e.method, e.result]),
      [
        ['dkim', 'pass'],
        ['spf', 'pass'],
        ['dmarc', 'pass'],
      ],
    );
    assert.equal(parsed.entries[1]!.props['smtp.mailfrom'], 'a@partner.example');
    assert.match(parsed.entries[2]!.comment, /p=REJECT/);
  });

  const headers = (values: Array<[string, string]>) => values.map(([key, value]) => ({ key, value }));

  it('trusts the topmost header of a trusted host and ignores forged ones below the next Received', () => {
    const list = headers([
      ['received', 'from mail.partner.example ([203.0.113.5]) by mx.google.com'],
      ['authentication-results', 'mx.google.com; dkim=pass header.i=@partner.example header.s=k1; spf=softfail smtp.mailfrom=partner.example; dmarc=pass (p=QUARANTINE) header.from=partner.example; arc=none'],
      ['received', 'from attacker by mail.partner.example'],
      ['authentication-results', 'mx.google.com; dkim=pass header.d=forged.example; spf=pass smtp.mailfrom=forged.example'],
    ]);
    const summary = summariseTrustedHeaders(list, ['mx.google.com'], 'partner.example');
    assert.equal(summary.source, 'trusted-header');
    assert.equal(summary.trustedHost, 'mx.google.com');
    assert.deepEqual(summary.spf, { result: 'softfail', domain: 'partner.example' });
    assert.deepEqual(summary.dkim, [{ result: 'pass', domain: 'partner.example', selector: 'k1', aligned: true }]);
    assert.deepEqual(summary.dmarc, { result: 'pass', policy: 'quarantine', domain: 'partner.example' });
    assert.deepEqual(summary.arc, { result: 'none' });
  });

  it('says none when no header comes from a trusted host', () => {
    const list = headers([['authentication-results', 'evil.example; dkim=pass header.d=partner.example']]);
    const summary = summariseTrustedHeaders(list, ['mx.google.com'], 'partner.example');
    assert.equal(summary.source, 'none');
    assert.deepEqual(summary.dkim, []);
    assert.equal(summary.spf.result, 'none');
    assert.equal(summariseTrustedHeaders(list, [], 'partner.example').source, 'none');
  });

  it("reads Microsoft 365's id-less header under protection.outlook.com and marks unaligned DKIM", () => {
    const list = headers([
      [
        'authentication-results',
        'spf=pass (sender IP is 203.0.113.9) smtp.mailfrom=bulk.example; dkim=pass (signature was verified) header.d=bulk.example;dmarc=bestguesspass action=none header.from=shop.example;compauth=pass reason=109',
      ],
    ]);
    const summary = summariseTrustedHeaders(list, ['protection.outlook.com'], 'shop.example');
    assert.equal(summary.trustedHost, 'protection.outlook.com');
    assert.equal(summary.spf.domain, 'bulk.example');
    assert.deepEqual(summary.dkim, [{ result: 'pass', domain: 'bulk.example', aligned: false }]);
    assert.equal(summary.dmarc.result, 'none');
  });

  it('merges one-method-per-header results of the same host', () => {
    const list = headers([
      ['authentication-results', 'mail.proton.example; dkim=pass header.d=partner.example'],
      ['authentication-results', 'mail.proton.example; dmarc=fail (p=reject dis=none) header.from=partner.example'],
      ['authentication-results', 'mail.proton.example; spf=fail smtp.mailfrom=partner.example'],
      ['received', 'from x by mail.proton.example'],
    ]);
    const summary = summariseTrustedHeaders(list, ['mail.proton.example'], 'partner.example');
    assert.equal(summary.dkim.length, 1);
    assert.equal(summary.dmarc.result, 'fail');
    assert.equal(summary.dmarc.policy, 'reject');
    assert.equal(summary.spf.result, 'fail');
  });
});

describe('authentication (mode verify, offline)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicKeyBase64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const records: Record<string, string[][]> = {
    'k1._domainkey.partner.example': [[`v=DKIM1; k=rsa; p=${publicKeyBase64}`]],
    '_dmarc.partner.example': [['v=DMARC1; p=reject']],
    'partner.example': [['v=spf1 ip4:203.0.113.5 -all']],
  };
  const lookups: string[] = [];
  const resolver: DnsResolver = async (name, rrtype) => {
    lookups.push(`${rrtype} ${name}`);
    const found = rrtype === 'TXT' ? records[name.toLowerCase()] : undefined;
    if (!found) throw Object.assign(new Error(`no ${rrtype} record for ${name}`), { code: 'ENOTFOUND' });
    return found;
  };

  const message = crlf(
    'From: Sales <sales@partner.example>',
    'To: buyer@customer.example',
    'Subject: shared you a file',
    'Date: Mon, 03 Jul 2017 22:30:00 +0900',
    'Message-ID: <lure@partner.example>',
    '',
    'Please open the document.',
    '',
  );

  async function signed(): Promise<Buffer> {
    const result = await dkimSign(Buffer.from(message), {
      signingDomain: 'partner.example',
      selector: 'k1',
      privateKey: '',
      signatureData: [{ signingDomain: 'partner.example', selector: 'k1', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }],
    });
    assert.deepEqual(result.errors, []);
    return Buffer.concat([Buffer.from(result.signatures), Buffer.from(message)]);
  }

  it('passes SPF, aligned DKIM and DMARC for a correctly signed message', async () => {
    const options = testOptions({ auth: { mode: 'verify', trustedHosts: [], resolver, ip: '203.0.113.5', helo: 'mail.partner.example', mailFrom: 'sales@partner.example' } });
    const analysis = await analyse(await signed(), options);
    assert.equal(analysis.auth.source, 'verified');
    assert.deepEqual(analysis.auth.spf, { result: 'pass', domain: 'partner.example' });
    assert.deepEqual(analysis.auth.dkim, [{ result: 'pass', domain: 'partner.example', selector: 'k1', aligned: true }]);
    assert.equal(analysis.auth.dmarc.result, 'pass');
    assert.equal(analysis.auth.dmarc.policy, 'reject');
    assert.ok(lookups.includes('TXT k1._domainkey.partner.example'), 'the key came from the injected resolver');
    assert.deepEqual(analysis.errors, []);
  });

  it('fails DKIM when a signed header is changed, and DMARC too when SPF does not pass', async () => {
    const tampered = Buffer.from((await signed()).toString('utf8').replace('Subject: shared you a file', 'Subject: shared you a FILE'));
    const fromPermittedIp = await analyse(tampered, testOptions({ auth: { mode: 'verify', trustedHosts: [], resolver, ip: '203.0.113.5', mailFrom: 'sales@partner.example' } }));
    assert.equal(fromPermittedIp.auth.dkim[0]!.result, 'fail');
    const fromElsewhere = await analyse(tampered, testOptions({ auth: { mode: 'verify', trustedHosts: [], resolver, ip: '198.51.100.66', mailFrom: 'sales@partner.example' } }));
    assert.equal(fromElsewhere.auth.spf.result, 'fail');
    assert.equal(fromElsewhere.auth.dkim[0]!.result, 'fail');
    assert.equal(fromElsewhere.auth.dmarc.result, 'fail');
  });

  it('takes the connecting IP from the top Received hop when none is given', async () => {
    const withHop = Buffer.concat([Buffer.from('Received: from mail.partner.example (mail.partner.example [203.0.113.5]) by mx.customer.example with ESMTP; Mon, 03 Jul 2017 22:30:01 +0900\r\n'), await signed()]);
    const analysis = await analyse(withHop, testOptions({ auth: { mode: 'verify', trustedHosts: [], resolver, mailFrom: 'sales@partner.example' } }));
    assert.equal(analysis.auth.spf.result, 'pass');
  });

  it("mode 'off' looks at nothing", async () => {
    const analysis = await analyse(await signed(), testOptions({ auth: { mode: 'off', trustedHosts: ['mx.google.com'], resolver } }));
    assert.equal(analysis.auth.source, 'none');
    assert.deepEqual(analysis.auth.dkim, []);
  });
});
