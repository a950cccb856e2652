// The flattened view of one message that rule conditions read. Built once per message, then every rule
// evaluates against it. Numbers are plain JS numbers (declared 'double' to CEL) so no BigInt crosses in.
import type { Analysis, AttachmentInfo, Link } from '../model/analysis.js';
import type { SenderProfile } from '../model/verdict.js';
import { findLures, isFileShareSubject, LURE_KINDS, type LureKind } from './lures.js';
import type { ReferenceData } from './reference-data.js';
import { domainParts, imitatedDomain, type ProtectedDomain } from './similarity.js';
import { MODEL_TEXT_CHARS, modelProbabilities, type PreparedText, type TextModel } from './text-model.js';
import {
  collapsedLength,
  countFancyLetters,
  countInvisible,
  countMixedScriptWords,
  foldDiacritics,
  htmlImageWords,
  htmlToText,
  joinFolded,
  joinNormalised,
  normaliseText,
} from './text.js';

export interface LinkView {
  url: string;
  host: string;
  /** registrable domain ('' for IP hosts) */
  domain: string;
  scheme: string;
  isIp: boolean;
  text: string;
  textMismatch: boolean;
  foundIn: string;
  inAttachment: boolean;
  shortener: boolean;
  freeHost: boolean;
  riskyTld: boolean;
  /** the domain this link's host imitates ('' when none) */
  lookalikeOf: string;
  /** a brand named inside the host name while the host does not belong to that brand ('' when none) */
  brandInHost: string;
  /** brand that owns this link's domain ('' when none) */
  brand: string;
  /** same registrable domain as the From address */
  sameAsSender: boolean;
  punycode: boolean;
  /** the URL carries an e-mail address (often the victim's, to pre-fill a fake sign-in) */
  carriesEmail: boolean;
  /** the URL has a non-default port */
  hasPort: boolean;
}

export interface AttachmentView {
  filename: string;
  ext: string;
  type: string;
  size: number;
  inline: boolean;
  linkOnly: boolean;
  extensionMismatch: boolean;
  pdfPages: number;
  pdfLinks: number;
  pdfTextChars: number;
  pdfEncrypted: boolean;
  pdfJavascript: boolean;
  htmlForm: boolean;
  htmlPassword: boolean;
  htmlScript: boolean;
  htmlMetaRefresh: boolean;
  /** a form in this HTML attachment posts to another site */
  htmlFormExternal: boolean;
  qrCount: number;
  depth: number;
  executable: boolean;
}

export interface MessageView {
  subject: string;
  /** normalised subject + body text (lower-case, NFKC), capped */
  text: string;
  /** `text` with diacritics folded */
  textFolded: string;
  language: string;
  direction: 'inbound' | 'internal' | 'outbound';
  hasHtml: boolean;
  textLength: number;
  linkCount: number;
  distinctLinkDomains: number;
  attachmentCount: number;
  recipientCount: number;
  externalRecipientDomains: number;
  hiddenRecipients: boolean;
  undisclosedRecipients: boolean;
  sentToSelf: boolean;
  isBounce: boolean;
  isAutoReply: boolean;
  isMailingList: boolean;
  listUnsubscribe: boolean;
  bulkPrecedence: boolean;
  replyToDiffers: boolean;
  returnPathDiffers: boolean;
  fileShareSubject: boolean;
  /** HTML body has a form / a password field */
  bodyForm: boolean;
  bodyPassword: boolean;
  /** HTML body is mostly images: little visible text */
  imageHeavy: boolean;
  /** the subject or text addresses the reader by their mailbox name or address ('Dear phishing@…') */
  greetsByAddress: boolean;
  /** upper-case share of letters in the subject, 0..1 */
  subjectCaps: number;
  /** words mixing Latin with Cyrillic/Greek letters ('vаlued' with a Cyrillic 'а'), in subject, sender name and text */
  mixedScriptWords: number;
  /** 'fancy' letters (mathematical bold/script, enclosed or full-width Latin) used to dodge filters */
  fancyLetters: number;
  /** invisible characters (zero-width, soft hyphen, combining grapheme joiner …) */
  invisibleChars: number;
  /** the recipient's own address is quoted in the subject or the opening of the text ('Dear name@example.com') */
  quotesRecipientAddress: boolean;
  /** share of web links that go to the sender's own registrable domain (0..1; 1 when there are no links) */
  linksToSender: number;
  /** characters of visible body text once web addresses are taken out */
  visibleTextLength: number;
  /** subject or sender name written with '_', '#' or '*' in place of spaces or as wrapping ('_50%_Off_Sale_', '#Casino#') */
  decoratedWording: boolean;
  /** subject of the message a bounce returns ('' when not a bounce or none is returned) */
  returnedSubject: string;
  /** the returned message's subject is a file-share, sign-in, account or mailbox lure */
  returnedLure: boolean;
  /** the returned message was sent from one of the organisation's own addresses */
  returnedFromOrg: boolean;
  /**
   * a concrete way for the mail to hurt its reader that a person can check (attackPathOf): a risky link, form or
   * attachment, a link to a site that is neither the sender's nor a known platform's, or wording that asks for
   * credentials, payment, a reply or haste together with a link off the sender's own site or a reply address
   * elsewhere. Without one the text model's threat points are capped (verdict.ts MODEL_POINTS_WITHOUT_PATH).
   */
  attackPath: boolean;
}

export interface SenderView {
  address: string;
  name: string;
  domain: string;
  orgDomain: string;
  freemail: boolean;
  internal: boolean;
  knownContact: boolean;
  /** brand that owns the sender's domain ('' when none) */
  brand: string;
  /** the display name contains an e-mail address */
  nameHasAddress: boolean;
  /** the display name shows an address at another registrable domain than the real one */
  nameAddressDiffers: boolean;
  /** a brand named in the display name ('' when none) */
  nameBrand: string;
  /** the display name names one of the organisation's or contacts' domains while the sender is not from it */
  nameClaimsProtected: boolean;
  /** the domain the sender's domain imitates ('' when none) */
  lookalikeOf: string;
  replyToFreemail: boolean;
  replyToLookalikeOf: string;
  /** allow/block lists from the configuration */
  allowListed: boolean;
  blockListed: boolean;
}

export interface AuthView {
  checked: boolean;
  spf: string;
  dkim: string;
  dkimAligned: boolean;
  dmarc: string;
  /** DMARC pass, or an aligned DKIM pass */
  pass: boolean;
  fail: boolean;
}

export interface BrandView {
  /** brands named in subject, display name, text, logo alt texts or file names */
  named: string[];
  /** brands named while neither the sender nor any link belongs to them */
  offBrand: string[];
  /** short display names of `named` and `offBrand`, for reason sentences (not visible to CEL) */
  namedLabels: string[];
  offBrandLabels: string[];
}

export interface ProfileFields {
  known: boolean;
  firstContact: boolean;
  messageCount: number;
  /** days since this sender's previous message (-1 when unknown) */
  daysSinceLast: number;
  flagged: number;
  withAttachments: number;
  attachmentTypes: Record<string, number>;
  linkDomains: Record<string, number>;
  languages: Record<string, number>;
}

/** A known sender doing something for the first time. Pure helpers over ProfileFields. */
export function newAttachmentType(p: ProfileFields, type: string): boolean {
  return p.known && !(p.attachmentTypes[type] ?? 0);
}
export function newLinkDomain(p: ProfileFields, domain: string): boolean {
  return p.known && !(p.linkDomains[domain] ?? 0);
}
export function newLanguage(p: ProfileFields, language: string): boolean {
  return p.known && p.messageCount >= 3 && !(p.languages[language] ?? 0);
}

export interface ModelView {
  /** a text model is loaded and speaks on this message's language */
  available: boolean;
  /** probability that the mail is unwanted (phishing, scam or spam) rather than legitimate, 0..1: phishing + spam */
  unwanted: number;
  /** probability that it is phishing, a scam or another attack, 0..1 */
  phishing: number;
  /** probability that it is bulk or marketing mail (unwanted, not an attack), 0..1 */
  spam: number;
}

export interface DetectionView {
  msg: MessageView;
  sender: SenderView;
  auth: AuthView;
  lure: Record<LureKind, boolean>;
  brand: BrandView;
  links: LinkView[];
  attachments: AttachmentView[];
  profile: ProfileFields;
  model: ModelView;
}

export interface ViewContext {
  data: ReferenceData;
  orgDomains: Set<string>;
  knownContactDomains: Set<string>;
  /** org + contact + brand domains that look-alikes are checked against */
  protectedDomains: ProtectedDomain[];
  allow: { senders: Set<string>; domains: Set<string> };
  block: { senders: Set<string>; domains: Set<string> };
  /** per-host facts computed once (bounded) */
  hostCache: Map<string, HostFacts>;
  model?: TextModel;
}

/** lure wording sits near the top; long list digests would only cost time */
const TEXT_CAP = 6_000;
/** how much of the body brand names are looked for in */
const BRAND_TEXT_CHARS = 4_000;
const EXECUTABLE_EXT = /^(?:exe|scr|com|pif|bat|cmd|vbs|vbe|js|jse|wsf|wsh|hta|msi|lnk|ps1|jar|iso|img|vhd|cab|cpl|reg|dll|apk)$/;

/** Everything in the view except the sender's history: the costly part, which can run away from the history. */
export type ContentView = Omit<DetectionView, 'profile'>;

export function buildView(analysis: Analysis, profile: SenderProfile | undefined, ctx: ViewContext): DetectionView {
  return withHistory(buildContentView(analysis, ctx), analysis, profile);
}

export function withHistory(content: ContentView, analysis: Analysis, profile: SenderProfile | undefined): DetectionView {
  return { ...content, profile: historyOf(profile, analysis) };
}

export function buildContentView(analysis: Analysis, ctx: ViewContext): ContentView {
  const facts = analysis.facts;
  const html = analysis.html ?? '';
  const bodyText = analysis.text?.trim() ? analysis.text : htmlToText(html);
  const imageWords = htmlImageWords(html);
  const attachmentNames = analysis.attachments.map((a) => a.filename).join(' ');
  // Subject, body, sender name and image words are normalised and folded once each; the texts the lure wording,
  // the brands and the text model read are joined from them (text.ts joinNormalised: the same strings as
  // normalising each joined text anew).
  const subjectNorm = normaliseText(analysis.subject);
  const subjectPiece = [subjectNorm, foldDiacritics(subjectNorm)] as const;
  const bodyNorm = normaliseText(bodyText.slice(0, TEXT_CAP));
  const bodyPiece = [bodyNorm, foldDiacritics(bodyNorm)] as const;
  // normaliseText(`${subject}\n${body.slice(0, TEXT_CAP)}`) and its folded form
  const text = joinNormalised(subjectNorm, bodyNorm);
  const textFolded = joinFolded(subjectPiece, bodyPiece);
  const normalisedPiece = (raw: string) => {
    const normalised = normaliseText(raw);
    return [normalised, foldDiacritics(normalised)] as const;
  };
  // the model and the brands read less of the body: the same piece unless the body is longer than that
  const shorterBodies = new Map<number, readonly [string, string]>();
  const bodyPieceUpTo = (chars: number): readonly [string, string] => {
    if (bodyText.length <= Math.min(chars, TEXT_CAP)) return bodyPiece;
    let piece = shorterBodies.get(chars);
    if (!piece) {
      piece = normalisedPiece(bodyText.slice(0, chars));
      shorterBodies.set(chars, piece);
    }
    return piece;
  };
  const lure = findLures(text, textFolded);

  const fromDomain = (analysis.from.domain || facts.fromDomain || '').toLowerCase();
  const fromOrg = facts.fromOrgDomain || domainParts(fromDomain).registrable;
  const internal = ctx.orgDomains.has(fromOrg) || ctx.orgDomains.has(fromDomain);
  // recipients only matter for a sender of the organisation's own
  const anyExternalRecipient = () =>
    [...analysis.to, ...analysis.cc, ...analysis.bcc].some(
      (r) => r.domain && !ctx.orgDomains.has(domainParts(r.domain).registrable) && !ctx.orgDomains.has(r.domain),
    );
  const direction: MessageView['direction'] = internal ? (anyExternalRecipient() || facts.externalRecipientDomains > 0 ? 'outbound' : 'internal') : 'inbound';

  const links = analysis.links.map((link) => linkView(link, fromOrg, ctx));
  const attachments = analysis.attachments.map(attachmentView);

  const nameNorm = normaliseText(analysis.from.name);
  const nameFolded = foldDiacritics(nameNorm);
  // foldDiacritics(normaliseText(`${subject} ${name} ${body.slice(0, BRAND_TEXT_CHARS)} ${imageWords} ${attachmentNames}`))
  const brandHaystack = joinFolded(
    subjectPiece,
    [nameNorm, nameFolded],
    bodyPieceUpTo(BRAND_TEXT_CHARS),
    normalisedPiece(imageWords),
    normalisedPiece(attachmentNames),
  );
  const named = brandsNamed(ctx.data, brandHaystack);
  const senderBrand = ctx.data.brandByDomain.get(fromOrg) ?? ctx.data.brandByDomain.get(fromDomain) ?? '';
  const linkBrands = new Set(links.map((l) => l.brand).filter(Boolean));
  const offBrand = named.filter((id) => id !== senderBrand && !linkBrands.has(id));


  const authView = authViewOf(analysis.auth);

  const msg = messageViewOf(analysis, ctx, { bodyText, html, text, textFolded, subjectNorm, direction, links });

  const sender = senderViewOf(analysis, ctx, { nameFolded, fromDomain, fromOrg, internal, senderBrand });

  msg.attackPath = attackPathOf({ msg, lure, links, attachments, sender });

  return {
    msg,
    sender,
    auth: authView,
    lure,
    brand: { named, offBrand, namedLabels: named.map((id) => brandLabel(ctx, id)), offBrandLabels: offBrand.map((id) => brandLabel(ctx, id)) },
    links,
    attachments,
    model: modelView(ctx.model, analysis, { folded: joinFolded(subjectPiece, bodyPieceUpTo(MODEL_TEXT_CHARS)), subjectFolded: subjectPiece[1] }),
  };
}

// The parts of the content view, each in a function of its own: V8 compiles (and, when an object of a new shape
// arrives, recompiles) each separately, instead of the whole view as one very large function (docs/performance.md).

function authViewOf(auth: Analysis['auth']): AuthView {
  const dkimPass = auth.dkim.find((d) => d.result === 'pass');
  return {
    checked: auth.source !== 'none',
    spf: auth.spf.result,
    dkim: dkimPass ? 'pass' : (auth.dkim[0]?.result ?? 'none'),
    dkimAligned: auth.dkim.some((d) => d.result === 'pass' && d.aligned),
    dmarc: auth.dmarc.result,
    pass: auth.dmarc.result === 'pass' || auth.dkim.some((d) => d.result === 'pass' && d.aligned),
    fail: auth.dmarc.result === 'fail' || (auth.spf.result === 'fail' && !dkimPass),
  };
}

interface MessageViewInputs {
  bodyText: string;
  html: string;
  text: string;
  textFolded: string;
  subjectNorm: string;
  direction: MessageView['direction'];
  links: LinkView[];
}

function messageViewOf(analysis: Analysis, ctx: ViewContext, { bodyText, html, text, textFolded, subjectNorm, direction, links }: MessageViewInputs): MessageView {
  const facts = analysis.facts;
  const letters = analysis.subject.replace(/[^A-Za-z]/g, '');
  const rawLead = `${analysis.subject}\n${analysis.from.name}\n${bodyText.slice(0, 3000)}`;
  const opening = `${analysis.subject}\n${bodyText.slice(0, 300)}`.toLowerCase();
  const recipientAddresses = [...analysis.to, ...analysis.cc].map((r) => r.address.toLowerCase()).filter((a) => a.includes('@'));
  const webLinks = links.filter((l) => l.scheme.startsWith('http'));
  const returned = analysis.returnedMessage;
  const returnedSubjectNorm = returned ? normaliseText(returned.subject) : '';
  const returnedLures = returned ? findLures(returnedSubjectNorm, foldDiacritics(returnedSubjectNorm)) : undefined;
  const recipientLocal = (analysis.to[0]?.address ?? '').split('@')[0] ?? '';
  const visibleLength = collapsedLength(bodyText);

  return {
    subject: analysis.subject,
    text,
    textFolded,
    language: facts.language,
    direction,
    hasHtml: facts.hasHtml,
    textLength: facts.textLength,
    linkCount: facts.linkCount,
    distinctLinkDomains: facts.distinctLinkDomains,
    attachmentCount: facts.attachmentCount,
    recipientCount: facts.recipientCount,
    externalRecipientDomains: facts.externalRecipientDomains,
    hiddenRecipients: facts.hiddenRecipients,
    undisclosedRecipients: facts.undisclosedRecipients,
    sentToSelf: facts.sentToSelf,
    isBounce: facts.isBounce,
    isAutoReply: facts.isAutoReply,
    isMailingList: facts.isMailingList,
    listUnsubscribe: analysis.headers.some((h) => h.key === 'list-unsubscribe'),
    bulkPrecedence: analysis.headers.some((h) => h.key === 'precedence' && /bulk|list|junk/i.test(h.value)),
    replyToDiffers: facts.replyToDiffers,
    returnPathDiffers: facts.returnPathDiffers,
    fileShareSubject: isFileShareSubject(subjectNorm),
    bodyForm: /<form\b/i.test(html),
    bodyPassword: /<input\b[^>]*type\s*=\s*["']?password/i.test(html),
    imageHeavy: facts.hasHtml && /<img\b/i.test(html) && visibleLength < 200,
    greetsByAddress:
      recipientLocal.length >= 3 &&
      textFolded.includes(recipientLocal) &&
      new RegExp(`(?:dear|hello|hi|ola|prezado|prezada|estimado|querido)\\s+${escapeRegExp(recipientLocal)}\\b`).test(textFolded),
    subjectCaps: letters.length >= 8 ? letters.replace(/[^A-Z]/g, '').length / letters.length : 0,
    mixedScriptWords: countMixedScriptWords(rawLead),
    fancyLetters: countFancyLetters(rawLead),
    invisibleChars: countInvisible(rawLead),
    quotesRecipientAddress: recipientAddresses.some((r) => opening.includes(r)),
    linksToSender: webLinks.length ? webLinks.filter((l) => l.sameAsSender).length / webLinks.length : 1,
    visibleTextLength: bodyText.includes('://') ? collapsedLength(bodyText.replace(/<?\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, ' ')) : visibleLength,
    decoratedWording: isDecorated(analysis.subject) || isDecorated(analysis.from.name),
    returnedSubject: returned?.subject ?? '',
    returnedLure: returnedLures ? returnedLures.fileShare || returnedLures.credential || returnedLures.accountThreat || returnedLures.mailboxQuota || isFileShareSubject(returnedSubjectNorm) : false,
    returnedFromOrg: !!returned?.from.domain && (ctx.orgDomains.has(returned.from.domain) || ctx.orgDomains.has(domainParts(returned.from.domain).registrable)),
    attackPath: false,
  };
}

interface SenderViewInputs {
  nameFolded: string;
  fromDomain: string;
  fromOrg: string;
  internal: boolean;
  senderBrand: string;
}

function senderViewOf(analysis: Analysis, ctx: ViewContext, { nameFolded, fromDomain, fromOrg, internal, senderBrand }: SenderViewInputs): SenderView {
  const facts = analysis.facts;
  const nameAddresses = [...analysis.from.name.matchAll(/[\w.+-]+@([\w-]+(?:\.[\w-]+)+)/g)].map((m) => (m[1] ?? '').toLowerCase());
  const nameBrand = ctx.data.anyBrand.test(nameFolded) ? (ctx.data.brands.find((b) => b.words.test(nameFolded))?.id ?? '') : '';
  // the label must occur literally before a pattern is worth compiling for it
  const nameClaimsProtected = ctx.protectedDomains.some(
    (p) =>
      p.owner !== 'brand' &&
      p.label.length >= 4 &&
      p.domain !== fromOrg &&
      nameFolded.includes(p.label) &&
      new RegExp(`\\b${escapeRegExp(p.label)}\\b`).test(nameFolded),
  );
  const replyToDomains = analysis.replyTo.map((r) => r.domain).filter(Boolean);
  const replyToLookalike = replyToDomains.map((d) => imitatedDomain(d, ctx.protectedDomains)?.domain).find(Boolean) ?? '';
  const address = analysis.from.address.toLowerCase();
  return {
    address,
    name: analysis.from.name,
    domain: fromDomain,
    orgDomain: fromOrg,
    freemail: facts.freemailSender,
    internal,
    knownContact: ctx.knownContactDomains.has(fromOrg),
    brand: senderBrand,
    nameHasAddress: nameAddresses.length > 0,
    nameAddressDiffers: nameAddresses.some((d) => domainParts(d).registrable !== fromOrg),
    nameBrand: nameBrand !== senderBrand ? nameBrand : '',
    nameClaimsProtected,
    lookalikeOf: imitatedDomain(fromDomain, ctx.protectedDomains)?.domain ?? '',
    replyToFreemail: analysis.replyTo.some((r) => FREEMAIL.has(domainParts(r.domain).registrable)) && !facts.freemailSender,
    replyToLookalikeOf: replyToLookalike,
    allowListed: ctx.allow.senders.has(address) || ctx.allow.domains.has(fromOrg) || ctx.allow.domains.has(fromDomain),
    blockListed: ctx.block.senders.has(address) || ctx.block.domains.has(fromOrg) || ctx.block.domains.has(fromDomain),
  };
}

const NO_MODEL: ModelView = { available: false, unwanted: 0, phishing: 0, spam: 0 };

function modelView(model: TextModel | undefined, analysis: Analysis, prepared: PreparedText): ModelView {
  if (!model) return NO_MODEL;
  const p = modelProbabilities(model, analysis, prepared);
  return p ? { available: true, unwanted: Math.min(1, p.phishing + p.spam), phishing: p.phishing, spam: p.spam } : NO_MODEL;
}

/** Wording that sends the reader somewhere to act: sign in, pay, open a shared file or document, hurry. */
function asksToFollow(lure: Record<LureKind, boolean>, msg: Pick<MessageView, 'fileShareSubject' | 'bodyPassword'>): boolean {
  return (
    lure.credential || lure.accountThreat || lure.mailboxQuota || lure.payment || lure.fileShare || lure.documentView || lure.esign ||
    lure.voicemail || lure.delivery || lure.prize || lure.cryptoPayment || lure.urgency || msg.fileShareSubject || msg.bodyPassword
  );
}

/** Wording that asks for an answer carrying something of value: details, money, a password. */
function asksToAnswer(lure: Record<LureKind, boolean>): boolean {
  return lure.credential || lure.accountThreat || lure.payment || lure.prize || lure.advanceFee || lure.extortion || lure.cryptoPayment;
}

/**
 * Whether the message carries a concrete attack path a person can check. A statistical score alone is not a
 * reason: without an attack path the text model may add only a few points (verdict.ts MODEL_POINTS_WITHOUT_PATH).
 */
export function attackPathOf(view: Pick<DetectionView, 'msg' | 'lure' | 'links' | 'attachments' | 'sender'>): boolean {
  const { msg, links, attachments, sender } = view;
  const web = links.filter((l) => l.scheme.startsWith('http'));
  // a platform's own file or page host (SharePoint, Google Sites …) is a risk when someone else links to it, not
  // in the platform's own notice
  const ownPlatform = (l: LinkView) => !!sender.brand && l.brand === sender.brand;
  const riskyLink = web.some(
    (l) =>
      l.isIp || ((l.shortener || l.freeHost) && !ownPlatform(l)) || l.riskyTld || !!l.lookalikeOf || !!l.brandInHost || l.punycode || l.carriesEmail || l.hasPort,
  );
  // a PDF whose only links go to the sender's own site (a partner's invoice footer) leads nowhere new
  const pdfLinksAway = web.some((l) => l.inAttachment && !l.sameAsSender);
  const riskyAttachment = attachments.some(
    (a) =>
      a.executable || a.htmlForm || a.htmlPassword || a.htmlMetaRefresh || a.extensionMismatch || a.qrCount > 0 || a.type === 'html' ||
      (a.type === 'pdf' && a.pdfLinks > 0 && pdfLinksAway),
  );
  if (riskyLink || riskyAttachment || msg.bodyForm || msg.bodyPassword) return true;
  // a link to a site that is neither the sender's own nor a known platform's: a place the reader is sent that
  // a person can look at (the wording is what the model weighs)
  if (web.some((l) => !l.sameAsSender && !l.brand)) return true;
  const offsite = web.some((l) => !l.sameAsSender && !(sender.brand && l.brand === sender.brand));
  if (offsite && asksToFollow(view.lure, msg)) return true;
  // a share notice's Reply-To is the person who shared: only an answer that carries something of value counts
  const replyElsewhere = msg.replyToDiffers || sender.replyToFreemail || !!sender.replyToLookalikeOf || sender.freemail;
  return replyElsewhere && asksToAnswer(view.lure);
}

const FREEMAIL = new Set([
  'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.co.jp', 'hotmail.com', 'outlook.com', 'live.com', 'msn.com', 'aol.com',
  'icloud.com', 'me.com', 'mail.com', 'gmx.com', 'gmx.de', 'gmx.net', 'web.de', 'yandex.ru', 'yandex.com', 'mail.ru', 'protonmail.com',
  'proton.me', 'zoho.com', 'qq.com', '163.com', '126.com', 'uol.com.br', 'bol.com.br', 'terra.com.br', 'ig.com.br', 'hotmail.com.br',
  'yahoo.com.br', 'outlook.jp', 'docomo.ne.jp', 'ezweb.ne.jp', 'softbank.ne.jp', 'i.softbank.jp', 'tutanota.com', 'hushmail.com',
]);

const brandMatchers = new WeakMap<ReferenceData, { any: RegExp; at: RegExp[] }>();

/**
 * The brands whose words occur in `text`, in the data's order: what testing each brand's pattern over the whole
 * text gives. A brand's words can only match where the all-brands pattern matches, so that pattern finds each
 * such place (stepping one character on, so that no overlapping name is passed over) and only the brands not yet
 * found are tried there, anchored. Most mail names a brand in a few places or none.
 */
function brandsNamed(data: ReferenceData, text: string): string[] {
  let matchers = brandMatchers.get(data);
  if (!matchers) {
    matchers = {
      any: new RegExp(data.anyBrand.source, `${data.anyBrand.flags.replace(/[gy]/g, '')}g`),
      at: data.brands.map((b) => new RegExp(b.words.source, `${b.words.flags.replace(/[gy]/g, '')}y`)),
    };
    brandMatchers.set(data, matchers);
  }
  const { any, at } = matchers;
  const found = data.brands.map(() => false);
  let left = found.length;
  any.lastIndex = 0;
  while (left > 0) {
    const match = any.exec(text);
    if (!match) break;
    const place = match.index;
    at.forEach((pattern, k) => {
      if (found[k]) return;
      pattern.lastIndex = place;
      if (pattern.test(text)) {
        found[k] = true;
        left--;
      }
    });
    // the next place may start inside this match; with the u flag, never inside a surrogate pair
    const code = text.charCodeAt(place);
    const pair = any.unicode && code >= 0xd800 && code <= 0xdbff && (text.charCodeAt(place + 1) & 0xfc00) === 0xdc00;
    any.lastIndex = place + (pair ? 2 : 1);
  }
  return data.brands.filter((_, k) => found[k]).map((b) => b.id);
}

/** 'Google (Docs, Drive, Gmail, Workspace)' → 'Google' */
function brandLabel(ctx: ViewContext, id: string): string {
  const name = ctx.data.brands.find((b) => b.id === id)?.name ?? id;
  return name.split(' (')[0] ?? name;
}

/** '_Confirm_Your_Reward_', '#Home_Security#', '*SALE*': separators or wrappers that keep filters from seeing words. */
function isDecorated(text: string): boolean {
  const t = text.trim();
  if (t.length < 6) return false;
  if (/^[#*_].*[#*_]$/.test(t) && /\p{L}{3}/u.test(t)) return true;
  return !t.includes(' ') && (t.match(/_/g)?.length ?? 0) >= 3;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function hostMatches(host: string, domain: string, entries: readonly string[], url: string): boolean {
  for (const entry of entries) {
    if (entry.includes('/')) {
      if (url.includes(`//${entry}`) || url.includes(`.${entry}`)) return true;
    } else if (domain === entry || host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

interface HostFacts {
  brand: string;
  brandInHost: string;
  lookalikeOf: string;
  shortener: boolean;
  freeHost: boolean;
  riskyTld: boolean;
  punycode: boolean;
}

const HOST_CACHE_LIMIT = 20_000;

/** The free-hosting list split once per data set: whole hosts, and host/path prefixes that need the URL. */
const freeHostingSplit = new WeakMap<ReferenceData, { hosts: string[]; paths: string[] }>();
function freeHostingOf(data: ReferenceData): { hosts: string[]; paths: string[] } {
  let split = freeHostingSplit.get(data);
  if (!split) {
    split = { hosts: data.freeHosting.filter((e) => !e.includes('/')), paths: data.freeHosting.filter((e) => e.includes('/')) };
    freeHostingSplit.set(data, split);
  }
  return split;
}

/** Facts that depend on the host alone, cached per detector: the same hosts recur across a mailbox. */
function hostFacts(link: Link, ctx: ViewContext): HostFacts {
  const key = link.host;
  const cached = ctx.hostCache.get(key);
  if (cached) return cached;
  const host = link.host;
  const domain = link.registrableDomain;
  const tld = host.includes('.') ? host.slice(host.lastIndexOf('.') + 1) : '';
  const brand = ctx.data.brandByDomain.get(domain) ?? ctx.data.brandByDomain.get(host) ?? '';
  let brandInHost = '';
  if (!brand && !link.isIp) {
    const hostWords = host.replace(/[.-]/g, ' ');
    brandInHost = ctx.data.brands.find((b) => b.domains.length > 0 && b.hostWords.test(hostWords))?.id ?? '';
  }
  const facts: HostFacts = {
    brand,
    brandInHost,
    lookalikeOf: link.isIp || brand ? '' : (imitatedDomain(host, ctx.protectedDomains)?.domain ?? ''),
    shortener: ctx.data.shorteners.has(domain) || ctx.data.shorteners.has(host),
    freeHost: hostMatches(host, domain, freeHostingOf(ctx.data).hosts, ''),
    riskyTld: ctx.data.riskyTlds.has(tld),
    punycode: host.split('.').some((label) => label.startsWith('xn--')),
  };
  if (ctx.hostCache.size >= HOST_CACHE_LIMIT) ctx.hostCache.clear();
  ctx.hostCache.set(key, facts);
  return facts;
}

function linkView(link: Link, senderOrg: string, ctx: ViewContext): LinkView {
  const facts = hostFacts(link, ctx);
  const domain = link.registrableDomain;
  const pathEntries = freeHostingOf(ctx.data).paths;
  return {
    url: link.url,
    host: link.host,
    domain,
    scheme: link.scheme,
    isIp: link.isIp,
    text: link.text ?? '',
    textMismatch: link.textMismatch,
    foundIn: link.foundIn,
    inAttachment: link.attachmentIndex !== undefined,
    shortener: facts.shortener,
    freeHost: facts.freeHost || hostMatches(link.host, domain, pathEntries, link.url),
    riskyTld: facts.riskyTld,
    lookalikeOf: facts.lookalikeOf,
    brandInHost: facts.brandInHost,
    brand: facts.brand,
    sameAsSender: !!domain && domain === senderOrg,
    punycode: facts.punycode,
    carriesEmail: /[?&#/=][\w.+-]+(?:@|%40)[\w-]+\.[\w.-]+/i.test(link.url.slice(link.host.length + 8)),
    hasPort: /^[a-z]+:\/\/[^/]+:\d+/i.test(link.url),
  };
}

function attachmentView(a: AttachmentInfo): AttachmentView {
  const ext = /\.([a-z0-9]{1,6})$/i.exec(a.filename)?.[1]?.toLowerCase() ?? '';
  const formExternal = (a.html?.formActions ?? []).some((action) => /^https?:\/\//i.test(action));
  return {
    filename: a.filename,
    ext,
    type: a.detectedType,
    size: a.size,
    inline: a.inline,
    linkOnly: a.linkOnly,
    extensionMismatch: a.extensionMismatch,
    pdfPages: a.pdf?.pages ?? 0,
    pdfLinks: a.pdf?.links ?? 0,
    pdfTextChars: a.pdf?.textChars ?? 0,
    pdfEncrypted: a.pdf?.encrypted ?? false,
    pdfJavascript: a.pdf?.hasJavascript ?? false,
    htmlForm: a.html?.hasForm ?? false,
    htmlPassword: a.html?.hasPasswordField ?? false,
    htmlScript: a.html?.hasScript ?? false,
    htmlMetaRefresh: a.html?.metaRefresh ?? false,
    htmlFormExternal: formExternal,
    qrCount: a.qrCodes.length,
    depth: a.depth,
    // by program magic or by a runnable extension; script content without such a name is someone's shared code
    executable: a.detectedType === 'exe' || EXECUTABLE_EXT.test(ext),
  };
}

const DAY_MS = 86_400_000;

const UNKNOWN_SENDER: ProfileFields = {
  known: false, firstContact: true, messageCount: 0, daysSinceLast: -1, flagged: 0, withAttachments: 0,
  attachmentTypes: {}, linkDomains: {}, languages: {},
};

function historyOf(profile: SenderProfile | undefined, analysis: Analysis): ProfileFields {
  if (!profile || profile.messageCount === 0) return { ...UNKNOWN_SENDER };
  const last = Date.parse(profile.lastSeen);
  const now = Date.parse(analysis.date);
  return {
    known: true,
    firstContact: false,
    messageCount: profile.messageCount,
    daysSinceLast: Number.isFinite(last) && Number.isFinite(now) ? Math.max(0, (now - last) / DAY_MS) : -1,
    flagged: profile.flagged,
    withAttachments: profile.withAttachments,
    attachmentTypes: { ...profile.attachmentTypes },
    linkDomains: { ...profile.linkDomains },
    languages: { ...profile.languages },
  };
}

export { LURE_KINDS };
