// Google Workspace through the official per-API clients: a service account with domain-wide delegation acts as the
// administrator for the Admin SDK (Directory, Reports) and as each user for Gmail. Mail comes from each mailbox's
// Gmail history (cursor = history id), account events from the Reports API (cursor = last event time plus the ids
// already seen inside the safety window the Reports delay needs). Every call goes through one retry wrapper.
import { randomBytes } from 'node:crypto';
import { admin_directory_v1, admin_reports_v1 } from '@googleapis/admin';
import { gmail_v1 } from '@googleapis/gmail';
import { JWT } from 'google-auth-library';
import type { AccountEvent } from '../../model/events.js';
import { inOrder } from '../ordered.js';
import { ApiFailure, DEFAULT_RETRY, describeFailure, realSleep, type RetryOptions, withRetry } from '../retry.js';
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
import { GOOGLE_SCOPES, type GoogleProviderConfig } from './config.js';
import { buildNotice } from './notice.js';
import { normaliseActivity } from './normalise.js';
import { setTimeout as sleep } from 'node:timers/promises';

const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const ADMIN_SCOPES = [GOOGLE_SCOPES.directoryUsers, GOOGLE_SCOPES.directorySecurity, GOOGLE_SCOPES.reports];
const USER_SCOPES = [GOOGLE_SCOPES.gmailModify, GOOGLE_SCOPES.gmailSettingsBasic, GOOGLE_SCOPES.gmailSettingsSharing];
const SENDER_SCOPES = [...USER_SCOPES, GOOGLE_SCOPES.gmailSend];

export interface ServiceAccountKey {
  client_email: string;
  private_key: string;
}

export interface GoogleDeps {
  credentials: ServiceAccountKey;
  sleep?: (ms: number) => Promise<void>;
  clock?: () => Date;
  /** a new random password for force-password-change (never logged) */
  newPassword?: () => string;
  retry?: Partial<Omit<RetryOptions, 'sleep'>>;
  /** where a problem that does not stop the batch is reported (one user's mailbox, one Reports application) */
  warn?: (message: string) => void;
  /** per-request timeout in milliseconds */
  timeoutMs?: number;
  /** raw messages fetched at once per mailbox (default 8) */
  concurrency?: number;
}

const CAPABILITIES: Capability[] = [
  'mail.users',
  'mail.fetch',
  'mail.fetch-by-id',
  'mail.watch',
  'events.signin',
  'events.settings',
  'events.oauth',
  'action.suspend',
  'action.unsuspend',
  'action.sign-out',
  'action.force-password-change',
  'action.revoke-oauth',
  'action.revoke-app-passwords',
  'action.invalidate-backup-codes',
  'action.remove-forwarding',
  'action.remove-filters',
  'action.remove-delegates',
  'action.remove-sendas',
  'action.quarantine-message',
  'action.release-message',
  'action.delete-message',
  'action.flag-message',
  'action.send-notice',
];

interface ReportsCursor {
  /** the newest activity time read so far */
  t: string;
  /** ids of events at or after t minus the safety window, already handed on */
  seen: string[];
}

function enc(value: string): string {
  return encodeURIComponent(value);
}

function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

export class GoogleProvider implements Provider {
  readonly kind = 'google' as const;
  readonly name: string;
  private readonly auths = new Map<string, JWT>();
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly clock: () => Date;
  private readonly retry: Omit<RetryOptions, 'sleep'>;
  private readonly warn: (message: string) => void;
  private readonly rootUrl: string | undefined;
  private readonly concurrency: number;

  constructor(
    readonly config: GoogleProviderConfig,
    private readonly deps: GoogleDeps,
  ) {
    this.name = config.name;
    this.sleep = deps.sleep ?? realSleep;
    this.clock = deps.clock ?? (() => new Date());
    this.retry = { ...DEFAULT_RETRY, ...deps.retry };
    this.warn = deps.warn ?? ((message) => process.stderr.write(`kizuki: google ${config.name}: ${message}\n`));
    this.rootUrl = config.rootUrl ? config.rootUrl.replace(/\/?$/, '/') : undefined;
    this.concurrency = deps.concurrency ?? 8;
  }

  capabilities(): ReadonlySet<Capability> {
    return new Set(CAPABILITIES);
  }

  gaps(): CapabilityGap[] {
    return [
      {
        capability: 'events.delivery',
        en: 'Gmail delivery logs (Email Log Search) need BigQuery export or the Admin console; Kizuki reads each mailbox instead, so a message is found by its Message-ID in every mailbox.',
        ja: 'Gmail の配信ログ(メールログ検索)は BigQuery へのエクスポートか管理コンソールでしか読めません。Kizuki は各メールボックスを Message-ID で検索して同じメールを探します。',
      },
    ];
  }

  // ---- clients -------------------------------------------------------------------------------------------------

  private auth(subject: string, scopes: readonly string[]): JWT {
    const key = `${subject}|${scopes.join(' ')}`;
    let jwt = this.auths.get(key);
    if (jwt) return jwt;
    jwt = new JWT({ email: this.deps.credentials.client_email, key: this.deps.credentials.private_key, scopes: [...scopes], subject });
    const tokenUrl = this.config.tokenUrl;
    if (tokenUrl) {
      jwt.transporter.interceptors.request.add({
        resolved: async (options) => {
          if (String(options.url) === GOOGLE_TOKEN_URL) options.url = new URL(tokenUrl);
          return options;
        },
      });
    }
    this.auths.set(key, jwt);
    return jwt;
  }

  private options(auth: JWT): { auth: JWT; rootUrl?: string; timeout: number; retry: boolean } {
    // the client library's own retry is off: Kizuki's wrapper retries (with the injected sleep, and 403 rate limits too)
    const out: { auth: JWT; rootUrl?: string; timeout: number; retry: boolean } = { auth, timeout: this.deps.timeoutMs ?? 60_000, retry: false };
    if (this.rootUrl) out.rootUrl = this.rootUrl;
    return out;
  }

  private directory(): admin_directory_v1.Admin {
    return new admin_directory_v1.Admin(this.options(this.auth(this.config.adminEmail, ADMIN_SCOPES)));
  }

  private reports(): admin_reports_v1.Admin {
    return new admin_reports_v1.Admin(this.options(this.auth(this.config.adminEmail, ADMIN_SCOPES)));
  }

  private gmail(user: string): gmail_v1.Gmail {
    const scopes = user === this.config.noticeSender?.toLowerCase() ? SENDER_SCOPES : USER_SCOPES;
    return new gmail_v1.Gmail(this.options(this.auth(user, scopes)));
  }

  /** One API call with retries; the ApiCall (if given) gets the final status. Throws ApiFailure. */
  private async call<T>(record: ApiCall | undefined, run: () => Promise<{ status: number; data: T }>, signal?: AbortSignal): Promise<T> {
    try {
      const response = await withRetry(run, { ...this.retry, sleep: this.sleep, ...(signal ? { signal } : {}) });
      if (record) record.status = response.status;
      return response.data;
    } catch (error) {
      if (record && error instanceof ApiFailure && error.failure.status !== undefined) record.status = error.failure.status;
      throw error;
    }
  }

  // ---- users and mail ------------------------------------------------------------------------------------------

  async listUsers(): Promise<MailboxUser[]> {
    const directory = this.directory();
    const users: MailboxUser[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.call(undefined, () => directory.users.list({ customer: 'my_customer', maxResults: 500, orderBy: 'email', ...(pageToken ? { pageToken } : {}) }));
      for (const u of page.users ?? []) {
        if (!u.primaryEmail) continue;
        const user: MailboxUser = { address: u.primaryEmail.toLowerCase(), suspended: u.suspended === true, isAdmin: u.isAdmin === true };
        if (u.name?.fullName) user.name = u.name.fullName;
        users.push(user);
      }
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    const only = this.config.users?.map((u) => u.toLowerCase());
    return only ? users.filter((u) => only.includes(u.address)) : users;
  }

  async *fetchNew(cursors: ReadonlyMap<string, string>, signal?: AbortSignal): AsyncIterable<FetchedItem> {
    for (const application of this.config.reports) {
      if (signal?.aborted) return;
      try {
        yield await this.readReports(application, cursors.get(`events:google:${application}`), signal);
      } catch (error) {
        this.warn(`Reports API ${application}: ${describeFailure(error).message} (will try again next round)`);
      }
    }
    let users: MailboxUser[];
    try {
      users = await this.listUsers();
    } catch (error) {
      // without the user list nothing else can be read: the watch loop retries, or stops when it cannot work
      throw error instanceof ApiFailure ? error : new ApiFailure(describeFailure(error), 1);
    }
    for (const user of users) {
      if (user.suspended) continue;
      if (signal?.aborted) return;
      try {
        yield* this.readMailbox(user.address, cursors.get(`mail:${user.address}`), signal);
      } catch (error) {
        this.warn(`mailbox ${user.address}: ${describeFailure(error).message} (other mailboxes go on)`);
      }
    }
  }

  /** All activities of one Reports application since the cursor (minus the safety window), oldest first. */
  private async readReports(application: string, cursorValue: string | undefined, signal?: AbortSignal): Promise<FetchedItem> {
    const scope = `events:google:${application}`;
    let cursor: ReportsCursor | undefined;
    if (cursorValue) {
      try {
        cursor = JSON.parse(cursorValue) as ReportsCursor;
      } catch {
        cursor = undefined;
      }
    }
    const safety = this.config.reportsSafetyMinutes * 60_000;
    const now = this.clock().getTime();
    const start = cursor ? Date.parse(cursor.t) - safety : now - this.config.initialLookbackHours * 3_600_000;
    const reports = this.reports();
    const events: AccountEvent[] = [];
    let pageToken: string | undefined;
    let newest = cursor ? Date.parse(cursor.t) : start;
    do {
      const page = await this.call(
        undefined,
        () => reports.activities.list({ userKey: 'all', applicationName: application, startTime: toIso(start), maxResults: 1000, ...(pageToken ? { pageToken } : {}) }),
        signal,
      );
      for (const activity of page.items ?? []) {
        const t = Date.parse(activity.id?.time ?? '');
        if (!Number.isNaN(t) && t > newest) newest = t;
        events.push(...normaliseActivity(application, activity, this.name));
      }
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    const seen = new Set(cursor?.seen ?? []);
    const unique = [...new Map(events.map((e) => [e.id, e])).values()];
    const fresh = unique.filter((e) => !seen.has(e.id)).sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.id < b.id ? -1 : 1));
    // the next read starts `safety` before the newest time: only ids inside that window can come back
    const keepFrom = newest - safety;
    const next: ReportsCursor = { t: toIso(newest), seen: unique.filter((e) => Date.parse(e.time) >= keepFrom).map((e) => e.id).slice(-5000) };
    const update = { scope, value: JSON.stringify(next) };
    return fresh.length > 0 ? { type: 'events', events: fresh, cursor: update } : { type: 'cursor', cursor: update };
  }

  /** New messages of one mailbox from its Gmail history; a first run starts at the current history id. */
  private async *readMailbox(address: string, cursorValue: string | undefined, signal?: AbortSignal): AsyncIterable<FetchedItem> {
    const scope = `mail:${address}`;
    const gmail = this.gmail(address);
    if (!cursorValue) {
      const profile = await this.call(undefined, () => gmail.users.getProfile({ userId: 'me' }), signal);
      if (profile.historyId) yield { type: 'cursor', cursor: { scope, value: String(profile.historyId) } };
      return;
    }
    let pageToken: string | undefined;
    let last = cursorValue;
    let latest = cursorValue;
    const done = new Set<string>();
    do {
      let page: gmail_v1.Schema$ListHistoryResponse;
      try {
        page = await this.call(
          undefined,
          () => gmail.users.history.list({ userId: 'me', startHistoryId: cursorValue, historyTypes: ['messageAdded'], maxResults: 500, ...(pageToken ? { pageToken } : {}) }),
          signal,
        );
      } catch (error) {
        if (error instanceof ApiFailure && error.failure.status === 404) {
          // the stored history id is too old (Gmail keeps about a week): start again from now and say so
          const profile = await this.call(undefined, () => gmail.users.getProfile({ userId: 'me' }), signal);
          this.warn(`mailbox ${address}: history ${cursorValue} has expired; reading resumes from history ${profile.historyId} (messages in between are not fetched)`);
          if (profile.historyId) yield { type: 'cursor', cursor: { scope, value: String(profile.historyId) } };
          return;
        }
        throw error;
      }
      if (page.historyId) latest = String(page.historyId);
      // what each new message of the page is, and the cursor saved after it, worked out in order first
      const plan: Array<{ id: string; skip: boolean; cursor: { scope: string; value: string } }> = [];
      for (const record of page.history ?? []) {
        const added = (record.messagesAdded ?? []).map((m) => m.message).filter((m): m is gmail_v1.Schema$Message => !!m?.id && !done.has(m.id));
        for (const [i, ref] of added.entries()) {
          const id = ref.id as string;
          done.add(id);
          // the last message of a record moves the cursor past the record; earlier ones keep it before it
          const cursor = { scope, value: i === added.length - 1 && record.id ? String(record.id) : last };
          plan.push({ id, skip: (ref.labelIds ?? []).some((l) => l === 'DRAFT' || l === 'CHAT'), cursor });
        }
        if (record.id) last = String(record.id);
      }
      // then the raw messages are fetched several at a time and handed on oldest first
      const fetched = inOrder(plan, this.concurrency, async (p): Promise<FetchedItem> => {
        const message = p.skip ? undefined : await this.getRaw(gmail, address, p.id, signal);
        return message ? { type: 'message', message, cursor: p.cursor } : { type: 'cursor', cursor: p.cursor };
      });
      for await (const item of fetched) {
        yield item;
        if (signal?.aborted) return;
      }
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    if (latest !== last && Number(latest) > Number(last)) yield { type: 'cursor', cursor: { scope, value: latest } };
  }

  private async getRaw(gmail: gmail_v1.Gmail, address: string, id: string, signal?: AbortSignal): Promise<FetchedMessage | undefined> {
    let message: gmail_v1.Schema$Message;
    try {
      message = await this.call(undefined, () => gmail.users.messages.get({ userId: 'me', id, format: 'raw' }), signal);
    } catch (error) {
      if (error instanceof ApiFailure && error.failure.status === 404) return undefined; // deleted since
      throw error;
    }
    if (!message.raw) return undefined;
    const labels = message.labelIds ?? [];
    const out: FetchedMessage = {
      account: address,
      folder: labels.includes('SENT') ? 'sent' : labels.includes('INBOX') ? 'inbox' : 'other',
      providerId: id,
      raw: new Uint8Array(Buffer.from(message.raw, 'base64url')),
    };
    if (message.internalDate) out.time = toIso(Number(message.internalDate));
    return out;
  }

  waitForChange(signal: AbortSignal): Promise<void> {
    // the platform is polled: the next look is one interval away, unless the watch is stopped first
    return sleep(this.config.pollSeconds * 1000, undefined, { signal });
  }

  async fetchByMessageId(account: string, messageId: string): Promise<FetchedMessage | undefined> {
    const gmail = this.gmail(account.toLowerCase());
    const found = await this.call(undefined, () => gmail.users.messages.list({ userId: 'me', q: `rfc822msgid:${messageId.replace(/^<|>$/g, '')}`, includeSpamTrash: true }));
    const first = found.messages?.[0]?.id;
    return first ? this.getRaw(gmail, account.toLowerCase(), first) : undefined;
  }

  // ---- check ---------------------------------------------------------------------------------------------------

  async check(): Promise<ConnectReport> {
    const checks: ConnectReport['checks'] = [];
    const add = (name: string, ok: boolean, en: string, ja: string) => checks.push({ name, ok, en, ja });
    const probe = async (name: string, scope: string, subject: string, run: (auth: JWT) => Promise<unknown>, grant: string) => {
      const auth = this.auth(subject, [scope]);
      try {
        await auth.getAccessToken();
      } catch (error) {
        add(name, false, `No token for ${scope} as ${subject}: ${describeFailure(error).message}. ${grant}`, `${subject} として ${scope} のトークンを取得できません。${grant}`);
        return;
      }
      try {
        await withRetry(() => run(auth), { ...this.retry, attempts: 2, sleep: this.sleep });
        add(name, true, `${scope} works as ${subject}.`, `${subject} として ${scope} を利用できます。`);
      } catch (error) {
        const f = error instanceof ApiFailure ? error.failure : describeFailure(error);
        add(name, false, `${scope} as ${subject} failed (${f.status ?? 'no answer'}): ${f.message}. ${grant}`, `${subject} として ${scope} の呼び出しに失敗しました(${f.status ?? '応答なし'})。${grant}`);
      }
    };
    const grantDwd = 'Grant it to the service account\'s client ID in the Admin console (Security → API controls → Domain-wide delegation).';
    const admin = this.config.adminEmail;
    await probe('directory', GOOGLE_SCOPES.directoryUsers, admin, (auth) => new admin_directory_v1.Admin(this.options(auth)).users.list({ customer: 'my_customer', maxResults: 1 }), grantDwd);
    await probe('directory-security', GOOGLE_SCOPES.directorySecurity, admin, (auth) => new admin_directory_v1.Admin(this.options(auth)).tokens.list({ userKey: admin }), grantDwd);
    await probe('reports', GOOGLE_SCOPES.reports, admin, (auth) => new admin_reports_v1.Admin(this.options(auth)).activities.list({ userKey: 'all', applicationName: 'login', maxResults: 1 }), grantDwd);
    await probe('gmail', GOOGLE_SCOPES.gmailModify, admin, (auth) => new gmail_v1.Gmail(this.options(auth)).users.getProfile({ userId: 'me' }), grantDwd);
    await probe('gmail-settings', GOOGLE_SCOPES.gmailSettingsBasic, admin, (auth) => new gmail_v1.Gmail(this.options(auth)).users.settings.filters.list({ userId: 'me' }), grantDwd);
    await probe('gmail-sharing', GOOGLE_SCOPES.gmailSettingsSharing, admin, (auth) => new gmail_v1.Gmail(this.options(auth)).users.settings.delegates.list({ userId: 'me' }), grantDwd);
    if (this.config.noticeSender) {
      const sender = this.config.noticeSender.toLowerCase();
      const auth = this.auth(sender, [GOOGLE_SCOPES.gmailSend]);
      try {
        await auth.getAccessToken();
        add('gmail-send', true, `Notices can be sent as ${sender}.`, `${sender} として通知を送信できます。`);
      } catch (error) {
        add('gmail-send', false, `No token for gmail.send as ${sender}: ${describeFailure(error).message}. ${grantDwd}`, `${sender} として gmail.send のトークンを取得できません。ドメイン全体の委任で許可してください。`);
      }
    }
    return { provider: this.name, kind: 'google', ok: checks.every((c) => c.ok), checks };
  }

  // ---- actions -------------------------------------------------------------------------------------------------

  async act(request: ActionRequest): Promise<ActionResult> {
    const calls: ApiCall[] = [];
    try {
      return await this.perform(request, calls);
    } catch (error) {
      const f = error instanceof ApiFailure ? error.failure : describeFailure(error);
      return {
        status: 'failed',
        calls,
        en: `${request.kind} failed: ${f.message}`,
        ja: `${request.kind} に失敗しました: ${f.message}`,
        error: f.message,
        retryable: f.retryable,
      };
    }
  }

  private userPath(account: string): string {
    return `/admin/directory/v1/users/${enc(account)}`;
  }

  /** Performs a write unless dry-run; records it either way. */
  private async write(request: ActionRequest, calls: ApiCall[], call: ApiCall, run: () => Promise<{ status: number; data: unknown }>): Promise<void> {
    calls.push(call);
    if (request.dryRun) return;
    await this.call(call, run);
  }

  private async read<T>(calls: ApiCall[], call: ApiCall, run: () => Promise<{ status: number; data: T }>): Promise<T> {
    calls.push(call);
    return this.call(call, run);
  }

  private result(request: ActionRequest, calls: ApiCall[], changed: number, en: string, ja: string, details?: Record<string, unknown>): ActionResult {
    const status = changed === 0 ? 'nothing-to-do' : request.dryRun ? 'dry-run' : 'done';
    const prefix = status === 'dry-run' ? { en: 'Dry run — would: ', ja: '試行(変更なし): ' } : { en: '', ja: '' };
    const out: ActionResult = { status, calls, en: prefix.en + en, ja: prefix.ja + ja };
    if (details) out.details = details;
    return out;
  }

  private needAccount(request: ActionRequest): string {
    if (!request.account) throw new Error(`${request.kind} needs the account it is about`);
    return request.account.toLowerCase();
  }

  private async perform(request: ActionRequest, calls: ApiCall[]): Promise<ActionResult> {
    const dir = this.directory();
    switch (request.kind) {
      case 'suspend':
      case 'unsuspend': {
        const account = this.needAccount(request);
        const want = request.kind === 'suspend';
        const user = await this.read(calls, { method: 'GET', path: this.userPath(account) }, () => dir.users.get({ userKey: account }));
        if ((user.suspended === true) === want) return this.result(request, calls, 0, `${account} is already ${want ? 'suspended' : 'active'}.`, `${account} はすでに${want ? '停止' : '有効'}されています。`);
        await this.write(request, calls, { method: 'PUT', path: this.userPath(account), body: { suspended: want } }, () => dir.users.update({ userKey: account, requestBody: { suspended: want } }));
        return this.result(request, calls, 1, `${want ? 'suspend' : 're-enable'} ${account}.`, `${account} を${want ? '停止' : '再開'}します。`);
      }
      case 'sign-out': {
        const account = this.needAccount(request);
        await this.write(request, calls, { method: 'POST', path: `${this.userPath(account)}/signOut` }, () => dir.users.signOut({ userKey: account }));
        return this.result(request, calls, 1, `sign ${account} out of every session.`, `${account} のすべてのセッションをサインアウトさせます。`);
      }
      case 'force-password-change': {
        const account = this.needAccount(request);
        const password = request.dryRun ? '' : (this.deps.newPassword?.() ?? randomBytes(24).toString('base64url'));
        await this.write(request, calls, { method: 'PUT', path: this.userPath(account), body: { password: '<redacted>', changePasswordAtNextLogin: true } }, () =>
          dir.users.update({ userKey: account, requestBody: { password, changePasswordAtNextLogin: true } }),
        );
        return this.result(request, calls, 1, `set a random password on ${account} and require a new one at next sign-in.`, `${account} にランダムなパスワードを設定し、次回サインイン時の変更を必須にします。`);
      }
      case 'revoke-oauth': {
        const account = this.needAccount(request);
        const list = await this.read(calls, { method: 'GET', path: `${this.userPath(account)}/tokens` }, () => dir.tokens.list({ userKey: account }));
        const ids = (list.items ?? []).map((t) => ({ clientId: t.clientId ?? '', app: t.displayText ?? '' })).filter((t) => t.clientId);
        for (const t of ids) await this.write(request, calls, { method: 'DELETE', path: `${this.userPath(account)}/tokens/${enc(t.clientId)}` }, () => dir.tokens.delete({ userKey: account, clientId: t.clientId }));
        return this.result(request, calls, ids.length, `revoke ${ids.length} OAuth grant(s) of ${account}.`, `${account} の OAuth 許可 ${ids.length} 件を取り消します。`, { revoked: ids });
      }
      case 'revoke-app-passwords': {
        const account = this.needAccount(request);
        const list = await this.read(calls, { method: 'GET', path: `${this.userPath(account)}/asps` }, () => dir.asps.list({ userKey: account }));
        const since = request.since ? Date.parse(request.since) : undefined;
        const all = (list.items ?? []).filter((a) => a.codeId !== undefined && a.codeId !== null);
        const chosen = since === undefined ? all : all.filter((a) => Number(a.creationTime ?? 0) >= since);
        for (const a of chosen) await this.write(request, calls, { method: 'DELETE', path: `${this.userPath(account)}/asps/${a.codeId}` }, () => dir.asps.delete({ userKey: account, codeId: a.codeId as number }));
        return this.result(request, calls, chosen.length, `remove ${chosen.length} app password(s) of ${account}${since !== undefined ? ' created since the incident began' : ''}.`, `${account} のアプリパスワード ${chosen.length} 件を削除します${since !== undefined ? '(インシデント開始以降に作成されたもの)' : ''}。`, {
          removed: chosen.map((a) => a.name ?? String(a.codeId)),
          kept: all.filter((a) => !chosen.includes(a)).map((a) => a.name ?? String(a.codeId)),
          selection: since === undefined ? 'all' : 'created-since',
        });
      }
      case 'invalidate-backup-codes': {
        const account = this.needAccount(request);
        await this.write(request, calls, { method: 'POST', path: `${this.userPath(account)}/verificationCodes/invalidate` }, () => dir.verificationCodes.invalidate({ userKey: account }));
        return this.result(request, calls, 1, `invalidate the backup verification codes of ${account}.`, `${account} のバックアップ コードを無効にします。`);
      }
      case 'remove-forwarding':
      case 'remove-filters':
      case 'remove-delegates':
      case 'remove-sendas':
        return this.removeSettings(request, calls);
      case 'quarantine-message':
      case 'release-message':
      case 'delete-message':
      case 'flag-message':
        return this.messageAction(request, calls);
      case 'send-notice':
        return this.sendNotice(request, calls);
    }
    return { status: 'unsupported', calls, en: `${String(request.kind)} is not something Kizuki can do on Google Workspace.`, ja: `${String(request.kind)} は Google Workspace では実行できません。` };
  }

  private gmailPath(account: string, rest: string): string {
    return `/gmail/v1/users/${enc(account)}${rest}`;
  }

  private async removeSettings(request: ActionRequest, calls: ApiCall[]): Promise<ActionResult> {
    const account = this.needAccount(request);
    const gmail = this.gmail(account);
    const settings = gmail.users.settings;
    if (request.kind === 'remove-forwarding') {
      const forwarding = await this.read(calls, { method: 'GET', path: this.gmailPath(account, '/settings/autoForwarding') }, () => settings.getAutoForwarding({ userId: 'me' }));
      let changed = 0;
      if (forwarding.enabled) {
        changed++;
        await this.write(request, calls, { method: 'PUT', path: this.gmailPath(account, '/settings/autoForwarding'), body: { enabled: false } }, () => settings.updateAutoForwarding({ userId: 'me', requestBody: { enabled: false } }));
      }
      const addresses = await this.read(calls, { method: 'GET', path: this.gmailPath(account, '/settings/forwardingAddresses') }, () => settings.forwardingAddresses.list({ userId: 'me' }));
      const targets = (addresses.forwardingAddresses ?? []).map((a) => a.forwardingEmail ?? '').filter(Boolean);
      for (const target of targets) {
        changed++;
        await this.write(request, calls, { method: 'DELETE', path: this.gmailPath(account, `/settings/forwardingAddresses/${enc(target)}`) }, () => settings.forwardingAddresses.delete({ userId: 'me', forwardingEmail: target }));
      }
      return this.result(request, calls, changed, `turn off automatic forwarding of ${account}${forwarding.enabled ? ` (to ${forwarding.emailAddress})` : ''} and remove ${targets.length} forwarding address(es).`, `${account} の自動転送を停止し、転送先 ${targets.length} 件を削除します。`, {
        autoForwardingWas: forwarding.enabled === true ? forwarding.emailAddress : null,
        removed: targets,
        selection: 'all (Gmail does not say when a forwarding address was added)',
      });
    }
    if (request.kind === 'remove-filters') {
      const list = await this.read(calls, { method: 'GET', path: this.gmailPath(account, '/settings/filters') }, () => settings.filters.list({ userId: 'me' }));
      const filters = list.filter ?? [];
      // only filters that hide or send mail away: forwarding, trashing, skipping the inbox, marking as read
      const dangerous = filters.filter((f) => !!f.action?.forward || (f.action?.addLabelIds ?? []).includes('TRASH') || (f.action?.removeLabelIds ?? []).some((l) => l === 'INBOX' || l === 'UNREAD'));
      for (const f of dangerous) await this.write(request, calls, { method: 'DELETE', path: this.gmailPath(account, `/settings/filters/${enc(f.id ?? '')}`) }, () => settings.filters.delete({ userId: 'me', id: f.id ?? '' }));
      return this.result(request, calls, dangerous.length, `delete ${dangerous.length} filter(s) of ${account} that forward, delete or hide mail (${filters.length - dangerous.length} kept).`, `${account} のフィルタのうち、転送・削除・受信トレイのスキップを行う ${dangerous.length} 件を削除します(${filters.length - dangerous.length} 件は残します)。`, {
        removed: dangerous.map((f) => ({ id: f.id, criteria: f.criteria, action: f.action })),
        kept: filters.filter((f) => !dangerous.includes(f)).map((f) => f.id),
        selection: 'forward/trash/skip-inbox/mark-read (Gmail does not say when a filter was created)',
      });
    }
    if (request.kind === 'remove-delegates') {
      const list = await this.read(calls, { method: 'GET', path: this.gmailPath(account, '/settings/delegates') }, () => settings.delegates.list({ userId: 'me' }));
      const delegates = (list.delegates ?? []).map((d) => d.delegateEmail ?? '').filter(Boolean);
      for (const d of delegates) await this.write(request, calls, { method: 'DELETE', path: this.gmailPath(account, `/settings/delegates/${enc(d)}`) }, () => settings.delegates.delete({ userId: 'me', delegateEmail: d }));
      return this.result(request, calls, delegates.length, `remove ${delegates.length} delegate(s) of ${account}.`, `${account} の委任 ${delegates.length} 件を削除します。`, { removed: delegates, selection: 'all (Gmail does not say when a delegate was added)' });
    }
    const list = await this.read(calls, { method: 'GET', path: this.gmailPath(account, '/settings/sendAs') }, () => settings.sendAs.list({ userId: 'me' }));
    const aliases = (list.sendAs ?? []).filter((s) => !s.isPrimary && s.sendAsEmail).map((s) => s.sendAsEmail as string);
    for (const a of aliases) await this.write(request, calls, { method: 'DELETE', path: this.gmailPath(account, `/settings/sendAs/${enc(a)}`) }, () => settings.sendAs.delete({ userId: 'me', sendAsEmail: a }));
    return this.result(request, calls, aliases.length, `remove ${aliases.length} send-as address(es) of ${account} (the primary address stays).`, `${account} の送信元アドレス ${aliases.length} 件を削除します(メインのアドレスは残します)。`, { removed: aliases, selection: 'all non-primary' });
  }

  private async labelId(gmail: gmail_v1.Gmail, account: string, request: ActionRequest, calls: ApiCall[], create: boolean): Promise<string | undefined> {
    const name = this.config.quarantineLabel;
    const labels = await this.read(calls, { method: 'GET', path: this.gmailPath(account, '/labels') }, () => gmail.users.labels.list({ userId: 'me' }));
    const found = (labels.labels ?? []).find((l) => l.name === name)?.id ?? undefined;
    if (found || !create) return found;
    const call: ApiCall = { method: 'POST', path: this.gmailPath(account, '/labels'), body: { name, labelListVisibility: 'labelShow', messageListVisibility: 'show' } };
    calls.push(call);
    if (request.dryRun) return `<${name}>`;
    const made = await this.call(call, () => gmail.users.labels.create({ userId: 'me', requestBody: { name, labelListVisibility: 'labelShow', messageListVisibility: 'show' } }));
    return made.id ?? undefined;
  }

  /** Finds the message by Message-ID in every mailbox (or the one named) and quarantines, releases or trashes each copy. */
  private async messageAction(request: ActionRequest, calls: ApiCall[]): Promise<ActionResult> {
    if (!request.messageId) throw new Error(`${request.kind} needs the Message-ID of the message`);
    const messageId = request.messageId.replace(/^<|>$/g, '');
    const mailboxes = request.account ? [request.account.toLowerCase()] : (await this.listUsers()).filter((u) => !u.suspended).map((u) => u.address);
    const touched: Array<{ mailbox: string; id: string }> = [];
    const failed: Array<{ mailbox: string; error: string }> = [];
    let retryable = false;
    for (const mailbox of mailboxes) {
      try {
        const gmail = this.gmail(mailbox);
        const q = `rfc822msgid:${messageId}`;
        const found = await this.read(calls, { method: 'GET', path: this.gmailPath(mailbox, `/messages?q=${enc(q)}&includeSpamTrash=true`) }, () => gmail.users.messages.list({ userId: 'me', q, includeSpamTrash: true }));
        const ids = (found.messages ?? []).map((m) => m.id ?? '').filter(Boolean);
        if (ids.length === 0) continue;
        if (request.kind === 'delete-message') {
          for (const id of ids) {
            await this.write(request, calls, { method: 'POST', path: this.gmailPath(mailbox, `/messages/${id}/trash`) }, () => gmail.users.messages.trash({ userId: 'me', id }));
            touched.push({ mailbox, id });
          }
          continue;
        }
        if (request.kind === 'flag-message') {
          // Gmail's star is IMAP's \Flagged: the copy stays where it is, marked for the user's attention
          for (const id of ids) {
            const current = await this.read(calls, { method: 'GET', path: this.gmailPath(mailbox, `/messages/${id}?format=minimal`) }, () => gmail.users.messages.get({ userId: 'me', id, format: 'minimal' }));
            if ((current.labelIds ?? []).includes('STARRED')) continue;
            const change = { addLabelIds: ['STARRED'] };
            await this.write(request, calls, { method: 'POST', path: this.gmailPath(mailbox, `/messages/${id}/modify`), body: change }, () => gmail.users.messages.modify({ userId: 'me', id, requestBody: change }));
            touched.push({ mailbox, id });
          }
          continue;
        }
        const label = await this.labelId(gmail, mailbox, request, calls, request.kind === 'quarantine-message');
        if (!label) continue;
        for (const id of ids) {
          const change = request.kind === 'quarantine-message' ? { addLabelIds: [label], removeLabelIds: ['INBOX'] } : { addLabelIds: ['INBOX'], removeLabelIds: [label] };
          if (request.kind === 'release-message') {
            const current = await this.read(calls, { method: 'GET', path: this.gmailPath(mailbox, `/messages/${id}?format=minimal`) }, () => gmail.users.messages.get({ userId: 'me', id, format: 'minimal' }));
            if (!(current.labelIds ?? []).includes(label)) continue;
          }
          await this.write(request, calls, { method: 'POST', path: this.gmailPath(mailbox, `/messages/${id}/modify`), body: change }, () => gmail.users.messages.modify({ userId: 'me', id, requestBody: change }));
          touched.push({ mailbox, id });
        }
      } catch (error) {
        const f = error instanceof ApiFailure ? error.failure : describeFailure(error);
        failed.push({ mailbox, error: f.message });
        retryable ||= f.retryable;
      }
    }
    const verb = { 'quarantine-message': ['move to quarantine', '隔離'], 'release-message': ['release from quarantine', '隔離から戻す'], 'delete-message': ['move to trash', 'ゴミ箱へ移動'], 'flag-message': ['star', 'スター付け'] }[request.kind as 'quarantine-message'];
    const details = { messageId, mailboxesSearched: mailboxes.length, copies: touched, failed, label: this.config.quarantineLabel };
    if (failed.length > 0 && touched.length === 0 && failed.length === mailboxes.length) {
      return { status: 'failed', calls, en: `${verb[0]} failed in every mailbox: ${failed[0]?.error}`, ja: `すべてのメールボックスで「${verb[1]}」に失敗しました。`, error: failed[0]?.error ?? 'failed', retryable, details };
    }
    const partial = failed.length > 0 ? ` ${failed.length} mailbox(es) failed: ${failed.map((f) => f.mailbox).join(', ')}.` : '';
    const partialJa = failed.length > 0 ? ` ${failed.length} 件のメールボックスで失敗しました。` : '';
    const out = this.result(request, calls, touched.length, `${verb[0]} ${touched.length} cop(ies) of <${messageId}> in ${new Set(touched.map((t) => t.mailbox)).size} mailbox(es).${partial}`, `<${messageId}> の ${touched.length} 件を${verb[1]}します(${new Set(touched.map((t) => t.mailbox)).size} メールボックス)。${partialJa}`, details);
    if (failed.length > 0 && out.status !== 'dry-run') {
      out.status = 'failed';
      out.error = `${failed.length} mailbox(es) failed`;
      out.retryable = retryable;
    }
    return out;
  }

  private async sendNotice(request: ActionRequest, calls: ApiCall[]): Promise<ActionResult> {
    const sender = this.config.noticeSender?.toLowerCase();
    if (!sender) {
      return { status: 'unsupported', calls, en: 'No notice sender is configured (providers[].noticeSender).', ja: '通知の送信元(providers[].noticeSender)が設定されていません。' };
    }
    if (!request.notice || request.notice.to.length === 0) throw new Error('send-notice needs recipients, a subject and a text');
    const raw = buildNotice({ from: sender, ...request.notice, messageId: `${request.idempotencyKey.replace(/[^A-Za-z0-9._-]/g, '-')}@kizuki.invalid`, date: this.clock() });
    const gmail = this.gmail(sender);
    const messageId = raw.messageId;
    const q = `rfc822msgid:${messageId}`;
    const already = await this.read(calls, { method: 'GET', path: this.gmailPath(sender, `/messages?q=${enc(q)}&includeSpamTrash=true`) }, () => gmail.users.messages.list({ userId: 'me', q, includeSpamTrash: true }));
    if ((already.messages ?? []).length > 0) return this.result(request, calls, 0, `the notice <${messageId}> was already sent.`, `通知 <${messageId}> は送信済みです。`);
    await this.write(request, calls, { method: 'POST', path: this.gmailPath(sender, '/messages/send'), body: { to: request.notice.to, subject: request.notice.subject } }, () =>
      gmail.users.messages.send({ userId: 'me', requestBody: { raw: Buffer.from(raw.bytes).toString('base64url') } }),
    );
    return this.result(request, calls, 1, `send "${request.notice.subject}" from ${sender} to ${request.notice.to.length} recipient(s).`, `${sender} から ${request.notice.to.length} 名に「${request.notice.subject}」を送信します。`, { to: request.notice.to });
  }

  async close(): Promise<void> {
    this.auths.clear();
  }
}
