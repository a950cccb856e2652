// Seeds a local organisation from a scenario: its accounts, the sample messages in their mailboxes, the settings,
// grants and sessions its events created, and the planned failures of its `response:` section.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadScenario, type Scenario } from '../../events/scenario.js';
import { ACTION_KINDS, type ActionKind } from '../types.js';
import { emptyOrg, ensureUser, type LocalFailure, type LocalOrg, nextId } from './state.js';

export interface SeedOptions {
  /** repository root the scenario's sample paths are relative to; default: the scenario folder's parent */
  baseDir?: string;
  /** only events at or before this ISO time shape the organisation (the state when a playbook starts) */
  until?: string;
}

/** The scenario's optional `response:` section: what the local organisation should do when acted on. */
export interface ScenarioResponse {
  failures: LocalFailure[];
  /** accounts that are administrators (guardrails never touch them when configured so) */
  admins: string[];
}

function headerValue(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const match = new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(head);
  return match?.[1]?.replace(/\r?\n[ \t]+/g, ' ').trim();
}

/** Reads `response:` from a scenario file (absent: no failures, no admins). */
export function scenarioResponse(file: string): ScenarioResponse {
  const value = parseYaml(readFileSync(file, 'utf8')) as { response?: { failures?: unknown; admins?: unknown } } | null;
  const section = value?.response ?? {};
  const failures: LocalFailure[] = [];
  for (const [i, f] of (Array.isArray(section.failures) ? section.failures : []).entries()) {
    const item = f as Partial<LocalFailure>;
    if (!ACTION_KINDS.includes(item.kind as ActionKind)) throw new Error(`${file}: response.failures[${i}].kind must be one of ${ACTION_KINDS.join(', ')}`);
    failures.push({
      kind: item.kind as ActionKind,
      times: typeof item.times === 'number' && item.times > 0 ? item.times : 1,
      ...(typeof item.account === 'string' ? { account: item.account.toLowerCase() } : {}),
      ...(typeof item.retryable === 'boolean' ? { retryable: item.retryable } : {}),
      ...(typeof item.error === 'string' ? { error: item.error } : {}),
    });
  }
  const admins = Array.isArray(section.admins) ? section.admins.filter((a): a is string => typeof a === 'string').map((a) => a.toLowerCase()) : [];
  return { failures, admins };
}

export async function seedFromScenario(file: string, options: SeedOptions = {}): Promise<LocalOrg> {
  const scenario = await loadScenario(file);
  return seedOrg(scenario, { ...options, baseDir: options.baseDir ?? path.resolve(path.dirname(file), '..') }, scenarioResponse(file));
}

export function seedOrg(scenario: Scenario, options: SeedOptions & { baseDir: string }, response: ScenarioResponse = { failures: [], admins: [] }): LocalOrg {
  const domains = scenario.orgDomains.map((d) => d.toLowerCase());
  const org = emptyOrg(domains);
  const ours = (address: string) => domains.some((d) => address.toLowerCase().endsWith(`@${d}`));
  const accounts = new Set<string>();
  for (const g of scenario.generators) {
    accounts.add(g.account);
    if (g.type === 'routine-mail') for (const a of g.internal ?? []) accounts.add(a);
  }
  for (const e of scenario.events) accounts.add(e.account);
  for (const account of [...accounts].filter(ours).sort()) {
    const user = ensureUser(org, account);
    user.sessions = 1; // the person's own session
    user.isAdmin = response.admins.includes(user.address);
  }
  const until = options.until ? Date.parse(options.until) : Number.POSITIVE_INFINITY;
  const events = [...scenario.events].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  for (const event of events) {
    if (Date.parse(event.time) > until || !ours(event.account)) continue;
    const user = ensureUser(org, event.account);
    const data = event.data ?? {};
    const at = new Date(event.time).toISOString();
    switch (event.kind) {
      case 'message.received':
      case 'message.sent': {
        if (!event.eml) break;
        const raw = readFileSync(path.resolve(options.baseDir, event.eml));
        const text = raw.toString('latin1');
        const messageId = headerValue(text, 'Message-ID')?.replace(/^<|>$/g, '');
        if (!messageId) break;
        user.messages.push({
          id: nextId(org, 'm'),
          messageId,
          folder: event.kind === 'message.sent' ? 'sent' : 'inbox',
          time: at,
          raw: raw.toString('base64'),
          ...(typeof data.subject === 'string' ? { subject: data.subject } : {}),
          ...(typeof data.from === 'string' ? { from: data.from } : {}),
        });
        break;
      }
      case 'signin.success':
        user.sessions++;
        break;
      case 'password.changed':
        user.passwordVersion++;
        break;
      case 'setting.forwarding':
        if (data.enabled === false) delete user.forwarding;
        else if (typeof data.target === 'string') user.forwarding = { target: data.target.toLowerCase(), at };
        break;
      case 'setting.filter':
        user.filters.push({
          id: nextId(org, 'f'),
          criteria: String(data.criteria ?? ''),
          action: String(data.action ?? ''),
          at,
          ...(typeof data.forwardTo === 'string' ? { forwardTo: data.forwardTo } : {}),
        });
        break;
      case 'setting.delegate':
        if (typeof data.delegate === 'string') user.delegates.push({ address: data.delegate.toLowerCase(), at });
        break;
      case 'setting.sendas':
        if (typeof data.address === 'string') user.sendAs.push({ address: data.address.toLowerCase(), at });
        break;
      case 'oauth.grant':
        user.oauthGrants.push({ clientId: String(data.clientId ?? nextId(org, 'client')), app: String(data.appName ?? data.clientId ?? 'app'), at });
        break;
      case 'apppassword.created':
        user.appPasswords.push({ id: nextId(org, 'asp'), name: String(data.name ?? 'app password'), at });
        break;
      default:
        break;
    }
  }
  org.failures = response.failures.map((f) => ({ ...f }));
  return org;
}
