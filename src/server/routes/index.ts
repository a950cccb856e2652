// Every route module of the API, one per area. A new area adds one line here.
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../app.js';
import { register as admin } from './admin.js';
import { register as events } from './events.js';
import { register as incidents } from './incidents.js';
import { register as messages } from './messages.js';
import { register as rules } from './rules.js';
import { register as respond } from './respond.js';
import { register as session } from './session.js';

export async function registerRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  for (const area of [session, messages, incidents, respond, rules, events, admin]) await area(app, ctx);
}
