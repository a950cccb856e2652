// `kizuki serve` with an IMAP provider configured, on a real Dovecot: the service watches the mailbox, a lure
// delivered while it runs shows up judged through the API, GET /api/status reports the watcher, SIGTERM stops it all
// cleanly; and an incident the watchers' takeover engine opens gets its playbook run, waiting for approvals.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config.js';
import { Accounts } from '../../src/server/accounts.js';
import { startService } from '../../src/server/service.js';
import { openStore } from '../../src/store/index.js';
import { cliPath, repoRoot } from '../support/cli.js';
import { startDovecot, type TestDovecot } from '../support/dovecot.js';

const ACCOUNT = 'iwanaga@tsukishiro-vs.co.jp';
const PASSWORD_ENV = 'KIZUKI_TEST_SERVE_IMAP_PASSWORD';
const sample = (name: string) => readFileSync(join(repoRoot, 'samples/seed-2017', name));

function configObject(server: TestDovecot, storePath: string, extra: Record<string, unknown> = {}) {
  return {
    org: { name: 'Tsukishiro', domains: ['tsukishiro-vs.co.jp'] },
    auth: { mode: 'headers', trustedHosts: ['mx.google.com'] },
    store: { url: storePath },
    scan: { workers: 1 },
    service: { host: '127.0.0.1', port: 0 },
    providers: [
      {
        name: 'office',
        kind: 'imap',
        host: '127.0.0.1',
        port: server.port,
        secure: false,
        user: server.user,
        passwordEnv: PASSWORD_ENV,
        folders: ['INBOX', 'Sent'],
        pollSeconds: 1,
        reconnect: { minMs: 50, maxMs: 500 },
      },
    ],
    ...extra,
  };
}

/** Waits (polling) until `check` gives a value; fails with `what` if it never does within the limit. Not a speed check. */
async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, what: string, limitMs = 90_000): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An analyst API token, made in the store before the service starts. */
async function analystToken(storePath: string): Promise<string> {
  const store = await openStore(storePath);
  try {
    const accounts = new Accounts(store);
    await accounts.createUser({ username: 'admin', role: 'admin' });
    return (await accounts.createToken({ name: 'watch-test', role: 'analyst', createdBy: 'test' })).secret;
  } finally {
    await store.close();
  }
}

async function getJson(base: string, path: string, token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('kizuki serve runs the configured watchers (real Dovecot)', () => {
  let server: TestDovecot;
  let dir: string;
  before(async () => {
    server = await startDovecot({ user: ACCOUNT });
    dir = mkdtempSync(join(tmpdir(), 'kizuki-servewatch-'));
  });
  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('judges a lure delivered while serving, reports the watcher, and stops cleanly on SIGTERM', async () => {
    const storePath = join(dir, 'serve.db');
    const token = await analystToken(storePath);
    const configFile = join(dir, 'serve.yaml');
    writeFileSync(configFile, stringify(configObject(server, storePath)));
    const env: NodeJS.ProcessEnv = { ...process.env, [PASSWORD_ENV]: server.password };
    delete env.KIZUKI_EVENTS_TOKEN;
    const child: ChildProcess = spawn(process.execPath, [cliPath, 'serve', '--config', configFile], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk) => {
      out += String(chunk);
    });
    child.stderr?.on('data', (chunk) => {
      err += String(chunk);
    });
    let gone = false;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => {
        gone = true;
        resolve({ code, signal });
      }),
    );
    try {
      const base = await waitFor(() => {
        if (gone) throw new Error(`kizuki serve exited early; stdout: ${out} stderr: ${err}`);
        return /Kizuki console: (http:\/\/[^/\s]+)\//.exec(out)?.[1];
      }, 'the service starts');
      assert.match(out, /watching office \(imap\)/);
      assert.doesNotMatch(out + err, new RegExp(server.password), 'the IMAP password is never printed');

      await server.deliver(sample('01-inbound-lure.eml'));
      const judged = await waitFor(async () => {
        const { body } = await getJson(base, '/api/messages', token);
        const messages = (body.messages ?? []) as Array<Record<string, unknown>>;
        return messages.find((m) => JSON.stringify(m).includes('7c1e0b9a4f2d.20170703062912@mail.halvorsen-imaging.com'));
      }, 'the lure appears judged in the API');
      assert.equal(judged.verdict, 'malicious', JSON.stringify(judged));

      const status = await getJson(base, '/api/status', token);
      assert.equal(status.status, 200);
      const watchers = status.body.watchers as Array<Record<string, unknown>>;
      assert.equal(watchers.length, 1);
      assert.equal(watchers[0]?.name, 'office');
      assert.equal(watchers[0]?.kind, 'imap');
      assert.equal(watchers[0]?.state, 'running');
      assert.ok((watchers[0]?.messages as number) >= 1);
      assert.match(String(watchers[0]?.lastFetchAt), /^\d{4}-\d\d-\d\dT/);
      // without a token the status is not shown
      assert.equal((await fetch(`${base}/api/status`)).status, 401);
    } finally {
      child.kill('SIGTERM');
    }
    const { code, signal } = await exited;
    assert.equal(signal, null, `exited by signal ${signal}; stderr: ${err}`);
    assert.equal(code, 0, `stderr: ${err}`);
    assert.match(out, /SIGTERM: stopping/);
  });

  it('reports a provider that cannot log in and one without its secret, and keeps serving', async () => {
    const storePath = join(dir, 'badlogin.db');
    const object = configObject(server, storePath);
    object.providers.push({ ...object.providers[0], name: 'nosecret', passwordEnv: 'KIZUKI_TEST_SERVE_UNSET' } as (typeof object.providers)[0]);
    const config = parseConfig(object);
    const lines: string[] = [];
    const service = await startService({ config, env: { [PASSWORD_ENV]: 'not-the-password' }, log: (line) => lines.push(line) });
    try {
      const watcher = await waitFor(() => service.watchers?.status().find((w) => w.name === 'office' && w.lastError !== undefined), 'the refused login is reported');
      assert.equal(watcher.name, 'office');
      assert.match(watcher.lastError ?? '', /log|auth|refused|password/i, watcher.lastError);
      const stopped = await waitFor(() => service.watchers?.status().find((w) => w.name === 'office' && w.state === 'stopped'), 'a refused login stops the watcher for good');
      assert.equal(stopped.messages, 0);
      const unset = service.watchers?.status().find((w) => w.name === 'nosecret');
      assert.equal(unset?.state, 'stopped');
      assert.match(unset?.lastError ?? '', /KIZUKI_TEST_SERVE_UNSET is not set/);
      assert.ok(lines.some((l) => /nosecret: cannot start/.test(l)), lines.join('\n'));
      assert.doesNotMatch(watcher.lastError ?? '', /not-the-password/);
      assert.ok(lines.every((l) => !l.includes('not-the-password')), 'the wrong password is never logged');
      const health = await fetch(`${service.address}/api/health`);
      assert.equal(health.status, 200, 'the service still answers');
    } finally {
      await service.close();
    }
  });

  it('starts the playbook for an incident the watchers open, its steps waiting for a person', async () => {
    const storePath = join(dir, 'incident.db');
    const token = await analystToken(storePath);
    // an incident already in the store (say, a kept replay) is history: starting the service runs no playbook on it
    const before = await openStore(storePath);
    await before.putIncident({
      id: 'inc-kept-before',
      title: 'kept from before',
      phase: 'detected',
      severity: 'high',
      accounts: ['someone-else@tsukishiro-vs.co.jp'],
      campaigns: [],
      openedAt: '2017-07-03T07:00:00.000Z',
      firstEvidenceAt: '2017-07-03T06:40:00.000Z',
      signalIds: [],
      timeline: [],
      kind: 'takeover',
      evidence: 'strong',
    });
    await before.close();
    const config = parseConfig(configObject(server, storePath));
    const lines: string[] = [];
    const service = await startService({ config, env: { [PASSWORD_ENV]: server.password }, log: (line) => lines.push(line) });
    try {
      // the 2017 pattern: the lure comes in, then the account sends it on to outsiders, and a bounce comes back
      // (the mailbox is shared with the test above: the lure is delivered again, the new store has not seen it)
      await server.deliver(sample('01-inbound-lure.eml'));
      await server.deliver(sample('02-outbound-bcc.eml'), 'Sent');
      await server.deliver(sample('05-bounce.eml'));
      const incident = await waitFor(async () => {
        const { body } = await getJson(service.address, '/api/incidents', token);
        return ((body.incidents ?? []) as Array<Record<string, unknown>>).find((i) => i.id !== 'inc-kept-before');
      }, `the takeover engine opens an incident (log: ${lines.join(' | ')})`);
      const pending = await waitFor(async () => {
        const { body } = await getJson(service.address, '/api/steps/pending', token);
        const steps = (body.steps ?? []) as Array<Record<string, unknown>>;
        return steps.length > 0 ? steps : undefined;
      }, `the playbook run waits for approvals (log: ${lines.join(' | ')})`);
      assert.ok(pending.every((s) => s.incidentId === incident.id && s.state === 'awaiting-approval'), JSON.stringify(pending));
      const response = await getJson(service.address, `/api/incidents/${encodeURIComponent(String(incident.id))}/response`, token);
      assert.equal(response.status, 200);
      assert.ok(JSON.stringify(response.body).includes('awaiting-approval'));
      // looking again changes nothing: one run per incident and playbook
      await service.watchers?.pollIncidents();
      const again = await getJson(service.address, '/api/steps/pending', token);
      assert.equal((again.body.steps as unknown[]).length, pending.length);
      const kept = await getJson(service.address, '/api/incidents/inc-kept-before/response', token);
      assert.equal(kept.status, 200);
      assert.deepEqual(kept.body.runs, [], 'no run for the incident kept from before');
    } finally {
      await service.close();
    }
  });
});
