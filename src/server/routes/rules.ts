// Detection rules: the list with each rule's switch, switching a rule on or off, testing one on a pasted message.
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../app.js';
import { anyObject, errorBody, idParam, listOf } from './schemas.js';

export async function register(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get(
    '/api/rules',
    { config: { access: 'viewer' }, schema: { tags: ['rules'], summary: 'every detection rule, with whether it is switched on', response: { '4xx': errorBody, '5xx': errorBody, 200: { type: 'object', properties: { rules: listOf(anyObject) } } } } },
    async () => {
      const [loaded, switches] = await Promise.all([ctx.judging.rules(), ctx.accounts.ruleSwitches()]);
      return {
        rules: loaded.rules.map(({ info }) => ({
          id: info.id,
          name: info.name,
          description: info.description,
          severity: info.severity,
          score: info.score,
          attackTypes: info.attackTypes,
          techniques: info.techniques,
          enabled: switches.get(info.id) ?? true,
        })),
      };
    },
  );

  app.put(
    '/api/rules/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['rules'],
        summary: 'switch a rule on or off for the service (its judging, workers and rule tests)',
        params: idParam('id'),
        body: { type: 'object', required: ['enabled'], properties: { enabled: { type: 'boolean' } }, additionalProperties: false },
        response: { '4xx': errorBody, '5xx': errorBody, 200: anyObject },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { enabled } = request.body as { enabled: boolean };
      const loaded = await ctx.judging.rules();
      if (!loaded.rules.some((r) => r.info.id === id)) return reply.code(404).send({ error: 'no such rule' });
      await ctx.accounts.setRuleEnabled(id, enabled, request.principal ? (request.principal.kind === 'session' ? request.principal.user.username : request.principal.token.name) : 'unknown');
      await ctx.audit(request, enabled ? 'rule.enable' : 'rule.disable', id);
      return { id, enabled };
    },
  );

  app.post(
    '/api/rules/:id/test',
    {
      config: { access: 'analyst' },
      bodyLimit: 10 * 1024 * 1024,
      schema: {
        tags: ['rules'],
        summary: 'run one rule on a pasted message (the whole raw message, headers and body); changes nothing',
        params: idParam('id'),
        body: { type: 'object', required: ['message'], properties: { message: { type: 'string', minLength: 1, maxLength: 10_000_000 } }, additionalProperties: false },
        response: { '4xx': errorBody, '5xx': errorBody, 200: anyObject },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { message } = request.body as { message: string };
      const switches = await ctx.accounts.ruleSwitches();
      const disabled = new Set([...switches].filter(([, on]) => !on).map(([rule]) => rule));
      const raw = new TextEncoder().encode(message.replace(/\r?\n/g, '\r\n'));
      const outcome = await ctx.judging.testRule(id, raw, disabled);
      if (!outcome) return reply.code(404).send({ error: 'no such rule' });
      return outcome;
    },
  );
}
