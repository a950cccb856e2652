// HTTP intake for account events (node:http, no framework).
//
//   POST /v1/events
//   Authorization: Bearer <token>
//   Content-Type: application/json
//   Body: one event, an array of events, or { "events": [ … ] }. Each event:
//     { "id": string (stable: the same record always sends the same id),
//       "kind": one of message.received | message.sent | message.bounce | message.reported | signin.success |
//               signin.failure | signin.challenge | setting.forwarding | setting.filter | setting.delegate |
//               setting.sendas | oauth.grant | apppassword.created | password.changed,
//       "time": ISO 8601, "account": e-mail address, "source": string, "data": object (see src/events/event.ts),
//       "raw": any JSON (optional, kept as evidence) }
//   202 { accepted, duplicates, rejected: [{ index, error }] } once the valid events are stored (invalid ones are
//       listed, never stored); 400 bad JSON or no valid event; 401 missing/wrong token; 404 other paths;
//       405 other methods; 413 body over the size limit or too many events; 415 not JSON.
import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { TakeoverEngine } from '../events/engine.js';
import { validateEvent } from '../events/event.js';
import type { AccountEvent } from '../model/events.js';

export interface IntakeOptions {
  /** the shared secret clients send as a bearer token (never logged) */
  token: string;
  engine: Pick<TakeoverEngine, 'ingest'>;
  /** largest accepted request body in bytes */
  maxBodyBytes?: number;
  maxEventsPerRequest?: number;
  /** where problems are reported (defaults to stderr); the token never appears in what is logged */
  log?: (line: string) => void;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_MAX_EVENTS = 1000;

/** Compare digests so neither the length nor the content of the token leaks through timing. */
function tokenMatches(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

class TooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) throw new TooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new TooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function createEventsIntake(options: IntakeOptions): Server {
  if (!options.token || options.token.length < 16) throw new Error('the events intake needs a token of at least 16 characters');
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxEvents = options.maxEventsPerRequest ?? DEFAULT_MAX_EVENTS;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  return createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://intake');
      if (url.pathname !== '/v1/events') return reply(res, 404, { error: 'not found: events are posted to /v1/events' });
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        return reply(res, 405, { error: 'method not allowed: use POST' });
      }
      const auth = req.headers.authorization ?? '';
      const given = /^Bearer\s+(.+)$/i.exec(auth)?.[1]?.trim() ?? '';
      if (!given || !tokenMatches(options.token, given)) {
        res.setHeader('www-authenticate', 'Bearer realm="kizuki-events"');
        return reply(res, 401, { error: 'missing or wrong bearer token' });
      }
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return reply(res, 415, { error: 'content-type must be application/json' });
      let body: Buffer;
      try {
        body = await readBody(req, maxBody);
      } catch (error) {
        if (error instanceof TooLarge) {
          res.setHeader('connection', 'close');
          return reply(res, 413, { error: `request body is larger than ${maxBody} bytes` });
        }
        throw error;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        return reply(res, 400, { error: 'the body is not valid JSON' });
      }
      const items: unknown[] = Array.isArray(parsed)
        ? parsed
        : typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { events?: unknown }).events)
          ? (parsed as { events: unknown[] }).events
          : [parsed];
      if (items.length > maxEvents) return reply(res, 413, { error: `at most ${maxEvents} events per request` });
      const valid: AccountEvent[] = [];
      const rejected: Array<{ index: number; error: string }> = [];
      for (const [index, item] of items.entries()) {
        const check = validateEvent(item);
        if (check.ok) valid.push(check.event);
        else rejected.push({ index, error: check.error });
      }
      if (valid.length === 0) return reply(res, 400, { error: 'no valid event in the request', rejected });
      const result = await options.engine.ingest(valid);
      return reply(res, 202, { accepted: result.accepted, duplicates: result.duplicates, rejected, signals: result.signals.length });
    } catch (error) {
      log(`events intake: ${(error as Error).message}`);
      if (!res.headersSent) reply(res, 500, { error: 'the events could not be stored; nothing was acknowledged, send them again' });
    }
  });
}
