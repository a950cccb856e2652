// The account-events intake (what `kizuki events serve` offers) inside the service: POST /v1/events, same body and
// answers. It takes the intake's shared token (events.tokenFile / KIZUKI_EVENTS_TOKEN) or an analyst API token.
import type { FastifyInstance } from 'fastify';
import { validateEvent } from '../../events/event.js';
import type { AccountEvent } from '../../model/events.js';
import { bearerOf, type ServerContext, sameSecret } from '../app.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_EVENTS } from '../events-intake.js';
import { anyObject, errorBody } from './schemas.js';

export async function register(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.post(
    '/v1/events',
    {
      config: { access: 'analyst' },
      bodyLimit: DEFAULT_MAX_BODY_BYTES,
      schema: {
        tags: ['events'],
        summary: 'account events from other systems: one event, an array, or {"events": [...]}; 202 once stored',
        body: { anyOf: [{ type: 'object' }, { type: 'array' }] },
        response: { '4xx': errorBody, '5xx': errorBody, 202: anyObject },
      },
    },
    async (request, reply) => {
      const given = bearerOf(request);
      if (!request.principal && !(given && ctx.eventsToken && sameSecret(ctx.eventsToken, given))) {
        reply.header('www-authenticate', 'Bearer realm="kizuki-events"');
        return reply.code(401).send({ error: 'missing or wrong bearer token' });
      }
      if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) return reply.code(415).send({ error: 'content-type must be application/json' });
      if (!ctx.engine) return reply.code(503).send({ error: 'the takeover engine is not running in this process' });
      const parsed = request.body as unknown;
      const items: unknown[] = Array.isArray(parsed)
        ? parsed
        : typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { events?: unknown }).events)
          ? (parsed as { events: unknown[] }).events
          : [parsed];
      if (items.length > DEFAULT_MAX_EVENTS) return reply.code(413).send({ error: `at most ${DEFAULT_MAX_EVENTS} events per request` });
      const valid: AccountEvent[] = [];
      const rejected: Array<{ index: number; error: string }> = [];
      for (const [index, item] of items.entries()) {
        const check = validateEvent(item);
        if (check.ok) valid.push(check.event);
        else rejected.push({ index, error: check.error });
      }
      if (valid.length === 0) return reply.code(400).send({ error: 'no valid event in the request', rejected });
      const result = await ctx.engine.ingest(valid);
      await ctx.audit(request, 'events.intake', 'events', { accepted: result.accepted, duplicates: result.duplicates, rejected: rejected.length });
      return reply.code(202).send({ accepted: result.accepted, duplicates: result.duplicates, rejected, signals: result.signals.length });
    },
  );
}
