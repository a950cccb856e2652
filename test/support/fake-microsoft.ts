// A local stand-in for Microsoft 365 as Kizuki reaches it: the Microsoft identity platform's OpenID configuration and
// v2.0 token endpoint (client credentials), served over HTTPS with a throw-away certificate because MSAL refuses a
// plain-http authority, and Microsoft Graph v1.0 over plain http on 127.0.0.1 (users, mail delta, $value, messages
// by internetMessageId, move, sendMail, inbox rules, sign-ins, oauth2PermissionGrants, revokeSignInSessions). The
// organisation lives in memory; tests seed and inspect it; every call is logged; failures can be injected per route.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface FakeGraphUser {
  id: string;
  userPrincipalName: string;
  mail: string;
  displayName: string;
  accountEnabled: boolean;
  passwordProfile?: { password: string; forceChangePasswordNextSignIn: boolean };
  sessionsRevoked: number;
}

export interface FakeGraphMessage {
  id: string;
  folder: string;
  internetMessageId: string;
  subject: string;
  receivedDateTime: string;
  raw: Buffer;
  /** change sequence: delta returns messages changed after a token's sequence */
  seq: number;
  flagStatus: 'notFlagged' | 'flagged' | 'complete';
}

export interface FakeGraphRule {
  id: string;
  displayName: string;
  sequence: number;
  isEnabled: boolean;
  conditions?: Record<string, unknown>;
  actions: Record<string, unknown>;
}

export interface RecordedGraphCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  authorized: boolean;
}

interface Failure {
  method: string;
  path: RegExp;
  status: number;
  times: number;
  retryAfter?: string;
  code?: string;
}

/** A self-signed certificate for 127.0.0.1, made with the openssl command (Debian package openssl). */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'kizuki-cert-'));
  try {
    const config = path.join(dir, 'cert.cnf');
    writeFileSync(config, ['[req]', 'distinguished_name = dn', 'x509_extensions = ext', 'prompt = no', '[dn]', 'CN = 127.0.0.1', '[ext]', 'subjectAltName = IP:127.0.0.1', 'basicConstraints = critical,CA:TRUE', ''].join('\n'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-config', config], { stdio: 'ignore' });
    return { key: readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let cachedCertificate: { key: string; cert: string } | undefined;

export class FakeMicrosoft {
  readonly tenant = 'tsukishiro.onmicrosoft.com';
  readonly clientId = '11111111-2222-3333-4444-555555555555';
  readonly clientSecret = 'fake-client-secret-value';
  readonly calls: RecordedGraphCall[] = [];
  readonly tokenRequests: Array<Record<string, string>> = [];
  readonly users = new Map<string, FakeGraphUser>();
  readonly messages = new Map<string, FakeGraphMessage[]>();
  readonly rules = new Map<string, FakeGraphRule[]>();
  readonly folders = new Map<string, Array<{ id: string; displayName: string }>>();
  readonly grants: Array<{ id: string; clientId: string; consentType: string; principalId: string | null; resourceId: string; scope: string }> = [];
  readonly signIns: Array<Record<string, unknown>> = [];
  readonly sent: Array<{ from: string; body: unknown }> = [];
  /** Graph permissions the tenant's administrator has consented to (the token's roles) */
  roles = ['User.ReadWrite.All', 'Mail.ReadWrite', 'Mail.Send', 'MailboxSettings.ReadWrite', 'AuditLog.Read.All', 'Directory.Read.All', 'DelegatedPermissionGrant.ReadWrite.All'];
  pageSize = 2;
  /** added to every Graph answer, to stand for the distance to Microsoft (benchmarks) */
  latencyMs = 0;
  certificate = '';
  authorityHost = '';
  graphBaseUrl = '';
  private readonly failures: Failure[] = [];
  private readonly tokens = new Map<string, string[]>();
  private seq = 0;
  private login: Server | undefined;
  private graph: Server | undefined;

  async start(): Promise<this> {
    cachedCertificate ??= selfSignedCertificate();
    this.certificate = cachedCertificate.cert;
    this.login = createHttpsServer({ key: cachedCertificate.key, cert: cachedCertificate.cert }, (req, res) => {
      this.handleLogin(req, res).catch((error: unknown) => this.json(res, 500, { error: 'server_error', error_description: String(error) }));
    });
    this.graph = createHttpServer((req, res) => {
      this.handleGraph(req, res).catch((error: unknown) => this.json(res, 500, { error: { code: 'InternalServerError', message: String(error) } }));
    });
    await new Promise<void>((resolve) => this.login?.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => this.graph?.listen(0, '127.0.0.1', resolve));
    this.authorityHost = `https://127.0.0.1:${(this.login.address() as AddressInfo).port}`;
    this.graphBaseUrl = `http://127.0.0.1:${(this.graph.address() as AddressInfo).port}/`;
    return this;
  }

  async close(): Promise<void> {
    for (const server of [this.login, this.graph]) {
      if (!server) continue;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  addUser(address: string, name?: string): FakeGraphUser {
    const mail = address.toLowerCase();
    const user: FakeGraphUser = { id: randomUUID(), userPrincipalName: mail, mail, displayName: name ?? mail, accountEnabled: true, sessionsRevoked: 0 };
    this.users.set(user.id, user);
    this.messages.set(user.id, []);
    this.rules.set(user.id, []);
    this.folders.set(user.id, [
      { id: `inbox-${user.id}`, displayName: 'Inbox' },
      { id: `sentitems-${user.id}`, displayName: 'Sent Items' },
      { id: `deleteditems-${user.id}`, displayName: 'Deleted Items' },
    ]);
    return user;
  }

  user(address: string): FakeGraphUser {
    const user = [...this.users.values()].find((u) => u.mail === address.toLowerCase());
    if (!user) throw new Error(`fake microsoft: no user ${address}`);
    return user;
  }

  /** A message arrives in a folder ('inbox' or 'sentitems'); it shows in that folder's delta from now on. */
  deliver(address: string, raw: string, folder: 'inbox' | 'sentitems' = 'inbox', time = '2017-07-03T13:29:12Z'): FakeGraphMessage {
    const user = this.user(address);
    const text = Buffer.from(raw);
    const head = text.toString('latin1');
    const message: FakeGraphMessage = {
      id: `AAMk${randomUUID().replace(/-/g, '')}`,
      folder: `${folder}-${user.id}`,
      internetMessageId: `<${/^message-id:\s*<?([^>\r\n]+)>?/im.exec(head)?.[1] ?? randomUUID()}>`,
      subject: /^subject:\s*(.*)$/im.exec(head)?.[1]?.trim() ?? '',
      receivedDateTime: new Date(time).toISOString().replace('.000Z', 'Z'),
      raw: text,
      seq: ++this.seq,
      flagStatus: 'notFlagged',
    };
    this.messages.get(user.id)?.push(message);
    return message;
  }

  addRule(address: string, rule: Omit<FakeGraphRule, 'id' | 'sequence' | 'isEnabled'> & { isEnabled?: boolean }): FakeGraphRule {
    const user = this.user(address);
    const list = this.rules.get(user.id) ?? [];
    const full: FakeGraphRule = { id: `rule-${list.length + 1}-${user.id.slice(0, 8)}`, sequence: list.length + 1, isEnabled: rule.isEnabled ?? true, displayName: rule.displayName, actions: rule.actions, ...(rule.conditions ? { conditions: rule.conditions } : {}) };
    list.push(full);
    this.rules.set(user.id, list);
    return full;
  }

  /** The next `times` Graph requests matching method and path fail with `status` (429 with Retry-After, 503, …). */
  fail(method: string, path: RegExp, status: number, options: { times?: number; retryAfter?: string; code?: string } = {}): void {
    this.failures.push({ method, path, status, times: options.times ?? 1, retryAfter: options.retryAfter, code: options.code });
  }

  callsTo(method: string, path: RegExp): RecordedGraphCall[] {
    return this.calls.filter((c) => c.method === method && path.test(c.path));
  }

  private json(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): number {
    if (res.headersSent) return status;
    if (body === undefined) {
      res.writeHead(status, headers);
      res.end();
    } else {
      res.writeHead(status, { 'content-type': 'application/json; odata.metadata=minimal', ...headers });
      res.end(JSON.stringify(body));
    }
    return status;
  }

  private graphError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): number {
    return this.json(res, status, { error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': randomUUID(), 'client-request-id': randomUUID() } } }, headers);
  }

  private async body(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  private async handleLogin(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.authorityHost);
    const text = await this.body(req);
    const base = `${this.authorityHost}/${this.tenant}`;
    if (req.method === 'GET' && url.pathname === `/${this.tenant}/v2.0/.well-known/openid-configuration`) {
      this.json(res, 200, {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        issuer: `${base}/v2.0`,
        jwks_uri: `${this.authorityHost}/${this.tenant}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      });
      return;
    }
    if (req.method === 'POST' && url.pathname === `/${this.tenant}/oauth2/v2.0/token`) {
      const form = Object.fromEntries(new URLSearchParams(text));
      this.tokenRequests.push({ ...form, client_secret: form.client_secret ? '<present>' : '' });
      if (form.grant_type !== 'client_credentials') {
        this.json(res, 400, { error: 'unsupported_grant_type', error_description: 'AADSTS70003: The app requested an unsupported grant type.' });
        return;
      }
      if (form.client_id !== this.clientId || form.client_secret !== this.clientSecret) {
        this.json(res, 401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.', error_codes: [7000215] });
        return;
      }
      if (form.scope !== 'https://graph.microsoft.com/.default') {
        this.json(res, 400, { error: 'invalid_scope', error_description: 'AADSTS1002012: The provided value for scope is not valid.' });
        return;
      }
      const token = `eyFake.${randomUUID()}`;
      this.tokens.set(token, [...this.roles]);
      this.json(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
      return;
    }
    this.json(res, 404, { error: 'not_found' });
  }

  private async handleGraph(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.graphBaseUrl);
    const text = await this.body(req);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const method = req.method ?? 'GET';
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const roles = token ? this.tokens.get(token) : undefined;
    const call: RecordedGraphCall = { method, path: url.pathname, query: Object.fromEntries(url.searchParams.entries()), body, status: 0, authorized: roles !== undefined };
    this.calls.push(call);
    if (!roles) {
      call.status = this.graphError(res, 401, 'InvalidAuthenticationToken', 'Access token is empty.');
      return;
    }
    const failure = this.failures.find((f) => f.times > 0 && f.method === method && f.path.test(url.pathname));
    if (failure) {
      failure.times--;
      call.status = this.graphError(res, failure.status, failure.code ?? (failure.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable'), `injected ${failure.status}`, failure.retryAfter ? { 'retry-after': failure.retryAfter } : {});
      return;
    }
    if (!url.pathname.startsWith('/v1.0/')) {
      call.status = this.graphError(res, 400, 'BadRequest', 'Invalid version.');
      return;
    }
    call.status = this.route(res, method, url.pathname.slice('/v1.0'.length), url.searchParams, body, roles);
  }

  private need(res: ServerResponse, roles: string[], any: string[]): boolean {
    if (any.some((r) => roles.includes(r))) return true;
    this.graphError(res, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    return false;
  }

  private userBy(key: string): FakeGraphUser | undefined {
    const k = decodeURIComponent(key).toLowerCase();
    return this.users.get(decodeURIComponent(key)) ?? [...this.users.values()].find((u) => u.userPrincipalName === k || u.mail === k);
  }

  private page<T>(res: ServerResponse, items: T[], query: URLSearchParams, path: string, extra: Record<string, unknown> = {}): number {
    const skip = Number(query.get('$skiptoken') ?? 0);
    const top = Math.min(Number(query.get('$top') ?? 100), this.pageSize);
    const out: Record<string, unknown> = { '@odata.context': `${this.graphBaseUrl}v1.0/$metadata#${path}`, value: items.slice(skip, skip + top), ...extra };
    if (skip + top < items.length) {
      // Graph writes its links with the $ of system query options unescaped
      const params = [...query].filter(([k]) => k !== '$skiptoken').map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
      params.push(`$skiptoken=${skip + top}`);
      out['@odata.nextLink'] = `${this.graphBaseUrl}v1.0${path}?${params.join('&')}`;
      delete out['@odata.deltaLink'];
    }
    return this.json(res, 200, out);
  }

  private messageView(m: FakeGraphMessage): Record<string, unknown> {
    return { id: m.id, internetMessageId: m.internetMessageId, subject: m.subject, receivedDateTime: m.receivedDateTime, parentFolderId: m.folder, flag: { flagStatus: m.flagStatus } };
  }

  private folderId(user: FakeGraphUser, name: string): string | undefined {
    const folders = this.folders.get(user.id) ?? [];
    const wellKnown: Record<string, string> = { inbox: 'Inbox', sentitems: 'Sent Items', deleteditems: 'Deleted Items' };
    const byName = wellKnown[name.toLowerCase()];
    return (byName ? folders.find((f) => f.displayName === byName) : folders.find((f) => f.id === name))?.id;
  }

  private route(res: ServerResponse, method: string, path: string, query: URLSearchParams, body: unknown, roles: string[]): number {
    const segments = path.split('/').filter(Boolean);
    if (path === '/users' && method === 'GET') {
      if (!this.need(res, roles, ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All'])) return 403;
      const users = [...this.users.values()].sort((a, b) => (a.mail < b.mail ? -1 : 1)).map((u) => ({ id: u.id, userPrincipalName: u.userPrincipalName, mail: u.mail, displayName: u.displayName, accountEnabled: u.accountEnabled }));
      return this.page(res, users, query, '/users');
    }
    if (path === '/auditLogs/signIns' && method === 'GET') {
      if (!this.need(res, roles, ['AuditLog.Read.All'])) return 403;
      const filter = query.get('$filter') ?? '';
      const since = /createdDateTime ge (\S+)/.exec(filter)?.[1];
      const rows = this.signIns.filter((s) => !since || String(s.createdDateTime) >= since).sort((a, b) => (String(a.createdDateTime) > String(b.createdDateTime) ? -1 : 1));
      return this.page(res, rows, query, '/auditLogs/signIns');
    }
    if (segments[0] === 'oauth2PermissionGrants' && segments[1] && method === 'DELETE') {
      if (!this.need(res, roles, ['DelegatedPermissionGrant.ReadWrite.All', 'Directory.ReadWrite.All'])) return 403;
      const index = this.grants.findIndex((g) => g.id === segments[1]);
      if (index < 0) return this.graphError(res, 404, 'Request_ResourceNotFound', `Resource '${segments[1]}' does not exist.`);
      this.grants.splice(index, 1);
      return this.json(res, 204);
    }
    if (segments[0] !== 'users' || !segments[1]) return this.graphError(res, 400, 'BadRequest', `Resource not found for the segment '${segments[0]}'.`);
    const user = this.userBy(segments[1]);
    if (!user) return this.graphError(res, 404, 'Request_ResourceNotFound', `Resource '${segments[1]}' does not exist or one of its queried reference-property objects are not present.`);
    const rest = `/${segments.slice(2).join('/')}`;
    if (rest === '/') {
      if (method === 'GET') return this.json(res, 200, { id: user.id, userPrincipalName: user.userPrincipalName, mail: user.mail, displayName: user.displayName, accountEnabled: user.accountEnabled });
      if (method === 'PATCH') {
        if (!this.need(res, roles, ['User.ReadWrite.All'])) return 403;
        const patch = (body ?? {}) as { accountEnabled?: boolean; passwordProfile?: { password?: string; forceChangePasswordNextSignIn?: boolean } };
        if (typeof patch.accountEnabled === 'boolean') user.accountEnabled = patch.accountEnabled;
        if (patch.passwordProfile) {
          if (!patch.passwordProfile.password || patch.passwordProfile.password.length < 8) return this.graphError(res, 400, 'Request_BadRequest', 'The specified password does not comply with password complexity requirements.');
          user.passwordProfile = { password: patch.passwordProfile.password, forceChangePasswordNextSignIn: patch.passwordProfile.forceChangePasswordNextSignIn === true };
        }
        return this.json(res, 204);
      }
    }
    if (rest === '/revokeSignInSessions' && method === 'POST') {
      if (!this.need(res, roles, ['User.ReadWrite.All', 'User.RevokeSessions.All'])) return 403;
      user.sessionsRevoked++;
      return this.json(res, 200, { '@odata.context': `${this.graphBaseUrl}v1.0/$metadata#Edm.Boolean`, value: true });
    }
    if (rest === '/oauth2PermissionGrants' && method === 'GET') {
      if (!this.need(res, roles, ['Directory.Read.All', 'DelegatedPermissionGrant.ReadWrite.All'])) return 403;
      return this.page(res, this.grants.filter((g) => g.principalId === user.id), query, `/users/${user.id}/oauth2PermissionGrants`);
    }
    if (rest === '/sendMail' && method === 'POST') {
      if (!this.need(res, roles, ['Mail.Send'])) return 403;
      const message = (body as { message?: { toRecipients?: unknown[] } })?.message;
      if (!message?.toRecipients?.length) return this.graphError(res, 400, 'ErrorInvalidRecipients', 'At least one recipient is not valid.');
      this.sent.push({ from: user.mail, body });
      return this.json(res, 202);
    }
    if (!this.need(res, roles, ['Mail.ReadWrite', 'Mail.Read', 'MailboxSettings.ReadWrite', 'MailboxSettings.Read'])) return 403;
    const messages = this.messages.get(user.id) ?? [];
    let m: RegExpExecArray | null = /^\/mailFolders\/([^/]+)\/messages\/delta$/.exec(rest);
    if (m && method === 'GET') {
      const folder = this.folderId(user, m[1] ?? '');
      if (!folder) return this.graphError(res, 404, 'ErrorItemNotFound', 'The specified folder could not be found in the store.');
      const token = query.get('$deltatoken');
      const after = token === null ? 0 : Number(token);
      if (Number.isNaN(after)) return this.graphError(res, 400, 'SyncStateInvalid', 'Invalid sync state.');
      const items = messages.filter((x) => x.folder === folder && x.seq > after).sort((a, b) => a.seq - b.seq).map((x) => this.messageView(x));
      const delta = `${this.graphBaseUrl}v1.0/users/${user.id}/mailFolders/${m[1]}/messages/delta?$deltatoken=${this.seq}`;
      const pageQuery = new URLSearchParams(query);
      pageQuery.delete('$deltatoken');
      if (token !== null) pageQuery.set('$deltatoken', token);
      return this.page(res, items, pageQuery, `/users/${user.id}/mailFolders/${m[1]}/messages/delta`, { '@odata.deltaLink': delta });
    }
    m = /^\/mailFolders\/([^/]+)\/messages$/.exec(rest);
    if (m && method === 'GET') {
      const folder = this.folderId(user, m[1] ?? '');
      if (!folder) return this.graphError(res, 404, 'ErrorItemNotFound', 'The specified folder could not be found in the store.');
      return this.page(res, messages.filter((x) => x.folder === folder).map((x) => this.messageView(x)), query, `/users/${user.id}/mailFolders/${m[1]}/messages`);
    }
    if (rest === '/messages' && method === 'GET') {
      const filter = query.get('$filter') ?? '';
      const wanted = /^internetMessageId eq '(.+)'$/.exec(filter)?.[1]?.replace(/''/g, "'");
      if (filter && wanted === undefined) return this.graphError(res, 400, 'ErrorInvalidUrlQueryFilter', 'The query filter contains one or more invalid nodes.');
      return this.page(res, messages.filter((x) => !wanted || x.internetMessageId === wanted).map((x) => this.messageView(x)), query, `/users/${user.id}/messages`);
    }
    m = /^\/messages\/([^/]+)(\/\$value|\/move)?$/.exec(rest);
    if (m) {
      const message = messages.find((x) => x.id === m?.[1]);
      if (!message) return this.graphError(res, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      if (m[2] === '/$value' && method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(message.raw);
        return 200;
      }
      if (m[2] === '/move' && method === 'POST') {
        const destination = this.folderId(user, String((body as { destinationId?: string })?.destinationId ?? ''));
        if (!destination) return this.graphError(res, 400, 'ErrorInvalidIdMalformed', 'Id is malformed.');
        message.folder = destination;
        message.seq = ++this.seq;
        return this.json(res, 201, this.messageView(message));
      }
      if (!m[2] && method === 'DELETE') {
        message.folder = this.folderId(user, 'deleteditems') ?? message.folder;
        return this.json(res, 204);
      }
      if (!m[2] && method === 'GET') return this.json(res, 200, this.messageView(message));
      if (!m[2] && method === 'PATCH') {
        const status = (body as { flag?: { flagStatus?: string } })?.flag?.flagStatus;
        if (status !== undefined && status !== 'flagged' && status !== 'notFlagged' && status !== 'complete') return this.graphError(res, 400, 'ErrorInvalidRequest', 'Invalid flagStatus.');
        if (status) message.flagStatus = status;
        message.seq = ++this.seq;
        return this.json(res, 200, this.messageView(message));
      }
    }
    if (rest === '/mailFolders') {
      const folders = this.folders.get(user.id) ?? [];
      if (method === 'GET') {
        const name = /^displayName eq '(.+)'$/.exec(query.get('$filter') ?? '')?.[1];
        return this.page(res, folders.filter((f) => !name || f.displayName === name), query, `/users/${user.id}/mailFolders`);
      }
      if (method === 'POST') {
        const name = (body as { displayName?: string })?.displayName;
        if (!name) return this.graphError(res, 400, 'ErrorInvalidRequest', 'displayName is required');
        if (folders.some((f) => f.displayName === name)) return this.graphError(res, 409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
        const folder = { id: `folder-${randomUUID()}`, displayName: name };
        folders.push(folder);
        return this.json(res, 201, folder);
      }
    }
    m = /^\/mailFolders\/inbox\/messageRules(?:\/([^/]+))?$/.exec(rest);
    if (m) {
      const rules = this.rules.get(user.id) ?? [];
      if (method === 'GET' && !m[1]) return this.json(res, 200, { '@odata.context': `${this.graphBaseUrl}v1.0/$metadata#messageRules`, value: rules });
      if (method === 'DELETE' && m[1]) {
        const index = rules.findIndex((r) => r.id === m?.[1]);
        if (index < 0) return this.graphError(res, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
        rules.splice(index, 1);
        return this.json(res, 204);
      }
    }
    return this.graphError(res, 400, 'BadRequest', `Unsupported: ${method} ${path}`);
  }
}
