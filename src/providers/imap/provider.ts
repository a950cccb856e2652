// An IMAP mailbox as a Kizuki provider (imapflow): incremental fetch with a UIDVALIDITY:UID cursor per folder, IDLE
// with reconnection and backoff, lookup by Message-ID, and mailbox-level actions (quarantine, release, delete, flag).
import { ImapFlow } from 'imapflow';
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
import { IMAP_CAPABILITIES, IMAP_GAPS } from './capabilities.js';
import type { ImapFolder } from './config.js';
import { describeImapError, ImapProviderError } from './errors.js';

export interface ImapProviderOptions {
  name: string;
  host: string;
  port: number;
  secure: boolean;
  user: string;
  /** the mailbox address (lower-cased) */
  account: string;
  /** one of the two: a password, or an XOAUTH2 access token (read fresh on every connection) */
  password?: () => string;
  accessToken?: () => string;
  folders: ImapFolder[];
  quarantineFolder: string;
  backfillDays: number | 'all';
  pollSeconds: number;
  reconnect: { minMs: number; maxMs: number };
  connectTimeoutMs: number;
  tlsVerify: boolean;
  /** the clock (backfill window); default: the system clock */
  now?: () => Date;
  /** one line about the connection (dropped, reconnected); never a secret */
  log?: (line: string) => void;
}

/** Messages fetched per FETCH command: what a folder read holds in memory at once. */
const FETCH_BATCH = 20;
/** keyword that remembers where a quarantined message came from (hex of the folder name), so release puts it back */
const ORIGIN_PREFIX = '$KizukiFrom_';
const FLAG_KEYWORD = '$Phishing';

type Client = ImapFlow;

export function parseImapCursor(value: string | undefined): { uidValidity: string; uid: number } | undefined {
  const match = value ? /^(\d+):(\d+)$/.exec(value) : null;
  return match?.[1] && match[2] ? { uidValidity: match[1], uid: Number(match[2]) } : undefined;
}

function quote(text: string): string {
  return `"${text.replace(/(["\\])/g, '\\$1')}"`;
}

function uidSet(uids: readonly number[]): string {
  return uids.join(',');
}

function originKeyword(folder: string): string {
  return `${ORIGIN_PREFIX}${Buffer.from(folder, 'utf8').toString('hex').toUpperCase()}`;
}

function folderFromKeyword(flag: string): string | undefined {
  if (!flag.startsWith(ORIGIN_PREFIX)) return undefined;
  const hex = flag.slice(ORIGIN_PREFIX.length);
  return /^[0-9A-Fa-f]+$/.test(hex) && hex.length % 2 === 0 ? Buffer.from(hex, 'hex').toString('utf8') : undefined;
}

function abortError(): Error {
  const error = new Error('stopped');
  error.name = 'AbortError';
  return error;
}

/** Waits ms, or rejects as soon as the signal aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class ImapProvider implements Provider {
  readonly kind = 'imap' as const;
  readonly name: string;
  #main: Client | undefined;
  #connecting: Promise<Client> | undefined;
  #watcher: Client | undefined;
  /** set by the watcher when the watched folder changes; cleared when waitForChange reports it */
  #changed = false;
  #wake: (() => void) | undefined;
  #closed = false;
  #backoff: number;
  #missingSaid = new Set<string>();

  constructor(private readonly options: ImapProviderOptions) {
    this.name = options.name;
    this.#backoff = options.reconnect.minMs;
    if (!options.password && !options.accessToken) throw new Error(`provider ${options.name}: no password or token`);
  }

  get account(): string {
    return this.options.account;
  }

  capabilities(): ReadonlySet<Capability> {
    return IMAP_CAPABILITIES;
  }

  gaps(): CapabilityGap[] {
    return [...IMAP_GAPS];
  }

  async listUsers(): Promise<MailboxUser[]> {
    return [{ address: this.options.account }];
  }

  #where() {
    return { host: this.options.host, port: this.options.port, user: this.options.user };
  }

  #fail(error: unknown): ImapProviderError {
    if (error instanceof ImapProviderError) return error;
    return new ImapProviderError(describeImapError(error, this.#where()), { cause: error });
  }

  #newClient(): Client {
    const o = this.options;
    const auth = o.accessToken ? { user: o.user, accessToken: o.accessToken() } : { user: o.user, pass: (o.password as () => string)() };
    const client = new ImapFlow({
      host: o.host,
      port: o.port,
      secure: o.secure,
      auth,
      logger: false,
      connectionTimeout: o.connectTimeoutMs,
      greetingTimeout: o.connectTimeoutMs,
      // plain IMAP is only allowed on this machine (the config refuses it elsewhere): do not try STARTTLS there
      ...(o.secure ? { tls: { rejectUnauthorized: o.tlsVerify } } : { doSTARTTLS: false }),
      // IDLE is restarted this often, so a silently dropped connection is noticed
      maxIdleTime: 5 * 60_000,
    });
    // imapflow reports socket failures as 'error' events; without a listener they would end the process
    client.on('error', (error: unknown) => this.options.log?.(`${this.name}: ${describeImapError(error, this.#where()).message}`));
    return client;
  }

  /** Forgets the reading connection (closing it); the next use connects again. */
  #drop(): void {
    const client = this.#main;
    this.#main = undefined;
    client?.close();
  }

  /** The connection for reading and acting, reconnected when it was dropped. */
  async #client(): Promise<Client> {
    if (this.#closed) throw new ImapProviderError({ stage: 'command', retryable: false, message: `provider ${this.name} is closed` });
    if (this.#main?.usable) return this.#main;
    if (!this.#connecting) {
      this.#connecting = (async () => {
        const client = this.#newClient();
        try {
          await client.connect();
        } catch (error) {
          client.close();
          throw this.#fail(error);
        }
        this.#main = client;
        return client;
      })().finally(() => {
        this.#connecting = undefined;
      });
    }
    return this.#connecting;
  }

  async check(): Promise<ConnectReport> {
    const checks: ConnectReport['checks'] = [];
    const o = this.options;
    const report = (): ConnectReport => ({ provider: this.name, kind: 'imap', ok: checks.every((c) => c.ok), checks });
    const client = this.#newClient();
    try {
      await client.connect();
    } catch (error) {
      client.close();
      const described = describeImapError(error, this.#where());
      if (described.stage === 'auth') {
        checks.push({ name: 'reachable', ok: true, en: `${o.host}:${o.port} answers as an IMAP server`, ja: `${o.host}:${o.port} は IMAP サーバーとして応答しています` });
        checks.push({
          name: 'authenticated',
          ok: false,
          ...(described.retryable
            ? { en: described.message, ja: `サーバーが ${o.user} のログインを今は確認できません。しばらくしてから再試行してください` }
            : {
                en: `login refused for ${o.user}: wrong password or token, or the account is locked`,
                ja: `${o.user} のログインが拒否されました。パスワードまたはトークンの誤りか、アカウントのロックです`,
              }),
        });
      } else {
        checks.push({ name: 'reachable', ok: false, en: described.message, ja: `IMAP サーバー ${o.host}:${o.port} に接続できません（${described.message}）` });
      }
      return report();
    }
    try {
      checks.push({
        name: 'reachable',
        ok: true,
        en: `${o.host}:${o.port} answers${o.secure ? ' over TLS' : ' (plain, on this machine)'}`,
        ja: `${o.host}:${o.port} が応答しています${o.secure ? '（TLS）' : '（暗号化なし・このマシン上）'}`,
      });
      checks.push({ name: 'authenticated', ok: true, en: `logged in as ${o.user}`, ja: `${o.user} としてログインしました` });
      const present = new Set((await client.list()).map((box) => box.path));
      for (const folder of o.folders) {
        const ok = present.has(folder.path) || folder.path.toUpperCase() === 'INBOX';
        checks.push({
          name: `folder:${folder.path}`,
          ok,
          en: ok ? `folder ${folder.path} is there (read as ${folder.role} mail)` : `folder ${folder.path} does not exist on the server; fix folders in the config`,
          ja: ok ? `フォルダー ${folder.path} があります（${folder.role === 'sent' ? '送信済み' : '受信'}メールとして読みます）` : `フォルダー ${folder.path} がサーバーにありません。設定の folders を直してください`,
        });
      }
      const quarantine = present.has(o.quarantineFolder);
      checks.push({
        name: 'quarantine',
        ok: true,
        en: quarantine ? `quarantine folder ${o.quarantineFolder} is there` : `quarantine folder ${o.quarantineFolder} will be created on the first quarantine`,
        ja: quarantine ? `隔離フォルダー ${o.quarantineFolder} があります` : `隔離フォルダー ${o.quarantineFolder} は最初の隔離のときに作成されます`,
      });
      const idle = client.capabilities.has('IDLE');
      checks.push({
        name: 'idle',
        ok: true,
        en: idle ? 'new mail is noticed at once (IDLE)' : `the server has no IDLE: new mail is looked for every ${o.pollSeconds} s`,
        ja: idle ? '新着メールはすぐに検知されます（IDLE）' : `サーバーが IDLE に対応していないため、${o.pollSeconds} 秒ごとに確認します`,
      });
      const move = client.capabilities.has('MOVE');
      checks.push({
        name: 'move',
        ok: true,
        en: move ? 'quarantine moves messages with MOVE' : 'the server has no MOVE: quarantine copies, then deletes the original',
        ja: move ? '隔離は MOVE で移動します' : 'サーバーが MOVE に対応していないため、隔離はコピー後に元を削除します',
      });
    } catch (error) {
      const described = describeImapError(error, this.#where());
      checks.push({ name: 'folders', ok: false, en: described.message, ja: `フォルダー一覧を読めませんでした（${described.message}）` });
    } finally {
      await client.logout().catch(() => client.close());
    }
    return report();
  }

  async *fetchNew(cursors: ReadonlyMap<string, string>, signal?: AbortSignal): AsyncIterable<FetchedItem> {
    let present: Set<string>;
    try {
      present = new Set((await (await this.#client()).list()).map((box) => box.path));
    } catch (error) {
      throw this.#fail(error);
    }
    for (const folder of this.options.folders) {
      if (signal?.aborted) return;
      // a folder that is not there (yet) is passed over, said once; `kizuki connect` reports it too
      if (!present.has(folder.path) && folder.path.toUpperCase() !== 'INBOX') {
        if (!this.#missingSaid.has(folder.path)) this.options.log?.(`${this.name}: folder ${folder.path} does not exist on the server; it is skipped until it does`);
        this.#missingSaid.add(folder.path);
        continue;
      }
      this.#missingSaid.delete(folder.path);
      yield* this.#fetchFolder(folder, cursors.get(`mail:${folder.path}`), signal);
    }
  }

  async *#fetchFolder(folder: ImapFolder, cursor: string | undefined, signal?: AbortSignal): AsyncGenerator<FetchedItem> {
    const scope = `mail:${folder.path}`;
    let client = await this.#client();
    const previous = parseImapCursor(cursor);
    let uidValidity: string;
    let after = 0;
    let uids: number[];
    let top: number;
    try {
      let lock: Awaited<ReturnType<Client['getMailboxLock']>>;
      try {
        lock = await client.getMailboxLock(folder.path, { readOnly: true });
      } catch (error) {
        // a server restarted or restored under an open connection can answer NO on a folder it still has; a fresh
        // connection sees it as it is now
        this.options.log?.(`${this.name}: opening ${folder.path} failed (${describeImapError(error, this.#where()).message}); reconnecting`);
        this.#drop();
        client = await this.#client();
        lock = await client.getMailboxLock(folder.path, { readOnly: true });
      }
      try {
        // a folder that stayed selected since the last read learns of new mail only at a sync point: NOOP is one
        await client.noop();
        const box = client.mailbox;
        if (!box) throw new Error(`folder ${folder.path} could not be opened`);
        uidValidity = String(box.uidValidity);
        // a changed UIDVALIDITY means the old UIDs name nothing: read the folder again from the start (the store
        // keeps one record per message and events have stable ids, so nothing is counted twice)
        if (previous && previous.uidValidity === uidValidity) after = previous.uid;
        if (previous && previous.uidValidity !== uidValidity) {
          this.options.log?.(`${this.name}: ${folder.path} has a new UIDVALIDITY (${previous.uidValidity} → ${uidValidity}); reading it again`);
        }
        top = Math.max(after, (box.uidNext ?? 1) - 1);
        if (box.exists === 0) uids = [];
        else if (!previous && this.options.backfillDays !== 'all') {
          const now = this.options.now?.() ?? new Date();
          const since = new Date(now.getTime() - this.options.backfillDays * 86_400_000);
          uids = this.options.backfillDays === 0 ? [] : ((await client.search({ since }, { uid: true })) || []);
        } else {
          uids = (await client.search({ uid: `${after + 1}:*` }, { uid: true })) || [];
        }
      } finally {
        lock.release();
      }
    } catch (error) {
      throw this.#fail(error);
    }
    uids = [...new Set(uids.filter((uid) => uid > after))].sort((a, b) => a - b);
    if (uids.length === 0) {
      const value = `${uidValidity}:${top}`;
      if (value !== cursor) yield { type: 'cursor', cursor: { scope, value } };
      return;
    }
    const role = folder.role;
    for (let start = 0; start < uids.length; start += FETCH_BATCH) {
      if (signal?.aborted) return;
      const batch = uids.slice(start, start + FETCH_BATCH);
      const fetched: FetchedMessage[] = [];
      try {
        const lock = await client.getMailboxLock(folder.path, { readOnly: true });
        try {
          // the folder may have been reset while we read it; the next fetch starts over
          if (String(client.mailbox ? client.mailbox.uidValidity : '') !== uidValidity) return;
          for await (const message of client.fetch(uidSet(batch), { uid: true, source: true, internalDate: true }, { uid: true })) {
            if (!message.source) continue;
            const time = message.internalDate ? new Date(message.internalDate) : undefined;
            fetched.push({
              account: this.options.account,
              folder: role === 'sent' ? 'sent' : role === 'inbox' ? 'inbox' : 'other',
              providerId: `${uidValidity}:${message.uid}`,
              location: folder.path,
              raw: new Uint8Array(message.source.buffer, message.source.byteOffset, message.source.byteLength),
              ...(time && !Number.isNaN(time.getTime()) ? { time: time.toISOString() } : {}),
            });
          }
        } finally {
          lock.release();
        }
      } catch (error) {
        throw this.#fail(error);
      }
      fetched.sort((a, b) => Number(a.providerId.split(':')[1]) - Number(b.providerId.split(':')[1]));
      for (const message of fetched) {
        yield { type: 'message', message, cursor: { scope, value: message.providerId } };
      }
      // a UID that vanished between SEARCH and FETCH (deleted meanwhile) is passed over
      const last = batch.at(-1);
      const lastFetched = fetched.at(-1);
      if (last !== undefined && lastFetched && Number(lastFetched.providerId.split(':')[1]) < last) {
        yield { type: 'cursor', cursor: { scope, value: `${uidValidity}:${last}` } };
      } else if (last !== undefined && !lastFetched) {
        yield { type: 'cursor', cursor: { scope, value: `${uidValidity}:${last}` } };
      }
    }
  }

  /** The folder IDLE watches: the first inbox-role folder (or the first folder). */
  #idleFolder(): string {
    return (this.options.folders.find((f) => f.role === 'inbox') ?? this.options.folders[0])?.path ?? 'INBOX';
  }

  async #openWatcher(): Promise<Client> {
    const client = this.#newClient();
    try {
      await client.connect();
      await client.mailboxOpen(this.#idleFolder(), { readOnly: true });
    } catch (error) {
      client.close();
      throw this.#fail(error);
    }
    const notify = () => {
      this.#changed = true;
      this.#wake?.();
    };
    client.on('exists', notify);
    client.on('close', () => {
      if (this.#watcher === client) this.#watcher = undefined;
      this.#wake?.();
    });
    // start IDLE now rather than after imapflow's auto-IDLE delay
    client.idle().catch(() => {});
    return client;
  }

  async waitForChange(signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw abortError();
    if (!this.#watcher?.usable) {
      // (re)connect with exponential backoff; once connected, report a change: mail may have come meanwhile
      for (;;) {
        try {
          this.#watcher = await this.#openWatcher();
          this.#backoff = this.options.reconnect.minMs;
          this.#changed = false;
          return;
        } catch (error) {
          const described = this.#fail(error).described;
          if (!described.retryable) throw this.#fail(error);
          this.options.log?.(`${this.name}: ${described.message}; trying again in ${Math.round(this.#backoff / 1000)} s`);
          await sleep(this.#backoff, signal);
          this.#backoff = Math.min(this.#backoff * 2, this.options.reconnect.maxMs);
        }
      }
    }
    if (this.#changed) {
      this.#changed = false;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.#wake = undefined;
        if (error) reject(error);
        else resolve();
      };
      const onAbort = () => done(abortError());
      // folders other than the watched one are looked at on this timer
      const timer = setTimeout(() => done(), this.options.pollSeconds * 1000);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#wake = () => done();
    });
    this.#changed = false;
  }

  async fetchByMessageId(account: string, messageId: string): Promise<FetchedMessage | undefined> {
    if (account.toLowerCase() !== this.options.account) return undefined;
    const client = await this.#client().catch((error) => {
      throw this.#fail(error);
    });
    const id = messageId.replace(/^<|>$/g, '');
    const folders = [...this.options.folders, { path: this.options.quarantineFolder, role: 'other' as const }];
    const present = new Set((await client.list()).map((box) => box.path));
    for (const folder of folders) {
      if (!present.has(folder.path) && folder.path.toUpperCase() !== 'INBOX') continue;
      const lock = await client.getMailboxLock(folder.path, { readOnly: true });
      try {
        await client.noop();
        const uids = (await client.search({ header: { 'message-id': `<${id}>` } }, { uid: true })) || [];
        const uid = uids[0];
        if (uid === undefined) continue;
        const message = await client.fetchOne(String(uid), { uid: true, source: true, internalDate: true }, { uid: true });
        if (message === false || message.source === undefined) continue;
        const uidValidity = String(client.mailbox ? client.mailbox.uidValidity : '');
        const time = message.internalDate ? new Date(message.internalDate) : undefined;
        return {
          account: this.options.account,
          folder: folder.role === 'sent' ? 'sent' : folder.role === 'inbox' ? 'inbox' : 'other',
          providerId: `${uidValidity}:${message.uid}`,
          location: folder.path,
          raw: new Uint8Array(message.source),
          ...(time && !Number.isNaN(time.getTime()) ? { time: time.toISOString() } : {}),
        };
      } finally {
        lock.release();
      }
    }
    return undefined;
  }

  async act(request: ActionRequest): Promise<ActionResult> {
    const calls: ApiCall[] = [];
    const gap = IMAP_GAPS.find((g) => g.capability === `action.${request.kind}`);
    if (!IMAP_CAPABILITIES.has(`action.${request.kind}`)) {
      return {
        status: 'unsupported',
        calls,
        en: gap?.en ?? `IMAP cannot do ${request.kind}.`,
        ja: gap?.ja ?? `IMAP では ${request.kind} を実行できません。`,
      };
    }
    if (!request.messageId) {
      return { status: 'failed', calls, en: `${request.kind} needs the Message-ID of the message`, ja: `${request.kind} にはメッセージの Message-ID が必要です`, error: 'no messageId', retryable: false };
    }
    if (request.account && request.account.toLowerCase() !== this.options.account) {
      return {
        status: 'nothing-to-do',
        calls,
        en: `this provider reaches only the mailbox ${this.options.account}, not ${request.account}`,
        ja: `このプロバイダーが扱えるのはメールボックス ${this.options.account} だけで、${request.account} は対象外です`,
      };
    }
    const messageId = request.messageId.replace(/^<|>$/g, '');
    try {
      const client = await this.#client();
      switch (request.kind) {
        case 'quarantine-message':
          return await this.#quarantine(client, messageId, request.dryRun, calls);
        case 'release-message':
          return await this.#release(client, messageId, request.dryRun, calls);
        case 'delete-message':
          return await this.#delete(client, messageId, request.dryRun, calls);
        default:
          return await this.#flag(client, messageId, request.dryRun, calls);
      }
    } catch (error) {
      const described = this.#fail(error).described;
      return {
        status: 'failed',
        calls,
        en: `${request.kind} of <${messageId}> in ${this.options.account} failed: ${described.message}`,
        ja: `${this.options.account} の <${messageId}> に対する ${request.kind} に失敗しました：${described.message}`,
        error: described.message,
        retryable: described.retryable,
      };
    }
  }

  /** SELECT (or EXAMINE in a dry run) the folder and search it for the Message-ID; the commands go into `calls`. */
  async #find(client: Client, folder: string, messageId: string, readOnly: boolean, calls: ApiCall[]): Promise<{ uids: number[]; release: () => void }> {
    const lock = await client.getMailboxLock(folder, { readOnly });
    calls.push({ method: 'IMAP', path: `${readOnly ? 'EXAMINE' : 'SELECT'} ${quote(folder)}`, status: 'OK' });
    try {
      await client.noop();
      const uids = ((await client.search({ header: { 'message-id': `<${messageId}>` } }, { uid: true })) || []).sort((a, b) => a - b);
      calls.push({ method: 'IMAP', path: `UID SEARCH HEADER Message-ID ${quote(`<${messageId}>`)}`, status: 'OK', body: { found: uids } });
      return { uids, release: () => lock.release() };
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  async #folderExists(client: Client, folder: string): Promise<boolean> {
    return folder.toUpperCase() === 'INBOX' || (await client.list()).some((box) => box.path === folder);
  }

  async #quarantine(client: Client, messageId: string, dryRun: boolean, calls: ApiCall[]): Promise<ActionResult> {
    const target = this.options.quarantineFolder;
    const found: Array<{ folder: string; uids: number[] }> = [];
    for (const folder of this.options.folders) {
      if (!(await this.#folderExists(client, folder.path))) continue;
      const { uids, release } = await this.#find(client, folder.path, messageId, true, calls);
      release();
      if (uids.length) found.push({ folder: folder.path, uids });
    }
    const exists = await this.#folderExists(client, target);
    const count = found.reduce((n, f) => n + f.uids.length, 0);
    if (count === 0) {
      let already = 0;
      if (exists) {
        const { uids, release } = await this.#find(client, target, messageId, true, calls);
        release();
        already = uids.length;
      }
      return already
        ? { status: 'nothing-to-do', calls, en: `<${messageId}> is already in ${target}`, ja: `<${messageId}> はすでに ${target} に隔離されています`, details: { quarantined: already } }
        : { status: 'nothing-to-do', calls, en: `<${messageId}> is not in ${this.options.account}`, ja: `<${messageId}> は ${this.options.account} にありません`, details: { found: 0 } };
    }
    if (!exists) {
      if (!dryRun) await client.mailboxCreate(target);
      calls.push({ method: 'IMAP', path: `CREATE ${quote(target)}`, ...(dryRun ? {} : { status: 'OK' }) });
    }
    const moved: Array<{ from: string; uids: number[] }> = [];
    for (const { folder, uids } of found) {
      const keyword = originKeyword(folder);
      if (dryRun) {
        calls.push({ method: 'IMAP', path: `SELECT ${quote(folder)}` });
        calls.push({ method: 'IMAP', path: `UID STORE ${uidSet(uids)} +FLAGS (${keyword})` });
        calls.push({ method: 'IMAP', path: `UID MOVE ${uidSet(uids)} ${quote(target)}` });
        continue;
      }
      const lock = await client.getMailboxLock(folder);
      try {
        calls.push({ method: 'IMAP', path: `SELECT ${quote(folder)}`, status: 'OK' });
        // the keyword travels with the message, so release knows where it came from
        await client.messageFlagsAdd(uidSet(uids), [keyword], { uid: true });
        calls.push({ method: 'IMAP', path: `UID STORE ${uidSet(uids)} +FLAGS (${keyword})`, status: 'OK' });
        const result = await client.messageMove(uidSet(uids), target, { uid: true });
        calls.push({ method: 'IMAP', path: `UID MOVE ${uidSet(uids)} ${quote(target)}`, status: result ? 'OK' : 'NO' });
        if (!result) throw new Error(`the server did not move the message out of ${folder}`);
        moved.push({ from: folder, uids });
      } finally {
        lock.release();
      }
    }
    const where = found.map((f) => f.folder).join(', ');
    return dryRun
      ? { status: 'dry-run', calls, en: `would move ${count} cop${count === 1 ? 'y' : 'ies'} of <${messageId}> from ${where} to ${target}`, ja: `<${messageId}> の ${count} 件を ${where} から ${target} へ移動します（試行）`, details: { found } }
      : { status: 'done', calls, en: `moved ${count} cop${count === 1 ? 'y' : 'ies'} of <${messageId}> from ${where} to ${target}`, ja: `<${messageId}> の ${count} 件を ${where} から ${target} へ隔離しました`, details: { moved } };
  }

  async #release(client: Client, messageId: string, dryRun: boolean, calls: ApiCall[]): Promise<ActionResult> {
    const source = this.options.quarantineFolder;
    const fallback = this.#idleFolder();
    if (!(await this.#folderExists(client, source))) {
      return { status: 'nothing-to-do', calls, en: `there is no ${source} folder: nothing is quarantined`, ja: `${source} フォルダーがないため、隔離中のメールはありません` };
    }
    const { uids, release } = await this.#find(client, source, messageId, dryRun, calls);
    try {
      if (uids.length === 0) {
        return { status: 'nothing-to-do', calls, en: `<${messageId}> is not in ${source}`, ja: `<${messageId}> は ${source} にありません` };
      }
      // where each copy came from, by the keyword quarantine left on it
      const byOrigin = new Map<string, { uids: number[]; keywords: string[] }>();
      for await (const message of client.fetch(uidSet(uids), { uid: true, flags: true }, { uid: true })) {
        const keywords = [...(message.flags ?? [])].filter((f) => f.startsWith(ORIGIN_PREFIX));
        const origin = keywords.map(folderFromKeyword).find((f): f is string => Boolean(f)) ?? fallback;
        const entry = byOrigin.get(origin) ?? { uids: [], keywords: [] };
        entry.uids.push(message.uid);
        entry.keywords.push(...keywords.filter((k) => !entry.keywords.includes(k)));
        byOrigin.set(origin, entry);
      }
      calls.push({ method: 'IMAP', path: `UID FETCH ${uidSet(uids)} (FLAGS)`, status: 'OK' });
      const moved: Array<{ to: string; uids: number[] }> = [];
      for (const [origin, { uids: group, keywords }] of byOrigin) {
        const set = uidSet(group.sort((a, b) => a - b));
        if (keywords.length) {
          if (!dryRun) await client.messageFlagsRemove(set, keywords, { uid: true });
          calls.push({ method: 'IMAP', path: `UID STORE ${set} -FLAGS (${keywords.join(' ')})`, ...(dryRun ? {} : { status: 'OK' }) });
        }
        if (!dryRun) {
          const result = await client.messageMove(set, origin, { uid: true });
          if (!result) throw new Error(`the server did not move the message back to ${origin}`);
        }
        calls.push({ method: 'IMAP', path: `UID MOVE ${set} ${quote(origin)}`, ...(dryRun ? {} : { status: 'OK' }) });
        moved.push({ to: origin, uids: group });
      }
      const where = [...byOrigin.keys()].join(', ');
      return dryRun
        ? { status: 'dry-run', calls, en: `would move <${messageId}> from ${source} back to ${where}`, ja: `<${messageId}> を ${source} から ${where} へ戻します（試行）`, details: { moved } }
        : { status: 'done', calls, en: `moved <${messageId}> from ${source} back to ${where}`, ja: `<${messageId}> を ${source} から ${where} へ戻しました`, details: { moved } };
    } finally {
      release();
    }
  }

  async #delete(client: Client, messageId: string, dryRun: boolean, calls: ApiCall[]): Promise<ActionResult> {
    const folders = [...this.options.folders.map((f) => f.path), this.options.quarantineFolder];
    let count = 0;
    const deleted: Array<{ folder: string; uids: number[] }> = [];
    for (const folder of folders) {
      if (!(await this.#folderExists(client, folder))) continue;
      const { uids, release } = await this.#find(client, folder, messageId, dryRun, calls);
      try {
        if (uids.length === 0) continue;
        count += uids.length;
        if (!dryRun) await client.messageDelete(uidSet(uids), { uid: true });
        const status = dryRun ? {} : { status: 'OK' };
        calls.push({ method: 'IMAP', path: `UID STORE ${uidSet(uids)} +FLAGS (\\Deleted)`, ...status });
        calls.push({ method: 'IMAP', path: `UID EXPUNGE ${uidSet(uids)}`, ...status });
        deleted.push({ folder, uids });
      } finally {
        release();
      }
    }
    if (count === 0) return { status: 'nothing-to-do', calls, en: `<${messageId}> is not in ${this.options.account}`, ja: `<${messageId}> は ${this.options.account} にありません` };
    return dryRun
      ? { status: 'dry-run', calls, en: `would delete ${count} cop${count === 1 ? 'y' : 'ies'} of <${messageId}> for good`, ja: `<${messageId}> の ${count} 件を完全に削除します（試行）`, details: { deleted } }
      : { status: 'done', calls, en: `deleted ${count} cop${count === 1 ? 'y' : 'ies'} of <${messageId}> for good`, ja: `<${messageId}> の ${count} 件を完全に削除しました`, details: { deleted } };
  }

  async #flag(client: Client, messageId: string, dryRun: boolean, calls: ApiCall[]): Promise<ActionResult> {
    let count = 0;
    for (const folder of this.options.folders) {
      if (!(await this.#folderExists(client, folder.path))) continue;
      const { uids, release } = await this.#find(client, folder.path, messageId, dryRun, calls);
      try {
        if (uids.length === 0) continue;
        count += uids.length;
        if (!dryRun) await client.messageFlagsAdd(uidSet(uids), ['\\Flagged', FLAG_KEYWORD], { uid: true });
        calls.push({ method: 'IMAP', path: `UID STORE ${uidSet(uids)} +FLAGS (\\Flagged ${FLAG_KEYWORD})`, ...(dryRun ? {} : { status: 'OK' }) });
      } finally {
        release();
      }
    }
    if (count === 0) return { status: 'nothing-to-do', calls, en: `<${messageId}> is not in ${this.options.account}`, ja: `<${messageId}> は ${this.options.account} にありません` };
    return {
      status: dryRun ? 'dry-run' : 'done',
      calls,
      en: `${dryRun ? 'would flag' : 'flagged'} ${count} cop${count === 1 ? 'y' : 'ies'} of <${messageId}> as phishing`,
      ja: `<${messageId}> の ${count} 件にフィッシングの印を付け${dryRun ? 'ます（試行）' : 'ました'}`,
      details: { flagged: count },
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wake?.();
    const clients = [this.#main, this.#watcher].filter((c): c is Client => Boolean(c));
    this.#main = undefined;
    this.#watcher = undefined;
    await Promise.all(clients.map((c) => (c.usable ? c.logout().catch(() => c.close()) : Promise.resolve(c.close()))));
  }
}
