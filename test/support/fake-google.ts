// A local stand-in for the Google Workspace APIs Kizuki uses: the OAuth token endpoint (JWT-bearer grant), Admin SDK
// Directory, Admin SDK Reports and Gmail, with the paths, methods, query parameters, paging and error shapes of the
// public references. An in-memory organisation that tests seed and inspect; every call is logged; failures can be
// injected per route. Served by node:http on 127.0.0.1 at a random port; the official clients reach it by rootUrl.
import { createPublicKey, createVerify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeGoogleUser {
  id: string;
  primaryEmail: string;
  name: { fullName: string };
  suspended: boolean;
  isAdmin: boolean;
  changePasswordAtNextLogin: boolean;
  /** the last password set through the API (tests check that it was changed, never print it) */
  password?: string;
  signOuts: number;
  backupCodesInvalidated: number;
  tokens: Array<{ clientId: string; displayText: string; scopes: string[]; anonymous: boolean; nativeApp: boolean }>;
  asps: Array<{ codeId: number; name: string; creationTime: string; lastTimeUsed: string }>;
}

export interface FakeGmailMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  raw: Buffer;
  internalDate: string;
  historyId: string;
  messageId: string;
}

export interface FakeMailbox {
  messages: FakeGmailMessage[];
  history: Array<{ id: string; messagesAdded: Array<{ message: { id: string; threadId: string; labelIds: string[] } }> }>;
  /** history ids older than this are gone (404 on history.list) */
  oldestHistoryId: number;
  labels: Array<{ id: string; name: string; type: 'system' | 'user' }>;
  autoForwarding: { enabled: boolean; emailAddress?: string; disposition?: string };
  forwardingAddresses: Array<{ forwardingEmail: string; verificationStatus: string }>;
  filters: Array<{ id: string; criteria: Record<string, unknown>; action: Record<string, unknown> }>;
  delegates: Array<{ delegateEmail: string; verificationStatus: string }>;
  sendAs: Array<{ sendAsEmail: string; displayName?: string; isPrimary?: boolean; verificationStatus?: string }>;
  sent: Array<{ raw: string }>;
}

export interface FakeGoogleActivity {
  kind: 'admin#reports#activity';
  id: { time: string; uniqueQualifier: string; applicationName: string; customerId: string };
  actor: { email: string; profileId: string; callerType?: string };
  ipAddress?: string;
  networkInfo?: { regionCode?: string; ipAsn?: number[] };
  events: Array<{ type?: string; name: string; parameters?: Array<{ name: string; value?: string; boolValue?: boolean; multiValue?: string[]; intValue?: string }> }>;
}

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** the impersonated user of the access token used, when there was one */
  subject?: string;
  status: number;
}

interface Failure {
  method: string;
  path: RegExp;
  status: number;
  times: number;
  reason?: string;
  /** when set, the server holds the request this long before answering (a timeout test) */
  delayMs?: number;
  retryAfter?: string;
  /** only requests made with a token for this user */
  subject?: string;
}

const GMAIL_SCOPE = 'https://www.googleapis.com/auth/gmail';
const DIRECTORY_SCOPE = 'https://www.googleapis.com/auth/admin.directory';
const REPORTS_SCOPE = 'https://www.googleapis.com/auth/admin.reports';

export class FakeGoogle {
  readonly calls: RecordedCall[] = [];
  readonly users = new Map<string, FakeGoogleUser>();
  readonly mailboxes = new Map<string, FakeMailbox>();
  readonly activities = new Map<string, FakeGoogleActivity[]>();
  /** scopes the administrator has not granted to the service account (token requests for them fail) */
  readonly deniedScopes = new Set<string>();
  pageSize = 2;
  /** added to every API answer, to stand for the distance to Google (benchmarks) */
  latencyMs = 0;
  private readonly failures: Failure[] = [];
  private readonly tokens = new Map<string, { sub: string; scopes: string[] }>();
  private publicKey: KeyObject | undefined;
  private server: Server | undefined;
  private nextHistory = 1000;
  private nextId = 1;
  rootUrl = '';
  tokenUrl = '';

  /** the service account's public key: token requests must be signed by the matching private key */
  trustKey(publicKeyPem: string): void {
    this.publicKey = createPublicKey(publicKeyPem);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.send(res, 500, { error: { code: 500, message: String(error), errors: [{ domain: 'global', reason: 'backendError', message: String(error) }], status: 'INTERNAL' } });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.rootUrl = `http://127.0.0.1:${port}/`;
    this.tokenUrl = `http://127.0.0.1:${port}/token`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  addUser(email: string, options: { isAdmin?: boolean; name?: string; suspended?: boolean } = {}): FakeGoogleUser {
    const address = email.toLowerCase();
    const user: FakeGoogleUser = {
      id: String(100000 + this.users.size),
      primaryEmail: address,
      name: { fullName: options.name ?? address.split('@')[0] ?? address },
      suspended: options.suspended ?? false,
      isAdmin: options.isAdmin ?? false,
      changePasswordAtNextLogin: false,
      signOuts: 0,
      backupCodesInvalidated: 0,
      tokens: [],
      asps: [],
    };
    this.users.set(address, user);
    this.mailboxes.set(address, {
      messages: [],
      history: [],
      oldestHistoryId: 0,
      labels: ['INBOX', 'SENT', 'TRASH', 'SPAM', 'UNREAD', 'STARRED'].map((id) => ({ id, name: id, type: 'system' as const })),
      autoForwarding: { enabled: false },
      forwardingAddresses: [],
      filters: [],
      delegates: [],
      sendAs: [{ sendAsEmail: address, isPrimary: true, verificationStatus: 'accepted' }],
      sent: [],
    });
    return user;
  }

  mailbox(email: string): FakeMailbox {
    const box = this.mailboxes.get(email.toLowerCase());
    if (!box) throw new Error(`fake google: no mailbox ${email}`);
    return box;
  }

  /** Deliver a raw message into a mailbox: a new history record with one messageAdded. */
  deliver(email: string, raw: string | Buffer, options: { labelIds?: string[]; time?: string } = {}): FakeGmailMessage {
    const box = this.mailbox(email);
    const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
    const header = /^message-id:\s*<?([^>\r\n]+)>?/im.exec(bytes.toString('latin1'));
    const historyId = String(++this.nextHistory);
    const id = (this.nextId++).toString(16).padStart(16, '0');
    const message: FakeGmailMessage = {
      id,
      threadId: id,
      labelIds: options.labelIds ?? ['INBOX', 'UNREAD'],
      raw: bytes,
      internalDate: String(Date.parse(options.time ?? new Date().toISOString())),
      historyId,
      messageId: header?.[1]?.trim() ?? '',
    };
    box.messages.push(message);
    box.history.push({ id: historyId, messagesAdded: [{ message: { id, threadId: id, labelIds: [...message.labelIds] } }] });
    return message;
  }

  /** Add an audit activity for a Reports application (login, admin, token, user_accounts, gmail). */
  addActivity(application: string, activity: Omit<FakeGoogleActivity, 'kind' | 'id'> & { time: string; uniqueQualifier?: string }): FakeGoogleActivity {
    const list = this.activities.get(application) ?? [];
    const { time, uniqueQualifier, ...rest } = activity;
    const full: FakeGoogleActivity = {
      kind: 'admin#reports#activity',
      id: { time, uniqueQualifier: uniqueQualifier ?? String(-(list.length + 1) * 7919), applicationName: application, customerId: 'C0fake' },
      ...rest,
    };
    list.push(full);
    this.activities.set(application, list);
    return full;
  }

  /** The next `times` requests matching method and path get `status` (429, 403 rate limit, 500) or a delay. */
  fail(method: string, path: RegExp, status: number, options: { times?: number; reason?: string; delayMs?: number; retryAfter?: string; subject?: string } = {}): void {
    this.failures.push({ method, path, status, times: options.times ?? 1, reason: options.reason, delayMs: options.delayMs, retryAfter: options.retryAfter, subject: options.subject?.toLowerCase() });
  }

  callsTo(method: string, path: RegExp): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && path.test(c.path));
  }

  private send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
    if (res.headersSent) return;
    if (body === undefined) {
      res.writeHead(status, headers);
      res.end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
    res.end(text);
  }

  private error(res: ServerResponse, status: number, reason: string, message: string, headers: Record<string, string> = {}): number {
    const statusText: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' };
    this.send(res, status, { error: { code: status, message, errors: [{ message, domain: status === 403 && reason.includes('ate') ? 'usageLimits' : 'global', reason }], status: statusText[status] ?? 'UNKNOWN' } }, headers);
    return status;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? 'GET';
    const query = Object.fromEntries(url.searchParams.entries());
    let body: unknown;
    if (text) {
      try {
        body = (req.headers['content-type'] ?? '').includes('json') ? JSON.parse(text) : Object.fromEntries(new URLSearchParams(text));
      } catch {
        body = text;
      }
    }
    const call: RecordedCall = { method, path: url.pathname, query, body, status: 0 };
    this.calls.push(call);
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));

    if (method === 'POST' && url.pathname === '/token') {
      call.status = this.token(res, body as Record<string, string>);
      return;
    }
    const subject = this.tokens.get(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '')?.sub;
    const failure = this.failures.find((f) => f.times > 0 && f.method === method && f.path.test(url.pathname) && (!f.subject || f.subject === subject));
    if (failure) {
      failure.times--;
      if (failure.delayMs) await new Promise((resolve) => setTimeout(resolve, failure.delayMs));
      const headers: Record<string, string> = failure.retryAfter ? { 'retry-after': failure.retryAfter } : {};
      call.status = this.error(res, failure.status, failure.reason ?? (failure.status === 429 ? 'rateLimitExceeded' : 'backendError'), `injected failure ${failure.status}`, headers);
      return;
    }

    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ? this.tokens.get(bearer) : undefined;
    if (!token) {
      call.status = this.error(res, 401, 'authError', 'Request had invalid authentication credentials.');
      return;
    }
    call.subject = token.sub;
    call.status = this.route(res, method, url.pathname, query, body, token);
  }

  private token(res: ServerResponse, form: Record<string, string>): number {
    if (form?.grant_type !== 'urn:ietf:params:oauth:grant-type:jwt-bearer' || typeof form.assertion !== 'string') {
      this.send(res, 400, { error: 'unsupported_grant_type', error_description: 'Invalid grant_type.' });
      return 400;
    }
    const [head, payload, signature] = form.assertion.split('.');
    if (!head || !payload || !signature) {
      this.send(res, 400, { error: 'invalid_grant', error_description: 'Invalid JWT.' });
      return 400;
    }
    if (this.publicKey) {
      const ok = createVerify('RSA-SHA256').update(`${head}.${payload}`).verify(this.publicKey, Buffer.from(signature, 'base64url'));
      if (!ok) {
        this.send(res, 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
        return 400;
      }
    }
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss: string; sub?: string; scope?: string };
    const scopes = (claims.scope ?? '').split(/\s+/).filter(Boolean);
    if (scopes.some((s) => this.deniedScopes.has(s))) {
      this.send(res, 401, { error: 'unauthorized_client', error_description: 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.' });
      return 401;
    }
    const sub = (claims.sub ?? claims.iss).toLowerCase();
    const access = `ya29.fake-${this.tokens.size + 1}`;
    this.tokens.set(access, { sub, scopes });
    this.send(res, 200, { access_token: access, expires_in: 3599, token_type: 'Bearer' });
    return 200;
  }

  private route(res: ServerResponse, method: string, path: string, query: Record<string, string>, body: unknown, token: { sub: string; scopes: string[] }): number {
    const has = (prefix: string) => token.scopes.some((s) => s.startsWith(prefix));
    const admin = this.users.get(token.sub)?.isAdmin === true;
    let m: RegExpExecArray | null;
    if (path.startsWith('/admin/directory/v1/')) {
      if (!has(DIRECTORY_SCOPE)) return this.error(res, 403, 'insufficientPermissions', 'Request had insufficient authentication scopes.');
      if (!admin) return this.error(res, 403, 'forbidden', 'Not Authorized to access this resource/api');
      return this.directory(res, method, path.slice('/admin/directory/v1'.length), query, body);
    }
    m = /^\/admin\/reports\/v1\/activity\/users\/([^/]+)\/applications\/([^/]+)$/.exec(path);
    if (m && method === 'GET') {
      if (!has(REPORTS_SCOPE)) return this.error(res, 403, 'insufficientPermissions', 'Request had insufficient authentication scopes.');
      if (!admin) return this.error(res, 403, 'forbidden', 'Not Authorized to access this resource/api');
      return this.reports(res, decodeURIComponent(m[1] ?? ''), decodeURIComponent(m[2] ?? ''), query);
    }
    m = /^\/gmail\/v1\/users\/([^/]+)(\/.*)$/.exec(path);
    if (m) {
      if (!has(GMAIL_SCOPE) && !token.scopes.includes('https://mail.google.com/')) return this.error(res, 403, 'insufficientPermissions', 'Request had insufficient authentication scopes.');
      const who = decodeURIComponent(m[1] ?? '');
      const address = who === 'me' ? token.sub : who.toLowerCase();
      if (address !== token.sub) return this.error(res, 403, 'forbidden', 'Delegation denied for ' + token.sub);
      const box = this.mailboxes.get(address);
      if (!box) return this.error(res, 400, 'failedPrecondition', 'Mail service not enabled');
      return this.gmail(res, method, m[2] ?? '', query, body, address, box);
    }
    return this.error(res, 404, 'notFound', `Not Found: ${method} ${path}`);
  }

  private userOr404(res: ServerResponse, key: string): FakeGoogleUser | number {
    const decoded = decodeURIComponent(key).toLowerCase();
    const user = this.users.get(decoded) ?? [...this.users.values()].find((u) => u.id === decoded);
    return user ?? this.error(res, 404, 'notFound', 'Resource Not Found: userKey');
  }

  private directory(res: ServerResponse, method: string, path: string, query: Record<string, string>, body: unknown): number {
    let m: RegExpExecArray | null;
    if (path === '/users' && method === 'GET') {
      if (!query.customer && !query.domain) return this.error(res, 400, 'badRequest', 'Bad Request');
      const all = [...this.users.values()].sort((a, b) => (a.primaryEmail < b.primaryEmail ? -1 : 1));
      const size = Math.min(Number(query.maxResults ?? 100), this.pageSize);
      const start = Number(query.pageToken ?? 0);
      const page = all.slice(start, start + size).map((u) => ({ kind: 'admin#directory#user', id: u.id, primaryEmail: u.primaryEmail, name: u.name, suspended: u.suspended, isAdmin: u.isAdmin, changePasswordAtNextLogin: u.changePasswordAtNextLogin }));
      const out: Record<string, unknown> = { kind: 'admin#directory#users', users: page };
      if (start + size < all.length) out.nextPageToken = String(start + size);
      this.send(res, 200, out);
      return 200;
    }
    m = /^\/users\/([^/]+)$/.exec(path);
    if (m) {
      const user = this.userOr404(res, m[1] ?? '');
      if (typeof user === 'number') return user;
      if (method === 'PUT') {
        const patch = (body ?? {}) as Record<string, unknown>;
        if (typeof patch.suspended === 'boolean') user.suspended = patch.suspended;
        if (typeof patch.password === 'string') {
          if (patch.password.length < 8) return this.error(res, 400, 'invalidPassword', 'Invalid Password');
          user.password = patch.password;
        }
        if (typeof patch.changePasswordAtNextLogin === 'boolean') user.changePasswordAtNextLogin = patch.changePasswordAtNextLogin;
      } else if (method !== 'GET') return this.error(res, 405, 'methodNotAllowed', 'Method not allowed');
      this.send(res, 200, { kind: 'admin#directory#user', id: user.id, primaryEmail: user.primaryEmail, suspended: user.suspended, changePasswordAtNextLogin: user.changePasswordAtNextLogin });
      return 200;
    }
    m = /^\/users\/([^/]+)\/(signOut|tokens|asps|verificationCodes\/invalidate)(?:\/([^/]+))?$/.exec(path);
    if (m) {
      const user = this.userOr404(res, m[1] ?? '');
      if (typeof user === 'number') return user;
      const what = m[2];
      const item = m[3] ? decodeURIComponent(m[3]) : undefined;
      if (what === 'signOut' && method === 'POST') {
        user.signOuts++;
        this.send(res, 204);
        return 204;
      }
      if (what === 'verificationCodes/invalidate' && method === 'POST') {
        user.backupCodesInvalidated++;
        this.send(res, 204);
        return 204;
      }
      if (what === 'tokens') {
        if (method === 'GET' && !item) {
          this.send(res, 200, { kind: 'admin#directory#tokenList', items: user.tokens.map((t) => ({ kind: 'admin#directory#token', userKey: user.id, ...t })) });
          return 200;
        }
        if (method === 'DELETE' && item) {
          const before = user.tokens.length;
          user.tokens = user.tokens.filter((t) => t.clientId !== item);
          if (user.tokens.length === before) return this.error(res, 404, 'notFound', 'Resource Not Found: clientId');
          this.send(res, 204);
          return 204;
        }
      }
      if (what === 'asps') {
        if (method === 'GET' && !item) {
          this.send(res, 200, { kind: 'admin#directory#asps', items: user.asps.map((a) => ({ kind: 'admin#directory#asp', userKey: user.id, ...a })) });
          return 200;
        }
        if (method === 'DELETE' && item) {
          const before = user.asps.length;
          user.asps = user.asps.filter((a) => String(a.codeId) !== item);
          if (user.asps.length === before) return this.error(res, 404, 'notFound', 'Resource Not Found: codeId');
          this.send(res, 204);
          return 204;
        }
      }
    }
    return this.error(res, 404, 'notFound', `Not Found: ${method} ${path}`);
  }

  private reports(res: ServerResponse, userKey: string, application: string, query: Record<string, string>): number {
    const known = ['login', 'admin', 'token', 'user_accounts', 'gmail', 'drive', 'saml'];
    if (!known.includes(application)) return this.error(res, 400, 'badRequest', `Bad Request: application ${application}`);
    const start = query.startTime ? Date.parse(query.startTime) : Number.NEGATIVE_INFINITY;
    const end = query.endTime ? Date.parse(query.endTime) : Number.POSITIVE_INFINITY;
    if (Number.isNaN(start) || Number.isNaN(end)) return this.error(res, 400, 'invalid', 'Invalid value for: startTime');
    const all = (this.activities.get(application) ?? [])
      .filter((a) => userKey === 'all' || a.actor.email === userKey.toLowerCase())
      .filter((a) => Date.parse(a.id.time) >= start && Date.parse(a.id.time) < end)
      .filter((a) => !query.eventName || a.events.some((e) => e.name === query.eventName))
      // newest first, as the Reports API returns them
      .sort((a, b) => (a.id.time > b.id.time ? -1 : a.id.time < b.id.time ? 1 : 0));
    const size = Math.min(Number(query.maxResults ?? 1000), this.pageSize);
    const offset = Number(query.pageToken ?? 0);
    const out: Record<string, unknown> = { kind: 'admin#reports#activities', items: all.slice(offset, offset + size) };
    if (offset + size < all.length) out.nextPageToken = String(offset + size);
    this.send(res, 200, out);
    return 200;
  }

  private gmail(res: ServerResponse, method: string, path: string, query: Record<string, string>, body: unknown, address: string, box: FakeMailbox): number {
    let m: RegExpExecArray | null;
    const current = () => String(Math.max(this.nextHistory, ...box.messages.map((x) => Number(x.historyId))));
    if (path === '/profile' && method === 'GET') {
      this.send(res, 200, { emailAddress: address, messagesTotal: box.messages.length, threadsTotal: box.messages.length, historyId: current() });
      return 200;
    }
    if (path === '/history' && method === 'GET') {
      const startId = Number(query.startHistoryId);
      if (!query.startHistoryId || Number.isNaN(startId)) return this.error(res, 400, 'invalidArgument', 'Missing startHistoryId');
      if (startId < box.oldestHistoryId) return this.error(res, 404, 'notFound', 'Requested entity was not found.');
      const records = box.history.filter((h) => Number(h.id) > startId);
      const size = Math.min(Number(query.maxResults ?? 100), this.pageSize);
      const offset = Number(query.pageToken ?? 0);
      const out: Record<string, unknown> = { historyId: current() };
      const page = records.slice(offset, offset + size);
      if (page.length > 0) out.history = page;
      if (offset + size < records.length) out.nextPageToken = String(offset + size);
      this.send(res, 200, out);
      return 200;
    }
    if (path === '/messages' && method === 'GET') {
      const q = query.q ?? '';
      const byId = /rfc822msgid:<?([^\s>]+)>?/.exec(q)?.[1];
      const found = box.messages.filter((x) => (byId ? x.messageId === byId : true)).filter((x) => query.includeSpamTrash === 'true' || !x.labelIds.includes('TRASH'));
      this.send(res, 200, { messages: found.map((x) => ({ id: x.id, threadId: x.threadId })), resultSizeEstimate: found.length });
      return 200;
    }
    if (path === '/messages/send' && method === 'POST') {
      const raw = (body as { raw?: string })?.raw;
      if (typeof raw !== 'string') return this.error(res, 400, 'invalidArgument', "'raw' RFC822 payload message string or uploading message via /upload/* URL required");
      box.sent.push({ raw });
      const message = this.deliver(address, Buffer.from(raw, 'base64url'), { labelIds: ['SENT'] });
      this.send(res, 200, { id: message.id, threadId: message.threadId, labelIds: message.labelIds });
      return 200;
    }
    m = /^\/messages\/([^/]+)(\/modify|\/trash|\/untrash)?$/.exec(path);
    if (m) {
      const message = box.messages.find((x) => x.id === m?.[1]);
      if (!message) return this.error(res, 404, 'notFound', 'Requested entity was not found.');
      if (!m[2] && method === 'GET') {
        const out: Record<string, unknown> = { id: message.id, threadId: message.threadId, labelIds: message.labelIds, internalDate: message.internalDate, historyId: message.historyId, sizeEstimate: message.raw.length };
        if (query.format === 'raw') out.raw = message.raw.toString('base64url');
        this.send(res, 200, out);
        return 200;
      }
      if (m[2] === '/modify' && method === 'POST') {
        const change = (body ?? {}) as { addLabelIds?: string[]; removeLabelIds?: string[] };
        for (const label of change.addLabelIds ?? []) {
          if (!box.labels.some((l) => l.id === label)) return this.error(res, 400, 'invalidArgument', `Invalid label: ${label}`);
          if (!message.labelIds.includes(label)) message.labelIds.push(label);
        }
        message.labelIds = message.labelIds.filter((l) => !(change.removeLabelIds ?? []).includes(l));
        this.send(res, 200, { id: message.id, threadId: message.threadId, labelIds: message.labelIds });
        return 200;
      }
      if (m[2] === '/trash' && method === 'POST') {
        message.labelIds = [...message.labelIds.filter((l) => l !== 'INBOX'), 'TRASH'];
        this.send(res, 200, { id: message.id, threadId: message.threadId, labelIds: message.labelIds });
        return 200;
      }
    }
    if (path === '/labels') {
      if (method === 'GET') {
        this.send(res, 200, { labels: box.labels });
        return 200;
      }
      if (method === 'POST') {
        const name = (body as { name?: string })?.name;
        if (!name) return this.error(res, 400, 'invalidArgument', 'Invalid label name');
        if (box.labels.some((l) => l.name === name)) return this.error(res, 409, 'duplicate', 'Label name exists or conflicts');
        const label = { id: `Label_${box.labels.length + 1}`, name, type: 'user' as const };
        box.labels.push(label);
        this.send(res, 200, label);
        return 200;
      }
    }
    if (path === '/settings/autoForwarding') {
      if (method === 'PUT') box.autoForwarding = { ...(body as FakeMailbox['autoForwarding']) };
      this.send(res, 200, box.autoForwarding);
      return 200;
    }
    m = /^\/settings\/(forwardingAddresses|filters|delegates|sendAs)(?:\/([^/]+))?$/.exec(path);
    if (m) {
      const kind = m[1] as 'forwardingAddresses' | 'filters' | 'delegates' | 'sendAs';
      const key = { forwardingAddresses: 'forwardingEmail', filters: 'id', delegates: 'delegateEmail', sendAs: 'sendAsEmail' }[kind];
      const list = box[kind] as Array<Record<string, unknown>>;
      const item = m[2] ? decodeURIComponent(m[2]) : undefined;
      if (method === 'GET' && !item) {
        this.send(res, 200, { [kind === 'filters' ? 'filter' : kind]: list });
        return 200;
      }
      if (method === 'DELETE' && item) {
        const index = list.findIndex((x) => x[key] === item);
        if (index < 0) return this.error(res, 404, 'notFound', 'Requested entity was not found.');
        if (kind === 'sendAs' && list[index]?.isPrimary) return this.error(res, 400, 'failedPrecondition', 'Cannot delete primary send-as');
        list.splice(index, 1);
        this.send(res, 204);
        return 204;
      }
    }
    return this.error(res, 404, 'notFound', `Not Found: ${method} /gmail/v1/users/…${path}`);
  }
}
