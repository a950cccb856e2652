// The `local` provider: a whole organisation held in memory (optionally in a JSON file), for demos, the replay and
// tests. Every action really changes that state, is idempotent, and names its calls like a platform API would
// ('LOCAL POST /users/{u}/signOut'). Planned failures let tests watch retries and fallbacks.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { LocalProviderConfig } from './config.js';
import { ACTION_KINDS } from '../types.js';
import type {
  ActionRequest,
  ActionResult,
  ApiCall,
  Capability,
  CapabilityGap,
  ConnectReport,
  FetchedItem,
  FetchedMessage,
  MailboxUser,
  Provider,
} from '../types.js';
import { emptyOrg, type LocalFailure, type LocalMessage, type LocalOrg, type LocalUser } from './state.js';
import { setTimeout as sleep } from 'node:timers/promises';

export * from './state.js';

export interface LocalProviderOptions {
  name?: string;
  /** the organisation to start from (copied); default: read from `stateFile`, else empty */
  org?: LocalOrg;
  /** keep the organisation in this JSON file, written after every action */
  stateFile?: string;
  /** the clock stamped on changes; default: the system clock */
  now?: () => Date;
  /** how each call spends its (simulated) time; default: no wait */
  sleep?: (ms: number) => Promise<void>;
  /** time each API call takes, in ms, spent through `sleep` */
  callMs?: number;
  /** how often waitForChange resolves; default 60 s */
  pollMs?: number;
}

const CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>([
  'mail.users',
  'mail.fetch',
  'mail.fetch-by-id',
  'mail.watch',
  // flag-message is an IMAP keyword action the local organisation has no place for
  ...ACTION_KINDS.filter((k) => k !== 'flag-message').map((k) => `action.${k}` as const),
]);

type Outcome = Omit<ActionResult, 'calls'>;

/** Thrown inside an action to end it as failed. */
class LocalFailureError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export class LocalProvider implements Provider {
  readonly name: string;
  readonly kind = 'local' as const;
  private org: LocalOrg;
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly callMs: number;
  private readonly pollMs: number;

  constructor(private readonly options: LocalProviderOptions = {}) {
    this.name = options.name ?? 'local';
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? (async () => {});
    this.callMs = options.callMs ?? 0;
    this.pollMs = options.pollMs ?? 60_000;
    if (options.org) this.org = structuredClone(options.org);
    else if (options.stateFile) this.org = readOrg(options.stateFile);
    else this.org = emptyOrg();
    if (options.stateFile && options.org) this.save();
  }

  /** A copy of the organisation as it is now (for tests and the replay). */
  snapshot(): LocalOrg {
    return structuredClone(this.org);
  }

  /** Plans failures: the next matching actions fail before changing anything. */
  failNext(failure: LocalFailure): void {
    this.org.failures.push({ ...failure });
    this.save();
  }

  capabilities(): ReadonlySet<Capability> {
    return CAPABILITIES;
  }

  gaps(): CapabilityGap[] {
    return [];
  }

  async check(): Promise<ConnectReport> {
    const users = Object.keys(this.org.users).length;
    return {
      provider: this.name,
      kind: 'local',
      ok: true,
      checks: [{ name: 'organisation', ok: true, en: `local organisation with ${users} users`, ja: `ローカル組織(ユーザー ${users} 人)` }],
    };
  }

  async listUsers(): Promise<MailboxUser[]> {
    return Object.values(this.org.users)
      .map((u) => ({ address: u.address, suspended: u.suspended, isAdmin: u.isAdmin, ...(u.name ? { name: u.name } : {}) }))
      .sort((a, b) => (a.address < b.address ? -1 : 1));
  }

  async *fetchNew(cursors: ReadonlyMap<string, string>): AsyncIterable<FetchedItem> {
    for (const user of Object.values(this.org.users)) {
      const scope = `mail:${user.address}`;
      const after = Number(cursors.get(scope) ?? 0);
      for (const [index, message] of user.messages.entries()) {
        if (index < after || !message.raw) continue;
        yield { type: 'message', message: fetched(user, message), cursor: { scope, value: String(index + 1) } };
      }
    }
  }

  waitForChange(signal: AbortSignal): Promise<void> {
    return sleep(this.pollMs, undefined, { signal });
  }

  async fetchByMessageId(account: string, messageId: string): Promise<FetchedMessage | undefined> {
    const user = this.org.users[account.toLowerCase()];
    const message = user?.messages.find((m) => m.messageId === messageId && m.raw);
    return user && message ? fetched(user, message) : undefined;
  }

  async act(request: ActionRequest): Promise<ActionResult> {
    if (!request.dryRun) {
      const done = this.org.completed[request.idempotencyKey];
      if (done) return structuredClone(done);
    }
    const calls: ApiCall[] = [];
    // In a dry run the state is worked on as a throw-away copy, so the same code names the same calls.
    const org = request.dryRun ? structuredClone(this.org) : this.org;
    const call = async (method: string, path: string, body?: Record<string, unknown>): Promise<void> => {
      const made: ApiCall = { method, path, ...(body ? { body } : {}) };
      if (!request.dryRun) {
        if (this.callMs > 0) await this.sleep(this.callMs);
        made.status = 200;
        org.calls.push({ ...made, key: request.idempotencyKey, at: this.now().toISOString() });
      }
      calls.push(made);
    };
    let result: ActionResult;
    try {
      const failure = request.dryRun ? undefined : takeFailure(org, request);
      if (failure) {
        await call(...failedCall(request));
        const last = calls[calls.length - 1];
        if (last) last.status = failure.retryable ? 503 : 400;
        const entry = org.calls[org.calls.length - 1];
        if (entry) entry.status = last?.status;
        throw new LocalFailureError(failure.error ?? `${request.kind} was refused (planned failure)`, failure.retryable ?? false);
      }
      const outcome = await perform(org, request, call, this.now().toISOString());
      result = { ...outcome, calls, ...(request.dryRun && outcome.status === 'done' ? { status: 'dry-run' as const } : {}) };
    } catch (error) {
      const retryable = error instanceof LocalFailureError ? error.retryable : false;
      const message = (error as Error).message;
      result = {
        status: 'failed',
        calls,
        en: `${request.kind} failed: ${message}`,
        ja: `${request.kind} に失敗しました: ${message}`,
        error: message,
        retryable,
      };
    }
    if (!request.dryRun) {
      if (result.status !== 'failed') org.completed[request.idempotencyKey] = structuredClone(result);
      this.save();
    }
    return result;
  }

  async close(): Promise<void> {
    this.save();
  }

  private save(): void {
    const file = this.options.stateFile;
    if (!file) return;
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.org));
    renameSync(temporary, file);
  }
}

/**
 * The `providers:` entry of kind local: the organisation in `stateFile` when it exists, else seeded from `scenario`
 * (and then kept in `stateFile`), else empty.
 */
export async function createLocalProvider(entry: LocalProviderConfig, deps: { now?: () => Date } = {}): Promise<LocalProvider> {
  const base = { name: entry.name, callMs: entry.callMs, ...(deps.now ? { now: deps.now } : {}) };
  if (entry.stateFile && existsSync(entry.stateFile)) return new LocalProvider({ ...base, stateFile: entry.stateFile });
  let org: LocalOrg = emptyOrg();
  if (entry.scenario) {
    const { seedFromScenario } = await import('./seed.js');
    org = await seedFromScenario(entry.scenario);
  }
  return new LocalProvider({ ...base, org, ...(entry.stateFile ? { stateFile: entry.stateFile } : {}) });
}

export function readOrg(file: string): LocalOrg {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: cannot read the local organisation: ${(error as Error).message}`);
  }
  const org = value as LocalOrg;
  if (!org || typeof org !== 'object' || typeof org.users !== 'object' || !Array.isArray(org.calls)) {
    throw new Error(`${file}: not a local organisation (users and calls are missing)`);
  }
  return org;
}

function fetched(user: LocalUser, message: LocalMessage): FetchedMessage {
  return {
    account: user.address,
    folder: message.folder === 'sent' ? 'sent' : message.folder === 'inbox' ? 'inbox' : 'other',
    providerId: message.id,
    raw: Buffer.from(message.raw ?? '', 'base64'),
    time: message.time,
  };
}

function takeFailure(org: LocalOrg, request: ActionRequest): LocalFailure | undefined {
  const index = org.failures.findIndex((f) => f.kind === request.kind && f.times > 0 && (!f.account || f.account === request.account));
  const failure = org.failures[index];
  if (!failure) return undefined;
  failure.times--;
  if (failure.times <= 0) org.failures.splice(index, 1);
  return failure;
}

/** The call a planned failure is reported on: the action's main call. */
function failedCall(request: ActionRequest): [string, string, Record<string, unknown>?] {
  const u = `/users/${request.account ?? '-'}`;
  switch (request.kind) {
    case 'suspend':
      return ['PUT', u, { suspended: true }];
    case 'unsuspend':
      return ['PUT', u, { suspended: false }];
    case 'force-password-change':
      return ['PUT', u, { password: '<redacted>', changePasswordAtNextLogin: true }];
    case 'sign-out':
      return ['POST', `${u}/signOut`];
    case 'send-notice':
      return ['POST', '/messages/send'];
    default:
      return ['POST', `${u}/${request.kind}`];
  }
}

type Call = (method: string, path: string, body?: Record<string, unknown>) => Promise<void>;

const isoAtOrAfter = (at: string, since?: string) => !since || Date.parse(at) >= Date.parse(since);

async function perform(org: LocalOrg, request: ActionRequest, call: Call, now: string): Promise<Outcome> {
  if (request.kind === 'send-notice') {
    const notice = request.notice;
    if (!notice || notice.to.length === 0) throw new LocalFailureError('a notice needs recipients', false);
    await call('POST', '/messages/send', { to: notice.to, subject: notice.subject });
    org.outbox.push({ to: [...notice.to], subject: notice.subject, at: now });
    return { status: 'done', en: `Notice sent to ${notice.to.length} recipient(s).`, ja: `${notice.to.length} 人に通知を送りました。`, details: { recipients: notice.to.length } };
  }
  if (request.kind === 'quarantine-message' || request.kind === 'release-message' || request.kind === 'delete-message') {
    return messageAction(org, request, call);
  }
  const account = request.account?.toLowerCase();
  const user = account ? org.users[account] : undefined;
  if (!account || !user) throw new LocalFailureError(`no such user: ${account ?? '(none given)'}`, false);
  const u = `/users/${account}`;
  const nothing = (en: string, ja: string): Outcome => ({ status: 'nothing-to-do', en, ja });
  switch (request.kind) {
    case 'suspend':
      if (user.suspended) return nothing(`${account} was already suspended.`, `${account} は既に停止されています。`);
      await call('PUT', u, { suspended: true });
      user.suspended = true;
      user.sessions = 0;
      user.oauthGrants = [];
      return { status: 'done', en: `${account} suspended.`, ja: `${account} を停止しました。` };
    case 'unsuspend':
      if (!user.suspended) return nothing(`${account} was not suspended.`, `${account} は停止されていません。`);
      await call('PUT', u, { suspended: false });
      user.suspended = false;
      return { status: 'done', en: `${account} re-enabled.`, ja: `${account} を再度有効にしました。` };
    case 'sign-out': {
      await call('POST', `${u}/signOut`);
      const sessions = user.sessions;
      user.sessions = 0;
      return { status: 'done', en: `${account} signed out of ${sessions} session(s).`, ja: `${account} の ${sessions} 件のセッションをサインアウトしました。`, details: { sessions } };
    }
    case 'force-password-change':
      await call('PUT', u, { password: '<redacted>', changePasswordAtNextLogin: true });
      user.passwordVersion++;
      user.changePasswordAtNextLogin = true;
      user.sessions = 0;
      return { status: 'done', en: `${account} has a new password and must choose another at next sign-in.`, ja: `${account} のパスワードを変更し、次回サインイン時の変更を必須にしました。` };
    case 'revoke-oauth': {
      await call('GET', `${u}/tokens`);
      const removed = user.oauthGrants.map((g) => g.clientId);
      for (const id of removed) await call('DELETE', `${u}/tokens/${id}`);
      user.oauthGrants = [];
      return removed.length
        ? { status: 'done', en: `${removed.length} OAuth grant(s) of ${account} revoked.`, ja: `${account} の OAuth 許可 ${removed.length} 件を取り消しました。`, details: { removed } }
        : nothing(`${account} has no OAuth grants.`, `${account} に OAuth 許可はありません。`);
    }
    case 'revoke-app-passwords': {
      await call('GET', `${u}/asps`);
      const removed = user.appPasswords.map((p) => p.id);
      for (const id of removed) await call('DELETE', `${u}/asps/${id}`);
      user.appPasswords = [];
      return removed.length
        ? { status: 'done', en: `${removed.length} app password(s) of ${account} removed.`, ja: `${account} のアプリ パスワード ${removed.length} 件を削除しました。`, details: { removed } }
        : nothing(`${account} has no app passwords.`, `${account} にアプリ パスワードはありません。`);
    }
    case 'invalidate-backup-codes':
      await call('POST', `${u}/verificationCodes/invalidate`);
      user.backupCodes = { valid: false, generation: user.backupCodes.generation + 1 };
      return { status: 'done', en: `Backup codes of ${account} invalidated.`, ja: `${account} のバックアップ コードを無効にしました。` };
    case 'remove-forwarding': {
      await call('GET', `${u}/settings/autoForwarding`);
      const forwarding = user.forwarding;
      if (!forwarding || !isoAtOrAfter(forwarding.at, request.since)) {
        return nothing(`No forwarding on ${account} set in the incident window.`, `${account} にインシデント期間中に設定された転送はありません。`);
      }
      await call('PUT', `${u}/settings/autoForwarding`, { enabled: false });
      delete user.forwarding;
      return { status: 'done', en: `Forwarding of ${account} to ${forwarding.target} removed.`, ja: `${account} から ${forwarding.target} への転送を削除しました。`, details: { removed: [forwarding.target] } };
    }
    case 'remove-filters':
      return removeList(user, 'filters', request.since, call, (f) => f.id, u, 'settings/filters', 'filter(s)', 'フィルタ');
    case 'remove-delegates':
      return removeList(user, 'delegates', request.since, call, (d) => d.address, u, 'settings/delegates', 'delegate(s)', '委任');
    case 'remove-sendas':
      return removeList(user, 'sendAs', request.since, call, (s) => s.address, u, 'settings/sendAs', 'send-as address(es)', '送信元アドレス');
    default:
      throw new LocalFailureError(`unknown action ${String(request.kind)}`, false);
  }
}

async function removeList<K extends 'filters' | 'delegates' | 'sendAs'>(
  user: LocalUser,
  key: K,
  since: string | undefined,
  call: Call,
  idOf: (item: LocalUser[K][number]) => string,
  u: string,
  path: string,
  en: string,
  ja: string,
): Promise<Outcome> {
  await call('GET', `${u}/${path}`);
  const items = user[key] as Array<LocalUser[K][number]>;
  const removed = items.filter((item) => isoAtOrAfter(item.at, since));
  for (const item of removed) await call('DELETE', `${u}/${path}/${idOf(item)}`);
  (user[key] as Array<LocalUser[K][number]>) = items.filter((item) => !removed.includes(item));
  if (!removed.length) return { status: 'nothing-to-do', en: `No ${en} of ${user.address} in the incident window.`, ja: `${user.address} にインシデント期間中の${ja}はありません。` };
  const ids = removed.map(idOf);
  return { status: 'done', en: `${removed.length} ${en} of ${user.address} removed; ${items.length - removed.length} older kept.`, ja: `${user.address} の${ja} ${removed.length} 件を削除しました(以前からの ${items.length - removed.length} 件は残しました)。`, details: { removed: ids } };
}

async function messageAction(org: LocalOrg, request: ActionRequest, call: Call): Promise<Outcome> {
  const messageId = request.messageId?.replace(/^<|>$/g, '');
  if (!messageId) throw new LocalFailureError('a message action needs a Message-ID', false);
  const users = request.account ? [org.users[request.account.toLowerCase()]].filter((u): u is LocalUser => !!u) : Object.values(org.users);
  if (request.account && !users.length) throw new LocalFailureError(`no such user: ${request.account}`, false);
  let changed = 0;
  const mailboxes: string[] = [];
  for (const user of users) {
    await call('GET', `/users/${user.address}/messages?rfc822msgid=${encodeURIComponent(messageId)}`);
    for (const message of user.messages.filter((m) => m.messageId === messageId)) {
      const path = `/users/${user.address}/messages/${message.id}`;
      if (request.kind === 'quarantine-message' && message.folder !== 'quarantine' && message.folder !== 'trash') {
        await call('POST', `${path}/quarantine`);
        message.folder = 'quarantine';
      } else if (request.kind === 'release-message' && message.folder === 'quarantine') {
        await call('POST', `${path}/release`);
        message.folder = 'inbox';
      } else if (request.kind === 'delete-message' && message.folder !== 'trash') {
        await call('DELETE', path);
        message.folder = 'trash';
      } else continue;
      changed++;
      if (!mailboxes.includes(user.address)) mailboxes.push(user.address);
    }
  }
  const verb = { 'quarantine-message': ['quarantined', '隔離'], 'release-message': ['released', '隔離解除'], 'delete-message': ['deleted', '削除'] }[request.kind as 'quarantine-message'];
  if (!changed) return { status: 'nothing-to-do', en: `No copy of <${messageId}> left to be ${verb[0]}.`, ja: `<${messageId}> の${verb[1]}対象のコピーはありません。` };
  return {
    status: 'done',
    en: `${changed} cop${changed === 1 ? 'y' : 'ies'} of <${messageId}> ${verb[0]} in ${mailboxes.length} mailbox(es).`,
    ja: `<${messageId}> のコピー ${changed} 通を ${mailboxes.length} 個のメールボックスで${verb[1]}しました。`,
    details: { copies: changed, mailboxes },
  };
}
