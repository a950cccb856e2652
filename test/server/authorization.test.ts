// Every route the OpenAPI document lists refuses a request without credentials (401), with too small a role (403),
// and a cookie session's change without the CSRF token (403). The list comes from the document itself, so a new
// route is covered the moment it exists.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Role, ROLES, roleAllows } from '../../src/server/accounts.js';
import { CSRF_HEADER, type Harness, startHarness } from './harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

interface Operation {
  method: string;
  path: string;
  url: string;
  access: string;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

async function operations(): Promise<Operation[]> {
  const doc = (await (await fetch(`${h.base}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const method of Object.keys(methods)) {
      const fastifyPath = path.replace(/\{(\w+)\}/g, ':$1');
      const route = h.app.kizukiRoutes.find((r) => r.url === fastifyPath && r.method === method.toUpperCase());
      assert.ok(route, `${method} ${path} is in the document but not registered`);
      assert.ok(route.access, `${method.toUpperCase()} ${path} does not declare who may call it (config.access)`);
      const url = path.replace(/\{sha256\}/g, '0'.repeat(64)).replace(/\{(\w+)\}/g, 'no-such-$1');
      ops.push({ method: method.toUpperCase(), path, url: `${h.base}${url}`, access: route.access });
    }
  }
  return ops;
}

function call(op: Operation, headers: Record<string, string> = {}) {
  const withBody = !SAFE.has(op.method);
  return fetch(op.url, { method: op.method, headers: { ...(withBody ? { 'content-type': 'application/json' } : {}), ...headers }, body: withBody ? '{}' : undefined });
}

test('the OpenAPI document lists every API route, and each declares its access', async () => {
  const ops = await operations();
  assert.ok(ops.length >= 20, `only ${ops.length} operations documented`);
  const documented = new Set(ops.map((o) => `${o.method} ${o.path.replace(/\{(\w+)\}/g, ':$1')}`));
  for (const r of h.app.kizukiRoutes) {
    if (!/^\/(api|v1)\//.test(r.url) || r.url.startsWith('/api/docs') || r.url === '/api/openapi.json' || r.method === 'HEAD') continue;
    assert.ok(documented.has(`${r.method} ${r.url}`), `${r.method} ${r.url} is missing from the OpenAPI document`);
  }
  const publicOnes = ops.filter((o) => o.access === 'public').map((o) => `${o.method} ${o.path}`);
  assert.deepEqual(publicOnes.sort(), ['GET /api/health', 'POST /api/login']);
});

test('the OpenAPI document and its docs page answer without login', async () => {
  const doc = await fetch(`${h.base}/api/openapi.json`);
  assert.equal(doc.status, 200);
  assert.equal(((await doc.json()) as { openapi: string }).openapi, '3.0.3');
  const page = await fetch(`${h.base}/api/docs/`, { redirect: 'follow' });
  assert.equal(page.status, 200);
  assert.match(await page.text(), /swagger/i);
});

test('without a session or token every non-public route answers 401', async () => {
  for (const op of await operations()) {
    if (op.access === 'public') continue;
    const res = await call(op);
    assert.equal(res.status, 401, `${op.method} ${op.path} without credentials`);
    const bogus = await call(op, { authorization: 'Bearer kzk_not-a-real-token' });
    assert.equal(bogus.status, 401, `${op.method} ${op.path} with an unknown token`);
    const forged = await call(op, { cookie: 'kizuki_session=forged' });
    assert.equal(forged.status, 401, `${op.method} ${op.path} with a forged session`);
  }
});

test('a role below the route’s answers 403, by token and by session', async () => {
  let checked = 0;
  for (const op of await operations()) {
    if (op.access === 'public') continue;
    for (const role of ROLES) {
      if (roleAllows(role, op.access as Role)) continue;
      const byToken = await call(op, { authorization: `Bearer ${h.as[role].token}` });
      assert.equal(byToken.status, 403, `${op.method} ${op.path} as ${role} (token)`);
      const bySession = await call(op, { cookie: h.as[role].cookie, [CSRF_HEADER]: h.as[role].csrf });
      assert.equal(bySession.status, 403, `${op.method} ${op.path} as ${role} (session)`);
      checked++;
    }
  }
  assert.ok(checked >= 15, `only ${checked} role refusals checked`);
});

test('a session’s change without the CSRF token answers 403 even for an admin', async () => {
  for (const op of await operations()) {
    if (op.access === 'public' || SAFE.has(op.method)) continue;
    const res = await call(op, { cookie: h.as.admin.cookie });
    assert.equal(res.status, 403, `${op.method} ${op.path} without CSRF`);
    const wrong = await call(op, { cookie: h.as.admin.cookie, [CSRF_HEADER]: h.as.viewer.csrf });
    assert.equal(wrong.status, 403, `${op.method} ${op.path} with another session's CSRF token`);
  }
});

test('the least role a route needs gets past authorisation', async () => {
  for (const op of await operations()) {
    if (op.access === 'public') continue;
    const res = await call(op, { authorization: `Bearer ${h.as[op.access as Role].token}` });
    assert.ok(![401, 403].includes(res.status), `${op.method} ${op.path} as ${op.access}: ${res.status}`);
  }
});
