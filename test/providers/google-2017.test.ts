// The 2017 takeover as Google Workspace would have recorded it: the scenario's sign-ins and password change become
// Reports API activities in the fake, its mail becomes raw messages in the fake's Gmail mailboxes (the kept samples,
// the Bcc batches made from the kept batch, the bounces made from the kept bounce, routine mail written here). Then
// the real watch loop (`kizuki watch --once` in-process: Google provider → analyse → judge → takeover engine → store)
// reads it all through the official Google clients, and the incident it reaches is compared with `kizuki replay`'s.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../src/config.js';
import { expandScenario, loadScenario, type Scenario } from '../../src/events/scenario.js';
import { MemorySink } from '../../src/events/sink.js';
import { StoreSink } from '../../src/events/store-sink.js';
import { replayScenario } from '../../src/incidents/replay.js';
import type { AccountEvent } from '../../src/model/events.js';
import { openStore } from '../../src/store/index.js';
import { runWatch } from '../../src/watch/run.js';
import { FakeGoogle } from '../support/fake-google.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const scenarioFile = path.join(repoRoot, 'scenarios/2017-shared-you-a-file.yaml');
const ADMIN = 'admin@tsukishiro-vs.co.jp';
const NOW = new Date('2017-07-13T00:00:00Z');

function rfc2822(iso: string): string {
  return new Date(iso).toUTCString().replace('GMT', '+0000');
}

function sample(name: string): string {
  return readFileSync(path.join(repoRoot, 'samples/seed-2017', name), 'latin1');
}

function list(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function tagOf(event: AccountEvent): string | undefined {
  return (event.raw as { tag?: string } | undefined)?.tag;
}

/** The kept Bcc batch with this batch's date, Message-ID and hidden recipients. */
function batchMessage(event: AccountEvent): string {
  const template = sample('02-outbound-bcc.eml');
  const bcc = list(event.data.bcc);
  return template
    .replace(/^Date: .*$/m, `Date: ${rfc2822(event.time)}`)
    .replace(/^Message-ID: .*$/m, `Message-ID: ${String(event.data.messageId)}`)
    .replace(/^Bcc: [^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/m, `Bcc: ${bcc.join(',\r\n ')}`);
}

/** The kept bounce, for another lost recipient of another batch. */
function bounceMessage(event: AccountEvent, index: number): string {
  const recipient = list(event.data.recipients)[0] ?? 'nobody@example.jp';
  const original = String(event.data.originalMessageId ?? '<none@x>').replace(/^<|>$/g, '');
  return sample('05-bounce.eml')
    .replaceAll('y.nakamura@marunaka-denki.co.jp', recipient)
    .replaceAll('CAF7qW1n9xR0mZk2Yt5uVbHc4sE8aLd3oPq6jTg@mail.gmail.com', original)
    .replace(/^Date: .*$/m, `Date: ${rfc2822(event.time)}`)
    .replace(/^Message-ID: .*$/m, `Message-ID: <bounce-${index}@mx.example.jp>`);
}

function routineMessage(event: AccountEvent, index: number): string {
  const to = list(event.data.to);
  return [
    `From: ${event.account}`,
    `To: ${to.join(', ')}`,
    `Subject: ${String(event.data.subject ?? '')}`,
    `Date: ${rfc2822(event.time)}`,
    `Message-ID: <routine-${index}@tsukishiro-vs.co.jp>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    '',
    'Thank you for your enquiry. The revised quotation is as discussed on the phone.',
    '',
  ].join('\r\n');
}

/** Puts every scenario event where Google would have it: a Reports activity or a message in a mailbox. */
function seedGoogle(fake: FakeGoogle, scenario: Scenario, events: AccountEvent[]): { messages: number; activities: number } {
  let messages = 0;
  let activities = 0;
  const emlOf = new Map(scenario.events.map((e) => [`${e.kind}|${new Date(e.time).toISOString()}|${e.account.toLowerCase()}`, e.eml]));
  for (const [index, event] of events.entries()) {
    const eml = emlOf.get(`${event.kind}|${event.time}|${event.account}`);
    if (event.kind === 'signin.success') {
      const asn = /^AS(\d+)/.exec(String(event.data.network ?? ''))?.[1];
      fake.addActivity('login', {
        time: event.time,
        uniqueQualifier: String(index),
        actor: { email: event.account, profileId: event.account },
        ipAddress: String(event.data.ip),
        networkInfo: { regionCode: String(event.data.country ?? ''), ...(asn ? { ipAsn: [Number(asn)] } : {}) },
        events: [{ type: 'login', name: 'login_success', parameters: [{ name: 'login_type', value: 'google_password' }, { name: 'is_suspicious', boolValue: false }] }],
      });
      activities++;
    } else if (event.kind === 'password.changed') {
      fake.addActivity('admin', { time: event.time, uniqueQualifier: String(index), actor: { email: ADMIN, profileId: 'admin' }, events: [{ type: 'USER_SETTINGS', name: 'CHANGE_PASSWORD', parameters: [{ name: 'USER_EMAIL', value: event.account }] }] });
      activities++;
    } else if (event.kind === 'setting.forwarding') {
      // a forwarding address the user (or whoever holds the password) set in Gmail's settings
      fake.addActivity('user_accounts', { time: event.time, uniqueQualifier: String(index), actor: { email: event.account, profileId: event.account }, events: [{ type: 'email_forwarding_change', name: 'email_forwarding_change', parameters: [{ name: 'email_forwarding_destination_address', value: String(event.data.target) }] }] });
      fake.mailbox(event.account).autoForwarding = { enabled: true, emailAddress: String(event.data.target), disposition: 'leaveInInbox' };
      activities++;
    } else if (event.kind === 'message.sent') {
      const raw = eml ? sample(path.basename(eml)) : tagOf(event)?.includes('malicious-send') ? batchMessage(event) : routineMessage(event, index);
      fake.deliver(event.account, Buffer.from(raw, 'latin1'), { labelIds: ['SENT'], time: event.time });
      messages++;
    } else if (event.kind === 'message.received' || event.kind === 'message.bounce') {
      const raw = eml ? sample(path.basename(eml)) : event.kind === 'message.bounce' ? bounceMessage(event, index) : routineMessage(event, index);
      fake.deliver(event.account, Buffer.from(raw, 'latin1'), { labelIds: ['INBOX', 'UNREAD'], time: event.time });
      messages++;
    } else {
      throw new Error(`the Google fake has no place for ${event.kind}`);
    }
  }
  return { messages, activities };
}

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

let dir: string;
let fake: FakeGoogle;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kizuki-google-2017-'));
  fake = await new FakeGoogle().start();
});
after(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

test('2017 through the Google fake: the watch loop reaches the incident kizuki replay reaches', async () => {
  const scenario = await loadScenario(scenarioFile);
  const { events } = await expandScenario(scenario, { baseDir: repoRoot });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  fake.trustKey(publicKey);
  fake.pageSize = 500;
  fake.addUser(ADMIN, { isAdmin: true });
  for (const account of new Set(events.map((e) => e.account))) fake.addUser(account);

  const config = parseConfig({
    org: { name: 'Tsukishiro Visual Systems', domains: scenario.orgDomains },
    store: { url: path.join(dir, 'kizuki.db') },
    scan: { workers: 1 },
    takeover: scenario.config ?? {},
    providers: [
      {
        kind: 'google',
        name: 'tsukishiro',
        adminEmail: ADMIN,
        serviceAccountKeyEnv: 'KIZUKI_GOOGLE_KEY',
        rootUrl: fake.rootUrl,
        tokenUrl: fake.tokenUrl,
        initialLookbackHours: 24 * 40,
      },
    ],
  });
  const env = { KIZUKI_GOOGLE_KEY: JSON.stringify({ client_email: 'kizuki@tsukishiro.iam.gserviceaccount.com', private_key: privateKey }) };
  const watchOnce = async () => {
    const out = new Collect();
    const err = new Collect();
    const result = await runWatch(config, { once: true, json: true, signal: new AbortController().signal, out, err, now: () => NOW, env });
    return { result, out: out.text, err: err.text };
  };

  // the first run sees empty mailboxes: it notes where each mailbox's history stands
  const first = await watchOnce();
  assert.equal(first.result.records.length, 0);
  // then the mail and the audit trail arrive in four stretches of time, each read by one `watch --once` (as a cron
  // job would): within one read the mailboxes are read one after another, so a read that spanned the whole five
  // weeks would hand the engine the colleague's copy before the sender's own batches
  const cuts = ['2017-07-03T19:00:00Z', '2017-07-06T00:00:00Z', '2017-07-12T00:00:00Z', '9999-12-31T00:00:00Z'].map((t) => new Date(t).toISOString());
  let from = '';
  let records = 0;
  const seeded = { messages: 0, activities: 0 };
  const watched: Array<{ time: string; detector: string; account: string }> = [];
  for (const cut of cuts) {
    const stretch = events.filter((e) => e.time >= from && e.time < cut);
    const added = seedGoogle(fake, scenario, stretch);
    seeded.messages += added.messages;
    seeded.activities += added.activities;
    from = cut;
    const run = await watchOnce();
    assert.deepEqual(run.result.outcomes.map((o) => o.stoppedBy), [undefined], run.err.slice(0, 2000));
    records += run.result.records.length;
    for (const line of run.err.split('\n')) {
      const m = /^signal (\S+) (\S+) (\S+):/.exec(line);
      if (m) watched.push({ time: m[1] ?? '', detector: m[2] ?? '', account: m[3] ?? '' });
    }
  }
  assert.ok(seeded.messages > 300 && seeded.activities > 40, JSON.stringify(seeded));
  assert.equal(records, seeded.messages, 'every message came out of Gmail history once');

  const sink = new MemorySink();
  const replay = await replayScenario(scenarioFile, { baseDir: repoRoot, sink });
  const replayed = [...sink.signals.values()];
  const key = (s: { detector: string; account: string }) => `${s.detector} ${s.account}`;
  // Google's login audit gives no coordinates, so impossible travel cannot be measured from it (the country is there)
  const travel = (k: string) => k.startsWith('takeover.signin.impossible-travel ');
  const replayKeys = [...new Set(replayed.map(key))].sort();
  const watchKeys = [...new Set(watched.map(key))].sort();
  assert.ok(replayKeys.some(travel), 'the replay measures impossible travel from the scenario\'s coordinates');
  assert.ok(!watchKeys.some(travel));
  // otherwise the same detectors fire about the same accounts
  assert.deepEqual(watchKeys, replayKeys.filter((k) => !travel(k)));

  // the same incident: the same accounts and campaigns, opened on the same evidence
  const store = await openStore(config.store.url);
  const incidents = await new StoreSink(store).openIncidents().finally(() => store.close());
  assert.equal(incidents.length, replay.incidents.length);
  for (const expected of replay.incidents) {
    const got = incidents.find((i) => i.accounts.join() === expected.accounts.join());
    assert.ok(got, `an incident about ${expected.accounts.join(', ')}`);
    assert.deepEqual(got.campaigns, expected.campaigns);
    assert.equal(got.firstEvidenceAt, expected.firstEvidenceAt);
  }

  // a third run right after finds nothing new
  const third = await watchOnce();
  assert.equal(third.result.records.length, 0);
});
