// Incidents: the list, one incident with its timeline, signals, recipients, indicators, evidence and tasks, and
// moving an incident through its phases.
import type { FastifyInstance } from 'fastify';
import type { IncidentPhase } from '../../model/events.js';
import type { ServerContext } from '../app.js';
import { incidentView } from '../incident-view.js';
import { anyObject, errorBody, idParam, listOf } from './schemas.js';

const phases = ['detected', 'contained', 'eradicated', 'recovered', 'closed'];

export async function register(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get(
    '/api/incidents',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['incidents'],
        summary: 'incidents, newest first',
        querystring: { type: 'object', properties: { phase: { type: 'string', enum: phases }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } }, additionalProperties: false },
        response: { '4xx': errorBody, '5xx': errorBody, 200: { type: 'object', properties: { incidents: listOf(anyObject) } } },
      },
    },
    async (request) => {
      const query = request.query as { phase?: IncidentPhase; limit: number };
      const incidents = await ctx.store.listIncidents(query.phase ? { phase: query.phase, limit: query.limit } : { limit: query.limit });
      return { incidents: incidents.map(({ timeline, signalIds, ...rest }) => ({ ...rest, signals: signalIds.length, timelineEntries: timeline.length })) };
    },
  );

  app.get(
    '/api/incidents/:id',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['incidents'],
        summary: 'one incident: timeline, signals, affected accounts, recipients, indicators, evidence, tasks',
        params: idParam('id'),
        response: { '4xx': errorBody, '5xx': errorBody, 200: anyObject },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const incident = await ctx.store.getIncident(id);
      if (!incident) return reply.code(404).send({ error: 'no such incident' });
      return incidentView(ctx.store, incident, ctx.orgDomains);
    },
  );

  app.get(
    '/api/incidents/:id/timeline',
    { config: { access: 'viewer' }, schema: { tags: ['incidents'], summary: "the incident's timeline, oldest first", params: idParam('id'), response: { '4xx': errorBody, '5xx': errorBody, 200: anyObject } } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const incident = await ctx.store.getIncident(id);
      if (!incident) return reply.code(404).send({ error: 'no such incident' });
      return { id, timeline: incident.timeline };
    },
  );

  app.put(
    '/api/incidents/:id/phase',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['incidents'],
        summary: 'move the incident to another phase (contained, eradicated, recovered, closed)',
        params: idParam('id'),
        body: { type: 'object', required: ['phase'], properties: { phase: { type: 'string', enum: phases } }, additionalProperties: false },
        response: { '4xx': errorBody, '5xx': errorBody, 200: anyObject },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { phase } = request.body as { phase: IncidentPhase };
      const updated = await ctx.store.transaction(async (store) => {
        const incident = await store.getIncident(id);
        if (!incident) return undefined;
        const time = ctx.now().toISOString();
        const next = { ...incident, phase };
        if (phase === 'contained' && !next.containedAt) next.containedAt = time;
        if (phase === 'closed' && !next.closedAt) next.closedAt = time;
        next.timeline = [...incident.timeline, { time, kind: `incident.${phase}`, en: `Phase set to ${phase}.`, ja: `フェーズを「${phase}」に変更しました。`, ref: id }];
        await store.putIncident(next);
        return next;
      });
      if (!updated) return reply.code(404).send({ error: 'no such incident' });
      await ctx.audit(request, 'incident.phase', id, { phase });
      return { id, phase: updated.phase };
    },
  );
}
