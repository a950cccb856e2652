// Microsoft 365 through Microsoft Graph: @microsoft/microsoft-graph-client with our own two-step middleware chain
// (a bearer step from an @azure/identity client-credentials token, then the library's HTTP step) — the library's
// own authentication step only sends the token to https Graph hosts, and its retry step is replaced by Kizuki's
// backoff, which honours Retry-After. Mail by delta per user and folder (cursor = deltaLink), raw MIME by $value,
// sign-ins from auditLogs/signIns, inbox rules diffed against the last state seen.
import { ClientSecretCredential, type TokenCredential } from '@azure/identity';
import { Client, type Context, HTTPMessageHandler, type Middleware, ResponseType } from '@microsoft/microsoft-graph-client';
import { randomBytes } from 'node:crypto';
import type { Agent } from 'node:https';
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
import type { MicrosoftProviderConfig } from './config.js';
import { type GraphRule, type GraphSignIn, isHarmfulRule, normaliseSignIn, ruleAction, ruleEvents, ruleFingerprint, ruleTargets } from './normalise.js';
import { setTimeout as sleep } from 'node:timers/promises';

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export interface MicrosoftDeps {
  /** the client secret (read from the configured environment variable or file by the factory) */
  clientSecret?: string;
  /** a ready credential instead of the client secret */
  credential?: TokenCredential;
  /** TLS settings for the authority (a private CA); tests use it for the fake's certificate */
  authorityAgent?: Agent;
  sleep?: (ms: number) => Promise<void>;
  clock?: () => Date;
  newPassword?: () => string;
  retry?: Partial<Omit<RetryOptions, 'sleep'>>;
  warn?: (message: string) => void;
  /** raw messages fetched at once per folder (default 8) */
  concurrency?: number;
}

const CAPABILITIES: Capability[] = [
  'mail.users',
  'mail.fetch',
  'mail.fetch-by-id',
  'mail.watch',
  'events.signin',
  'events.settings',
  'action.suspend',
  'action.unsuspend',
  'action.sign-out',
  'action.force-password-change',
  'action.revoke-oauth',
  'action.remove-forwarding',
  'action.remove-filters',
  'action.quarantine-message',
  'action.release-message',
  'action.delete-message',
  'action.flag-message',
  'action.send-notice',
];

const GAPS: CapabilityGap[] = [
  {
    capability: 'action.revoke-app-passwords',
    en: 'Microsoft Graph has no API to list or delete app passwords. Ask the user (or an administrator in the Entra admin center → Users → Authentication methods) to delete them, or block legacy authentication with Conditional Access.',
    ja: 'Microsoft Graph にはアプリ パスワードを一覧・削除する API がありません。本人または管理者(Entra 管理センター → ユーザー → 認証方法)が削除するか、条件付きアクセスでレガシー認証をブロックしてください。',
  },
  {
    capability: 'action.invalidate-backup-codes',
    en: 'Microsoft 365 has no backup codes to invalidate through Graph. Review the user\'s authentication methods (phone numbers, authenticator apps) in the Entra admin center and remove any the user does not recognise.',
    ja: 'Microsoft 365 には Graph で無効にできるバックアップ コードがありません。Entra 管理センターで本人の認証方法(電話番号、認証アプリ)を確認し、心当たりのないものを削除してください。',
  },
  {
    capability: 'action.remove-delegates',
    en: 'Mailbox permissions (Full Access, delegates) are managed by Exchange Online PowerShell (Remove-MailboxPermission), not Graph. Kizuki lists this as a manual step.',
    ja: 'メールボックスの権限(フル アクセス、代理人)は Graph ではなく Exchange Online PowerShell(Remove-MailboxPermission)で管理します。手作業の手順として示します。',
  },
  {
    capability: 'action.remove-sendas',
    en: 'Send-as and send-on-behalf rights are managed by Exchange Online PowerShell (Remove-RecipientPermission), not Graph. Kizuki lists this as a manual step.',
    ja: '「送信者として送信」「代理送信」の権限は Graph ではなく Exchange Online PowerShell(Remove-RecipientPermission)で管理します。手作業の手順として示します。',
  },
  {
    capability: 'events.oauth',
    en: 'New OAuth consents appear in the directory audit log; Kizuki reads grants only when revoking them.',
    ja: '新しい OAuth 同意はディレクトリ監査ログに記録されます。Kizuki は取り消し時にのみ許可の一覧を読みます。',
  },
  {
    capability: 'events.delivery',
    en: 'Message trace is not in Graph v1.0; Kizuki searches each mailbox by internetMessageId instead.',
    ja: 'メッセージ追跡は Graph v1.0 にありません。Kizuki は各メールボックスを internetMessageId で検索します。',
  },
];

interface SignInCursor {
  t: string;
  seen: string[];
}

/** Adds the bearer token to requests for the configured Graph host only, whatever its scheme. */
class BearerMiddleware implements Middleware {
  private next: Middleware | undefined;
  constructor(
    private readonly credential: TokenCredential,
    private readonly baseUrl: string,
  ) {}

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : (context.request as Request).url;
    if (url.startsWith(this.baseUrl)) {
      const token = await this.credential.getToken(GRAPH_SCOPE);
      if (!token) throw new Error('no access token for Microsoft Graph');
      const options = context.options ?? {};
      const headers = options.headers;
      if (headers instanceof Headers) headers.set('Authorization', `Bearer ${token.token}`);
      else if (Array.isArray(headers)) headers.push(['Authorization', `Bearer ${token.token}`]);
      else options.headers = { ...(headers ?? {}), Authorization: `Bearer ${token.token}` };
      context.options = options;
    }
    await this.next?.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

function q(value: string): string {
  return value.replace(/'/g, "''");
}

export class MicrosoftProvider implements Provider {
  readonly kind = 'microsoft' as const;
  readonly name: string;
  private readonly client: Client;
  private readonly baseUrl: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly clock: () => Date;
  private readonly retry: Omit<RetryOptions, 'sleep'>;
  private readonly warn: (message: string) => void;
  private readonly userIds = new Map<string, string>();
  private readonly concurrency: number;

  constructor(
    readonly config: MicrosoftProviderConfig,
    private readonly deps: MicrosoftDeps,
  ) {
    this.name = config.name;
    this.sleep = deps.sleep ?? realSleep;
    this.clock = deps.clock ?? (() => new Date());
    this.retry = { ...DEFAULT_RETRY, ...deps.retry };
    this.warn = deps.warn ?? ((message) => process.stderr.write(`kizuki: microsoft ${config.name}: ${message}\n`));
    this.concurrency = deps.concurrency ?? 8;
    this.baseUrl = (config.graphBaseUrl ?? 'https://graph.microsoft.com/').replace(/\/?$/, '/');
    let credential = deps.credential;
    if (!credential) {
      if (!deps.clientSecret) throw new Error(`microsoft provider ${config.name}: no client secret`);
      const options: ConstructorParameters<typeof ClientSecretCredential>[3] = {};
      if (config.authorityHost) {
        options.authorityHost = config.authorityHost;
        options.disableInstanceDiscovery = true;
      }
      if (deps.authorityAgent) options.agent = deps.authorityAgent;
      credential = new ClientSecretCredential(config.tenantId, config.clientId, deps.clientSecret, options);
    }
    this.client = Client.initWithMiddleware({ middleware: [new BearerMiddleware(credential, this.baseUrl), new HTTPMessageHandler()], baseUrl: this.baseUrl, defaultVersion: 'v1.0' });
  }

  capabilities(): ReadonlySet<Capability> {
    return new Set(CAPABILITIES);
  }

  gaps(): CapabilityGap[] {
    return GAPS.map((g) => ({ ...g }));
  }

  // ---- calls ---------------------------------------------------------------------------------------------------

  /** A path relative to the API version for a link Graph handed back (nextLink, deltaLink) on our own host. */
  private linkPath(link: string): string {
    const prefix = `${this.baseUrl}v1.0`;
    return link.startsWith(prefix) ? link.slice(prefix.length) : link;
  }

  private async call<T>(record: ApiCall | undefined, run: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    try {
      const out = await withRetry(run, { ...this.retry, sleep: this.sleep, ...(signal ? { signal } : {}) });
      if (record) record.status = 'ok';
      return out;
    } catch (error) {
      if (record && error instanceof ApiFailure && error.failure.status !== undefined) record.status = error.failure.status;
      throw error;
    }
  }

  private get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.call(undefined, () => this.client.api(path).get() as Promise<T>, signal);
  }

  /** Every page of a collection, following @odata.nextLink. */
  private async all<T>(path: string, signal?: AbortSignal): Promise<T[]> {
    const out: T[] = [];
    let next: string | undefined = path;
    while (next) {
      const page: { value?: T[]; '@odata.nextLink'?: string } = await this.get(next, signal);
      out.push(...(page.value ?? []));
      next = page['@odata.nextLink'] ? this.linkPath(page['@odata.nextLink']) : undefined;
    }
    return out;
  }

  private async userId(address: string): Promise<string> {
    const known = this.userIds.get(address);
    if (known) return known;
    const user = await this.get<{ id: string }>(`/users/${encodeURIComponent(address)}?$select=id`);
    this.userIds.set(address, user.id);
    return user.id;
  }

  // ---- users and mail ------------------------------------------------------------------------------------------

  async listUsers(): Promise<MailboxUser[]> {
    const rows = await this.all<{ id: string; userPrincipalName?: string; mail?: string | null; displayName?: string; accountEnabled?: boolean }>('/users?$select=id,userPrincipalName,mail,displayName,accountEnabled&$top=999');
    const users: MailboxUser[] = [];
    for (const row of rows) {
      const address = (row.mail ?? row.userPrincipalName ?? '').toLowerCase();
      if (!address) continue;
      this.userIds.set(address, row.id);
      const user: MailboxUser = { address, suspended: row.accountEnabled === false };
      if (row.displayName) user.name = row.displayName;
      users.push(user);
    }
    const only = this.config.users?.map((u) => u.toLowerCase());
    return only ? users.filter((u) => only.includes(u.address)) : users;
  }

  async *fetchNew(cursors: ReadonlyMap<string, string>, signal?: AbortSignal): AsyncIterable<FetchedItem> {
    if (this.config.signIns) {
      try {
        yield await this.readSignIns(cursors.get('events:microsoft:signins'), signal);
      } catch (error) {
        this.warn(`sign-in logs: ${describeFailure(error).message} (Entra ID P1 or P2 and AuditLog.Read.All are needed; will try again next round)`);
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
      if (this.config.inboxRules) {
        try {
          const item = await this.readRules(user.address, cursors.get(`rules:${user.address}`), signal);
          if (item) yield item;
        } catch (error) {
          this.warn(`inbox rules of ${user.address}: ${describeFailure(error).message}`);
        }
      }
      for (const folder of this.config.folders) {
        if (signal?.aborted) return;
        try {
          yield* this.readFolder(user.address, folder, cursors.get(`mail:${user.address}:${folder}`), signal);
        } catch (error) {
          this.warn(`mailbox ${user.address} ${folder}: ${describeFailure(error).message} (other mailboxes go on)`);
        }
      }
    }
  }

  private async readSignIns(cursorValue: string | undefined, signal?: AbortSignal): Promise<FetchedItem> {
    const scope = 'events:microsoft:signins';
    let cursor: SignInCursor | undefined;
    try {
      cursor = cursorValue ? (JSON.parse(cursorValue) as SignInCursor) : undefined;
    } catch {
      cursor = undefined;
    }
    const safety = this.config.signInsSafetyMinutes * 60_000;
    const start = cursor ? Date.parse(cursor.t) - safety : this.clock().getTime() - this.config.initialLookbackHours * 3_600_000;
    const since = new Date(start).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const rows = await this.all<GraphSignIn>(`/auditLogs/signIns?$filter=${encodeURIComponent(`createdDateTime ge ${since}`)}&$top=500`, signal);
    let newest = cursor ? Date.parse(cursor.t) : start;
    const events: AccountEvent[] = [];
    for (const row of rows) {
      const event = normaliseSignIn(row, this.name);
      if (!event) continue;
      events.push(event);
      newest = Math.max(newest, Date.parse(event.time));
    }
    const seen = new Set(cursor?.seen ?? []);
    const unique = [...new Map(events.map((e) => [e.id, e])).values()];
    const fresh = unique.filter((e) => !seen.has(e.id)).sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.id < b.id ? -1 : 1));
    const next: SignInCursor = { t: new Date(newest).toISOString(), seen: unique.filter((e) => Date.parse(e.time) >= newest - safety).map((e) => e.id).slice(-5000) };
    const update = { scope, value: JSON.stringify(next) };
    return fresh.length > 0 ? { type: 'events', events: fresh, cursor: update } : { type: 'cursor', cursor: update };
  }

  /** New or changed inbox rules since the last state seen; the first read only records the state. */
  private async readRules(address: string, cursorValue: string | undefined, signal?: AbortSignal): Promise<FetchedItem | undefined> {
    const id = await this.userId(address);
    const rules = await this.all<GraphRule>(`/users/${id}/mailFolders/inbox/messageRules`, signal);
    const state: Record<string, string> = Object.fromEntries(rules.map((r) => [r.id ?? '', ruleFingerprint(r)]));
    const update = { scope: `rules:${address}`, value: JSON.stringify(state) };
    if (cursorValue === undefined) return { type: 'cursor', cursor: update };
    let before: Record<string, string> = {};
    try {
      before = JSON.parse(cursorValue) as Record<string, string>;
    } catch {
      before = {};
    }
    const now = this.clock().toISOString();
    const events = rules.filter((r) => before[r.id ?? ''] !== ruleFingerprint(r)).flatMap((r) => ruleEvents(address, r, now, this.name));
    if (events.length > 0) return { type: 'events', events, cursor: update };
    return cursorValue === update.value ? undefined : { type: 'cursor', cursor: update };
  }

  /** Messages added to one folder since the stored deltaLink; a first run pages to the end and keeps only the link. */
  private async *readFolder(address: string, folder: string, deltaLink: string | undefined, signal?: AbortSignal): AsyncIterable<FetchedItem> {
    const scope = `mail:${address}:${folder}`;
    const id = await this.userId(address);
    let next: string | undefined = deltaLink ? this.linkPath(deltaLink) : `/users/${id}/mailFolders/${folder}/messages/delta?$select=id,internetMessageId,receivedDateTime`;
    const initial = deltaLink === undefined;
    let link: string | undefined;
    const done = new Set<string>();
    while (next) {
      const page: { value?: Array<{ id: string; receivedDateTime?: string; '@removed'?: unknown }>; '@odata.nextLink'?: string; '@odata.deltaLink'?: string } = await this.get(next, signal);
      if (!initial) {
        const fresh = (page.value ?? []).filter((item) => !item['@removed'] && !done.has(item.id));
        for (const item of fresh) done.add(item.id);
        // several raw messages in flight at once, handed on in the page's order
        const fetched = inOrder(fresh, this.concurrency, (item) => this.getRaw(id, address, item.id, folder === 'sentitems' ? 'sent' : 'inbox', item.receivedDateTime, signal));
        for await (const message of fetched) {
          // the deltaLink comes only with the last page: a crash in between re-reads this round, never skips it
          if (message) yield { type: 'message', message };
          if (signal?.aborted) return;
        }
      }
      next = page['@odata.nextLink'] ? this.linkPath(page['@odata.nextLink']) : undefined;
      link = page['@odata.deltaLink'] ?? link;
    }
    if (link) yield { type: 'cursor', cursor: { scope, value: link } };
  }

  private async getRaw(userId: string, address: string, messageId: string, folder: FetchedMessage['folder'], time: string | undefined, signal?: AbortSignal): Promise<FetchedMessage | undefined> {
    let raw: ArrayBuffer;
    try {
      raw = await this.call(undefined, () => this.client.api(`/users/${userId}/messages/${messageId}/$value`).responseType(ResponseType.ARRAYBUFFER).get() as Promise<ArrayBuffer>, signal);
    } catch (error) {
      if (error instanceof ApiFailure && error.failure.status === 404) return undefined;
      throw error;
    }
    const out: FetchedMessage = { account: address, folder, providerId: messageId, raw: new Uint8Array(raw) };
    if (time) out.time = new Date(time).toISOString();
    return out;
  }

  waitForChange(signal: AbortSignal): Promise<void> {
    // the platform is polled: the next look is one interval away, unless the watch is stopped first
    return sleep(this.config.pollSeconds * 1000, undefined, { signal });
  }

  private findPath(userId: string, messageId: string): string {
    const wanted = `<${messageId.replace(/^<|>$/g, '')}>`;
    return `/users/${userId}/messages?$filter=${encodeURIComponent(`internetMessageId eq '${q(wanted)}'`)}&$select=id,parentFolderId,receivedDateTime,flag`;
  }

  async fetchByMessageId(account: string, messageId: string): Promise<FetchedMessage | undefined> {
    const address = account.toLowerCase();
    const id = await this.userId(address);
    const found = await this.all<{ id: string; receivedDateTime?: string }>(this.findPath(id, messageId));
    const first = found[0];
    return first ? this.getRaw(id, address, first.id, 'other', first.receivedDateTime) : undefined;
  }

  // ---- check ---------------------------------------------------------------------------------------------------

  async check(): Promise<ConnectReport> {
    const checks: ConnectReport['checks'] = [];
    const add = (name: string, ok: boolean, en: string, ja: string) => checks.push({ name, ok, en, ja });
    let users: MailboxUser[] = [];
    try {
      users = await this.listUsers();
      add('token', true, 'Signed in to Microsoft Graph with the app registration.', 'アプリ登録で Microsoft Graph にサインインできました。');
      add('users', true, `User.Read: ${users.length} user(s) visible.`, `ユーザー ${users.length} 名を読めます。`);
    } catch (error) {
      const f = error instanceof ApiFailure ? error.failure : describeFailure(error);
      if (f.status === 403) {
        add('token', true, 'Signed in to Microsoft Graph.', 'Microsoft Graph にサインインできました。');
        add('users', false, 'Cannot list users: grant the application permission User.ReadWrite.All (or User.Read.All) and give admin consent.', 'ユーザーを一覧できません。アプリケーションの許可 User.ReadWrite.All(または User.Read.All)を付与し、管理者の同意を与えてください。');
      } else {
        add('token', false, `Cannot sign in to Microsoft Graph: ${f.message}. Check the tenant id, client id and client secret (and that the secret has not expired).`, `Microsoft Graph にサインインできません。テナント ID、クライアント ID、クライアント シークレット(期限切れでないか)を確認してください。`);
      }
      return { provider: this.name, kind: 'microsoft', ok: false, checks };
    }
    const probe = async (name: string, path: string, permission: string, ja: string) => {
      try {
        await this.call(undefined, () => this.client.api(path).get());
        add(name, true, `${permission}: works.`, `${permission}: 利用できます。`);
      } catch (error) {
        const f = error instanceof ApiFailure ? error.failure : describeFailure(error);
        add(name, false, `${permission} is not usable (${f.status ?? 'no answer'}: ${f.message}). Grant the application permission and admin consent in the Entra admin center → App registrations → API permissions.`, `${ja}(${f.status ?? '応答なし'})。Entra 管理センター → アプリの登録 → API のアクセス許可で付与し、管理者の同意を与えてください。`);
      }
    };
    const sample = users.find((u) => !u.suspended);
    if (this.config.signIns) await probe('signins', '/auditLogs/signIns?$top=1', 'AuditLog.Read.All (sign-in logs, Entra ID P1/P2)', 'AuditLog.Read.All(サインイン ログ、Entra ID P1/P2 が必要)を利用できません');
    if (sample) {
      const id = await this.userId(sample.address);
      await probe('mail', `/users/${id}/mailFolders/inbox/messages?$top=1&$select=id`, 'Mail.ReadWrite', 'Mail.ReadWrite を利用できません');
      await probe('rules', `/users/${id}/mailFolders/inbox/messageRules`, 'MailboxSettings.ReadWrite', 'MailboxSettings.ReadWrite を利用できません');
      await probe('grants', `/users/${id}/oauth2PermissionGrants`, 'DelegatedPermissionGrant.ReadWrite.All', 'DelegatedPermissionGrant.ReadWrite.All を利用できません');
    }
    return { provider: this.name, kind: 'microsoft', ok: checks.every((c) => c.ok), checks };
  }

  // ---- actions -------------------------------------------------------------------------------------------------

  async act(request: ActionRequest): Promise<ActionResult> {
    const calls: ApiCall[] = [];
    try {
      return await this.perform(request, calls);
    } catch (error) {
      const f = error instanceof ApiFailure ? error.failure : describeFailure(error);
      return { status: 'failed', calls, en: `${request.kind} failed: ${f.message}`, ja: `${request.kind} に失敗しました: ${f.message}`, error: f.message, retryable: f.retryable };
    }
  }

  private result(request: ActionRequest, calls: ApiCall[], changed: number, en: string, ja: string, details?: Record<string, unknown>): ActionResult {
    const status = changed === 0 ? 'nothing-to-do' : request.dryRun ? 'dry-run' : 'done';
    const out: ActionResult = { status, calls, en: (status === 'dry-run' ? 'Dry run — would: ' : '') + en, ja: (status === 'dry-run' ? '試行(変更なし): ' : '') + ja };
    if (details) out.details = details;
    return out;
  }

  private async read<T>(calls: ApiCall[], path: string): Promise<T> {
    const call: ApiCall = { method: 'GET', path };
    calls.push(call);
    return this.call(call, () => this.client.api(path).get() as Promise<T>);
  }

  private async write(request: ActionRequest, calls: ApiCall[], method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: Record<string, unknown>, shown?: Record<string, unknown>): Promise<unknown> {
    const call: ApiCall = { method, path };
    if (shown ?? body) call.body = shown ?? body;
    calls.push(call);
    if (request.dryRun) return undefined;
    return this.call(call, () => {
      const api = this.client.api(path);
      return method === 'POST' ? api.post(body ?? {}) : method === 'PATCH' ? api.patch(body ?? {}) : api.delete();
    });
  }

  private needAccount(request: ActionRequest): string {
    if (!request.account) throw new Error(`${request.kind} needs the account it is about`);
    return request.account.toLowerCase();
  }

  private unsupported(request: ActionRequest, calls: ApiCall[]): ActionResult {
    const gap = GAPS.find((g) => g.capability === `action.${request.kind}`);
    return { status: 'unsupported', calls, en: gap?.en ?? `${request.kind} is not available through Microsoft Graph.`, ja: gap?.ja ?? `${request.kind} は Microsoft Graph では実行できません。` };
  }

  private async perform(request: ActionRequest, calls: ApiCall[]): Promise<ActionResult> {
    switch (request.kind) {
      case 'revoke-app-passwords':
      case 'invalidate-backup-codes':
      case 'remove-delegates':
      case 'remove-sendas':
        return this.unsupported(request, calls);
      case 'quarantine-message':
      case 'release-message':
      case 'delete-message':
      case 'flag-message':
        return this.messageAction(request, calls);
      case 'send-notice':
        return this.sendNotice(request, calls);
      default:
        break;
    }
    const account = this.needAccount(request);
    const id = await this.userId(account);
    const userPath = `/users/${id}`;
    switch (request.kind) {
      case 'suspend':
      case 'unsuspend': {
        const want = request.kind === 'unsuspend';
        const user = await this.read<{ accountEnabled?: boolean }>(calls, `${userPath}?$select=accountEnabled`);
        if ((user.accountEnabled !== false) === want) return this.result(request, calls, 0, `${account} is already ${want ? 'enabled' : 'disabled'}.`, `${account} はすでに${want ? '有効' : '無効'}です。`);
        await this.write(request, calls, 'PATCH', userPath, { accountEnabled: want });
        return this.result(request, calls, 1, `${want ? 're-enable' : 'disable sign-in for'} ${account}.`, `${account} のサインインを${want ? '再開' : '停止'}します。`);
      }
      case 'sign-out':
        await this.write(request, calls, 'POST', `${userPath}/revokeSignInSessions`);
        return this.result(request, calls, 1, `revoke every refresh token and session of ${account}.`, `${account} のすべてのセッションとリフレッシュ トークンを無効にします。`);
      case 'force-password-change': {
        // PATCH passwordProfile works with an application permission; resetPassword on authentication methods is
        // delegated-only (a signed-in administrator), which an unattended service does not have.
        const password = request.dryRun ? '' : (this.deps.newPassword?.() ?? `${randomBytes(18).toString('base64url')}!aA1`);
        await this.write(request, calls, 'PATCH', userPath, { passwordProfile: { password, forceChangePasswordNextSignIn: true } }, { passwordProfile: { password: '<redacted>', forceChangePasswordNextSignIn: true } });
        return this.result(request, calls, 1, `set a random password on ${account} and require a new one at next sign-in.`, `${account} にランダムなパスワードを設定し、次回サインイン時の変更を必須にします。`);
      }
      case 'revoke-oauth': {
        const grants = await this.read<{ value?: Array<{ id: string; clientId?: string; scope?: string }> }>(calls, `${userPath}/oauth2PermissionGrants`);
        const list = grants.value ?? [];
        for (const g of list) await this.write(request, calls, 'DELETE', `/oauth2PermissionGrants/${encodeURIComponent(g.id)}`);
        return this.result(request, calls, list.length, `delete ${list.length} delegated permission grant(s) of ${account}.`, `${account} の委任アクセス許可 ${list.length} 件を削除します。`, { revoked: list.map((g) => ({ id: g.id, clientId: g.clientId, scope: g.scope })) });
      }
      case 'remove-forwarding':
      case 'remove-filters': {
        const rules = await this.read<{ value?: GraphRule[] }>(calls, `${userPath}/mailFolders/inbox/messageRules`);
        const all = rules.value ?? [];
        const chosen = all.filter((r) => (request.kind === 'remove-forwarding' ? ruleTargets(r).length > 0 : isHarmfulRule(r)));
        for (const r of chosen) await this.write(request, calls, 'DELETE', `${userPath}/mailFolders/inbox/messageRules/${encodeURIComponent(r.id ?? '')}`);
        const what = request.kind === 'remove-forwarding' ? ['forward or redirect mail', '転送・リダイレクト'] : ['forward, delete, move or mark mail read', '転送・削除・移動・既読化'];
        return this.result(request, calls, chosen.length, `delete ${chosen.length} inbox rule(s) of ${account} that ${what[0]} (${all.length - chosen.length} kept).`, `${account} の受信トレイ ルールのうち${what[1]}を行う ${chosen.length} 件を削除します(${all.length - chosen.length} 件は残します)。`, {
          removed: chosen.map((r) => ({ id: r.id, name: r.displayName, action: ruleAction(r), forwardTo: ruleTargets(r) })),
          kept: all.filter((r) => !chosen.includes(r)).map((r) => r.displayName ?? r.id),
          note: request.kind === 'remove-forwarding' ? 'Mailbox-level forwarding (ForwardingSmtpAddress) is set in Exchange Online, not Graph: check it with Get-Mailbox.' : undefined,
        });
      }
      default:
        return this.unsupported(request, calls);
    }
  }

  private async quarantineFolder(userId: string, request: ActionRequest, calls: ApiCall[], create: boolean): Promise<string | undefined> {
    const name = this.config.quarantineFolder;
    const found = await this.read<{ value?: Array<{ id: string }> }>(calls, `/users/${userId}/mailFolders?$filter=${encodeURIComponent(`displayName eq '${q(name)}'`)}`);
    const id = found.value?.[0]?.id;
    if (id || !create) return id;
    const made = (await this.write(request, calls, 'POST', `/users/${userId}/mailFolders`, { displayName: name })) as { id?: string } | undefined;
    return made?.id ?? `<${name}>`;
  }

  private async messageAction(request: ActionRequest, calls: ApiCall[]): Promise<ActionResult> {
    if (!request.messageId) throw new Error(`${request.kind} needs the Message-ID of the message`);
    const messageId = request.messageId.replace(/^<|>$/g, '');
    const mailboxes = request.account ? [request.account.toLowerCase()] : (await this.listUsers()).filter((u) => !u.suspended).map((u) => u.address);
    const touched: Array<{ mailbox: string; id: string }> = [];
    const failed: Array<{ mailbox: string; error: string }> = [];
    let retryable = false;
    for (const mailbox of mailboxes) {
      try {
        const id = await this.userId(mailbox);
        const found = await this.read<{ value?: Array<{ id: string; parentFolderId?: string; flag?: { flagStatus?: string } }> }>(calls, this.findPath(id, messageId));
        const copies = found.value ?? [];
        if (copies.length === 0) continue;
        if (request.kind === 'delete-message') {
          for (const c of copies) {
            await this.write(request, calls, 'DELETE', `/users/${id}/messages/${c.id}`);
            touched.push({ mailbox, id: c.id });
          }
          continue;
        }
        if (request.kind === 'flag-message') {
          for (const c of copies) {
            if (c.flag?.flagStatus === 'flagged') continue;
            await this.write(request, calls, 'PATCH', `/users/${id}/messages/${c.id}`, { flag: { flagStatus: 'flagged' } });
            touched.push({ mailbox, id: c.id });
          }
          continue;
        }
        const folder = await this.quarantineFolder(id, request, calls, request.kind === 'quarantine-message');
        if (!folder) continue;
        for (const c of copies) {
          if (request.kind === 'quarantine-message' && c.parentFolderId === folder) continue;
          if (request.kind === 'release-message' && c.parentFolderId !== folder) continue;
          await this.write(request, calls, 'POST', `/users/${id}/messages/${c.id}/move`, { destinationId: request.kind === 'quarantine-message' ? folder : 'inbox' });
          touched.push({ mailbox, id: c.id });
        }
      } catch (error) {
        const f = error instanceof ApiFailure ? error.failure : describeFailure(error);
        failed.push({ mailbox, error: f.message });
        retryable ||= f.retryable;
      }
    }
    const verb = { 'quarantine-message': ['move to quarantine', '隔離'], 'release-message': ['release from quarantine', '隔離から戻す'], 'delete-message': ['delete', '削除'], 'flag-message': ['flag', 'フラグ付け'] }[request.kind as 'quarantine-message'];
    const details = { messageId, mailboxesSearched: mailboxes.length, copies: touched, failed, folder: this.config.quarantineFolder };
    const boxes = new Set(touched.map((t) => t.mailbox)).size;
    const out = this.result(request, calls, touched.length, `${verb[0]} ${touched.length} cop(ies) of <${messageId}> in ${boxes} mailbox(es).${failed.length ? ` ${failed.length} mailbox(es) failed.` : ''}`, `<${messageId}> の ${touched.length} 件を${verb[1]}します(${boxes} メールボックス)。${failed.length ? ` ${failed.length} 件のメールボックスで失敗しました。` : ''}`, details);
    if (failed.length > 0 && out.status !== 'dry-run') {
      out.status = 'failed';
      out.error = `${failed.length} mailbox(es) failed: ${failed[0]?.error}`;
      out.retryable = retryable;
    }
    return out;
  }

  private async sendNotice(request: ActionRequest, calls: ApiCall[]): Promise<ActionResult> {
    const sender = this.config.noticeSender?.toLowerCase();
    if (!sender) return { status: 'unsupported', calls, en: 'No notice sender is configured (providers[].noticeSender).', ja: '通知の送信元(providers[].noticeSender)が設定されていません。' };
    const notice = request.notice;
    if (!notice || notice.to.length === 0) throw new Error('send-notice needs recipients, a subject and a text');
    const id = await this.userId(sender);
    const message = {
      subject: notice.subject,
      body: notice.html ? { contentType: 'HTML', content: notice.html } : { contentType: 'Text', content: notice.text },
      toRecipients: notice.to.map((address) => ({ emailAddress: { address } })),
      internetMessageHeaders: [{ name: 'X-Kizuki-Notice', value: request.idempotencyKey.slice(0, 200) }],
    };
    await this.write(request, calls, 'POST', `/users/${id}/sendMail`, { message, saveToSentItems: true }, { to: notice.to, subject: notice.subject, saveToSentItems: true });
    return this.result(request, calls, 1, `send "${notice.subject}" from ${sender} to ${notice.to.length} recipient(s).`, `${sender} から ${notice.to.length} 名に「${notice.subject}」を送信します。`, { to: notice.to });
  }

  async close(): Promise<void> {
    this.userIds.clear();
  }
}
