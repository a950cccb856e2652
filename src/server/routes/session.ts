// Health, login, logout, the current session and the user's own settings.
import type { FastifyInstance } from 'fastify';
import { AccountError, principalRole } from '../accounts.js';
import { type ServerContext, SESSION_COOKIE } from '../app.js';
import { anyObject, errorBody, langEnum } from './schemas.js';

const sessionBody = {
  type: 'object',
  properties: {
    user: { type: 'object', additionalProperties: true },
    csrfToken: { type: 'string' },
  },
  additionalProperties: true,
} as const;

export async function register(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/api/health', { config: { access: 'public' }, schema: { tags: ['service'], summary: 'is the service up and its store reachable', response: { '4xx': errorBody, '5xx': errorBody, 200: anyObject } } }, async () => {
    const version = await ctx.store.schemaVersion();
    return { ok: true, schemaVersion: version, time: ctx.now().toISOString() };
  });

  app.post(
    '/api/login',
    {
      config: { access: 'public', rateLimit: { max: ctx.loginPerMinute, timeWindow: 60_000, keyGenerator: (request) => request.ip } },
      schema: {
        tags: ['session'],
        summary: 'log in: sets the session cookie, answers the CSRF token for changes',
        body: { type: 'object', required: ['username', 'password'], properties: { username: { type: 'string', maxLength: 64 }, password: { type: 'string', maxLength: 256 } }, additionalProperties: false },
        response: { '4xx': errorBody, '5xx': errorBody, 200: sessionBody },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body as { username: string; password: string };
      const result = await ctx.accounts.login(username, password);
      if (!result) {
        await ctx.accounts.audit({ actor: username.slice(0, 64), action: 'login.failed', target: 'session', ip: request.ip });
        return reply.code(401).send({ error: 'wrong user name or password' });
      }
      reply.setCookie(SESSION_COOKIE, result.sessionId, { path: '/', httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https' });
      await ctx.accounts.audit({ actor: result.user.username, action: 'login', target: 'session', ip: request.ip });
      return { user: result.user, csrfToken: result.csrfToken };
    },
  );

  app.post('/api/logout', { config: { access: 'viewer' }, schema: { tags: ['session'], summary: 'end this session', response: { '4xx': errorBody, '5xx': errorBody, 200: anyObject } } }, async (request, reply) => {
    const p = request.principal;
    if (p?.kind === 'session') await ctx.accounts.logout(p.sessionHash);
    await ctx.audit(request, 'logout', 'session');
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/api/session', { config: { access: 'viewer' }, schema: { tags: ['session'], summary: 'who is logged in (or which token is used), the role, the CSRF token', response: { '4xx': errorBody, '5xx': errorBody, 200: sessionBody } } }, async (request) => {
    const p = request.principal;
    if (p?.kind === 'session') return { user: p.user, csrfToken: p.csrfToken };
    return { token: p?.kind === 'token' ? p.token : undefined, role: p ? principalRole(p) : undefined };
  });

  app.put(
    '/api/me/language',
    {
      config: { access: 'viewer' },
      schema: { tags: ['session'], summary: "set the console language remembered for this user", body: { type: 'object', required: ['lang'], properties: { lang: langEnum }, additionalProperties: false }, response: { '4xx': errorBody, '5xx': errorBody, 200: anyObject } },
    },
    async (request, reply) => {
      const p = request.principal;
      if (p?.kind !== 'session') return reply.code(400).send({ error: 'only a console user has a language' });
      const { lang } = request.body as { lang: 'en' | 'ja' };
      const user = await ctx.accounts.updateUser(p.user.id, { lang });
      await ctx.audit(request, 'user.language', user.username, { lang });
      return { user };
    },
  );

  app.put(
    '/api/me/password',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['session'],
        summary: 'change your own password (ends your other sessions)',
        body: { type: 'object', required: ['current', 'password'], properties: { current: { type: 'string', maxLength: 256 }, password: { type: 'string', maxLength: 256 } }, additionalProperties: false },
        response: { '4xx': errorBody, '5xx': errorBody, 200: anyObject },
      },
    },
    async (request, reply) => {
      const p = request.principal;
      if (p?.kind !== 'session') return reply.code(400).send({ error: 'only a console user has a password' });
      const { current, password } = request.body as { current: string; password: string };
      if (!(await ctx.accounts.verifyPassword(p.user.id, current))) return reply.code(403).send({ error: 'the current password is wrong' });
      try {
        await ctx.accounts.setPassword(p.user.id, password, p.sessionHash);
      } catch (error) {
        if (error instanceof AccountError) return reply.code(error.status as 400).send({ error: error.message });
        throw error;
      }
      await ctx.audit(request, 'user.password', p.user.username);
      return { ok: true };
    },
  );
}
