// Turning one raw message into an AccountEvent: through the real pipeline (analyse + detect) when it
// is given, and through the bounce parser for delivery reports.
import type { AccountEvent, AccountEventKind } from '../model/events.js';
import type { Analysis } from '../model/analysis.js';
import type { Verdict } from '../model/verdict.js';
import { parseBounce } from './bounce.js';
import { stableId } from './event.js';
import { loadDetector } from '../detect/index.js';
import { analyse } from '../mail/analyse.js';
import { defaultAnalyseOptions } from '../mail/options.js';

/** Analyse and judge one raw message (the mail-core + detection stages, injected). */
export type MessageJudge = (raw: Uint8Array) => Promise<{ analysis: Analysis; verdict: Verdict }>;

/** The event data a judged message contributes. */
export function messageData(analysis: Analysis, verdict?: Verdict): Record<string, unknown> {
  const data: Record<string, unknown> = {
    messageId: analysis.messageId,
    subject: analysis.subject,
    from: analysis.from.address,
    to: analysis.to.map((a) => a.address).filter(Boolean),
    cc: analysis.cc.map((a) => a.address).filter(Boolean),
    bcc: analysis.bcc.map((a) => a.address).filter(Boolean),
    attachmentHashes: analysis.attachments.filter((a) => a.depth === 0).map((a) => a.sha256),
    linkDomains: [...new Set(analysis.links.map((l) => l.registrableDomain).filter(Boolean))],
    sha256: analysis.sha256,
  };
  // the sending client and the network it submitted from: what "the account's usual client" is made of
  const userAgent = analysis.headers.find((h) => h.key === 'user-agent' || h.key === 'x-mailer')?.value.trim();
  if (userAgent) data.userAgent = userAgent;
  const origin = [...analysis.received].sort((x, y) => y.index - x.index).find((hop) => hop.ip)?.ip;
  if (origin) data.originIp = origin;
  if (verdict) {
    data.verdict = verdict.verdict;
    data.score = verdict.score;
    data.reasons = verdict.reasons.map((r) => r.ruleId);
  }
  return data;
}

export interface RawMessageInput {
  raw: Uint8Array;
  /** the mailbox the message was found in */
  account: string;
  /** 'sent' for a Sent folder, 'inbox' otherwise */
  folder: 'sent' | 'inbox';
  source: string;
  /** time to use when the message has no usable Date */
  fallbackTime: string;
  /** position inside the source (mbox index), for a stable id */
  position: string;
}

/**
 * One message → message.sent, message.received or message.bounce. Bounces are recognised by the
 * bounce parser whatever the folder; auto-replies and feedback reports stay message.received.
 */
export async function messageEvent(input: RawMessageInput, judge?: MessageJudge): Promise<AccountEvent> {
  const bounce = input.folder === 'inbox' ? await parseBounce(input.raw) : undefined;
  const judged = judge ? await judge(input.raw) : undefined;
  const data: Record<string, unknown> = judged ? messageData(judged.analysis, judged.verdict) : {};
  let kind: AccountEventKind = input.folder === 'sent' ? 'message.sent' : 'message.received';
  if (bounce && (bounce.kind === 'dsn' || bounce.kind === 'non-standard-bounce') && bounce.failed) {
    kind = 'message.bounce';
    Object.assign(data, {
      kind: bounce.kind,
      recipients: bounce.recipients,
      status: bounce.status,
      diagnostic: bounce.diagnostic,
      reportingMta: bounce.reportingMta,
      originalMessageId: bounce.original.messageId,
      originalSubject: bounce.original.subject,
      failed: true,
    });
  } else if (bounce) {
    data.reportKind = bounce.kind;
  }
  const dated = judged?.analysis.date;
  const time = dated && !Number.isNaN(Date.parse(dated)) ? new Date(dated).toISOString() : input.fallbackTime;
  const key = judged?.analysis.sha256 ?? input.position;
  return {
    id: stableId('evt', input.source, input.account, input.folder, key, input.position),
    kind,
    time,
    account: input.account.toLowerCase(),
    source: input.source,
    data,
    raw: { folder: input.folder, position: input.position, ...(judged ? { sha256: judged.analysis.sha256 } : {}) },
  };
}

/** The real pipeline: analyse() and the detector, as `kizuki scan` uses them. */
export async function loadPipelineJudge(orgDomains: string[], now: () => Date): Promise<MessageJudge> {
  const detector = await loadDetector({ ruleDirs: [], orgDomains });
  const analyseOptions = defaultAnalyseOptions({ orgDomains, now });
  return async (raw) => {
    const analysis = await analyse(raw, analyseOptions);
    return { analysis, verdict: detector.judge(analysis) };
  };
}
