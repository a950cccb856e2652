// IMAP failures in plain words: which step failed, whether trying again can help, and never a secret.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeImapError } from '../../src/providers/imap/errors.js';
import { parseImapCursor } from '../../src/providers/imap/provider.js';

const where = { host: 'imap.example.jp', port: 993, user: 'a@example.jp' };

describe('IMAP errors and cursors', () => {
  it('tells a refused login from a server that cannot check logins just now', () => {
    const refused = describeImapError({ message: 'Command failed', authenticationFailed: true, serverResponseCode: 'AUTHENTICATIONFAILED', responseText: 'Authentication failed.' }, where);
    assert.equal(refused.stage, 'auth');
    assert.equal(refused.retryable, false);
    assert.match(refused.message, /refused the login for a@example\.jp/);
    const busy = describeImapError({ message: 'Command failed', authenticationFailed: true, serverResponseCode: 'UNAVAILABLE', responseText: 'Temporary authentication failure.' }, where);
    assert.equal(busy.retryable, true);
    assert.match(busy.message, /could not check the login/);
  });

  it('names network failures as retryable, with the server', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET']) {
      const d = describeImapError(Object.assign(new Error('x'), { code }), where);
      assert.equal(d.stage, 'reach', code);
      assert.equal(d.retryable, true, code);
      assert.match(d.message, /imap\.example\.jp/);
    }
    const tls = describeImapError(new Error('self-signed certificate in certificate chain'), where);
    assert.equal(tls.retryable, false);
    assert.match(tls.message, /tlsVerify/);
  });

  it('reads UIDVALIDITY:UID cursors and refuses anything else', () => {
    assert.deepEqual(parseImapCursor('1796176773:42'), { uidValidity: '1796176773', uid: 42 });
    assert.equal(parseImapCursor('42'), undefined);
    assert.equal(parseImapCursor('a:b'), undefined);
    assert.equal(parseImapCursor(undefined), undefined);
  });
});
