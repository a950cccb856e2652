// The local provider's organisation: plain JSON data (users, mailboxes, settings, the call log), so that it can be
// kept in a file that outlives the process using it.
import type { ActionKind, ActionResult, ApiCall } from '../types.js';

export interface LocalMessage {
  /** the local provider's own id, e.g. 'm1' */
  id: string;
  /** Message-ID without angle brackets */
  messageId: string;
  folder: 'inbox' | 'sent' | 'quarantine' | 'trash';
  subject?: string;
  from?: string;
  time: string;
  /** the raw message, base64, when known */
  raw?: string;
}

export interface LocalUser {
  address: string;
  name?: string;
  isAdmin: boolean;
  suspended: boolean;
  changePasswordAtNextLogin: boolean;
  /** how many times the password was changed (the password itself is never kept) */
  passwordVersion: number;
  sessions: number;
  oauthGrants: Array<{ clientId: string; app: string; at: string }>;
  appPasswords: Array<{ id: string; name: string; at: string }>;
  backupCodes: { valid: boolean; generation: number };
  forwarding?: { target: string; at: string };
  filters: Array<{ id: string; criteria: string; action: string; forwardTo?: string; at: string }>;
  delegates: Array<{ address: string; at: string }>;
  sendAs: Array<{ address: string; at: string }>;
  messages: LocalMessage[];
}

/** A planned failure: the next `times` matching actions fail (before any change is made). */
export interface LocalFailure {
  kind: ActionKind;
  account?: string;
  times: number;
  retryable?: boolean;
  error?: string;
}

export interface LocalOrg {
  domains: string[];
  users: Record<string, LocalUser>;
  /** every call made (never the dry-run ones), in order, with the idempotency key it was made for */
  calls: Array<ApiCall & { key: string; at: string }>;
  /** mail sent by send-notice */
  outbox: Array<{ to: string[]; subject: string; at: string }>;
  failures: LocalFailure[];
  /** results of completed actions by idempotency key: asking again returns the same result and calls nothing */
  completed: Record<string, ActionResult>;
  nextId: number;
}

export function emptyOrg(domains: readonly string[] = []): LocalOrg {
  return { domains: [...domains], users: {}, calls: [], outbox: [], failures: [], completed: {}, nextId: 1 };
}

export function newUser(address: string, fields: Partial<LocalUser> = {}): LocalUser {
  return {
    address: address.toLowerCase(),
    isAdmin: false,
    suspended: false,
    changePasswordAtNextLogin: false,
    passwordVersion: 0,
    sessions: 0,
    oauthGrants: [],
    appPasswords: [],
    backupCodes: { valid: true, generation: 1 },
    filters: [],
    delegates: [],
    sendAs: [],
    messages: [],
    ...fields,
  };
}

/** Adds a user (or returns the existing one). */
export function ensureUser(org: LocalOrg, address: string): LocalUser {
  const key = address.toLowerCase();
  let user = org.users[key];
  if (!user) {
    user = newUser(key);
    org.users[key] = user;
  }
  return user;
}

export function nextId(org: LocalOrg, prefix: string): string {
  return `${prefix}${org.nextId++}`;
}
