// Builds the incident record from what Kizuki already knows: the correlated incident, its signals, the account
// events behind them (judged messages carry their verdicts) and the action log. Pure: no I/O, no clock.
import { domainOf, isInternal, stableId, strings, text } from '../events/event.js';
import type { AccountEvent, Incident, Signal } from '../model/events.js';
import type { ActionRecord } from '../model/response.js';
import { indicator } from './record-indicators.js';
import {
  type AffectedAccount,
  deriveFigures,
  type Device,
  type Evidence,
  type IncidentRecord,
  type Indicator,
  type OutsideRecipient,
  RECORD_SCHEMA,
  type RecordTimelineEntry,
  sortTimeline,
  type Task,
  type TimelineSource,
} from './record.js';

export interface RecordInputs {
  incident: Incident;
  /** the incident's signals (any order) */
  signals: readonly Signal[];
  /** account events of the incident's accounts, at least from the first evidence on (any order) */
  events: readonly AccountEvent[];
  /** the action log's rows for this incident */
  actions?: readonly ActionRecord[];
  orgDomains: readonly string[];
  /** when the record is written (recordedAt of the automatic entries) */
  now: string;
  /** evidence the caller could read (raw sample messages…): sha256 → where it came from */
  evidenceSources?: ReadonlyMap<string, { name: string; source: string; size: number }>;
}

/** Detectors whose signal says the account itself was used by someone else, not merely that it received a lure. */
const TARGET_ONLY = new Set(['takeover.campaign.lure-received', 'takeover.campaign.internal']);
const CONTAINMENT = new Set(['suspend', 'sign-out', 'force-password-change', 'revoke-oauth', 'revoke-app-passwords']);
/** Timeline kinds a customer letter shows (the rest is for the people running the incident). */
const LETTER_KINDS = new Set([
  'verdict.lure',
  'signal:takeover.signin.new-country',
  'event.first-malicious-send',
  'event.last-malicious-send',
  'signal:takeover.campaign.outbound',
  'signal:takeover.bounce-flood',
  'signal:takeover.campaign.internal',
  'incident.opened',
]);
const MALICIOUS = new Set(['malicious', 'suspicious']);

function byTime<T extends { time: string }>(a: T, b: T): number {
  return a.time < b.time ? -1 : a.time > b.time ? 1 : 0;
}

export function buildRecord(input: RecordInputs): IncidentRecord {
  const { incident, orgDomains } = input;
  const signals = [...input.signals].sort(byTime);
  const events = [...input.events].sort(byTime);
  const eventById = new Map(events.map((e) => [e.id, e]));
  const actions = [...(input.actions ?? [])].sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0));

  // accounts: compromised when any takeover signal names them; targeted when they only received the lure
  const accounts = new Map<string, AffectedAccount>();
  for (const s of signals) {
    // a signal the detectors grade 'review' (routine-looking behaviour) does not make an account compromised
    const role = TARGET_ONLY.has(s.detector) || s.strength === 'review' ? 'targeted' : 'compromised';
    const old = accounts.get(s.account);
    if (!old) accounts.set(s.account, { account: s.account, role, firstSeen: s.time });
    else if (role === 'compromised') old.role = 'compromised';
  }
  for (const a of incident.accounts) if (!accounts.has(a)) accounts.set(a, { account: a, role: 'targeted', firstSeen: incident.openedAt });
  const compromised = [...accounts.values()].filter((a) => a.role === 'compromised').map((a) => a.account);

  // the lure: the message behind the first "lure received" signal, else the first malicious message received
  const lureSignal = signals.find((s) => s.detector === 'takeover.campaign.lure-received');
  const lureEvent =
    lureSignal?.evidence.map((id) => eventById.get(id)).find((e) => e?.kind === 'message.received') ??
    events.find((e) => e.kind === 'message.received' && MALICIOUS.has(text(e.data.verdict)) && !isInternal(text(e.data.from), orgDomains));
  const markers = new Set<string>([...strings(lureEvent?.data.attachmentHashes), ...strings(lureEvent?.data.linkDomains).map((d) => `d:${d}`)]);

  // malicious mail sent from compromised accounts: judged so, named by a signal, or carrying the lure's markers
  const evidenced = new Set(signals.flatMap((s) => s.evidence));
  const isLureCopy = (e: AccountEvent) =>
    MALICIOUS.has(text(e.data.verdict)) ||
    evidenced.has(e.id) && text(e.data.verdict) !== 'clean' ||
    strings(e.data.attachmentHashes).some((h) => markers.has(h)) ||
    strings(e.data.linkDomains).some((d) => markers.has(`d:${d}`));
  const start = lureEvent?.time ?? incident.firstEvidenceAt;
  const maliciousSent = events.filter((e) => e.kind === 'message.sent' && compromised.includes(e.account) && e.time >= start && isLureCopy(e));

  const recipients = new Map<string, OutsideRecipient>();
  for (const e of maliciousSent) {
    for (const address of new Set([...strings(e.data.to), ...strings(e.data.cc), ...strings(e.data.bcc)].map((a) => a.toLowerCase()))) {
      if (!address.includes('@') || isInternal(address, orgDomains)) continue;
      let r = recipients.get(address);
      if (!r) {
        r = { address, domain: domainOf(address), firstSentAt: e.time, lastSentAt: e.time, sentFrom: e.account, messages: [] };
        recipients.set(address, r);
      }
      if (e.time < r.firstSentAt) r.firstSentAt = e.time;
      if (e.time > r.lastSentAt) r.lastSentAt = e.time;
      const m: OutsideRecipient['messages'][number] = { at: e.time, subject: text(e.data.subject), eventId: e.id };
      const mid = text(e.data.messageId);
      if (mid) m.messageId = mid.replace(/^<|>$/g, '');
      r.messages.push(m);
    }
  }

  // contacts the attacker could read: everyone the compromised accounts ever wrote to (the record's own knowledge)
  const contacts = new Set<string>();
  for (const e of events) {
    if (e.kind !== 'message.sent' || !compromised.includes(e.account)) continue;
    for (const a of [...strings(e.data.to), ...strings(e.data.cc), ...strings(e.data.bcc)]) if (a.includes('@') && a.toLowerCase() !== e.account) contacts.add(a.toLowerCase());
  }
  const hasFileAccess = events.some((e) => e.kind.startsWith('file.') || e.kind.startsWith('drive.'));

  const containedByAction = actions.find((a) => CONTAINMENT.has(a.kind) && a.status === 'done' && !a.dryRun);
  const containedAt = incident.containedAt ?? containedByAction?.endedAt ?? containedByAction?.startedAt;
  const record: IncidentRecord = {
    schema: RECORD_SCHEMA,
    incidentId: incident.id,
    title: { en: incident.title, ja: incident.titleJa ?? incident.title },
    kind: compromised.length > 0 ? 'account-takeover' : 'credential-phishing',
    severity: incident.severity,
    phase: incident.phase === 'detected' && containedAt ? 'contained' : incident.phase,
    times: { firstMaliciousAt: incident.firstEvidenceAt, detectedAt: incident.openedAt },
    accounts: [...accounts.values()].sort((a, b) => (a.firstSeen < b.firstSeen ? -1 : 1)),
    devices: compromised.map((a): Device => ({ name: `computer used by ${a}`, owner: a, note: 'to be checked, disconnected and re-imaged' })),
    outsideRecipients: [...recipients.values()].sort((a, b) => (a.address < b.address ? -1 : 1)),
    exposedContacts: exposure(compromised, contacts.size, hasFileAccess),
    indicators: indicators(lureEvent, maliciousSent, signals, eventById, knownGood(events, incident.firstEvidenceAt, orgDomains, lureEvent)),
    evidence: evidence(events, input),
    tasks: tasks(incident.id, compromised, recipients.size, input.now),
    timeline: [],
    orgDomains: [...orgDomains],
    updatedAt: input.now,
  };
  if (incident.evidence) record.evidenceStrength = incident.evidence;
  if (containedAt) record.times.containedAt = containedAt;
  if (incident.closedAt) record.times.closedAt = incident.closedAt;
  if (lureEvent) {
    record.lure = {
      subject: text(lureEvent.data.subject),
      from: text(lureEvent.data.from),
      receivedAt: lureEvent.time,
      receivedBy: lureEvent.account,
      linkDomains: strings(lureEvent.data.linkDomains),
      attachmentHashes: strings(lureEvent.data.attachmentHashes),
    };
    const verdict = text(lureEvent.data.verdict);
    if (verdict) record.lure.verdict = verdict;
  }
  record.timeline = timeline(input, record, lureEvent, maliciousSent, actions);
  return deriveFigures(record);
}

function exposure(compromised: string[], contacts: number, fileAccess: boolean): IncidentRecord['exposedContacts'] {
  if (compromised.length === 0) {
    return {
      count: 0,
      basis: { en: 'No account is known to have been used by someone else, so no address book was exposed.', ja: '第三者に使われたことが確認されたアカウントはなく、アドレス帳が漏れた形跡はありません。' },
    };
  }
  const who = compromised.join(', ');
  return {
    count: contacts,
    basis: {
      en:
        `Whoever held the password of ${who} could read that mailbox and its contacts; the record holds ${contacts} distinct addresses those accounts have written to, so those contacts may be known to the attacker. ` +
        (fileAccess
          ? 'The record also holds file-access events; they must be reviewed before any statement about files.'
          : 'The record holds no event of access to files, shared drives or other systems: the password opened the mail account only, and customer data kept elsewhere (for example on a file server) was not reached through it.'),
      ja:
        `${who} のパスワードを入手した者は、そのメールボックスと連絡先を閲覧できました。記録上、これらのアカウントがメールを送ったことのある宛先は ${contacts} 件あり、これらの連絡先は攻撃者に知られた可能性があります。` +
        (fileAccess
          ? '記録にはファイルへのアクセスも含まれているため、ファイルについて判断する前に確認が必要です。'
          : '記録には、ファイル・共有ドライブ・その他のシステムへのアクセスは一件もありません。盗まれたパスワードで使えたのはメールアカウントだけであり、ファイルサーバー等の別の場所にある顧客データには、この経路では到達されていません。'),
    },
  };
}

/** Domains and addresses that are not indicators: the organisation's own, the partner's real domain, and the IPs the accounts used before. */
function knownGood(events: AccountEvent[], before: string, orgDomains: readonly string[], lure: AccountEvent | undefined): Set<string> {
  const good = new Set<string>(orgDomains.map((d) => d.toLowerCase()));
  const sender = text(lure?.data.from);
  if (sender.includes('@')) good.add(domainOf(sender));
  for (const e of events) if (e.kind === 'signin.success' && e.time < before && text(e.data.ip)) good.add(text(e.data.ip));
  return good;
}

function indicators(lure: AccountEvent | undefined, sent: AccountEvent[], signals: Signal[], eventById: Map<string, AccountEvent>, good: Set<string>): Indicator[] {
  const out = new Map<string, Indicator>();
  const add = (type: Indicator['type'], value: string, at: string, note: string) => {
    if ((type === 'domain' || type === 'ipv4' || type === 'ipv6') && good.has(value.toLowerCase())) return;
    const ind = indicator(type, value, at, note);
    if (!ind) return;
    const key = `${ind.type}|${ind.value}`;
    const old = out.get(key);
    if (!old) out.set(key, ind);
    else {
      if (at < old.firstSeen) old.firstSeen = at;
      if (at > old.lastSeen) old.lastSeen = at;
    }
  };
  for (const e of [...(lure ? [lure] : []), ...sent]) {
    const which = e === lure ? 'the lure received' : 'the lure sent from the compromised account';
    if (e === lure) add('email-address', text(e.data.from), e.time, 'sender of the lure (a real partner account, itself compromised)');
    add('subject', text(e.data.subject), e.time, `subject of ${which}`);
    add('message-id', text(e.data.messageId), e.time, `Message-ID of ${which}`);
    for (const d of strings(e.data.linkDomains)) add('domain', d, e.time, 'domain of the fake sign-in page');
    for (const u of strings(e.data.linkUrls)) add('url', u, e.time, 'link to the fake sign-in page');
    for (const h of strings(e.data.attachmentHashes)) add('sha256', h, e.time, 'the PDF attached to the lure');
  }
  for (const s of signals) {
    if (!s.detector.startsWith('takeover.signin')) continue;
    for (const id of s.evidence) {
      const e = eventById.get(id);
      const ip = text(e?.data.ip) || text(s.data?.ip);
      if (ip && e?.kind === 'signin.success') add(ip.includes(':') ? 'ipv6' : 'ipv4', ip, e.time, `sign-in to ${e.account} from ${text(e.data.country) || 'an unusual place'}`);
    }
  }
  return [...out.values()].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : a.value < b.value ? -1 : 1));
}

function evidence(events: AccountEvent[], input: RecordInputs): Evidence[] {
  const out = new Map<string, Evidence>();
  for (const e of events) {
    const sha = text(e.data.sha256).toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(sha) || out.has(sha)) continue;
    const known = input.evidenceSources?.get(sha);
    const item: Evidence = {
      sha256: sha,
      kind: 'message',
      name: known?.name ?? (text(e.data.subject) || sha),
      mediaType: 'message/rfc822',
      size: known?.size ?? 0,
      custody: [{ actor: 'kizuki', at: input.now, action: 'collected', source: known?.source ?? `${e.source} (${e.kind} of ${e.account} at ${e.time})` }],
    };
    const mid = text(e.data.messageId).replace(/^<|>$/g, '');
    if (mid) item.messageId = mid;
    out.set(sha, item);
  }
  return [...out.values()];
}

function tasks(incidentId: string, compromised: string[], recipients: number, now: string): Task[] {
  const make = (key: string, title: string, titleJa: string): Task => ({ id: stableId('task', incidentId, key), title, titleJa, status: 'open', createdAt: now, updatedAt: now });
  const out: Task[] = [];
  for (const a of compromised) {
    out.push(make(`device|${a}`, `Disconnect the computer used by ${a} from the network, scan it and re-image it`, `${a} が使用するPCをネットワークから切り離し、スキャンした上で初期化する`));
    out.push(make(`password|${a}`, `Make sure ${a} has a new password and that it is not reused anywhere`, `${a} のパスワードが変更済みで、他で使い回されていないことを確認する`));
  }
  if (recipients > 0) out.push(make('notify', `Warn the ${recipients} outside recipients of the lure (kizuki incident export --recipients)`, `おとりメールを受け取った社外の ${recipients} 件の宛先に注意を呼びかける`));
  out.push(make('staff', 'Tell all staff about the lure and how to report one', '全社員におとりメールの内容と報告方法を周知する'));
  return out;
}

function entry(incidentId: string, now: string, source: TimelineSource, kind: string, at: string, en: string, ja: string, extra: Partial<RecordTimelineEntry> = {}): RecordTimelineEntry {
  return { id: stableId('tl', incidentId, source, kind, at, extra.ref ?? '', extra.account ?? ''), at, recordedAt: now, source, kind, en, ja, inLetter: LETTER_KINDS.has(kind), ...extra };
}

function timeline(input: RecordInputs, record: IncidentRecord, lure: AccountEvent | undefined, sent: AccountEvent[], actions: ActionRecord[]): RecordTimelineEntry[] {
  const id = input.incident.id;
  const now = input.now;
  const out: RecordTimelineEntry[] = [];
  for (const t of input.incident.timeline) {
    const source: TimelineSource = t.kind.startsWith('signal:') ? 'signal' : 'incident';
    const more = t.repeats ? { en: ` (${t.repeats} more like it within a day)`, ja: `(同様のもの他 ${t.repeats} 件)` } : { en: '', ja: '' };
    const extra: Partial<RecordTimelineEntry> = {};
    if (t.ref) extra.ref = t.ref;
    if (t.account) extra.account = t.account;
    out.push(entry(id, now, source, t.kind, t.time, t.en + more.en, t.ja + more.ja, extra));
  }
  if (lure && record.lure?.verdict) {
    out.push(
      entry(id, now, 'verdict', 'verdict.lure', lure.time, `"${record.lure.subject}" from ${record.lure.from} reached ${lure.account} and was judged ${record.lure.verdict}.`, `${record.lure.from} から「${record.lure.subject}」が ${lure.account} に届き、${record.lure.verdict} と判定されました。`, { account: lure.account, ref: lure.id }),
    );
  }
  const first = sent[0];
  const last = sent[sent.length - 1];
  if (first) {
    const n = record.outsideRecipients.length;
    out.push(
      entry(id, now, 'event', 'event.first-malicious-send', first.time, `The lure was first sent from ${first.account} to outside recipients in Bcc.`, `${first.account} から社外の宛先へ、おとりメールが Bcc で初めて送信されました。`, { account: first.account, ref: first.id }),
    );
    if (last && last !== first) {
      out.push(
        entry(id, now, 'event', 'event.last-malicious-send', last.time, `Last copy of the lure sent from ${last.account}; ${sent.length} sendings reached ${n} outside addresses in all.`, `${last.account} からのおとりメールの最後の送信。計 ${sent.length} 回の送信で、社外の ${n} 件の宛先に届きました。`, { account: last.account, ref: last.id }),
      );
    }
  }
  for (const a of actions) {
    const done = a.status === 'done' && !a.dryRun;
    const at = a.endedAt ?? a.startedAt;
    const error = a.error && !a.en.includes(a.error) ? `: ${a.error}` : '';
    const status = a.dryRun ? ' (dry run: nothing changed)' : a.status === 'done' ? '' : ` (${a.status}${error})`;
    const statusJa = a.dryRun ? '(ドライラン:変更なし)' : a.status === 'done' ? '' : `(${a.status}${error})`;
    const extra: Partial<RecordTimelineEntry> = { ref: a.id, inLetter: done || a.status === 'failed' };
    if (a.account) extra.account = a.account;
    out.push(entry(id, now, 'action', `action:${a.kind}:${a.dryRun ? 'dry-run' : a.status}`, at, `${a.en}${status}`, `${a.ja}${statusJa}`, extra));
  }
  // the letter names each kind of automatic finding once, at its first occurrence
  const sorted = sortTimeline(out);
  const shown = new Set<string>();
  for (const e of sorted) {
    if (!e.inLetter || e.source === 'action') continue;
    const key = `${e.kind}|${e.account ?? ''}`;
    if (shown.has(key)) e.inLetter = false;
    shown.add(key);
  }
  return sorted;
}
