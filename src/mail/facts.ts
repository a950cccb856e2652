// MessageFacts: the plain facts detection rules read, derived from the parsed message.
import type { AttachmentInfo, HeaderField, Link, MailAddress, MessageFacts } from '../model/analysis.js';
import { isFreemailDomain } from './freemail.js';
import { guessLanguage } from './language.js';
import { registrableDomain } from './url.js';

export interface FactsInput {
  from: MailAddress;
  replyTo: MailAddress[];
  returnPath: string;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  subject: string;
  headers: HeaderField[];
  /** lower-case MIME type of the top-level part, e.g. 'multipart/report' */
  contentType: string;
  /** lower-case report-type parameter of a multipart/report, '' otherwise */
  reportType: string;
  text: string;
  html: string;
  attachments: AttachmentInfo[];
  links: Link[];
  orgDomains: string[];
}

/** Registrable domain, or the domain itself when it has no known public suffix. */
export function organisationDomain(domain: string): string {
  if (!domain) return '';
  return registrableDomain(domain) || domain.toLowerCase();
}

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at >= 0 ? address.slice(at + 1).toLowerCase() : '';
}

const BOUNCE_SENDER_RE = /^(?:mailer-daemon|post_?master|mail-daemon|maildaemon|mailerdaemon|mail\.?delivery|bounces?|nobody|mdaemon)(?:[+.-][^@]*)?(?:@|$)/i;
const BOUNCE_NAME_RE = /mail deliver(?:y)? (?:subsystem|system|service)|mailer[- ]daemon|postmaster|\bndr\b|メール配信システム/i;
const BOUNCE_SUBJECT_RE =
  /undeliver|undelivered|not (?:be )?delivered|delivery (?:status notification|failure|failed|has failed|problem|notification)|failure notice|returned mail|return(?:ed)? to sender|mail delivery failed|could not be delivered|delivery report|nondeliverable|non-delivery|mail system error|permanent error|message not delivered|warning: could not send|delayed mail|delayed \d+ hours|mail failure|fail(?:ed|ure) delivery|could not send|error sending|mail failed|undeliverable|メールエラー|エラー通知|не доставлено|配信(?:不能|エラー|失敗|できません)|配送(?:エラー|失敗|不能)|未配達|送信(?:エラー|失敗)|届きませんでした|宛先不明|エラーメール|返送/i;

const AUTO_REPLY_SUBJECT_RE =
  /^(?:auto(?:matic)?[- ]?(?:reply|response|antwort|réponse|risposta|respuesta|resposta)|out of (?:the )?office|abwesenheit|absence|réponse automatique|risposta automatica|respuesta automática|resposta automática|automatisch antwoord|autoreply|auto:|away from)|不在|自動(?:応答|返信|返答)/i;

/** A delivery status notification: multipart/report of delivery status, or a mailer-daemon's failure note. */
export function isBounceMessage(input: Pick<FactsInput, 'contentType' | 'reportType' | 'from' | 'subject' | 'returnPath'>): boolean {
  if (input.contentType === 'multipart/report' && input.reportType === 'delivery-status') return true;
  // The null sender (From: <>) is what MTAs use for their own notices.
  const nullSender = input.from.address === '' && input.returnPath === '';
  const fromDaemon = nullSender || BOUNCE_SENDER_RE.test(input.from.address) || BOUNCE_NAME_RE.test(input.from.name);
  return fromDaemon && BOUNCE_SUBJECT_RE.test(input.subject);
}

const AUTO_REPLY_HEADERS = new Set(['auto-submitted', 'x-autoreply', 'x-autorespond', 'x-autoreply-from', 'x-mail-autoreply', 'precedence', 'x-auto-response-suppress']);

export function isAutoReplyMessage(headers: HeaderField[], subject: string): boolean {
  // one pass over the headers, keeping the first value of the few that matter
  const found = new Map<string, string>();
  for (const header of headers) {
    if (AUTO_REPLY_HEADERS.has(header.key) && !found.has(header.key)) found.set(header.key, header.value.trim().toLowerCase());
  }
  if (found.get('auto-submitted')?.startsWith('auto-replied')) return true;
  if (found.has('x-autoreply') || found.has('x-autorespond') || found.has('x-autoreply-from') || found.has('x-mail-autoreply')) return true;
  const precedence = found.get('precedence');
  if (precedence === 'auto_reply' || precedence === 'auto-reply') return true;
  // Exchange marks its own out-of-office replies with this and an 'Automatic reply' subject.
  return AUTO_REPLY_SUBJECT_RE.test(subject.trim()) || (found.has('x-auto-response-suppress') && /^(?:automatic reply|自動応答)/i.test(subject));
}

export function isMailingListMessage(headers: HeaderField[]): boolean {
  for (const header of headers) {
    if (header.key === 'list-id' || header.key === 'list-unsubscribe' || header.key === 'list-post') return true;
    if (header.key === 'precedence' && /^\s*(?:list|bulk)\b/i.test(header.value)) return true;
  }
  return false;
}

const UNDISCLOSED_RE = /undisclosed|recipient list (?:not shown|suppressed)|未公開|非公開|宛先なし/i;

export function computeFacts(input: FactsInput): MessageFacts {
  const fromDomain = input.from.domain;
  const fromOrgDomain = fromDomain ? organisationDomain(fromDomain) : '';
  const replyToDomains = [...new Set(input.replyTo.map((address) => address.domain).filter(Boolean))];
  const returnPathDomain = domainOf(input.returnPath);

  const visible = [...input.to, ...input.cc];
  const visibleAddresses = visible.filter((address) => address.address);
  const hiddenAddresses = input.bcc.filter((address) => address.address);
  const undisclosedRecipients = visible.some((address) => !address.address && (address.name === '' || UNDISCLOSED_RE.test(address.name)));
  const sentToSelf = input.from.address !== '' && visibleAddresses.some((address) => address.address === input.from.address);
  const onlySelfVisible = sentToSelf && visibleAddresses.every((address) => address.address === input.from.address);
  const hiddenRecipients = hiddenAddresses.length > 0 || undisclosedRecipients || visibleAddresses.length === 0 || onlySelfVisible;

  const recipientDomains = new Set([...visibleAddresses, ...hiddenAddresses].map((address) => organisationDomain(address.domain)).filter(Boolean));
  const ownDomains = input.orgDomains.length > 0 ? input.orgDomains.map((domain) => organisationDomain(domain)) : fromOrgDomain ? [fromOrgDomain] : [];
  let externalRecipientDomains = 0;
  for (const domain of recipientDomains) if (!ownDomains.includes(domain)) externalRecipientDomains++;

  const linkDomains = new Set<string>();
  for (const link of input.links) {
    const domain = link.registrableDomain || link.host;
    if (domain) linkDomains.add(domain);
  }

  return {
    fromDomain,
    fromOrgDomain,
    replyToDomains,
    returnPathDomain,
    replyToDiffers: fromOrgDomain !== '' && replyToDomains.some((domain) => organisationDomain(domain) !== fromOrgDomain),
    returnPathDiffers: fromOrgDomain !== '' && returnPathDomain !== '' && organisationDomain(returnPathDomain) !== fromOrgDomain,
    freemailSender: isFreemailDomain(fromDomain, fromOrgDomain),
    recipientCount: visibleAddresses.length + hiddenAddresses.length,
    hiddenRecipients,
    undisclosedRecipients,
    sentToSelf,
    externalRecipientDomains,
    attachmentCount: input.attachments.length,
    linkCount: input.links.length,
    distinctLinkDomains: linkDomains.size,
    hasHtml: input.html !== '',
    textLength: input.text.length,
    language: guessLanguage(input.text),
    isBounce: isBounceMessage({ ...input }),
    isAutoReply: isAutoReplyMessage(input.headers, input.subject),
    isMailingList: isMailingListMessage(input.headers),
  };
}
