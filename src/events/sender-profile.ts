// What an account's own sent mail usually looks like: which client (User-Agent / X-Mailer) and which
// network it leaves from, and what the detection stage said about each message's content. The behaviour
// detectors ask it whether a burst is the owner's routine (clean content, from no client or network new to the account)
// or something else; the bounce detector asks it what the bounced message was.
import type { AccountEvent } from '../model/events.js';
import type { TakeoverConfig } from './config.js';
import { text } from './event.js';
import { DAY } from './window.js';

export type ContentJudgement = 'lure' | 'clean' | 'spam' | 'unknown';
export type Familiarity = 'usual' | 'new' | 'unknown';

export interface SendAssessment {
  /** 'lure': judged malicious or suspicious; 'clean' or 'spam' as judged; 'unknown': not judged */
  content: ContentJudgement;
  client: Familiarity;
  network: Familiarity;
  /**
   * The owner's own routine: clean content from no client or network new to the account (when the events say
   * nothing about the client, nothing says it is new), or bulk mail judged spam from a client or network
   * positively known as the account's usual one.
   */
  routine: boolean;
}

interface Seen {
  count: number;
  last: number;
}

interface AccountProfile {
  clients: Map<string, Seen>;
  networks: Map<string, Seen>;
  clientSends: number;
  networkSends: number;
  /** Message-ID → assessment and time, for bounces that return it */
  messages: Map<string, { at: number; assessment: SendAssessment }>;
  sweptAt: number;
}

/** "Microsoft Outlook 16.0.17928.20114" and "Microsoft Outlook 16.0" are the same client. */
export function clientKey(userAgent: string): string {
  return userAgent
    .toLowerCase()
    .replace(/\([^)]*\)/g, ' ')
    .replace(/[0-9][0-9a-z._-]*/g, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The /24 of an IPv4 address, the /48 of an IPv6 address: the network, not the machine. */
export function networkKey(ip: string): string {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/.exec(ip.trim());
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  if (ip.includes(':')) {
    const groups = ip.trim().toLowerCase().split(':');
    return `${groups.slice(0, 3).join(':')}::/48`;
  }
  return '';
}

export class SenderProfiles {
  private readonly profiles = new Map<string, AccountProfile>();
  /** keyed by the event object itself: every detector sees the same object, and nothing needs forgetting */
  private readonly byEvent = new WeakMap<AccountEvent, SendAssessment>();

  constructor(private readonly config: TakeoverConfig) {}

  get size(): number {
    return this.profiles.size;
  }

  private profile(account: string): AccountProfile {
    let p = this.profiles.get(account);
    if (!p) {
      p = { clients: new Map(), networks: new Map(), clientSends: 0, networkSends: 0, messages: new Map(), sweptAt: 0 };
      this.profiles.set(account, p);
    }
    return p;
  }

  /**
   * Assess a message.sent against what the account did before, then learn from it. Call once per event, in
   * time order, before the detectors that ask about it.
   */
  observe(event: AccountEvent): SendAssessment | undefined {
    if (event.kind !== 'message.sent') return undefined;
    const known = this.byEvent.get(event);
    if (known) return known;
    const at = Date.parse(event.time);
    const p = this.profile(event.account);
    this.sweep(p, at);
    const verdict = text(event.data.verdict);
    const content: ContentJudgement = this.config.lateral.verdicts.includes(verdict)
      ? 'lure'
      : verdict === 'clean' || verdict === 'spam'
        ? verdict
        : 'unknown';
    const client = clientKey(text(event.data.userAgent));
    const network = text(event.data.network) || networkKey(text(event.data.originIp));
    const clientSeen = this.familiarity(p.clients, p.clientSends, client);
    const networkSeen = this.familiarity(p.networks, p.networkSends, network);
    const nothingNew = clientSeen !== 'new' && networkSeen !== 'new';
    const knownUsual = nothingNew && (clientSeen === 'usual' || networkSeen === 'usual');
    const routine = (content === 'clean' && nothingNew) || (content === 'spam' && knownUsual);
    const assessment: SendAssessment = { content, client: clientSeen, network: networkSeen, routine };
    // only the owner's clean mail teaches what is usual: a lure sent from a new client must not make it familiar
    if (content !== 'lure') {
      if (client) {
        this.learn(p.clients, client, at);
        p.clientSends++;
      }
      if (network) {
        this.learn(p.networks, network, at);
        p.networkSends++;
      }
    }
    this.byEvent.set(event, assessment);
    const messageId = text(event.data.messageId).trim().toLowerCase();
    if (messageId) p.messages.set(messageId, { at, assessment });
    return assessment;
  }

  /** The assessment of a sent message: the one observe() gave it, or a new one. */
  assessment(event: AccountEvent): SendAssessment | undefined {
    return this.byEvent.get(event) ?? this.observe(event);
  }

  /** The assessment of the account's sent message with this Message-ID, when it was seen. */
  sentMessage(account: string, messageId: string): SendAssessment | undefined {
    const id = messageId.trim().toLowerCase();
    if (!id) return undefined;
    return this.profiles.get(account)?.messages.get(id)?.assessment;
  }

  private familiarity(seen: Map<string, Seen>, sends: number, key: string): Familiarity {
    if (!key) return 'unknown';
    const count = seen.get(key)?.count ?? 0;
    if (count >= this.config.sender.usualAfter) return 'usual';
    if (count === 0 && sends >= this.config.sender.minHistory) return 'new';
    return 'unknown';
  }

  private learn(seen: Map<string, Seen>, key: string, at: number): void {
    const s = seen.get(key);
    if (s) {
      s.count++;
      s.last = at;
    } else seen.set(key, { count: 1, last: at });
  }

  /** Forget clients, networks and messages not seen within the baseline (once a day per account). */
  private sweep(p: AccountProfile, at: number): void {
    if (at - p.sweptAt < DAY) return;
    p.sweptAt = at;
    const horizon = at - this.config.baselineDays * DAY;
    for (const [key, s] of p.clients) if (s.last < horizon) p.clients.delete(key);
    for (const [key, s] of p.networks) if (s.last < horizon) p.networks.delete(key);
    for (const [id, m] of p.messages) {
      if (m.at < horizon) p.messages.delete(id);
    }
  }
}
