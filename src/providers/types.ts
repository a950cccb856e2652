// The one interface every mail platform implements (src/providers/<platform>/ is the only place that knows its API).
// Everything here is plain, JSON-safe data except the Provider object itself.
import type { AccountEvent } from '../model/events.js';

export type ProviderKind = 'google' | 'microsoft' | 'imap' | 'local';

/** What a provider can be asked to do to contain an incident. Each is idempotent. */
export type ActionKind =
  | 'suspend'
  | 'unsuspend'
  | 'sign-out'
  | 'force-password-change'
  | 'revoke-oauth'
  | 'revoke-app-passwords'
  | 'invalidate-backup-codes'
  | 'remove-forwarding'
  | 'remove-filters'
  | 'remove-delegates'
  | 'remove-sendas'
  | 'quarantine-message'
  | 'release-message'
  | 'delete-message'
  /** mark every copy of a message (IMAP: \Flagged and the $Phishing keyword) without moving it */
  | 'flag-message'
  | 'send-notice';

export const ACTION_KINDS: readonly ActionKind[] = [
  'suspend',
  'unsuspend',
  'sign-out',
  'force-password-change',
  'revoke-oauth',
  'revoke-app-passwords',
  'invalidate-backup-codes',
  'remove-forwarding',
  'remove-filters',
  'remove-delegates',
  'remove-sendas',
  'quarantine-message',
  'release-message',
  'delete-message',
  'flag-message',
  'send-notice',
];

/** Everything a provider may or may not be able to do; `capabilities` lists the ones it can. */
export type Capability =
  | 'mail.users'
  | 'mail.fetch'
  | 'mail.fetch-by-id'
  | 'mail.watch'
  | 'events.signin'
  | 'events.settings'
  | 'events.oauth'
  | 'events.delivery'
  | `action.${ActionKind}`;

export interface CapabilityGap {
  capability: Capability;
  /** plain words: why the platform cannot, and what a person should do instead */
  en: string;
  ja: string;
}

/** One API call as it is (or would be, in a dry run) made: never a secret, never a token. */
export interface ApiCall {
  method: string;
  /** path (and query) relative to the API's root, e.g. '/admin/directory/v1/users/a%40b.jp'; for IMAP the command */
  path: string;
  /** the request body's meaningful fields (no passwords: a generated password is shown as '<redacted>') */
  body?: Record<string, unknown>;
  /** HTTP status or 'OK'/'NO' for IMAP, when the call was made */
  status?: number | string;
}

export interface ActionRequest {
  kind: ActionKind;
  /** the organisation account the action is about (lower-cased address) */
  account?: string;
  /** for message actions: the Message-ID (without angle brackets) of the message to find in every mailbox */
  messageId?: string;
  /** for remove-* actions: only items that appeared at or after this ISO time (the incident window), when known */
  since?: string;
  /** for send-notice */
  notice?: { to: string[]; subject: string; text: string; html?: string };
  /** a key that is the same every time the same logical action is asked for (a retry, a resumed playbook) */
  idempotencyKey: string;
  /** true: make no change; name the exact calls that would be made */
  dryRun: boolean;
}

export type ActionStatus = 'done' | 'dry-run' | 'nothing-to-do' | 'unsupported' | 'failed';

export interface ActionResult {
  status: ActionStatus;
  /** the calls made, or that would be made in a dry run, in order */
  calls: ApiCall[];
  /** one line for a person, English and Japanese */
  en: string;
  ja: string;
  /** failed only: the error in plain words (no secrets) */
  error?: string;
  /** failed only: true when trying again later may succeed (timeouts, 429, 5xx) */
  retryable?: boolean;
  /** what was changed, e.g. { removed: ['filter 123'], mailboxes: 3 } */
  details?: Record<string, unknown>;
}

export interface MailboxUser {
  address: string;
  name?: string;
  suspended?: boolean;
  isAdmin?: boolean;
}

/** A cursor a provider hands back after each item: saved once the item is processed, so a restart neither misses nor repeats. */
export interface CursorUpdate {
  /** e.g. 'mail:iwanaga@example.jp', 'mail:INBOX', 'events:login' */
  scope: string;
  value: string;
}

export interface FetchedMessage {
  /** the mailbox the message was found in */
  account: string;
  /** inbound: received from outside or inside; sent: in the account's sent mail */
  folder: 'inbox' | 'sent' | 'other';
  /** the platform's own id (Gmail id, Graph id, IMAP UIDVALIDITY:UID) */
  providerId: string;
  /** where in the mailbox it was found, as the platform names it (IMAP folder, Gmail label), when known */
  location?: string;
  raw: Uint8Array;
  /** when the platform received or sent it, ISO 8601 */
  time?: string;
}

export type FetchedItem =
  | { type: 'message'; message: FetchedMessage; cursor?: CursorUpdate }
  | { type: 'events'; events: AccountEvent[]; cursor?: CursorUpdate }
  /** the cursor advanced past items that need no processing */
  | { type: 'cursor'; cursor: CursorUpdate };

/** The report `kizuki connect` prints for one provider. */
export interface ConnectReport {
  provider: string;
  kind: ProviderKind;
  ok: boolean;
  checks: Array<{ name: string; ok: boolean; en: string; ja: string }>;
}

export interface Provider {
  /** the configured name, unique in the config */
  readonly name: string;
  readonly kind: ProviderKind;
  /** what this provider can do; anything else is a gap explained by `gaps()` */
  capabilities(): ReadonlySet<Capability>;
  gaps(): CapabilityGap[];
  /** reachable, authenticated, scopes granted: each in plain words */
  check(): Promise<ConnectReport>;
  listUsers(): Promise<MailboxUser[]>;
  /**
   * Everything new since the stored cursors (messages and account events), oldest first per scope. The caller
   * processes each item and then saves its cursor, so a crash between the two repeats at most that item.
   */
  fetchNew(cursors: ReadonlyMap<string, string>, signal?: AbortSignal): AsyncIterable<FetchedItem>;
  /** Resolves when new items may be there (IMAP IDLE, or a poll interval); rejects only when aborted. */
  waitForChange(signal: AbortSignal): Promise<void>;
  /** One message by Message-ID (without angle brackets) in one mailbox, or undefined. */
  fetchByMessageId(account: string, messageId: string): Promise<FetchedMessage | undefined>;
  /** Performs (or, with dryRun, describes) one containment action. Never throws for a platform error: returns failed. */
  act(request: ActionRequest): Promise<ActionResult>;
  close(): Promise<void>;
}
