// Why a delivery failed, read from the words of a bounce when it carries no RFC 3463 status code (or only a
// bare SMTP reply code): "user unknown" is 5.1.1, "mailbox full" 5.2.2, and so on. The reasons follow the
// vocabulary sisimai uses; the phrase table is Kizuki's own, written to cover the wording of many mail systems
// (Sendmail, Postfix, Exim, qmail, Exchange, Domino, Gmail, Yahoo, Japanese carriers…) rather than single files.

export type BounceReason =
  | 'suspend'
  | 'mailboxfull'
  | 'mesgtoobig'
  | 'userunknown'
  | 'hostunknown'
  | 'rejected'
  | 'securityerror'
  | 'mailloop'
  | 'networkerror'
  | 'expired'
  | 'systemerror'
  | 'undefined';

interface Phrase {
  reason: BounceReason;
  /** subject.detail of the RFC 3463 code; the class (4 or 5) comes from the notice */
  detail: string;
  pattern: RegExp;
}

// First match wins, so the specific reasons come before the general ones ("mailbox size limit" is a full
// mailbox, not a message too big; a qmail notice says "permanent error" whatever the reason).
const PHRASES: Phrase[] = [
  {
    reason: 'suspend',
    detail: '2.1',
    pattern:
      /\b(?:user(?:'s|\(s\))? )?(?:account|mailbox) (?:is |has been )?(?:disabled|locked|suspended|inactive|deactivated|frozen|closed)\b|\bdisabled (?:account|mailbox)|アカウント(?:は|が)?(?:停止|無効|凍結)/i,
  },
  {
    reason: 'mailboxfull',
    detail: '2.2',
    pattern:
      /mail ?box (?:is )?(?:full|over ?(?:quota|limit))|mailbox (?:size )?(?:limit|exceeds)|over ?quota|quota (?:exceeded|exceed|full|violation)|exceeded (?:storage|the storage|disk|its|his|her|their) (?:quota|allocation|limit)|exceeds? (?:the )?(?:allowed|storage|disk) (?:size|quota|space)|mail ?folder is full|(?:insufficient|not enough) (?:disk |system |storage )?(?:space|storage)|storage (?:limit|quota) (?:reached|exceeded)|(?:inbox|box) is full|容量(?:オーバー|超過|不足|が(?:いっぱい|一杯|不足))|(?:メールボックス|メールBOX|受信箱)(?:が|は)?(?:いっぱい|一杯|満杯|容量)/i,
  },
  {
    reason: 'mesgtoobig',
    detail: '3.4',
    pattern:
      /message (?:size )?(?:is |was )?too (?:big|large|long)|(?:mail|message) size (?:limit )?exceed|size limit exceeded|message (?:size|length) exceeds|exceeds? (?:the |our )?(?:maximum|max|fixed|size) (?:allowed )?(?:message )?(?:size|limit)|message too big|(?:メール|メッセージ)?サイズ(?:が|は)?(?:大きすぎ|制限|超過|上限)/i,
  },
  {
    reason: 'userunknown',
    detail: '1.1',
    pattern: new RegExp(
      [
        "user (?:unknown|not found|does(?: not|n'?t) exist|not exist|is unknown|name is not recognized)",
        'unknown (?:user|recipient|address|local[- ]?part|mailbox|alias)',
        'no such (?:user|recipient|mailbox|address|account|person|local user|alias)',
        "recipient(?: name| address)? (?:is )?(?:not (?:recognized|found|known|valid)|unknown|invalid|rejected|does(?: not|n'?t) exist)",
        'invalid (?:recipient|address|mailbox|user|final delivery userid|e-?mail address)',
        "mailbox (?:unavailable|not found|does(?: not|n'?t) exist|unknown|not available|is unavailable)",
        "(?:address|account|user|mailbox) (?:does(?: not|n'?t) exist|not exist|not found|unknown)",
        'not listed in (?:the )?(?:domino directory|public name & address book|address book)',
        String.raw`(?:does(?: not|n'?t)) have an? [\w.-]+ account`,
        'is not a (?:valid|known) (?:user|mailbox|address|recipient)',
        'bad destination (?:mailbox )?address',
        'no mailbox (?:here|by that name)',
        'user (?:is )?not (?:local|listed|known)',
        'illegal alias',
        'address rejected',
        '宛先(?:不明|(?:の)?(?:アドレス)?(?:が|は)?(?:存在しません|見つかりません|誤って))',
        '(?:存在しない|存在しません|見つかりません).{0,12}(?:アドレス|ユーザ|宛先)',
        '(?:アドレス|ユーザー?|宛先)(?:は|が)?(?:存在しません|見つかりません|不明)',
      ].join('|'),
      'i',
    ),
  },
  {
    reason: 'hostunknown',
    detail: '1.2',
    pattern:
      /host (?:or domain name )?(?:unknown|not found)|unknown host|domain (?:name )?(?:does(?: not|n'?t) exist|not found|unknown|is not valid)|(?:no such|unknown|invalid|nonexistent|non-existent) (?:domain|host)|name service error|no mx (?:record|found|for)|mx or srv record indicated no smtp service|unrouteable (?:mail )?(?:address|domain)|could not find a gateway|host name lookup fail|(?:dns|domain) lookup fail|ドメイン(?:が|は)?(?:存在しません|見つかりません|不明)/i,
  },
  {
    reason: 'rejected',
    detail: '7.1',
    pattern:
      /\bspam\b|junk mail|black ?list|block ?list|\bblocked\b|\brbl\b|\bdnsbl\b|spamhaus|spamcop|polic(?:y|ies)|content (?:rejected|filter)|message (?:content )?(?:was )?(?:rejected|refused)|(?:rejected|refused|denied|blocked) (?:by|due to) (?:the )?(?:recipient'?s? |domain |content |spam |receiver'?s? )?(?:filter|policy|rules?)|domain filter|relay(?:ing)? (?:access )?(?:denied|not permitted|not allowed|prohibited)|access denied|not authori[sz]ed|(?:not have|no) permission to (?:post|send)|権限(?:が|は)?(?:ない|ありません)|受信拒否|拒否(?:され|設定|しました)|迷惑メール|フィルタ/i,
  },
  {
    reason: 'securityerror',
    detail: '7.0',
    pattern: /authentication (?:required|failed|is required)|does not advertise auth|must (?:be )?authenticate|(?:tls|starttls|encryption) (?:is )?required|send mail as/i,
  },
  {
    reason: 'mailloop',
    detail: '4.6',
    pattern: /mail (?:forwarding )?loop|loops? back to myself|routing loop|too many hops|hop count exceeded|loop detected/i,
  },
  {
    reason: 'networkerror',
    detail: '4.1',
    pattern:
      /connection (?:timed out|refused|reset|lost|closed|dropped)|timed out|(?:could not|couldn'?t|unable to|can'?t|cannot|failed to) (?:connect|establish)|not accept our requests to connect|socket error|host (?:is )?(?:not reachable|unreachable|not responding)|(?:network|host|destination) (?:error|is unreachable|unreachable)|not responding|no answer from host|no route to host|lost connection|network error on destination/i,
  },
  {
    reason: 'expired',
    detail: '4.7',
    pattern:
      /retry time(?:out)? (?:exceeded|expired|reached)|(?<![@\w.-])expired(?![@\w-])|(?:could not|couldn'?t|unable to|cannot) deliver (?:for|after|within) (?:the last|\d|multiple|several)|in the queue too long|too long in (?:the )?queue|was aborted after|failed \d+ attempts|after (?:multiple|several|\d+) (?:retries|attempts)|maximum (?:time|retries|delivery attempts)|not (?:been )?delivered within|failing for a long time|time ?out exceeded|(?:delivery|message) (?:has been |was |is )?delayed|will be retried|warning message only|配信(?:が)?遅延/i,
  },
  {
    reason: 'systemerror',
    detail: '3.0',
    pattern: /system error|internal (?:server )?error|local (?:configuration|delivery) error|mail system full|server (?:error|failure)|システム(?:エラー|障害)/i,
  },
];

/** A notice that only warns (the server keeps trying) reports a transient (4.x.x) status. */
const TRANSIENT =
  /warning message only|temporary (?:failure|error|problem)|(?:has been|is|was) delayed|will (?:be )?retr(?:y|ied)|still (?:be(?:ing)? )?(?:retr|tr)ying|do(?: not|n'?t) need to re-?send|kept in the queue|delivery (?:status notification )?\(delay\)|遅延/i;
/** Words that say the failure is final even when no reason is given. */
const PERMANENT =
  /permanent(?:ly)? (?:error|failure|fail)|failed permanently|fatal (?:error|failure)|could not be delivered|couldn'?t be delivered|(?:was|were|has|have) not (?:been )?delivered|did not reach|not (?:be )?able to deliver|unable to deliver|undeliver(?:able|ed)|delivery (?:has )?failed|delivery failure|notification \(failure\)|returned mail|rejected|配信できません|届けることができません|送信できません|不達|エラー/i;

export interface DerivedStatus {
  status: string;
  reason: BounceReason;
  /** the line the reason was read from */
  diagnostic: string;
}

function lineOf(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index) + 1;
  const end = text.indexOf('\n', index);
  return text.slice(start, end < 0 ? undefined : end).trim().slice(0, 500);
}

/** The class of status a notice reports: 4 when it only warns of a delay, 5 otherwise. */
export function statusClass(notice: string): '4' | '5' {
  return TRANSIENT.test(notice) ? '4' : '5';
}

/**
 * The reason and RFC 3463 status that words describe, trying each text in turn (the recipient's own
 * diagnostic first, then the whole notice). `cls` is the class: 4 for a delay warning, 5 for a final failure.
 */
export function statusFromText(texts: string[], cls: '4' | '5'): DerivedStatus | undefined {
  for (const raw of texts) {
    if (!raw) continue;
    const text = raw.normalize('NFKC');
    for (const phrase of PHRASES) {
      const match = phrase.pattern.exec(text);
      if (!match) continue;
      return { status: `${cls}.${phrase.detail}`, reason: phrase.reason, diagnostic: lineOf(text, match.index) };
    }
  }
  return undefined;
}

/** X.0.0 ("other or undefined status", RFC 3463 §3.1) from a bare SMTP reply code or from wording that says the delivery failed. */
export function undefinedStatus(replyCode: string | undefined, notice: string): string | undefined {
  if (replyCode && /^[45]\d\d$/.test(replyCode)) return `${replyCode[0]}.0.0`;
  if (TRANSIENT.test(notice)) return '4.0.0';
  if (PERMANENT.test(notice.normalize('NFKC'))) return '5.0.0';
  return undefined;
}

export function isEnhancedStatus(status: string | undefined): boolean {
  return Boolean(status && /^[245]\.\d{1,3}\.\d{1,3}$/.test(status));
}
