import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { mailboxFilesSource } from '../../src/events/sources/files.js';
import type { AccountEvent } from '../../src/model/events.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const sample = (name: string) => readFileSync(path.join(repoRoot, 'samples/seed-2017', name), 'latin1');

test('files source: Sent → message.sent, Inbox → message.received, a delivery failure → message.bounce; a missing file is reported, not fatal', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kizuki-mbox-'));
  const inbox = path.join(dir, 'Inbox.mbox');
  const mbox = (names: string[]) => names.map((n) => `From MAILER-DAEMON Wed Jul 12 00:30:05 2017\n${sample(n).replace(/\r\n/g, '\n').replace(/^From /gm, '>From ')}\n`).join('');
  writeFileSync(inbox, mbox(['01-inbound-lure.eml', '05-bounce.eml']), 'latin1');
  const sent = path.join(dir, 'sent-one.eml');
  writeFileSync(sent, sample('02-outbound-bcc.eml'), 'latin1');
  const problems: string[] = [];
  const delivered: AccountEvent[] = [];
  const source = mailboxFilesSource({
    account: 'iwanaga@tsukishiro-vs.co.jp',
    sent: [sent, path.join(dir, 'missing.mbox')],
    inbox: [inbox],
    fallbackTime: () => new Date('2017-07-12T00:00:00Z'),
    onError: (where) => problems.push(where),
  });
  await source.run(async (events) => {
    delivered.push(...events);
    return { accepted: events.length, duplicates: 0, signals: [], incidents: [] };
  });
  assert.deepEqual(delivered.map((e) => e.kind), ['message.sent', 'message.received', 'message.bounce']);
  const bounce = delivered[2];
  assert.ok(bounce);
  assert.deepEqual(bounce.data.recipients, ['y.nakamura@marunaka-denki.co.jp']);
  assert.equal(problems.length, 1);
  assert.match(problems[0] ?? '', /missing\.mbox/);
  // the same files read again give the same ids (idempotent ingestion)
  const again: AccountEvent[] = [];
  await source.run(async (events) => {
    again.push(...events);
    return { accepted: 0, duplicates: events.length, signals: [], incidents: [] };
  });
  assert.deepEqual(again.map((e) => e.id), delivered.map((e) => e.id));
});
