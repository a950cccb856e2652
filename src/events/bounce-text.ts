// Heuristics for bounces that are not RFC 3464 reports: the human-readable notices that
// Gmail, Exchange, Postfix, Sendmail, Exim, qmail and Japanese carriers write in plain text.

const ORIGINAL_MARKERS: RegExp[] = [
  /^[ \t]*-{2,}.*(original message|copy of the message|message (?:follows|headers)|returned message|undelivered message|original headers|rejected message|unsent message).*$/im,
  /^.*below this line is a copy of the message.*$/im,
  /^[ \t]*message headers follow\.?[ \t]*$/im,
  /^[ \t]*original message headers:?[ \t]*$/im,
  // not Sendmail's opening line "The original message was received at …", which starts the notice
  /^[ \t]*(?:the )?original message (?:was (?:attached|returned|included|as follows)|follows|is attached|is included)[^\n]*$/im,
  /^.*(?:元のメッセージ|送信メッセージ|以下.*(?:メッセージ|ヘッダ)).*$/im,
];
const HEADER_LINE = /^(return-path|received|from|to|subject|message-id|date|mime-version|content-type|dkim-signature|delivered-to|reply-to|cc|x-mailer):[ \t]/i;

export interface NoticeParts {
  /** the text written by the reporting system */
  notice: string;
  /** the returned copy of the original message (headers at least), when one follows */
  original?: string;
}

/** Split a bounce's text into the notice and the returned original message. */
export function splitAtOriginal(text: string): NoticeParts {
  let cut = -1;
  let originalStart = -1;
  for (const marker of ORIGINAL_MARKERS) {
    const match = marker.exec(text);
    if (match && (cut < 0 || match.index < cut)) {
      cut = match.index;
      originalStart = match.index + match[0].length;
    }
  }
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i + 1 < lines.length; i++) {
    const line = lines[i] ?? '';
    if (cut >= 0 && offset >= cut) break;
    if (HEADER_LINE.test(line) && HEADER_LINE.test(lines[i + 1] ?? '') && offset > 0) {
      cut = offset;
      originalStart = offset;
      break;
    }
    offset += line.length + 1;
  }
  if (cut < 0) return { notice: text };
  const original = text.slice(originalStart).replace(/^\s*\n/, '');
  return { notice: text.slice(0, cut), original: original.trim() ? original : undefined };
}

const ADDRESS_RE = /[A-Za-z0-9._%+'=#&/-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/** Also local parts in any script (RFC 6531), for a second look when the strict pattern found nothing. */
const LOOSE_ADDRESS_RE = /[^\s<>()[\]{},;:"'@]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/gu;
const DAEMON_LOCAL = /^(mailer[-_]?daemon|mail[-_]?daemon|maildaemon|postmaster|mdaemon|mail-?router|double-bounce|bounces?)$/i;

export function isDaemonAddress(address: string): boolean {
  return DAEMON_LOCAL.test(address.split('@')[0] ?? '');
}

/** Addresses named in the notice, in order of first appearance, minus the excluded ones. */
export function addressesIn(text: string, exclude: Set<string>, options: { daemons?: boolean } = {}): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(options.daemons ? LOOSE_ADDRESS_RE : ADDRESS_RE)) {
    const address = match[0].toLowerCase().replace(/^[.'=/-]+|[.'=/-]+$/g, '');
    if (exclude.has(address) || (!options.daemons && isDaemonAddress(address)) || found.includes(address)) continue;
    // ignore message-id-looking tokens (<random@host>) that follow "message-id"
    const before = text.slice(Math.max(0, (match.index ?? 0) - 14), match.index).toLowerCase();
    if (/message-?id[:\s<]*$/.test(before)) continue;
    found.push(address);
  }
  return found;
}

const ENHANCED_STATUS = /(?<![\d.])([245]\.[0-7]\.\d{1,3})(?![.]?\d)/;
const REPLY_CODE = /(?<![\d.:/-])([45][0-5]\d)(?![\d.:/])(?=[ -]|$)/m;

export interface StatusFinding {
  status?: string;
  diagnostic?: string;
}

/** Find an enhanced status code (RFC 3463) or, failing that, an SMTP reply code, with the line it sits on. */
export function findStatus(notice: string): StatusFinding {
  const lines = notice.split('\n');
  for (const pattern of [ENHANCED_STATUS, REPLY_CODE]) {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? '';
      const match = pattern.exec(line);
      if (!match?.[1]) continue;
      let diagnostic = line.trim();
      if (diagnostic.length < 24 && lines[i + 1]?.trim()) diagnostic = `${diagnostic} ${lines[i + 1]?.trim()}`;
      return { status: match[1], diagnostic: diagnostic.slice(0, 500) };
    }
  }
  return {};
}

const BOUNCE_SUBJECT =
  /undeliver|undelivered|delivery (?:status notification|failure|failed|has failed|problem|report|notification|incomplete)|failure notice|returned mail|mail delivery (?:failed|failure|system|subsystem)|returned to sender|non[- ]?delivery|could not be delivered|not delivered|mail system error|nondeliverable|message you sent blocked|permanent (?:error|failure)|could not send message|warning: message|delivery notification|mail could not|mail failed|returning (?:message )?to sender|不達|配信(?:できません|不能|エラー|失敗)|未配達|送信エラー|エラーメール|メールエラー|エラー通知|届きません/i;
const BOUNCE_BODY =
  /could not be delivered|couldn'?t be delivered|delivery to the following|delivery has failed|undeliverable|user unknown|unknown user|no such (?:user|mailbox|address)|mailbox (?:full|unavailable|not found|is full)|permanent(?:ly)? (?:error|fail)|was not delivered|wasn'?t delivered|not able to deliver|unable to deliver|could not deliver|returned to sender|address(?:es)?\)? failed|host unknown|recipient (?:address )?rejected|rcpt to|message (?:was )?rejected|rejected by|quota exceeded|delivery failed|配信できません|届けることができません|宛先.*(?:存在しません|見つかりません)/i;
const AUTO_REPLY_SUBJECT = /^(?:auto(?:matic)?[ -]?(?:reply|response|answer)|auto:|autoreply|out of (?:the )?office|away from|i am away|vacation|on leave|自動(?:応答|返信)|不在)/i;

export function looksLikeBounceSubject(subject: string): boolean {
  return BOUNCE_SUBJECT.test(subject);
}
export function looksLikeBounceBody(text: string): boolean {
  return BOUNCE_BODY.test(text);
}
export function looksLikeAutoReplySubject(subject: string): boolean {
  return AUTO_REPLY_SUBJECT.test(subject.trim());
}
