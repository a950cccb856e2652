// A real Kizuki server on 127.0.0.1 over a real store, with one user and one API token per role, for the tests.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Accounts, type Role, ROLES } from '../../src/server/accounts.js';
import { buildServer, CSRF_HEADER, SESSION_COOKIE } from '../../src/server/app.js';
import { Judging } from '../../src/server/judging.js';
import { TakeoverEngine } from '../../src/events/engine.js';
import { StoreSink } from '../../src/events/store-sink.js';
import { openStore, type Store } from '../../src/store/index.js';

export interface Credentials {
  cookie: string;
  csrf: string;
  token: string;
  password: string;
}

export interface Harness {
  app: FastifyInstance;
  store: Store;
  accounts: Accounts;
  base: string;
  as: Record<Role, Credentials>;
  close(): Promise<void>;
}

export const PASSWORD = 'correct horse battery staple';

export async function startHarness(options: { storeUrl?: string; webRoot?: string; eventsToken?: string; loginPerMinute?: number; trustProxy?: boolean } = {}): Promise<Harness> {
  const store = await openStore(options.storeUrl ?? ':memory:');
  const accounts = new Accounts(store);
  const app = await buildServer({
    store,
    accounts,
    judging: new Judging({ ruleDirs: [], orgDomains: ['tsukishiro-vs.co.jp'] }),
    orgDomains: ['tsukishiro-vs.co.jp'],
    engine: new TakeoverEngine(new StoreSink(store), { config: { orgDomains: ['tsukishiro-vs.co.jp'] } }),
    ...(options.eventsToken ? { eventsToken: options.eventsToken } : {}),
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
    loginPerMinute: options.loginPerMinute ?? 1000,
    trustProxy: options.trustProxy ?? false,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const as = {} as Record<Role, Credentials>;
  for (const role of ROLES) {
    await accounts.createUser({ username: `${role}-user`, role, password: PASSWORD });
    const res = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `${role}-user`, password: PASSWORD }) });
    if (res.status !== 200) throw new Error(`login as ${role} failed: ${res.status}`);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    const { secret } = await accounts.createToken({ name: `${role}-token`, role, createdBy: 'test' });
    as[role] = { cookie, csrf: csrfToken, token: secret, password: PASSWORD };
  }
  return {
    app,
    store,
    accounts,
    base,
    as,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

export { CSRF_HEADER, SESSION_COOKIE };
