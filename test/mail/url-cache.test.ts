// The host lookups of src/mail/url.ts are remembered per hostname; what is remembered must be
// what a fresh lookup gives, also across the point where the memory is emptied.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse as parseDomain } from 'tldts';
import { hostFacts, lookUpHostFacts, makeLink, registrableDomain } from '../../src/mail/url.js';

const HOSTNAMES = [
  'www.example.co.uk',
  'EXAMPLE.com',
  'xn--80ak6aa92e.com',
  'bücher.example',
  'example.com.',
  '[2001:db8::1]',
  '192.0.2.7',
  'localhost',
  'foo.blogspot.com',
  'a.b.c.github.io',
  'unknown-suffix.zzzz',
  '',
];

describe('remembered host lookups', () => {
  it('give what a fresh lookup gives, before and after the memory is emptied', () => {
    const expected = HOSTNAMES.map((hostname) => lookUpHostFacts(hostname));
    for (let round = 0; round < 3; round++) {
      for (const [i, hostname] of HOSTNAMES.entries()) assert.deepEqual(hostFacts(hostname), expected[i], hostname);
      // more distinct hosts than the memory holds, so the next round starts after an emptying
      for (let n = 0; n < 5000; n++) hostFacts(`h${round}-${n}.example.org`);
    }
    for (let n = 0; n < 5000; n += 499) assert.deepEqual(hostFacts(`h2-${n}.example.org`), lookUpHostFacts(`h2-${n}.example.org`));
  });

  it('registrableDomain matches the public-suffix list, IPs and private suffixes included', () => {
    for (let round = 0; round < 2; round++) {
      for (const host of [...HOSTNAMES, 'sub.foo.blogspot.com', '10.0.0.1', 'mail.google.com']) {
        const parsed = parseDomain(host, { allowPrivateDomains: false });
        assert.equal(registrableDomain(host), parsed.isIp ? '' : (parsed.domain ?? ''), host);
      }
      for (let n = 0; n < 5000; n++) registrableDomain(`r${round}-${n}.example.net`);
    }
  });

  it('two links to one host carry equal facts but are separate objects', () => {
    const a = makeLink('https://Login.Example.co.uk/a', 'text')!;
    const b = makeLink('https://login.example.co.uk./b', 'html-href', 'login.example.co.uk')!;
    assert.equal(a.host, 'login.example.co.uk');
    assert.equal(a.registrableDomain, 'example.co.uk');
    assert.equal(b.host, 'login.example.co.uk');
    assert.notEqual(a, b);
    a.host = 'changed';
    assert.equal(makeLink('https://login.example.co.uk/c', 'text')!.host, 'login.example.co.uk');
  });
});
