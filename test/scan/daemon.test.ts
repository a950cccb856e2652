import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeFrame, encodeJsonFrame, FrameError, FrameReader, FrameType, MAX_FRAME_BYTES } from '../../src/scan/daemon/frames.js';
import { PROTOCOL_VERSION } from '../../src/scan/daemon/protocol.js';
import { fromCommandLine } from '../../src/scan/daemon/server.js';
import { scanConfig } from '../../src/scan/scan-config.js';
import { scanFingerprint, storeUrl } from '../../src/scan/settings.js';
import type { ScanRecord } from '../../src/scan/record.js';
import { openStore } from '../../src/store/index.js';
import { cliPath, repoRoot, runCli } from '../support/cli.js';

const samplesDir = join(repoRoot, 'samples/seed-2017');
const samples = ['01-inbound-lure.eml', '04-lure-ja.eml', '05-bounce.eml', '10-genuine-drive-share.eml', '12-internal-meeting-note.eml'].map((f) => join(samplesDir, f));
const parseLines = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as ScanRecord);

interface RunningDaemon {
  child: ChildProcess;
  socket: string;
  log: () => string;
  stop(): Promise<number | null>;
}

/** Starts `kizuki scand` in `cwd` as a user would and waits until its socket is there. */
async function startDaemon(cwd: string, args: string[] = []): Promise<RunningDaemon> {
  const child = spawn(process.execPath, [cliPath, 'scand', ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, KIZUKI_LANG: 'en' } });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    log += chunk.toString('utf8');
  });
  const socket = join(cwd, '.kizuki/scand.sock');
  const exited = new Promise<number | null>((resolvePromise) => child.on('exit', (code) => resolvePromise(code)));
  for (let waited = 0; !/listening on/.test(log); waited += 50) {
    if (child.exitCode !== null || waited > 30_000) throw new Error(`kizuki scand did not start: ${log}`);
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 50));
  }
  return {
    child,
    socket,
    log: () => log,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

async function judgedCount(dbPath: string): Promise<number> {
  const store = await openStore(`sqlite:${dbPath}`);
  try {
    return (await store.listJudgedMessages({ limit: 1000 })).length;
  } finally {
    await store.close();
  }
}

describe('frames of the scan daemon protocol', () => {
  it('come out whole however the bytes are cut, and in order', () => {
    const bytes = Buffer.concat([encodeJsonFrame(FrameType.request, { a: 1 }), encodeFrame(FrameType.stdin, Buffer.from('héllo')), encodeFrame(FrameType.stdinEnd, Buffer.alloc(0))]);
    for (const cut of [1, 2, 4, 5, 6, 7, 13, bytes.length]) {
      const reader = new FrameReader();
      const frames = [];
      for (let i = 0; i < bytes.length; i += cut) frames.push(...reader.push(bytes.subarray(i, i + cut)));
      assert.deepEqual(
        frames.map((f) => [f.type, f.body.toString('utf8')]),
        [
          [FrameType.request, '{"a":1}'],
          [FrameType.stdin, 'héllo'],
          [FrameType.stdinEnd, ''],
        ],
        `cut every ${cut} bytes`,
      );
      assert.equal(reader.buffered, 0);
    }
  });

  it('refuse an unknown type and a frame larger than allowed before its body arrives', () => {
    assert.throws(() => new FrameReader().push(Buffer.from([99, 0, 0, 0, 0])), FrameError);
    const head = Buffer.alloc(5);
    head.writeUInt8(FrameType.stdin, 0);
    head.writeUInt32BE(MAX_FRAME_BYTES + 1, 1);
    assert.throws(() => new FrameReader().push(head), /larger than/);
  });
});

describe('the fast path: a command line read by the daemon', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'kizuki-fast-'));
  const asked = (argv: string[], env: Record<string, string> = {}) => fromCommandLine({ version: PROTOCOL_VERSION, cwd, argv, env });

  it('gives the settings, store, paths and language the full client would send', () => {
    const read = asked(['--json', '--store', 'here.db', '--org-domain', 'example.jp', '--timings', '--', 'a.eml', '-'], { LANG: 'ja_JP.UTF-8' });
    assert.ok(typeof read !== 'string', String(read));
    const options = { json: true, store: 'here.db', orgDomain: ['example.jp'], timings: true, progress: true };
    const config = scanConfig(options, cwd, {});
    assert.deepEqual(read.paths, ['a.eml', '-']);
    assert.equal(read.fingerprint, scanFingerprint(config, options, cwd));
    assert.equal(read.store, storeUrl(config, options, cwd));
    assert.equal(read.store, `sqlite:${join(cwd, 'here.db')}`);
    assert.equal(read.options.lang, 'ja', 'the language comes from the client\'s environment');
    assert.equal(read.options.json, true);
    // the client's KIZUKI_STORE_URL, not the daemon's, decides the default store
    const withEnv = asked(['x.eml'], { KIZUKI_STORE_URL: 'sqlite:/somewhere/else.db' });
    assert.ok(typeof withEnv !== 'string');
    assert.equal(withEnv.store, 'sqlite:/somewhere/else.db');
    const noStore = asked(['--no-store', 'x.eml']);
    assert.ok(typeof noStore !== 'string');
    assert.equal(noStore.store, null);
  });

  it('leaves to the full client what must run here or what it cannot read', () => {
    assert.equal(typeof asked(['--no-daemon', 'a.eml']), 'string');
    assert.equal(typeof asked(['--explain', 'a.eml']), 'string');
    assert.equal(typeof asked(['--bogus', 'a.eml']), 'string', 'a usage error is the full client\'s to report');
    assert.equal(typeof asked([]), 'string', 'no paths');
    writeFileSync(join(cwd, 'bad.yaml'), 'scan: [');
    assert.match(String(asked(['-c', 'bad.yaml', 'a.eml'])), /configuration could not be read/);
  });
});

describe('kizuki scand (the scan daemon)', () => {
  let dir: string;
  let daemon: RunningDaemon;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kizuki-scand-'));
    daemon = await startDaemon(dir);
  });
  after(async () => {
    if (daemon.child.exitCode === null) await daemon.stop();
  });

  it('listens on a socket only its user can reach', () => {
    assert.equal(statSync(daemon.socket).mode & 0o777 & ~0o700, 0, 'no access for group or others');
    assert.equal(statSync(join(dir, '.kizuki')).mode & 0o077, 0, 'its folder is private too');
  });

  it('judges a scan handed to it exactly as a scan in its own process does, and keeps the verdicts in its store', async () => {
    const local = await runCli(['scan', '--json', '--no-daemon', '--store', join(dir, 'local.db'), ...samples], { cwd: dir });
    const viaDaemon = await runCli(['scan', '--json', '--daemon', ...samples], { cwd: dir });
    assert.equal(viaDaemon.code, local.code, viaDaemon.stderr);
    assert.equal(viaDaemon.code, 1, 'malicious found: exit code 1 through the daemon too');
    assert.deepEqual(parseLines(viaDaemon.stdout), parseLines(local.stdout));
    assert.match(viaDaemon.stderr, /Judged 5 messages/);
    assert.equal(await judgedCount(join(dir, '.kizuki/kizuki.db')), 5, 'the daemon stored what it judged');
  });

  it('reads standard input forwarded by the client, with relative paths meaning the client\'s folder', async () => {
    const input = readFileSync(samples[0]!);
    const local = await runCli(['scan', '--json', '--no-daemon', '--no-store', '-'], { cwd: dir, input });
    const viaDaemon = await runCli(['scan', '--json', '--daemon', '--no-store', '-'], { cwd: dir, input });
    assert.equal(viaDaemon.code, 1, viaDaemon.stderr);
    assert.deepEqual(parseLines(viaDaemon.stdout), parseLines(local.stdout));

    const sub = join(dir, 'sub');
    mkdirSync(sub);
    writeFileSync(join(sub, 'one.eml'), input);
    // from another folder the daemon is found through the configuration, and its store through an absolute path
    writeFileSync(join(sub, 'kizuki.config.yaml'), 'scan:\n  socket: ../.kizuki/scand.sock\n');
    const relative = await runCli(['scan', '--json', '--daemon', '--store', join(dir, '.kizuki/kizuki.db'), 'one.eml'], { cwd: sub });
    assert.equal(relative.code, 1, relative.stderr);
    assert.equal(parseLines(relative.stdout)[0]!.source.path, 'one.eml', 'paths are printed as the user gave them');
  });

  it('declines a scan with other settings: --daemon makes that an error, otherwise the scan runs in its own process', async () => {
    const other = ['scan', '--json', '--no-store', samples[3]!, '--org-domain', 'other.example'];
    const required = await runCli([...other.slice(0, 1), '--daemon', ...other.slice(1)], { cwd: dir });
    assert.equal(required.code, 2);
    assert.match(required.stderr, /did not take the scan: the daemon runs with other settings/);
    assert.equal(required.stdout, '');
    const fallback = await runCli(other, { cwd: dir });
    assert.equal(fallback.code, 0, fallback.stderr);
    assert.equal(parseLines(fallback.stdout).length, 1);
  });

  it('reports a usage error as the command line always does, though a daemon listens', async () => {
    const bad = await runCli(['scan', '--json', '--no-such-option', samples[3]!], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown option '--no-such-option'/);
  });

  it('loads edited rules before the next scan', async () => {
    const rulesDir = join(dir, 'rules');
    mkdirSync(rulesDir, { recursive: true });
    writeFileSync(join(dir, 'kizuki.config.yaml'), `detection:\n  ruleDirs: [${JSON.stringify(rulesDir)}]\n`);
    const withConfig = await startDaemon(dir, ['--socket', join(dir, 'second.sock'), '--no-store']);
    try {
      writeFileSync(join(dir, 'kizuki.config.yaml'), `detection:\n  ruleDirs: [${JSON.stringify(rulesDir)}]\nscan:\n  socket: second.sock\n`);
      // the socket's own setting is not part of what decides verdicts, so the daemon takes these scans
      const scan = () => runCli(['scan', '--json', '--daemon', '--no-store', samples[4]!], { cwd: dir });
      const before = await scan();
      assert.equal(before.code, 0, before.stderr);
      assert.ok(!parseLines(before.stdout)[0]!.reasons.some((r) => r.rule_id === 'custom.meeting'));
      writeFileSync(
        join(rulesDir, 'meeting.yaml'),
        'id: custom.meeting\nname: Meeting\ndescription: a test rule\nseverity: high\ncondition: msg.subject.contains("会議")\nscore: 80\nreason: {en: "A meeting note.", ja: "会議のメモです。"}\n',
      );
      const afterEdit = await scan();
      assert.equal(afterEdit.code, 1, afterEdit.stderr);
      assert.ok(parseLines(afterEdit.stdout)[0]!.reasons.some((r) => r.rule_id === 'custom.meeting'), 'the new rule fired');
      assert.match(withConfig.log(), /rule files changed/);
    } finally {
      await withConfig.stop();
      writeFileSync(join(dir, 'kizuki.config.yaml'), '');
    }
  });

  it('survives a client that sends garbage or leaves mid-scan, and serves the next one', async () => {
    await new Promise<void>((resolvePromise) => {
      const bad = connect(daemon.socket, () => bad.end(Buffer.from([42, 0, 0, 0, 1, 0])));
      bad.on('close', () => resolvePromise());
      bad.on('error', () => resolvePromise());
    });
    const bigFolder = join(dir, 'many');
    mkdirSync(bigFolder);
    for (let i = 0; i < 200; i++) writeFileSync(join(bigFolder, `${i}.eml`), readFileSync(samples[i % samples.length]!));
    // a client killed while its scan runs
    const child = spawn(process.execPath, [cliPath, 'scan', '--json', '--daemon', '--no-store', bigFolder], { cwd: dir, stdio: 'ignore' });
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 300));
    child.kill('SIGKILL');
    const next = await runCli(['scan', '--json', '--daemon', '--no-store', samples[3]!], { cwd: dir });
    assert.equal(next.code, 0, next.stderr);
    assert.equal(parseLines(next.stdout).length, 1);
  });

  it('finishes the scan in progress when told to stop', async () => {
    const folder = join(dir, 'stopping');
    mkdirSync(folder);
    for (let i = 0; i < 120; i++) writeFileSync(join(folder, `${i}.eml`), readFileSync(samples[i % samples.length]!));
    const stopping = await startDaemon(dir, ['--socket', join(dir, 'stopping.sock'), '--no-store']);
    writeFileSync(join(folder, '..', 'stopping.yaml'), 'scan:\n  socket: stopping.sock\n');
    const client = spawn(process.execPath, [cliPath, 'scan', '--json', '--daemon', '--no-store', '-c', 'stopping.yaml', folder], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    client.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    client.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
    });
    const clientCode = new Promise((resolvePromise) => client.on('close', resolvePromise));
    while (!out.includes('\n')) {
      if (client.exitCode !== null) break;
      await new Promise((resolvePromise) => setTimeout(resolvePromise, 10));
    }
    const daemonCode = stopping.stop();
    assert.equal(await clientCode, 1, err);
    assert.equal(parseLines(out).length, 120, 'every message of the scan was judged and printed');
    assert.equal(await daemonCode, 0, stopping.log());
  });

  it('refuses to start on a socket another daemon serves, replaces a stale one, and removes its socket when stopped', async () => {
    const second = spawn(process.execPath, [cliPath, 'scand'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    second.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
    });
    const code = await new Promise((resolvePromise) => second.on('exit', resolvePromise));
    assert.equal(code, 2);
    assert.match(log, /already listening/);

    assert.equal(await daemon.stop(), 0, daemon.log());
    assert.ok(!existsSync(daemon.socket), 'the socket is removed on SIGTERM');
    // with no daemon, --daemon is an error and the default scans here
    const required = await runCli(['scan', '--json', '--daemon', '--no-store', samples[3]!], { cwd: dir });
    assert.equal(required.code, 2);
    assert.match(required.stderr, /no scan daemon at/);
    // a socket file left by a daemon that died
    writeFileSync(daemon.socket, '');
    const fallback = await runCli(['scan', '--json', '--no-store', samples[3]!], { cwd: dir });
    assert.equal(fallback.code, 0, fallback.stderr);
    daemon = await startDaemon(dir);
    const taken = await runCli(['scan', '--json', '--daemon', '--no-store', samples[3]!], { cwd: dir });
    assert.equal(taken.code, 0, taken.stderr);
  });
});
