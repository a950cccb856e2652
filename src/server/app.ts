// The service's HTTP server: Fastify, the route schemas as the one source of the OpenAPI document, authentication
// (console sessions, API tokens), roles, CSRF, login rate limits, the audit log, and the console's static files.
//
// Every route under /api and /v1 states who may call it in `config.access`: 'public', or the least role
// ('viewer' < 'analyst' < 'admin'). A route that says nothing is admin-only, so a forgotten line fails closed.
import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { TakeoverEngine } from '../events/engine.js';
import type { ResponseRunner } from '../respond/runner.js';
import type { WatcherStatus } from './watchers.js';
import type { Store } from '../store/index.js';
import { Accounts, type Principal, principalName, principalRole, type Role, roleAllows } from './accounts.js';
import type { Judging } from './judging.js';
import { registerRoutes } from './routes/index.js';
import { KIZUKI_VERSION } from '../version.js';

export type Access = 'public' | Role;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyInstance {
    /** every route with the access it declared (undefined: it declared none and is admin-only) */
    kizukiRoutes: Array<{ method: string; url: string; access: Access | undefined }>;
  }
}

export const SESSION_COOKIE = 'kizuki_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface ServerOptions {
  store: Store;
  accounts?: Accounts;
  judging: Judging;
  /** the organisation's own domains (internal vs external recipients) */
  orgDomains?: string[];
  /** the takeover engine behind the events intake; absent: the intake answers 503 */
  engine?: Pick<TakeoverEngine, 'ingest'>;
  /** the playbook runner that carries out approved steps (absent: decisions are recorded, a runner elsewhere acts) */
  runner?: Pick<ResponseRunner, 'decide' | 'drive'>;
  /** the configured providers' watchers, for GET /api/status (absent: none run in this process) */
  watchers?: () => WatcherStatus[];
  /** the shared intake token of `kizuki events serve` (config events.tokenFile / KIZUKI_EVENTS_TOKEN), also accepted */
  eventsToken?: string;
  /** folder of the built console (web/dist); absent or missing: the API only */
  webRoot?: string;
  /** login attempts per client address per minute */
  loginPerMinute?: number;
  /** trust X-Forwarded-* from a TLS-terminating proxy in front (cookies then become Secure) */
  trustProxy?: boolean;
  maxBodyBytes?: number;
  logger?: boolean;
  now?: () => Date;
}

export interface ServerContext {
  store: Store;
  accounts: Accounts;
  judging: Judging;
  orgDomains: string[];
  engine?: Pick<TakeoverEngine, 'ingest'>;
  runner?: Pick<ResponseRunner, 'decide' | 'drive'>;
  watchers?: () => WatcherStatus[];
  eventsToken?: string;
  loginPerMinute: number;
  now: () => Date;
  /** writes one audit entry for a change made by this request */
  audit(request: FastifyRequest, action: string, target: string, detail?: Record<string, unknown>): Promise<void>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization ?? '';
  return /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim() || undefined;
}

/** Compares digests, so neither the length nor the content of a secret leaks through timing. */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

function deny(reply: FastifyReply, status: 401 | 403, message: string): FastifyReply {
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="kizuki"');
  return reply.code(status).send({ error: message });
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const now = options.now ?? (() => new Date());
  const accounts = options.accounts ?? new Accounts(options.store, { now });
  const app = Fastify({
    logger: options.logger ? { level: 'info', redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]'] } : false,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: options.maxBodyBytes ?? 2 * 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  });

  const ctx: ServerContext = {
    store: options.store,
    accounts,
    judging: options.judging,
    orgDomains: options.orgDomains ?? [],
    loginPerMinute: options.loginPerMinute ?? 10,
    now,
    audit: async (request, action, target, detail) => {
      await accounts.audit({ actor: request.principal ? principalName(request.principal) : 'anonymous', action, target, detail: detail ?? {}, ip: request.ip });
    },
  };
  if (options.engine) ctx.engine = options.engine;
  if (options.runner) ctx.runner = options.runner;
  if (options.watchers) ctx.watchers = options.watchers;
  if (options.eventsToken) ctx.eventsToken = options.eventsToken;

  const routes: FastifyInstance['kizukiRoutes'] = [];
  app.decorate('kizukiRoutes', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, access: route.config?.access });
  });

  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Kizuki API', version: KIZUKI_VERSION, description: 'Judged messages, rules, incidents, users and tokens of a Kizuki service.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'console session; changes also need the X-CSRF-Token header' },
          bearer: { type: 'http', scheme: 'bearer', description: 'an API token made by an admin' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { deepLinking: false } });

  // Headers that keep the console out of frames and stop content sniffing, on every answer.
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    if (!request.url.startsWith('/api/docs')) {
      reply.header('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    }
    if (request.url.startsWith('/api/') || request.url.startsWith('/v1/')) reply.header('cache-control', 'no-store');
    return payload;
  });

  // Authentication and roles, before the body is even read.
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (!path.startsWith('/api/') && !path.startsWith('/v1/')) return;
    if (path.startsWith('/api/docs')) return;
    const access: Access = request.routeOptions.config?.access ?? 'admin';
    if (request.is404) return;
    if (access === 'public') return;
    const bearer = bearerOf(request);
    if (bearer) {
      // the intake's own shared token (as `kizuki events serve` takes it) is checked again by the intake route
      if (path === '/v1/events' && ctx.eventsToken && sameSecret(ctx.eventsToken, bearer)) return;
      const principal = await accounts.tokenPrincipal(bearer);
      if (!principal) return deny(reply, 401, 'unknown or revoked API token');
      request.principal = principal;
    } else {
      const sid = request.cookies[SESSION_COOKIE];
      const principal = sid ? await accounts.session(sid) : undefined;
      if (!principal) return deny(reply, 401, 'log in first, or send an API token');
      if (principal.kind === 'session' && !SAFE_METHODS.has(request.method) && request.headers[CSRF_HEADER] !== principal.csrfToken) {
        return deny(reply, 403, 'missing or wrong X-CSRF-Token header');
      }
      request.principal = principal;
    }
    if (!roleAllows(principalRole(request.principal), access)) return deny(reply, 403, `this needs the ${access} role`);
  });

  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    reply.code(status).send({ error: status >= 500 ? 'internal error; nothing was changed by this request' : error.message });
  });

  await app.register(async (api) => registerRoutes(api, ctx));

  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  if (options.webRoot && existsSync(options.webRoot)) {
    await app.register(fastifyStatic, { root: options.webRoot, prefix: '/', wildcard: false, index: ['index.html'] });
    // The console routes its own pages: any other GET outside the API gets the console's index page.
    app.setNotFoundHandler((request, reply) => {
      if (request.method === 'GET' && !request.url.startsWith('/api/') && !request.url.startsWith('/v1/')) return reply.sendFile('index.html');
      return reply.code(404).send({ error: 'not found' });
    });
  } else {
    app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not found' }));
  }
  return app;
}
