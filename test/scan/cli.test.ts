import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { ScanRecord } from '../../src/scan/record.js';
import { openStore } from '../../src/store/index.js';
import { repoRoot, runCli } from '../support/cli.js';

const samplesDir = join(repoRoot, 'samples/seed-2017');
const expected = JSON.parse(readFileSync(join(samplesDir, 'expected.json'), 'utf8')) as { samples: Array<{ file: string; verdict: string }> };
const parseLines = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as ScanRecord);

describe('kizuki scan (CLI)', () => {
  it('judges the seed samples as expected, prints versioned JSON Lines in input order and exits 1', async () => {
    const result = await runCli(['scan', '--json', '--no-store', samplesDir]);
    assert.equal(result.code, 1, result.stderr);
    const records = parseLines(result.stdout);
    assert.deepEqual(
      records.map((r) => r.source.path.replace(`${samplesDir}/`, '')),
      expected.samples.map((s) => s.file).sort(),
    );
    for (const record of records) {
      assert.equal(record.schema, 'kizuki.scan/1');
      assert.match(record.sha256, /^[0-9a-f]{64}$/);
      const want = expected.samples.find((s) => record.source.path.endsWith(s.file))!;
      assert.equal(record.verdict, want.verdict, `${want.file}: ${JSON.stringify(record.reasons.map((r) => r.rule_id))}`);
      if (record.verdict !== 'clean') {
        assert.ok(record.reasons.length > 0);
        for (const reason of record.reasons) {
          assert.ok(reason.en.length > 10 && reason.ja.length > 5, `reason ${reason.rule_id} has both sentences`);
        }
      }
    }
    const bounce = records.find((r) => r.source.path.endsWith('05-bounce.eml'))!;
    assert.equal(bounce.bounce?.kind, 'dsn');
    assert.equal(bounce.bounce?.status, '5.1.1');
    assert.match(result.stderr, /Judged 9 messages/);
  });

  it('judges one message alone (on the main thread) exactly as it judges it within a batch', async () => {
    const batch = parseLines((await runCli(['scan', '--json', '--no-store', samplesDir])).stdout);
    const judged = (r: ScanRecord) => ({ verdict: r.verdict, score: r.score, reasons: r.reasons, sha256: r.sha256 });
    for (const file of ['01-inbound-lure.eml', '04-lure-ja.eml', '10-genuine-drive-share.eml', '12-internal-meeting-note.eml']) {
      const inBatch = batch.find((r) => r.source.path.endsWith(file));
      assert.ok(inBatch, file);
      const alone = parseLines((await runCli(['scan', '--json', '--no-store', join(samplesDir, file)])).stdout);
      assert.deepEqual(alone.map(judged), [judged(inBatch)], file);
      const piped = parseLines((await runCli(['scan', '--json', '--no-store', '-'], { input: readFileSync(join(samplesDir, file)) })).stdout);
      assert.deepEqual(piped.map(judged), [judged(inBatch)], `${file} on standard input`);
    }
  });

  it('exits 0 when nothing is malicious, and prints a readable table', async () => {
    const result = await runCli(['scan', '--no-store', join(samplesDir, '10-genuine-drive-share.eml'), join(samplesDir, '12-internal-meeting-note.eml')]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.match(lines[0]!, /^MESSAGE\s+VERDICT\s+SCORE\s+TOP REASONS/);
    assert.equal(lines.length, 3);
    assert.match(lines[1]!, /10-genuine-drive-share\.eml\s+clean/);
  });

  it('speaks Japanese with --lang ja', async () => {
    const result = await runCli(['scan', '--no-store', '--lang', 'ja', join(samplesDir, '01-inbound-lure.eml')]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /危険/);
    assert.match(result.stderr, /件を/);
  });

  it('explains one message: authentication, the PDF link and every reason', async () => {
    const result = await runCli([
      'scan', '--no-store', '--explain', '--auth', 'verify', '--dns-fixture', join(samplesDir, 'dns.json'),
      join(samplesDir, '01-inbound-lure.eml'),
    ]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /authentication \(verified\): SPF \w+.*DKIM pass \(halvorsen-imaging\.com, aligned\)/);
    assert.match(result.stdout, /\[pdf-annotation\] https?:\/\/[^\s]+/);
    assert.match(result.stdout, /link carrier/);
  });

  it('reads standard input, and keeps a copy of the message since it exists nowhere else', async () => {
    const raw = readFileSync(join(samplesDir, '01-inbound-lure.eml'));
    const dir = mkdtempSync(join(tmpdir(), 'kizuki-cli-'));
    const db = join(dir, 'k.db');
    const result = await runCli(['scan', '--json', '--store', db, '-'], { input: raw, cwd: dir });
    const [record] = parseLines(result.stdout);
    assert.equal(record?.source.path, '-');
    assert.equal(record?.verdict, 'malicious');
    const store = await openStore(db, { cwd: dir });
    try {
      const kept = await store.getJudgedMessage(record!.sha256);
      assert.ok(kept?.rawPath?.startsWith(store.rawDir), kept?.rawPath);
      assert.deepEqual(readFileSync(kept!.rawPath!), raw);
    } finally {
      await store.close();
    }
  });

  it('reports an unreadable path with exit code 2 and goes on with the rest', async () => {
    const result = await runCli(['scan', '--json', '--no-store', '/nonexistent/x.eml', join(samplesDir, '12-internal-meeting-note.eml')]);
    assert.equal(result.code, 2);
    const records = parseLines(result.stdout);
    assert.equal(records.length, 2);
    assert.equal(records[0]!.verdict, null);
    assert.match(records[0]!.error!, /no such file/);
    assert.equal(records[1]!.verdict, 'clean');
  });

  it('exits 2 on a usage error or a bad configuration value', async () => {
    assert.equal((await runCli(['scan'])).code, 2);
    assert.equal((await runCli(['scan', '--workers', 'many', samplesDir])).code, 2);
    const dir = mkdtempSync(join(tmpdir(), 'kizuki-cli-'));
    writeFileSync(join(dir, 'kizuki.config.yaml'), 'auth:\n  mode: maybe\n');
    const bad = await runCli(['scan', '--no-store', join(samplesDir, '12-internal-meeting-note.eml')], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /auth\.mode/);
  });

  it('holds a message that exceeds the time limit as suspicious instead of passing it', async () => {
    const result = await runCli(['scan', '--json', '--no-store', '--timeout', '1', join(samplesDir, '11-partner-quotation.eml')]);
    const [record] = parseLines(result.stdout);
    assert.equal(record?.verdict, 'suspicious');
    assert.equal(record?.reasons[0]?.rule_id, 'scan.unanalysable');
    assert.match(record?.error ?? '', /time limit/);
  });

  it('stores every verdict and the sender history in the embedded database, once per message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kizuki-cli-'));
    const db = join(dir, 'k.db');
    for (let run = 0; run < 2; run += 1) {
      const result = await runCli(['scan', '--json', '--store', db, samplesDir], { cwd: dir });
      assert.equal(result.code, 1, result.stderr);
    }
    const sqlite = new Database(db, { readonly: true });
    try {
      const tables = sqlite.prepare("select name from sqlite_master where type = 'table'").all() as Array<{ name: string }>;
      const messageTable = tables.map((t) => t.name).find((n) => /judged|message/i.test(n));
      const profileTable = tables.map((t) => t.name).find((n) => /profile/i.test(n));
      assert.ok(messageTable && profileTable, JSON.stringify(tables));
      const count = sqlite.prepare(`select count(*) as n from ${messageTable}`).get() as { n: number };
      assert.equal(count.n, 9, 'nine samples, stored once although scanned twice');
      const profiles = sqlite.prepare(`select * from ${profileTable}`).all() as Array<Record<string, unknown>>;
      const partner = profiles.find((p) => JSON.stringify(p).includes('greg.ostrander@halvorsen-imaging.com'));
      assert.ok(partner, 'the partner contact has a profile');
      assert.match(JSON.stringify(partner), /"?message_?count"?:\s*2|messageCount":2/i, 'two messages from him, counted once each');
    } finally {
      sqlite.close();
    }
  });

  it('prints where the time went with --timings, per stage and per message, in English and Japanese', async () => {
    const files = ['01-inbound-lure.eml', '10-genuine-drive-share.eml', '12-internal-meeting-note.eml'].map((f) => join(samplesDir, f));
    const result = await runCli(['scan', '--json', '--no-store', '--timings', ...files]);
    assert.equal(parseLines(result.stdout).length, 3, 'the records are unchanged on standard output');
    assert.match(result.stderr, /time by stage \(3 messages/);
    const perMessage = (label: RegExp) => {
      const line = result.stderr.split('\n').find((l) => label.test(l));
      assert.ok(line, `a line for ${label}`);
      return Number(/([\d.]+) ms\/msg/.exec(line)?.[1]);
    };
    assert.ok(perMessage(/^ {2}analysis \(workers/) > 0, 'the workers report their analysis time');
    assert.ok(perMessage(/^ {2}preparing judgements/) > 0, 'and the time spent preparing judgements');
    assert.ok(perMessage(/^ {2}rules with sender history/) > 0);
    assert.match(result.stderr, /first verdict printed, from process start\s+\d+ ms/);
    const ja = await runCli(['scan', '--json', '--no-store', '--timings', '--lang', 'ja', files[0]!]);
    assert.match(ja.stderr, /段階ごとの時間（1 件/);
    assert.match(ja.stderr, /解析（ワーカー/);
  });

  it('reports a broken rule folder with exit code 2 and judges nothing, though messages were already being read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kizuki-bad-rules-'));
    writeFileSync(join(dir, 'broken.yaml'), 'id: custom.broken\nname: [unclosed\n');
    const result = await runCli(['scan', '--json', '--no-store', join(samplesDir, '10-genuine-drive-share.eml'), join(samplesDir, '12-internal-meeting-note.eml'), '--rules', dir]);
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stdout, '', 'no verdict is printed without the rules');
    assert.match(result.stderr, /broken\.yaml:\d+:\d+/);
  });
});

