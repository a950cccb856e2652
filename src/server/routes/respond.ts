// The response side of an incident: the playbook runs and their steps (approve / deny), the action log, the incident
// record (tasks, evidence, notes) and its letters and reports (generated on request, Markdown, HTML or PDF).
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../app.js';
import { anyObject, errorBody, idParam, listOf } from './schemas.js';

const who = (request: Parameters<ServerContext['audit']>[0]) =>
  request.principal ? (request.principal.kind === 'session' ? request.principal.user.username : `token:${request.principal.token.name}`) : 'unknown';

export async function register(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get(
    '/api/incidents/:id/response',
    {
      config: { access: 'viewer' },
      schema: { tags: ['response'], summary: "the incident's playbook runs with their steps, and its action log", params: idParam('id'), response: { '4xx': errorBody, 200: anyObject } },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const [{ ResponseStore }, { listActions }] = await Promise.all([import('../../respond/store.js'), import('../../respond/commands.js')]);
      const tables = new ResponseStore(ctx.store);
      const runs = [];
      for (const run of await tables.runsForIncident(id)) runs.push({ ...run, steps: await tables.steps(run.id) });
      return { runs, actions: await listActions(ctx.store, id) };
    },
  );

  app.get(
    '/api/steps/pending',
    { config: { access: 'viewer' }, schema: { tags: ['response'], summary: 'every step waiting for a person, oldest first', response: { 200: { type: 'object', properties: { steps: listOf(anyObject) } } } } },
    async () => {
      const { listPending } = await import('../../respond/commands.js');
      return { steps: await listPending(ctx.store) };
    },
  );

  app.post(
    '/api/steps/:id/decision',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['response'],
        summary: 'approve or deny a step waiting for a person; an approved step is carried out at once when this process runs the playbook',
        params: idParam('id'),
        body: { type: 'object', required: ['decision'], properties: { decision: { type: 'string', enum: ['approve', 'deny'] }, note: { type: 'string', maxLength: 2000 } }, additionalProperties: false },
        response: { '4xx': errorBody, '5xx': errorBody, 200: anyObject },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { decision, note } = request.body as { decision: 'approve' | 'deny'; note?: string };
      const actor = who(request);
      const { decideStep } = await import('../../respond/commands.js');
      let step: Awaited<ReturnType<typeof decideStep>>;
      try {
        step = ctx.runner ? await ctx.runner.decide(id, decision, actor, note) : await decideStep(ctx.store, id, decision, actor, note, ctx.now);
      } catch (error) {
        const message = (error as Error).message;
        if (/^no step/.test(message)) return reply.code(404).send({ error: message });
        if (/not awaiting approval/.test(message)) return reply.code(409).send({ error: message });
        throw error;
      }
      await ctx.audit(request, `step.${decision}`, id, note ? { note } : {});
      if (decision === 'approve' && ctx.runner) await ctx.runner.drive(step.runId);
      const { ResponseStore } = await import('../../respond/store.js');
      return { step: (await new ResponseStore(ctx.store).getStep(id)) ?? step };
    },
  );

  app.get(
    '/api/incidents/:id/record',
    { config: { access: 'viewer' }, schema: { tags: ['incidents'], summary: 'the incident record: tasks, indicators, evidence, timeline, notes, figures', params: idParam('id'), response: { '4xx': errorBody, 200: anyObject } } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { loadRecord } = await import('../../incidents/record-store.js');
      const record = await loadRecord(ctx.store, id);
      if (!record) return reply.code(404).send({ error: 'no record for this incident' });
      return record;
    },
  );

  app.post(
    '/api/incidents/:id/notes',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['incidents'],
        summary: "add a note to the incident's record (and its timeline)",
        params: idParam('id'),
        body: { type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1, maxLength: 10_000 }, textJa: { type: 'string', maxLength: 10_000 }, inLetter: { type: 'boolean' } }, additionalProperties: false },
        response: { '4xx': errorBody, 201: anyObject },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const body = request.body as { text: string; textJa?: string; inLetter?: boolean };
      const { addNote, RecordError } = await import('../../incidents/record-store.js');
      try {
        const entry = await addNote(ctx.store, id, { ...body, now: ctx.now().toISOString(), author: who(request) });
        await ctx.audit(request, 'incident.note', id);
        return reply.code(201).send({ entry });
      } catch (error) {
        if (error instanceof RecordError) return reply.code(404).send({ error: error.message });
        throw error;
      }
    },
  );

  app.get(
    '/api/incidents/:id/reports/:kind',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['reports'],
        summary: "a letter or report from the incident's record: notice (to customers), internal, regulator; md, html or pdf",
        params: { type: 'object', required: ['id', 'kind'], properties: { id: { type: 'string', maxLength: 200 }, kind: { type: 'string', enum: ['notice', 'internal', 'regulator'] } } },
        querystring: { type: 'object', properties: { lang: { type: 'string', enum: ['en', 'ja'], default: 'ja' }, format: { type: 'string', enum: ['md', 'html', 'pdf'], default: 'pdf' } }, additionalProperties: false },
      },
    },
    async (request, reply) => {
      const { id, kind } = request.params as { id: string; kind: 'notice' | 'internal' | 'regulator' };
      const { lang, format } = request.query as { lang: 'en' | 'ja'; format: 'md' | 'html' | 'pdf' };
      const [{ loadRecord }, { renderReport }] = await Promise.all([import('../../incidents/record-store.js'), import('../../reports/render.js')]);
      const record = await loadRecord(ctx.store, id);
      if (!record) return reply.code(404).send({ error: 'no record for this incident' });
      const out = await renderReport(record, { kind, lang, format });
      await ctx.audit(request, 'report.generate', id, { kind, lang, format });
      const name = `${kind}-${id}.${lang}.${format}`;
      if (format === 'pdf') {
        return reply.header('content-type', 'application/pdf').header('content-disposition', `attachment; filename="${name}"`).send(Buffer.from(out as Uint8Array));
      }
      return reply.header('content-type', format === 'html' ? 'text/html; charset=utf-8' : 'text/markdown; charset=utf-8').header('content-disposition', `inline; filename="${name}"`).send(out);
    },
  );
}
