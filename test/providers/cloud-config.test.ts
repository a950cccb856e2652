// Google and Microsoft entries in kizuki.config.yaml: validated with clear errors, built by the one provider factory,
// and checked by `kizuki connect`'s checkProviders against the fakes.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { ConfigError, parseConfig } from '../../src/config.js';
import { createProvider } from '../../src/providers/index.js';
import { checkProviders, formatConnectReport } from '../../src/watch/connect.js';
import { FakeGoogle } from '../support/fake-google.js';

test('google and microsoft entries parse; a missing secret source or a bad field is named', () => {
  const config = parseConfig({
    providers: [
      { kind: 'google', name: 'g', adminEmail: 'admin@example.jp', serviceAccountKeyFile: '/etc/kizuki/key.json' },
      { kind: 'microsoft', name: 'm', tenantId: 'example.onmicrosoft.com', clientId: 'abc', clientSecretEnv: 'GRAPH_SECRET' },
    ],
  });
  assert.deepEqual(config.providers.map((p) => p.kind), ['google', 'microsoft']);
  const google = config.providers[0];
  assert.ok(google?.kind === 'google');
  assert.deepEqual(google.reports, ['login', 'admin', 'token', 'user_accounts']);
  assert.equal(google.quarantineLabel, 'Kizuki-Quarantine');
  assert.throws(() => parseConfig({ providers: [{ kind: 'google', name: 'g', adminEmail: 'admin@example.jp' }] }), (e: Error) => e instanceof ConfigError && /serviceAccountKeyFile or serviceAccountKeyEnv/.test(e.message));
  assert.throws(() => parseConfig({ providers: [{ kind: 'microsoft', name: 'm', tenantId: 't', clientId: 'c', clientSecretEnv: 'S', folders: ['drafts'] }] }), (e: Error) => e instanceof ConfigError && /folders/.test(e.message));
  assert.throws(() => parseConfig({ providers: [{ kind: 'google', name: 'g', adminEmail: 'admin@example.jp', serviceAccountKeyEnv: 'K', password: 'x' }] }), ConfigError);
});

test('the factory builds each kind, and a missing secret is a clear error that shows no value', async () => {
  const config = parseConfig({ providers: [{ kind: 'microsoft', name: 'm', tenantId: 't', clientId: 'c', clientSecretEnv: 'GRAPH_SECRET' }] });
  const entry = config.providers[0];
  assert.ok(entry);
  await assert.rejects(createProvider(entry, { env: {} }), /GRAPH_SECRET is not set/);
  const provider = await createProvider(entry, { env: { GRAPH_SECRET: 'hunter2-secret' } });
  assert.equal(provider.kind, 'microsoft');
  assert.ok(provider.gaps().some((g) => g.capability === 'action.revoke-app-passwords'));
  await provider.close();
});

test('kizuki connect checks a Google provider through the factory and says what to grant', async () => {
  const fake = await new FakeGoogle().start();
  try {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    fake.trustKey(publicKey);
    fake.addUser('admin@example.jp', { isAdmin: true });
    fake.deniedScopes.add('https://www.googleapis.com/auth/gmail.settings.sharing');
    const config = parseConfig({ providers: [{ kind: 'google', name: 'g', adminEmail: 'admin@example.jp', serviceAccountKeyEnv: 'KEY', rootUrl: fake.rootUrl, tokenUrl: fake.tokenUrl }] });
    const env = { KEY: JSON.stringify({ client_email: 'kizuki@x.iam.gserviceaccount.com', private_key: privateKey }) };
    const [report] = await checkProviders(config, { env });
    assert.equal(report?.ok, false);
    assert.deepEqual(report?.checks.filter((c) => !c.ok).map((c) => c.name), ['gmail-sharing']);
    const text = formatConnectReport(report as NonNullable<typeof report>, 'en');
    assert.match(text, /gmail\.settings\.sharing/);
    assert.doesNotMatch(text, /PRIVATE KEY/);
  } finally {
    await fake.close();
  }
});
