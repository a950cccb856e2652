// Judged messages: the searchable, paged list, one message with its reasons, links, attachments and authentication,
// and the overview figures.
import type { FastifyInstance } from 'fastify';
import type { VerdictLabel } from '../../model/verdict.js';
import type { ServerContext } from '../app.js';
import { overview, searchMessages } from '../queries.js';
import { anyObject, errorBody, listOf } from './schemas.js';

const verdicts = ['malicious', 'suspicious', 'spam', 'clean'];

export async function register(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get(
    '/api/messages',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['messages'],
        summary: 'judged messages, newest first; search by subject, sender or Message-ID; page with `cursor`',
        querystring: {
          type: 'object',
          properties: {
            verdict: { type: 'string', enum: verdicts },
            q: { type: 'string', maxLength: 200 },
            limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
            cursor: { type: 'string', maxLength: 200 },
          },
          additionalProperties: false,
        },
        response: { '4xx': errorBody, '5xx': errorBody, 200: { type: 'object', properties: { messages: listOf(anyObject), next: { type: 'string' } } } },
      },
    },
    async (request) => {
      const query = request.query as { verdict?: VerdictLabel; q?: string; limit: number; cursor?: string };
      return searchMessages(ctx.store, query);
    },
  );

  app.get(
    '/api/messages/:sha256',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['messages'],
        summary: 'one judged message: verdict, reasons (en, ja), links with where they were found, attachments, headers, authentication',
        params: { type: 'object', required: ['sha256'], properties: { sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } } },
        response: { '4xx': errorBody, '5xx': errorBody, 200: anyObject },
      },
    },
    async (request, reply) => {
      const { sha256 } = request.params as { sha256: string };
      const message = await ctx.store.getJudgedMessage(sha256);
      if (!message) return reply.code(404).send({ error: 'no judged message with this sha256' });
      const { rawPath, ...shown } = message;
      return { ...shown, rawKept: Boolean(rawPath) };
    },
  );

  app.get(
    '/api/overview',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['messages'],
        summary: 'open incidents, recent malicious messages, verdicts and signals per day',
        querystring: { type: 'object', properties: { days: { type: 'integer', minimum: 1, maximum: 366, default: 30 } }, additionalProperties: false },
        response: { '4xx': errorBody, '5xx': errorBody, 200: anyObject },
      },
    },
    async (request) => overview(ctx.store, (request.query as { days: number }).days),
  );
}
