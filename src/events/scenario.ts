// Replayable scenarios: a YAML/JSON file of explicit events plus generators that expand, always the
// same way (seeded), into the routine mail, sign-ins and attack volumes around them.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { AccountEvent, AccountEventKind } from '../model/events.js';
import type { TakeoverConfigInput } from './config.js';
import { ACCOUNT_EVENT_KINDS, fingerprints, stableId } from './event.js';
import { type MessageJudge, messageData } from './message-event.js';
import { parseBounce } from './bounce.js';
import { DAY, MINUTE } from './window.js';

export const SCENARIO_SCHEMA = 'kizuki.scenario/1';

export interface ScenarioEvent {
  kind: AccountEventKind;
  time: string;
  account: string;
  data?: Record<string, unknown>;
  /** a sample message (path relative to the repository) whose analysis fills `data` when the pipeline is there */
  eml?: string;
  /** a label the replay reports on, e.g. 'lure-inbound', 'first-malicious-send' */
  tag?: string;
}

export interface RoutineMail {
  type: 'routine-mail';
  account: string;
  from: string;
  to: string;
  /** messages per working day, [min, max] */
  perWorkday: [number, number];
  contacts: number;
  /** UTC hours of the working day, [start, end) */
  hoursUtc: [number, number];
  internal?: string[];
  /** added to every message, e.g. the usual client: { userAgent: Microsoft Outlook 16.0, originIp: 198.51.100.20 } */
  data?: Record<string, unknown>;
}

export interface RoutineSignin {
  type: 'routine-signin';
  account: string;
  from: string;
  to: string;
  hourUtc: number;
  data: Record<string, unknown>;
}

export interface BccBatches {
  type: 'bcc-batches';
  account: string;
  /** batch start times; each batch is one message.sent to the account itself with hidden recipients */
  times: string[];
  recipientsPerBatch: [number, number];
  addressBook: number;
  /** true: the batches go through the address book in order, each address once (an announcement to a list) */
  partition?: boolean;
  /** share of the address book whose mailboxes no longer exist (each bounces every time) */
  staleShare: number;
  bounceDelayMinutes: [number, number];
  /** event data of every batch; a sample message (`eml`) judged by the pipeline fills and overrides it */
  message: Record<string, unknown>;
  /** a sample message (path relative to the repository) that every batch sends */
  eml?: string;
  /** the first batch's tag (default 'first-malicious-send'; the later batches are 'malicious-send' then) */
  tag?: string;
}

export type Generator = RoutineMail | RoutineSignin | BccBatches;

export interface Scenario {
  schema: typeof SCENARIO_SCHEMA;
  name: string;
  title: { en: string; ja: string };
  orgDomains: string[];
  seed: number;
  /** what really happened, for comparison with what Kizuki noticed */
  reference: { compromisedAt: string; noticedAt: string; en: string; ja: string };
  config?: TakeoverConfigInput;
  generators: Generator[];
  events: ScenarioEvent[];
}

export class ScenarioError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'ScenarioError';
  }
}

export async function loadScenario(file: string): Promise<Scenario> {
  let value: unknown;
  try {
    value = parseYaml(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ScenarioError(file, `cannot read the scenario: ${(error as Error).message}`);
  }
  const scenario = value as Scenario;
  if (scenario?.schema !== SCENARIO_SCHEMA) throw new ScenarioError(file, `schema must be ${SCENARIO_SCHEMA}`);
  for (const [i, event] of (scenario.events ?? []).entries()) {
    if (!ACCOUNT_EVENT_KINDS.includes(event.kind)) throw new ScenarioError(file, `events[${i}]: unknown kind ${String(event.kind)}`);
    if (Number.isNaN(Date.parse(event.time))) throw new ScenarioError(file, `events[${i}]: time is not an ISO date-time`);
  }
  scenario.generators ??= [];
  scenario.events ??= [];
  return scenario;
}

/** mulberry32: small, fast, and the same sequence on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMPANIES = ['asahi', 'hikari', 'kaede', 'midori', 'sakura', 'tsubasa', 'yamato', 'kawase', 'minato', 'hoshino', 'aozora', 'kirin', 'nishiki', 'takumi', 'fujimi', 'umibe', 'matsuba', 'kumoi', 'hanabi', 'toraya'];
const KINDS = ['-eizou.co.jp', '-av.co.jp', '-studio.jp', '-media.co.jp', '-denki.co.jp', '-camera.jp', '-broadcast.jp', '-film.co.jp'];
const PEOPLE = ['info', 'sales', 'tanaka', 'suzuki', 'sato', 'takahashi', 'ito', 'watanabe', 'yamamoto', 'nakamura', 'kobayashi', 'kato', 'support', 'purchasing', 'k.mori', 'a.ishii'];

/** The n-th invented outside address: the same n always gives the same address. */
function contactAddress(n: number): string {
  const company = COMPANIES[n % COMPANIES.length] ?? 'asahi';
  const kind = KINDS[Math.floor(n / COMPANIES.length) % KINDS.length] ?? '-av.co.jp';
  const person = PEOPLE[Math.floor(n / (COMPANIES.length * KINDS.length)) % PEOPLE.length] ?? 'info';
  return `${person}@${company}${kind}`;
}

function between(rand: () => number, [min, max]: [number, number]): number {
  return min + Math.floor(rand() * (max - min + 1));
}

function scenarioEvent(scenario: Scenario, kind: AccountEventKind, time: number, account: string, data: Record<string, unknown>, key: string, tag?: string): AccountEvent {
  const event: AccountEvent = {
    id: stableId('evt', scenario.name, key),
    kind,
    time: new Date(time).toISOString(),
    account: account.toLowerCase(),
    source: `scenario:${scenario.name}`,
    data,
  };
  if (tag) event.raw = { tag };
  return event;
}

function isWorkday(ms: number): boolean {
  const day = new Date(ms).getUTCDay();
  // UTC 00:00–09:00 is the Japanese working day; Saturday and Sunday in Japan
  return day !== 0 && day !== 6;
}

function expandGenerator(scenario: Scenario, g: Generator, index: number, judged?: Record<string, unknown>): AccountEvent[] {
  const rand = random(scenario.seed + index * 7919);
  const out: AccountEvent[] = [];
  if (g.type === 'routine-mail' || g.type === 'routine-signin') {
    const start = Date.parse(`${g.from}T00:00:00Z`);
    const end = Date.parse(`${g.to}T00:00:00Z`);
    for (let day = start; day < end; day += DAY) {
      if (!isWorkday(day)) continue;
      if (g.type === 'routine-signin') {
        const at = day + g.hourUtc * 60 * MINUTE + between(rand, [0, 20]) * MINUTE;
        out.push(scenarioEvent(scenario, 'signin.success', at, g.account, { ...g.data }, `signin|${g.account}|${at}`));
        continue;
      }
      const count = between(rand, g.perWorkday);
      for (let m = 0; m < count; m++) {
        const at = day + between(rand, [g.hoursUtc[0] * 60, g.hoursUtc[1] * 60 - 1]) * MINUTE;
        const internal = g.internal ?? [];
        const pick = () => (internal.length > 0 && rand() < 0.25 ? (internal[Math.floor(rand() * internal.length)] ?? '') : contactAddress(Math.floor(rand() * g.contacts)));
        const to = [...new Set([pick(), ...(rand() < 0.3 ? [pick()] : [])])];
        out.push(
          scenarioEvent(
            scenario,
            'message.sent',
            at,
            g.account,
            { subject: `Re: quotation ${1000 + Math.floor(rand() * 9000)}`, ...g.data, from: g.account, to, cc: [], bcc: [], verdict: 'clean' },
            `sent|${g.account}|${at}|${m}`,
          ),
        );
      }
    }
    return out;
  }
  // bcc-batches: the address book is a wider set of outside contacts; some of them are long gone
  const book = Array.from({ length: g.addressBook }, (_, i) => contactAddress(i * 3 + 1));
  const stale = new Set(book.filter(() => rand() < g.staleShare));
  const message = { ...g.message, ...judged };
  const firstTag = g.tag ?? 'first-malicious-send';
  const laterTag = firstTag === 'first-malicious-send' ? 'malicious-send' : undefined;
  let cursor = 0;
  for (const [b, time] of g.times.entries()) {
    const at = Date.parse(time);
    const size = between(rand, g.recipientsPerBatch);
    const bcc: string[] = [];
    if (g.partition) bcc.push(...book.slice(cursor, cursor + size));
    else for (let i = 0; i < size; i++) bcc.push(book[(b * 37 + i * 11) % book.length] ?? '');
    cursor += size;
    const unique = [...new Set(bcc)];
    const messageId = `<${stableId('batch', scenario.name, String(b))}@mail.gmail.com>`;
    out.push(
      scenarioEvent(scenario, 'message.sent', at, g.account, { ...message, messageId, from: g.account, to: [g.account], cc: [], bcc: unique }, `batch|${b}`, b === 0 ? firstTag : laterTag),
    );
    for (const recipient of unique.filter((r) => stale.has(r))) {
      const back = at + between(rand, g.bounceDelayMinutes) * MINUTE + Math.floor(rand() * 59) * 1000;
      out.push(
        scenarioEvent(
          scenario,
          'message.bounce',
          back,
          g.account,
          { kind: 'dsn', failed: true, recipients: [recipient], status: '5.1.1', diagnostic: '550 5.1.1 user unknown', originalMessageId: messageId, originalSubject: message.subject },
          `bounce|${b}|${recipient}`,
        ),
      );
    }
  }
  return out;
}

/**
 * A generated batch is a copy of a message the scenario keeps as a sample: when the batch carries no verdict and a
 * judged sample sent from the same account has the same subject and a link domain or attachment in common (or the
 * batch names none), the
 * batch gets the sample's verdict — as it would have had, judged on its own, in a live deployment.
 */
function shareVerdicts(events: AccountEvent[], samples: AccountEvent[]): void {
  const judged = samples.filter((e) => e.kind === 'message.sent' && typeof e.data.verdict === 'string');
  if (judged.length === 0) return;
  const content = (e: AccountEvent) => fingerprints(e).filter((p) => !p.startsWith('subject:'));
  const subject = (e: AccountEvent) => fingerprints(e).find((p) => p.startsWith('subject:'));
  for (const event of events) {
    if (event.kind !== 'message.sent' || event.data.verdict !== undefined) continue;
    const own = subject(event);
    const prints = content(event);
    // a batch described by its subject alone (a notice without links or attachments) matches on the subject
    const sample = judged.find(
      (j) => j.account === event.account && own !== undefined && subject(j) === own && (prints.length === 0 || content(j).some((p) => prints.includes(p))),
    );
    if (!sample) continue;
    event.data = { ...event.data, verdict: sample.data.verdict, score: sample.data.score, reasons: sample.data.reasons, verdictFrom: sample.data.eml ?? sample.id };
  }
}

export interface ExpandOptions {
  /** folder that `eml` paths are relative to (the repository root) */
  baseDir: string;
  judge?: MessageJudge;
}

export interface ExpandedScenario {
  events: AccountEvent[];
  /** 'pipeline' when sample messages were judged by Kizuki's own analyse + detect, else 'scenario' */
  verdictSource: 'pipeline' | 'scenario';
}

/** The scenario as the ordered list of events a replay feeds to the engine. */
export async function expandScenario(scenario: Scenario, options: ExpandOptions): Promise<ExpandedScenario> {
  let judged = false;
  const events: AccountEvent[] = [];
  const samples: AccountEvent[] = [];
  for (const [i, g] of scenario.generators.entries()) {
    let sample: Record<string, unknown> | undefined;
    if (g.type === 'bcc-batches' && g.eml && options.judge) {
      const raw = new Uint8Array(await readFile(path.resolve(options.baseDir, g.eml)));
      const { analysis, verdict } = await options.judge(raw);
      // who it went to and its Message-ID are each batch's own
      const { to: _to, cc: _cc, bcc: _bcc, messageId: _id, from: _from, ...content } = messageData(analysis, verdict);
      sample = { ...content, eml: g.eml };
      judged = true;
    }
    events.push(...expandGenerator(scenario, g, i, sample));
  }
  for (const [i, item] of scenario.events.entries()) {
    let data: Record<string, unknown> = { ...(item.data ?? {}) };
    if (item.eml) {
      const raw = new Uint8Array(await readFile(path.resolve(options.baseDir, item.eml)));
      if (item.kind === 'message.bounce') {
        const report = await parseBounce(raw);
        if (report) {
          data = { ...data, kind: report.kind, failed: report.failed, recipients: report.recipients, status: report.status, originalMessageId: report.original.messageId, originalSubject: report.original.subject };
        }
      } else if (options.judge) {
        const { analysis, verdict } = await options.judge(raw);
        data = { ...data, ...messageData(analysis, verdict), eml: item.eml };
        judged = true;
      }
    }
    const event = scenarioEvent(scenario, item.kind, Date.parse(item.time), item.account, data, `event|${i}`, item.tag);
    events.push(event);
    samples.push(event);
  }
  shareVerdicts(events, samples);
  events.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.id < b.id ? -1 : 1));
  return { events, verdictSource: judged ? 'pipeline' : 'scenario' };
}
