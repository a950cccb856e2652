// The service's own tables (migration 005): users, sessions, API tokens, the audit log, rule switches.
// Passwords are argon2id hashes; session ids and API tokens are random and kept only as their sha256.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import argon2 from 'argon2';
import type { Store } from '../store/index.js';

export const ROLES = ['viewer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export type Lang = 'en' | 'ja';

/** true when `have` may do what needs `need` (admin > analyst > viewer) */
export function roleAllows(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

export interface ServiceTables {
  service_users: {
    id: string;
    username: string;
    password_hash: string;
    role: string;
    lang: string;
    must_change_password: number;
    disabled: number;
    created_at: string;
    updated_at: string;
  };
  service_sessions: { id_hash: string; user_id: string; csrf_token: string; created_at: string; expires_at: string };
  service_tokens: {
    id: string;
    name: string;
    token_hash: string;
    role: string;
    created_by: string;
    created_at: string;
    last_used_at: string | null;
    revoked_at: string | null;
  };
  service_audit: { id: string; time: string; actor: string; action: string; target: string; detail: string; ip: string | null };
  service_rule_switches: { rule_id: string; enabled: number; updated_by: string; updated_at: string };
}

export interface User {
  id: string;
  username: string;
  role: Role;
  lang: Lang;
  mustChangePassword: boolean;
  disabled: boolean;
  createdAt: string;
}

export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  createdBy: string;
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

export interface AuditEntry {
  id: string;
  time: string;
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
  ip?: string;
}

/** Who is asking: a console session or a machine's API token. */
export type Principal =
  | { kind: 'session'; user: User; csrfToken: string; sessionHash: string }
  | { kind: 'token'; token: ApiToken };

export function principalRole(p: Principal): Role {
  return p.kind === 'session' ? p.user.role : p.token.role;
}

export function principalName(p: Principal): string {
  return p.kind === 'session' ? p.user.username : `token:${p.token.name}`;
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** A random secret, URL-safe. */
export const secret = (bytes = 32) => randomBytes(bytes).toString('base64url');

/** A one-time password a person can type: four groups of four, no look-alike characters. */
export function readablePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(16);
  let out = '';
  for (let i = 0; i < 16; i++) {
    if (i && i % 4 === 0) out += '-';
    out += alphabet[(bytes[i] ?? 0) % alphabet.length];
  }
  return out;
}

function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

function userFrom(row: ServiceTables['service_users']): User {
  return {
    id: row.id,
    username: row.username,
    role: isRole(row.role) ? row.role : 'viewer',
    lang: row.lang === 'ja' ? 'ja' : 'en',
    mustChangePassword: Boolean(row.must_change_password),
    disabled: Boolean(row.disabled),
    createdAt: row.created_at,
  };
}

function tokenFrom(row: ServiceTables['service_tokens']): ApiToken {
  const out: ApiToken = { id: row.id, name: row.name, role: isRole(row.role) ? row.role : 'viewer', createdBy: row.created_by, createdAt: row.created_at };
  if (row.last_used_at) out.lastUsedAt = row.last_used_at;
  if (row.revoked_at) out.revokedAt = row.revoked_at;
  return out;
}

export class AccountError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'AccountError';
  }
}

export interface AccountsOptions {
  now?: () => Date;
  /** how long a console session lasts without a new login */
  sessionHours?: number;
}

/** Users, sessions, tokens, audit and rule switches on the Store (SQLite or PostgreSQL). */
export class Accounts {
  private readonly now: () => Date;
  private readonly sessionMs: number;
  constructor(
    private readonly store: Store,
    options: AccountsOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.sessionMs = (options.sessionHours ?? 12) * 3_600_000;
  }

  private get db() {
    return this.store.tables<ServiceTables>().db;
  }

  private iso(): string {
    return this.now().toISOString();
  }

  async countUsers(): Promise<number> {
    const row = await this.db.selectFrom('service_users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Creates a user; without a password a readable one-time password is made and returned (change it at first login). */
  async createUser(input: { username: string; role: Role; lang?: Lang; password?: string }): Promise<{ user: User; password: string }> {
    const username = input.username.trim().toLowerCase();
    if (!/^[a-z0-9._@-]{2,64}$/.test(username)) throw new AccountError(400, 'a user name is 2-64 characters: letters, digits, . _ @ -');
    const existing = await this.db.selectFrom('service_users').select('id').where('username', '=', username).executeTakeFirst();
    if (existing) throw new AccountError(409, `the user ${username} exists already`);
    const oneTime = input.password === undefined;
    const password = input.password ?? readablePassword();
    checkPassword(password);
    const now = this.iso();
    const row: ServiceTables['service_users'] = {
      id: randomUUID(),
      username,
      password_hash: await argon2.hash(password, { type: argon2.argon2id }),
      role: input.role,
      lang: input.lang ?? 'en',
      must_change_password: oneTime ? 1 : 0,
      disabled: 0,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('service_users').values(row).execute();
    return { user: userFrom(row), password };
  }

  async listUsers(): Promise<User[]> {
    return (await this.db.selectFrom('service_users').selectAll().orderBy('username').execute()).map(userFrom);
  }

  async getUser(id: string): Promise<User | undefined> {
    const row = await this.db.selectFrom('service_users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? userFrom(row) : undefined;
  }

  async updateUser(id: string, change: { role?: Role; disabled?: boolean; lang?: Lang }): Promise<User> {
    const values: Partial<ServiceTables['service_users']> = { updated_at: this.iso() };
    if (change.role) values.role = change.role;
    if (change.lang) values.lang = change.lang;
    if (change.disabled !== undefined) values.disabled = change.disabled ? 1 : 0;
    await this.db.updateTable('service_users').set(values).where('id', '=', id).execute();
    if (change.disabled) await this.db.deleteFrom('service_sessions').where('user_id', '=', id).execute();
    const user = await this.getUser(id);
    if (!user) throw new AccountError(404, 'no such user');
    return user;
  }

  async deleteUser(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('service_users').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Sets a new password (and ends the user's other sessions). */
  async setPassword(id: string, password: string, keepSession?: string): Promise<void> {
    checkPassword(password);
    const hash = await argon2.hash(password, { type: argon2.argon2id });
    await this.db.updateTable('service_users').set({ password_hash: hash, must_change_password: 0, updated_at: this.iso() }).where('id', '=', id).execute();
    let drop = this.db.deleteFrom('service_sessions').where('user_id', '=', id);
    if (keepSession) drop = drop.where('id_hash', '!=', keepSession);
    await drop.execute();
  }

  async verifyPassword(id: string, password: string): Promise<boolean> {
    const row = await this.db.selectFrom('service_users').select('password_hash').where('id', '=', id).executeTakeFirst();
    return row ? argon2.verify(row.password_hash, password).catch(() => false) : false;
  }

  /** Checks a login; the same answer (undefined) for an unknown user, a wrong password and a disabled user. */
  async login(username: string, password: string): Promise<{ user: User; sessionId: string; csrfToken: string } | undefined> {
    const row = await this.db.selectFrom('service_users').selectAll().where('username', '=', username.trim().toLowerCase()).executeTakeFirst();
    // An unknown user costs one hash too, so the answer's timing does not tell which names exist.
    const hash = row?.password_hash ?? (await dummyHash());
    const ok = await argon2.verify(hash, password).catch(() => false);
    if (!row || !ok || row.disabled) return undefined;
    const sessionId = secret();
    const csrfToken = secret(24);
    const now = this.now();
    await this.db
      .insertInto('service_sessions')
      .values({ id_hash: sha256(sessionId), user_id: row.id, csrf_token: csrfToken, created_at: now.toISOString(), expires_at: new Date(now.getTime() + this.sessionMs).toISOString() })
      .execute();
    return { user: userFrom(row), sessionId, csrfToken };
  }

  async session(sessionId: string): Promise<Principal | undefined> {
    const idHash = sha256(sessionId);
    const row = await this.db
      .selectFrom('service_sessions')
      .innerJoin('service_users', 'service_users.id', 'service_sessions.user_id')
      .selectAll('service_users')
      .select(['service_sessions.csrf_token', 'service_sessions.expires_at'])
      .where('service_sessions.id_hash', '=', idHash)
      .executeTakeFirst();
    if (!row || row.disabled || row.expires_at <= this.iso()) return undefined;
    return { kind: 'session', user: userFrom(row), csrfToken: row.csrf_token, sessionHash: idHash };
  }

  async logout(sessionHash: string): Promise<void> {
    await this.db.deleteFrom('service_sessions').where('id_hash', '=', sessionHash).execute();
  }

  async createToken(input: { name: string; role: Role; createdBy: string }): Promise<{ token: ApiToken; secret: string }> {
    const name = input.name.trim();
    if (!name || name.length > 80) throw new AccountError(400, 'a token needs a name of 1-80 characters');
    const value = `kzk_${secret()}`;
    const row: ServiceTables['service_tokens'] = {
      id: randomUUID(),
      name,
      token_hash: sha256(value),
      role: input.role,
      created_by: input.createdBy,
      created_at: this.iso(),
      last_used_at: null,
      revoked_at: null,
    };
    await this.db.insertInto('service_tokens').values(row).execute();
    return { token: tokenFrom(row), secret: value };
  }

  async listTokens(): Promise<ApiToken[]> {
    return (await this.db.selectFrom('service_tokens').selectAll().orderBy('created_at', 'desc').execute()).map(tokenFrom);
  }

  async revokeToken(id: string): Promise<boolean> {
    const result = await this.db.updateTable('service_tokens').set({ revoked_at: this.iso() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async tokenPrincipal(value: string): Promise<Principal | undefined> {
    const row = await this.db.selectFrom('service_tokens').selectAll().where('token_hash', '=', sha256(value)).executeTakeFirst();
    if (!row || row.revoked_at) return undefined;
    await this.db.updateTable('service_tokens').set({ last_used_at: this.iso() }).where('id', '=', row.id).execute();
    return { kind: 'token', token: tokenFrom(row) };
  }

  async audit(entry: { actor: string; action: string; target: string; detail?: Record<string, unknown>; ip?: string }): Promise<void> {
    await this.db
      .insertInto('service_audit')
      .values({ id: `${this.iso()}-${randomUUID()}`, time: this.iso(), actor: entry.actor, action: entry.action, target: entry.target, detail: JSON.stringify(entry.detail ?? {}), ip: entry.ip ?? null })
      .execute();
  }

  /** Newest first; `before` is the id of the last entry of the previous page. */
  async listAudit(query: { limit: number; before?: string }): Promise<AuditEntry[]> {
    let q = this.db.selectFrom('service_audit').selectAll().orderBy('id', 'desc').limit(query.limit);
    if (query.before) q = q.where('id', '<', query.before);
    return (await q.execute()).map((r) => {
      const out: AuditEntry = { id: r.id, time: r.time, actor: r.actor, action: r.action, target: r.target, detail: JSON.parse(r.detail) as Record<string, unknown> };
      if (r.ip) out.ip = r.ip;
      return out;
    });
  }

  async ruleSwitches(): Promise<Map<string, boolean>> {
    const rows = await this.db.selectFrom('service_rule_switches').selectAll().execute();
    return new Map(rows.map((r) => [r.rule_id, Boolean(r.enabled)]));
  }

  async setRuleEnabled(ruleId: string, enabled: boolean, by: string): Promise<void> {
    const values = { rule_id: ruleId, enabled: enabled ? 1 : 0, updated_by: by, updated_at: this.iso() };
    await this.db
      .insertInto('service_rule_switches')
      .values(values)
      .onConflict((oc) => oc.column('rule_id').doUpdateSet({ enabled: values.enabled, updated_by: by, updated_at: values.updated_at }))
      .execute();
  }

  /** Retention: drops expired sessions. */
  async purgeExpiredSessions(): Promise<number> {
    const result = await this.db.deleteFrom('service_sessions').where('expires_at', '<=', this.iso()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function checkPassword(password: string): void {
  if (password.length < 12) throw new AccountError(400, 'a password needs at least 12 characters');
  if (password.length > 256) throw new AccountError(400, 'a password is at most 256 characters');
}

// A hash of nothing anyone knows, verified against when the user does not exist (made once, on first use).
let dummy: Promise<string> | undefined;
function dummyHash(): Promise<string> {
  dummy ??= argon2.hash(secret(), { type: argon2.argon2id });
  return dummy;
}
