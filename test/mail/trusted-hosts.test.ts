// The receiving hosts trusted by default (Gmail's mx.google.com, Microsoft 365's protection hosts), '*.' entries, and
// why a trusted name inside a message is not enough: the header must sit in the receiving platform's own hops.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/config.js';
import { summariseTrustedHeaders } from '../../src/mail/authenticate.js';
import { DEFAULT_TRUSTED_HOSTS } from '../../src/mail/options.js';

const headers = (values: Array<[string, string]>) => values.map(([key, value]) => ({ key, value }));
const DEFAULTS = [...DEFAULT_TRUSTED_HOSTS];

const GMAIL = headers([
  ['delivered-to', 'm.sato@minato-seiki.co.jp'],
  ['received', 'by 2002:a05:7300:5b8a:b0:15f:2c1:4e10 with SMTP id k10csp1204512dyb; Tue, 2 Dec 2025 01:02:03 -0800 (PST)'],
  ['received', 'from mail-sor-f69.google.com (mail-sor-f69.google.com. [209.85.220.69]) by mx.google.com with SMTPS id a1sor2.2025.12.02.01.02.03'],
  ['authentication-results', 'mx.google.com; dkim=pass header.i=@google.com header.s=20230601; spf=pass smtp.mailfrom=x@doclist.bounces.google.com; dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=google.com'],
  ['from', 'drive-shares-dm-noreply@google.com'],
]);

const M365 = headers([
  ['received', 'from TYZPR01MB4639.apcprd06.prod.outlook.com (2603:1096:ad6:86::f6) by TYZPR01MB2278.apcprd06.prod.outlook.com with HTTPS'],
  ['received', 'from TYCP286CA3239.JPNP286.PROD.OUTLOOK.COM (2603:1096:ccf:ca::bc) by TYZPR01MB2278.apcprd06.prod.outlook.com'],
  ['authentication-results', 'spf=pass (sender IP is 40.107.85.39) smtp.mailfrom=sharepointonline.com; dkim=pass (signature was verified) header.d=sharepointonline.com;dmarc=pass action=none header.from=sharepointonline.com;compauth=pass reason=100'],
  ['received', 'from NAM12-MW2-obe.outbound.protection.outlook.com (40.107.85.39) by TY2PEPF0000AB83.mail.protection.outlook.com'],
]);

describe('auth: receiving hosts trusted by default', () => {
  it('the configuration trusts Gmail and Microsoft 365 unless told otherwise, and [] trusts none', () => {
    assert.deepEqual(parseConfig({}).auth.trustedHosts, DEFAULTS);
    assert.ok(DEFAULTS.includes('mx.google.com') && DEFAULTS.includes('protection.outlook.com'));
    assert.deepEqual(parseConfig({ auth: { trustedHosts: [] } }).auth.trustedHosts, []);
    assert.deepEqual(parseConfig({ auth: { trustedHosts: ['mx.example.org'] } }).auth.trustedHosts, ['mx.example.org']);
  });

  it("reads Gmail's header under the defaults", () => {
    const summary = summariseTrustedHeaders(GMAIL, DEFAULTS, 'google.com');
    assert.equal(summary.source, 'trusted-header');
    assert.equal(summary.trustedHost, 'mx.google.com');
    assert.deepEqual(summary.dkim, [{ result: 'pass', domain: 'google.com', selector: '20230601', aligned: true }]);
    assert.equal(summary.dmarc.result, 'pass');
  });

  it("reads a Microsoft 365 tenant's header under the defaults", () => {
    const summary = summariseTrustedHeaders(M365, DEFAULTS, 'sharepointonline.com');
    assert.equal(summary.source, 'trusted-header');
    assert.equal(summary.trustedHost, 'protection.outlook.com');
    assert.equal(summary.dkim[0]?.aligned, true);
  });

  it("'*.' entries trust hosts under a domain and nothing that merely ends with its name", () => {
    const named = (id: string) => headers([['authentication-results', `${id}; dkim=pass header.d=partner.example; dmarc=pass header.from=partner.example`]]);
    assert.equal(summariseTrustedHeaders(named('eur05.prod.protection.outlook.com'), DEFAULTS, 'partner.example').source, 'trusted-header');
    assert.equal(summariseTrustedHeaders(named('am6pr02.prod.outlook.com'), DEFAULTS, 'partner.example').source, 'trusted-header');
    assert.equal(summariseTrustedHeaders(named('protection.outlook.com.evil.example'), DEFAULTS, 'partner.example').source, 'none');
    assert.equal(summariseTrustedHeaders(named('xprotection.outlook.com'), DEFAULTS, 'partner.example').source, 'none');
    assert.equal(summariseTrustedHeaders(named('mx.google.com.evil.example'), DEFAULTS, 'partner.example').source, 'none');
  });

  it('does not believe a Google or Microsoft header the sender wrote, on a server that is neither', () => {
    const forged = headers([
      ['received', 'from mail.attacker.example (mail.attacker.example [198.51.100.7]) by mx.example-dovecot.org with ESMTPS'],
      ['received', 'from x by mx.google.com'],
      ['authentication-results', 'mx.google.com; dkim=pass header.d=google.com; dmarc=pass header.from=google.com'],
      ['authentication-results', 'spf=pass smtp.mailfrom=google.com; dkim=pass header.d=google.com;dmarc=pass action=none header.from=google.com'],
    ]);
    const summary = summariseTrustedHeaders(forged, DEFAULTS, 'google.com');
    assert.equal(summary.source, 'none');
    assert.deepEqual(summary.dkim, []);
  });

  it('on Gmail, a forged Microsoft header below Gmail’s own stays unread', () => {
    const withForgery = [
      ...GMAIL.slice(0, 3),
      ...headers([
        ['authentication-results', 'mx.google.com; dkim=none; spf=softfail smtp.mailfrom=x@attacker.example; dmarc=fail (p=REJECT) header.from=google.com'],
        ['received', 'from attacker by mail.attacker.example'],
        ['authentication-results', 'spf=pass smtp.mailfrom=google.com; dkim=pass header.d=google.com;dmarc=pass action=none header.from=google.com'],
      ]),
    ];
    const summary = summariseTrustedHeaders(withForgery, DEFAULTS, 'google.com');
    assert.equal(summary.trustedHost, 'mx.google.com');
    assert.equal(summary.dmarc.result, 'fail');
    assert.deepEqual(summary.dkim, []);
  });
});
