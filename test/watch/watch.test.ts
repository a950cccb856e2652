// The watch loop end to end against a real Dovecot: new mail over IDLE is judged, stored and fed to the takeover
// engine; a restart resumes from the stored cursors; a dropped connection reconnects; a changed UIDVALIDITY repeats
// nothing; and `kizuki watch --once --json` / `kizuki connect` through the real CLI.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { type KizukiConfig, parseConfig } from '../../src/config.js';
import { storeCursors } from '../../src/providers/cursors.js';
import type { ScanRecord } from '../../src/scan/record.js';
import { openStore } from '../../src/store/index.js';
import { runWatch, type WatchRunResult } from '../../src/watch/run.js';
import { cliPath, repoRoot, runCli } from '../support/cli.js';
import { startDovecot, type TestDovecot } from '../support/dovecot.js';

const ACCOUNT = 'iwanaga@tsukishiro-vs.co.jp';
const sample = (name: string) => readFileSync(join(repoRoot, 'samples/seed-2017', name));

function configObject(server: TestDovecot, storePath: string) {
  return {
    org: { name: 'Tsukishiro', domains: ['tsukishiro-vs.co.jp'] },
    auth: { mode: 'headers', trustedHosts: ['mx.google.com'] },
    store: { url: storePath },
    scan: { workers: 1 },
    providers: [
      {
        name: 'office',
        kind: 'imap',
        host: '127.0.0.1',
        port: server.port,
        secure: false,
        user: server.user,
        passwordEnv: 'KIZUKI_TEST_IMAP_PASSWORD',
        folders: ['INBOX', 'Sent'],
        quarantineFolder: 'Quarantine',
        pollSeconds: 2,
        reconnect: { minMs: 50, maxMs: 500 },
      },
    ],
  };
}

function sink(): Writable & { text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as Writable & { text(): string };
  stream.text = () => chunks.join('');
  return stream;
}

/** Waits (polling) until `check` holds; fails with `what` if it never does within the limit. Not a speed check. */
async function waitFor(check: () => boolean, what: string, limitMs = 90_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function once(config: KizukiConfig, env: NodeJS.ProcessEnv): Promise<WatchRunResult & { out: string; err: string }> {
  const out = sink();
  const err = sink();
  const result = await runWatch(config, { once: true, json: true, signal: new AbortController().signal, out, err, env });
  return { ...result, out: out.text(), err: err.text() };
}

describe('kizuki watch (real Dovecot)', () => {
  let server: TestDovecot;
  let dir: string;
  before(async () => {
    server = await startDovecot({ user: ACCOUNT });
    dir = mkdtempSync(join(tmpdir(), 'kizuki-watch-'));
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('judges mail as it arrives, feeds the takeover engine, survives a server restart, and resumes from its cursors', async () => {
    const storePath = join(dir, 'loop.db');
    const config = parseConfig(configObject(server, storePath));
    const env = { KIZUKI_TEST_IMAP_PASSWORD: server.password };
    await server.deliver(sample('11-partner-quotation.eml'));

    const stop = new AbortController();
    const seen: ScanRecord[] = [];
    const out = sink();
    const err = sink();
    const running = runWatch(config, {
      json: true,
      signal: stop.signal,
      out,
      err,
      env,
      onMessage: (_provider, processed) => {
        if (!processed.repeated) seen.push(processed.record);
      },
    });
    try {
      await waitFor(() => seen.length === 1, 'the message already there is judged');
      await server.deliver(sample('01-inbound-lure.eml'));
      await waitFor(() => seen.length === 2, 'the lure delivered while watching is judged');
      assert.equal(seen[1]?.verdict, 'malicious');
      assert.equal(seen[1]?.message_id, '<7c1e0b9a4f2d.20170703062912@mail.halvorsen-imaging.com>');
      assert.match(seen[1]?.source.path ?? '', /^office\/INBOX\/\d+:2$/);

      await server.deliver(sample('05-bounce.eml'));
      await server.deliver(sample('02-outbound-bcc.eml'), 'Sent');
      await waitFor(() => seen.length === 4, 'the bounce and the sent message are judged');

      // the server goes away and comes back: the loop reconnects by itself
      await server.halt();
      await server.start();
      await server.deliver(sample('13-genuine-onedrive-share.eml'));
      await waitFor(() => seen.length === 5, 'mail after the restart is judged');
    } finally {
      stop.abort();
    }
    const result = await running;
    assert.equal(result.exitCode, 0, err.text());
    assert.deepEqual(result.outcomes.map((o) => o.stoppedBy), [undefined]);
    const printed = out.text().trim().split('\n').map((line) => JSON.parse(line) as ScanRecord);
    assert.equal(printed.length, 5);
    assert.ok(printed.every((r) => r.schema === 'kizuki.scan/1'));

    const store = await openStore(storePath);
    try {
      const judged = await store.listJudgedMessages({ limit: 50 });
      assert.equal(judged.length, 5);
      assert.ok(judged.every((j) => j.rawPath && readFileSync(j.rawPath).length > 0), 'the judged bytes are kept');
      const events = await store.eventsForAccount(ACCOUNT, '2000-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z');
      const kinds = events.map((e) => e.kind).sort();
      assert.deepEqual(kinds, ['message.bounce', 'message.received', 'message.received', 'message.received', 'message.sent']);
      const cursors = await storeCursors(store).load('office');
      assert.match(cursors.get('mail:INBOX') ?? '', /^\d+:4$/);
      assert.match(cursors.get('mail:Sent') ?? '', /^\d+:1$/);
    } finally {
      await store.close();
    }

    // right after: nothing new, nothing repeated
    const second = await once(config, env);
    assert.equal(second.out, '');
    assert.equal(second.exitCode, 0);

    // mail that came while Kizuki was not running is read on the next start, and only that
    await server.deliver(sample('10-genuine-drive-share.eml'));
    const third = await once(config, env);
    const lines = third.out.trim().split('\n').map((l) => JSON.parse(l) as ScanRecord);
    assert.deepEqual(lines.map((r) => r.message_id), ['<0000000000009b5c3e05541f7c22@google.com>']);

    // the server forgets its UIDs (restore from backup): every message is looked at again, none is repeated
    await server.resetUidValidity('INBOX');
    const fourth = await once(config, env);
    assert.equal(fourth.out, '', 'nothing printed again');
    assert.equal(fourth.exitCode, 0, fourth.err);
    const after = await openStore(storePath);
    try {
      assert.equal((await after.listJudgedMessages({ limit: 50 })).length, 6);
      assert.equal(await after.countEvents({ account: ACCOUNT }), 6);
    } finally {
      await after.close();
    }
  });

  it('kizuki watch --once --json and kizuki connect through the real CLI; a wrong password is a clear error', async () => {
    const cliDir = mkdtempSync(join(tmpdir(), 'kizuki-watch-cli-'));
    try {
      const other = await startDovecot({ user: ACCOUNT });
      try {
        await other.deliver(sample('01-inbound-lure.eml'));
        await other.deliver(sample('12-internal-meeting-note.eml'));
        const admin = await other.client();
        await admin.mailboxCreate('Sent');
        await admin.logout();
        const configFile = join(cliDir, 'kizuki.config.yaml');
        writeFileSync(configFile, stringify(configObject(other, join(cliDir, 'kizuki.db'))));
        const env = { KIZUKI_TEST_IMAP_PASSWORD: other.password };

        const connect = await runCli(['connect', '--config', configFile], { env });
        assert.equal(connect.code, 0, connect.stderr + connect.stdout);
        assert.match(connect.stdout, /office \(imap\): ready/);
        assert.match(connect.stdout, /logged in as iwanaga@tsukishiro-vs\.co\.jp/);
        const connectJa = await runCli(['connect', '--config', configFile, '--lang', 'ja'], { env });
        assert.match(connectJa.stdout, /問題ありません/);

        const first = await runCli(['watch', '--once', '--json', '--config', configFile], { env });
        assert.equal(first.code, 1, `a malicious message makes the exit code 1\n${first.stderr}`);
        const records = first.stdout.trim().split('\n').map((l) => JSON.parse(l) as ScanRecord);
        assert.deepEqual(
          records.map((r) => [r.schema, r.verdict === 'malicious']),
          [
            ['kizuki.scan/1', true],
            ['kizuki.scan/1', false],
          ],
        );
        const second = await runCli(['watch', '--once', '--json', '--config', configFile], { env });
        assert.equal(second.code, 0, second.stderr);
        assert.equal(second.stdout, '', 'a second --once right after prints nothing new');

        // watching without --once: new mail shows up as a line; SIGTERM ends it cleanly, with that message kept
        const child = spawn(process.execPath, [cliPath, 'watch', '--json', '--config', configFile], {
          cwd: repoRoot,
          env: { ...process.env, KIZUKI_LANG: 'en', ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let watched = '';
        let watchErr = '';
        child.stdout.on('data', (chunk: Buffer) => {
          watched += chunk.toString('utf8');
        });
        child.stderr.on('data', (chunk: Buffer) => {
          watchErr += chunk.toString('utf8');
        });
        const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
        try {
          await other.deliver(sample('11-partner-quotation.eml'));
          await waitFor(() => watched.includes('3d90a6e1c8b7.20170614090531@mail.halvorsen-imaging.com'), 'the new message is printed while watching');
        } finally {
          child.kill('SIGTERM');
        }
        assert.equal(await exited, 0, watchErr);
        assert.equal(watched.trim().split('\n').length, 1);
        const afterStop = await runCli(['watch', '--once', '--json', '--config', configFile], { env });
        assert.equal(afterStop.stdout, '', 'what was printed before the stop was also stored');

        const wrong = { KIZUKI_TEST_IMAP_PASSWORD: 'wrong-password-42' };
        const badConnect = await runCli(['connect', '--config', configFile], { env: wrong });
        assert.equal(badConnect.code, 1);
        assert.match(badConnect.stdout, /FAIL login refused for iwanaga@tsukishiro-vs\.co\.jp/);
        const badWatch = await runCli(['watch', '--once', '--config', configFile], { env: wrong });
        assert.equal(badWatch.code, 2);
        assert.match(badWatch.stderr, /refused the login for iwanaga@tsukishiro-vs\.co\.jp/);
        assert.ok(!`${badWatch.stderr}${badConnect.stdout}`.includes('wrong-password-42'), 'the password never shows');

        const missing = await runCli(['connect', '--config', configFile], { env: {} });
        assert.equal(missing.code, 1);
        assert.match(missing.stdout, /environment variable KIZUKI_TEST_IMAP_PASSWORD is not set/);
      } finally {
        await other.stop();
      }
    } finally {
      rmSync(cliDir, { recursive: true, force: true });
    }
  });
});
