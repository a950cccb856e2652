// For admins: users, API tokens, the audit log and the retention job.
import type { FastifyInstance } from 'fastify';
import { AccountError, type Lang, type Role } from '../accounts.js';
import type { ServerContext } from '../app.js';
import { runRetention } from '../retention.js';
import { anyObject, errorBody, idParam, langEnum, listOf, roleEnum } from './schemas.js';

export async function register(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const fail = (error: unknown) => {
    if (error instanceof AccountError) return { status: error.status, body: { error: error.message } };
    throw error;
  };

  app.get('/api/users', { config: { access: 'admin' }, schema: { tags: ['admin'], summary: 'console users', response: { '4xx': errorBody, '5xx': errorBody, 200: { type: 'object', properties: { users: listOf(anyObject) } } } } }, async () => ({
    users: await ctx.accounts.listUsers(),
  }));

  app.post(
    '/api/users',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'add a user; answers a one-time password (shown once) that must be changed at first login',
        body: { type: 'object', required: ['username', 'role'], properties: { username: { type: 'string', maxLength: 64 }, role: roleEnum, lang: langEnum }, additionalProperties: false },
        response: { '4xx': errorBody, '5xx': errorBody, 201: anyObject },
      },
    },
    async (request, reply) => {
      const body = request.body as { username: string; role: Role; lang?: Lang };
      try {
        const { user, password } = await ctx.accounts.createUser(body);
        await ctx.audit(request, 'user.create', user.username, { role: user.role });
        return reply.code(201).send({ user, oneTimePassword: password });
      } catch (error) {
        const { status, body: answer } = fail(error);
        return reply.code(status as 400).send(answer);
      }
    },
  );

  app.patch(
    '/api/users/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['admin'],
        summary: "change a user's role, or disable / enable the user (disabling ends the user's sessions)",
        params: idParam('id'),
        body: { type: 'object', properties: { role: roleEnum, disabled: { type: 'boolean' } }, additionalProperties: false },
        response: { '4xx': errorBody, '5xx': errorBody, 200: anyObject },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const change = request.body as { role?: Role; disabled?: boolean };
      if (!(await ctx.accounts.getUser(id))) return reply.code(404).send({ error: 'no such user' });
      if (request.principal?.kind === 'session' && request.principal.user.id === id && (change.disabled || (change.role && change.role !== 'admin'))) {
        return reply.code(409).send({ error: 'an admin cannot disable or demote themself; ask another admin' });
      }
      const user = await ctx.accounts.updateUser(id, change);
      await ctx.audit(request, 'user.update', user.username, change);
      return { user };
    },
  );

  app.delete('/api/users/:id', { config: { access: 'admin' }, schema: { tags: ['admin'], summary: 'remove a user', params: idParam('id'), response: { '4xx': errorBody, '5xx': errorBody, 200: anyObject } } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    if (request.principal?.kind === 'session' && request.principal.user.id === id) return reply.code(409).send({ error: 'an admin cannot remove themself' });
    const user = await ctx.accounts.getUser(id);
    if (!user || !(await ctx.accounts.deleteUser(id))) return reply.code(404).send({ error: 'no such user' });
    await ctx.audit(request, 'user.delete', user.username);
    return { ok: true };
  });

  app.get('/api/tokens', { config: { access: 'admin' }, schema: { tags: ['admin'], summary: 'API tokens (never their secret)', response: { '4xx': errorBody, '5xx': errorBody, 200: { type: 'object', properties: { tokens: listOf(anyObject) } } } } }, async () => ({
    tokens: await ctx.accounts.listTokens(),
  }));

  app.post(
    '/api/tokens',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'make an API token for a machine; its secret is answered once and stored only as a hash',
        body: { type: 'object', required: ['name', 'role'], properties: { name: { type: 'string', maxLength: 80 }, role: roleEnum }, additionalProperties: false },
        response: { '4xx': errorBody, '5xx': errorBody, 201: anyObject },
      },
    },
    async (request, reply) => {
      const body = request.body as { name: string; role: Role };
      const by = request.principal?.kind === 'session' ? request.principal.user.username : `token:${request.principal?.token.name ?? '?'}`;
      try {
        const made = await ctx.accounts.createToken({ ...body, createdBy: by });
        await ctx.audit(request, 'token.create', made.token.name, { id: made.token.id, role: made.token.role });
        return reply.code(201).send({ token: made.token, secret: made.secret });
      } catch (error) {
        const { status, body: answer } = fail(error);
        return reply.code(status as 400).send(answer);
      }
    },
  );

  app.delete('/api/tokens/:id', { config: { access: 'admin' }, schema: { tags: ['admin'], summary: 'revoke an API token', params: idParam('id'), response: { '4xx': errorBody, '5xx': errorBody, 200: anyObject } } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!(await ctx.accounts.revokeToken(id))) return reply.code(404).send({ error: 'no such token, or already revoked' });
    await ctx.audit(request, 'token.revoke', id);
    return { ok: true };
  });

  app.get(
    '/api/audit',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'the audit log, newest first: every change, login and failed login',
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 }, before: { type: 'string', maxLength: 200 } }, additionalProperties: false },
        response: { '4xx': errorBody, '5xx': errorBody, 200: { type: 'object', properties: { entries: listOf(anyObject) } } },
      },
    },
    async (request) => {
      const q = request.query as { limit: number; before?: string };
      return { entries: await ctx.accounts.listAudit(q.before ? { limit: q.limit, before: q.before } : { limit: q.limit }) };
    },
  );

  app.post(
    '/api/retention/run',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'run the retention job now: drop expired sessions, and raw messages older than `rawDays`',
        body: { type: 'object', properties: { rawDays: { type: 'integer', minimum: 1, maximum: 36500 } }, additionalProperties: false },
        response: { '4xx': errorBody, '5xx': errorBody, 200: anyObject },
      },
    },
    async (request) => {
      const { rawDays } = (request.body ?? {}) as { rawDays?: number };
      const outcome = await runRetention(ctx.store, ctx.accounts, rawDays === undefined ? {} : { rawDays });
      await ctx.audit(request, 'retention.run', 'store', { ...outcome });
      return outcome;
    },
  );
}
