// The cloud providers' own cost, measured against the local fakes on 127.0.0.1 (so the figures are Kizuki plus the
// official client libraries, without the internet or Google's and Microsoft's servers): raw messages fetched per
// second from Gmail history and Graph delta, and Reports activities normalised per second.
import { generateKeyPairSync } from 'node:crypto';
import { Agent } from 'node:https';
import { performance } from 'node:perf_hooks';
import { googleProviderSchema } from '../src/providers/google/config.js';
import { normaliseActivity } from '../src/providers/google/normalise.js';
import { GoogleProvider } from '../src/providers/google/provider.js';
import { microsoftProviderSchema } from '../src/providers/microsoft/config.js';
import { MicrosoftProvider } from '../src/providers/microsoft/provider.js';
import type { FetchedItem, Provider } from '../src/providers/types.js';
import { FakeGoogle } from '../test/support/fake-google.js';
import { FakeMicrosoft } from '../test/support/fake-microsoft.js';

export interface ProvidersBench {
  mailboxes: number;
  messages: number;
  latencyMs: number;
  gmail: { seconds: number; perSecond: number };
  graph: { seconds: number; perSecond: number };
  /** the same with `latencyMs` added to every answer, one request at a time and 8 at a time */
  gmailLatency: { sequential: number; parallel: number; messages: number };
  reports: { activities: number; perSecond: number };
}

function message(i: number, to: string): string {
  const body = `Dear customer,\r\n\r\nplease find the quotation ${i} below.\r\n${'Line of ordinary text in the body of the message. '.repeat(40)}\r\n`;
  return [`From: sales${i % 17}@partner.example`, `To: ${to}`, `Subject: quotation ${i}`, `Message-ID: <bench-${i}@partner.example>`, 'Date: Mon, 03 Jul 2017 09:00:00 +0000', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8', '', body].join('\r\n');
}

async function drain(provider: Provider, cursors: Map<string, string>): Promise<number> {
  let messages = 0;
  for await (const item of provider.fetchNew(cursors) as AsyncIterable<FetchedItem>) {
    if (item.type === 'message') messages++;
    if (item.cursor) cursors.set(item.cursor.scope, item.cursor.value);
  }
  return messages;
}

/** Gmail messages per second with `latencyMs` on every answer and `concurrency` raw fetches in flight. */
async function gmailWithLatency(messages: number, latencyMs: number, concurrency: number): Promise<number> {
  const google = await new FakeGoogle().start();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  google.trustKey(publicKey);
  google.pageSize = 100;
  google.addUser('admin@bench.example', { isAdmin: true });
  google.addUser('user@bench.example');
  const g = new GoogleProvider(googleProviderSchema.parse({ kind: 'google', name: 'bench', adminEmail: 'admin@bench.example', serviceAccountKeyEnv: 'X', rootUrl: google.rootUrl, tokenUrl: google.tokenUrl, reports: [], users: ['user@bench.example'] }), {
    credentials: { client_email: 'bench@x.iam', private_key: privateKey },
    warn: () => {},
    concurrency,
  });
  const cursors = new Map<string, string>();
  await drain(g, cursors);
  for (let i = 0; i < messages; i++) google.deliver('user@bench.example', message(i, 'user@bench.example'));
  google.latencyMs = latencyMs;
  const start = performance.now();
  const count = await drain(g, cursors);
  const seconds = (performance.now() - start) / 1000;
  await g.close();
  await google.close();
  if (count !== messages) throw new Error(`gmail with latency: fetched ${count} of ${messages}`);
  return messages / seconds;
}

export async function benchProviders(messages = 2000, mailboxes = 10, latencyMs = 50): Promise<ProvidersBench> {
  const addresses = Array.from({ length: mailboxes }, (_, i) => `user${i}@bench.example`);

  // Gmail history → messages.get?format=raw, through @googleapis/gmail and a JWT service-account token
  const google = await new FakeGoogle().start();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  google.trustKey(publicKey);
  google.pageSize = 100;
  google.addUser('admin@bench.example', { isAdmin: true });
  for (const a of addresses) google.addUser(a);
  const g = new GoogleProvider(googleProviderSchema.parse({ kind: 'google', name: 'bench', adminEmail: 'admin@bench.example', serviceAccountKeyEnv: 'X', rootUrl: google.rootUrl, tokenUrl: google.tokenUrl, reports: [], users: addresses }), {
    credentials: { client_email: 'bench@x.iam', private_key: privateKey },
    warn: () => {},
  });
  const gCursors = new Map<string, string>();
  await drain(g, gCursors);
  for (let i = 0; i < messages; i++) google.deliver(addresses[i % mailboxes] ?? '', message(i, addresses[i % mailboxes] ?? ''));
  let start = performance.now();
  const gCount = await drain(g, gCursors);
  const gSeconds = (performance.now() - start) / 1000;
  await g.close();
  await google.close();
  if (gCount !== messages) throw new Error(`gmail: fetched ${gCount} of ${messages}`);

  // Graph delta → $value, through @microsoft/microsoft-graph-client and an @azure/identity client-credentials token
  const ms = await new FakeMicrosoft().start();
  ms.pageSize = 100;
  for (const a of addresses) ms.addUser(a);
  const m = new MicrosoftProvider(microsoftProviderSchema.parse({ kind: 'microsoft', name: 'bench', tenantId: ms.tenant, clientId: ms.clientId, clientSecretEnv: 'X', graphBaseUrl: ms.graphBaseUrl, authorityHost: ms.authorityHost, signIns: false, inboxRules: false, folders: ['inbox'] }), {
    clientSecret: ms.clientSecret,
    authorityAgent: new Agent({ ca: ms.certificate }),
    warn: () => {},
  });
  const mCursors = new Map<string, string>();
  await drain(m, mCursors);
  for (let i = 0; i < messages; i++) ms.deliver(addresses[i % mailboxes] ?? '', message(i, addresses[i % mailboxes] ?? ''));
  start = performance.now();
  const mCount = await drain(m, mCursors);
  const mSeconds = (performance.now() - start) / 1000;
  await m.close();
  await ms.close();
  if (mCount !== messages) throw new Error(`graph: fetched ${mCount} of ${messages}`);

  // Reports activities → AccountEvents (pure)
  const activities = Array.from({ length: 50_000 }, (_, i) => ({
    id: { time: new Date(Date.UTC(2017, 6, 3, 0, 0, i)).toISOString(), uniqueQualifier: String(i), applicationName: 'login' },
    actor: { email: addresses[i % mailboxes] ?? '' },
    ipAddress: `198.51.100.${i % 250}`,
    networkInfo: { regionCode: 'JP', ipAsn: [64500] },
    events: [{ type: 'login', name: i % 10 === 0 ? 'login_failure' : 'login_success', parameters: [{ name: 'login_type', value: 'google_password' }, { name: 'is_suspicious', boolValue: false }] }],
  }));
  start = performance.now();
  let events = 0;
  for (const a of activities) events += normaliseActivity('login', a, 'bench').length;
  const rSeconds = (performance.now() - start) / 1000;
  if (events !== activities.length) throw new Error('reports: an activity was lost');

  const latencyMessages = Math.min(messages, 200);
  const sequential = await gmailWithLatency(latencyMessages, latencyMs, 1);
  const parallel = await gmailWithLatency(latencyMessages, latencyMs, 8);

  return {
    mailboxes,
    messages,
    latencyMs,
    gmailLatency: { sequential, parallel, messages: latencyMessages },
    gmail: { seconds: gSeconds, perSecond: messages / gSeconds },
    graph: { seconds: mSeconds, perSecond: messages / mSeconds },
    reports: { activities: activities.length, perSecond: activities.length / rSeconds },
  };
}
