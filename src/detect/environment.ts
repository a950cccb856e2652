// The CEL environment rule conditions are written in: typed declarations that mirror view.ts, the
// conversion of a view into CEL values (numbers declared 'int' become BigInt here, and only here),
// and the helper functions rules may call.
import { Environment } from '@marcbachmann/cel-js';
import type { ReferenceData } from './reference-data.js';
import { domainParts, imitatedDomain, type ProtectedDomain, similarity } from './similarity.js';
import { type DetectionView, LURE_KINDS, newAttachmentType, newLanguage, newLinkDomain, type ProfileFields } from './view.js';

type FieldType = 'string' | 'bool' | 'int' | 'double' | 'list<string>' | 'map<string, int>';
type FieldSpec = Record<string, FieldType>;

const LINK_FIELDS: FieldSpec = {
  url: 'string', host: 'string', domain: 'string', scheme: 'string', isIp: 'bool', text: 'string', textMismatch: 'bool',
  foundIn: 'string', inAttachment: 'bool', shortener: 'bool', freeHost: 'bool', riskyTld: 'bool', lookalikeOf: 'string',
  brandInHost: 'string', brand: 'string', sameAsSender: 'bool', punycode: 'bool', carriesEmail: 'bool', hasPort: 'bool',
};

const ATTACHMENT_FIELDS: FieldSpec = {
  filename: 'string', ext: 'string', type: 'string', size: 'int', inline: 'bool', linkOnly: 'bool', extensionMismatch: 'bool',
  pdfPages: 'int', pdfLinks: 'int', pdfTextChars: 'int', pdfEncrypted: 'bool', pdfJavascript: 'bool', htmlForm: 'bool',
  htmlPassword: 'bool', htmlScript: 'bool', htmlMetaRefresh: 'bool', htmlFormExternal: 'bool', qrCount: 'int', depth: 'int',
  executable: 'bool',
};

const MESSAGE_FIELDS: FieldSpec = {
  subject: 'string', text: 'string', textFolded: 'string', language: 'string', direction: 'string', hasHtml: 'bool',
  textLength: 'int', linkCount: 'int', distinctLinkDomains: 'int', attachmentCount: 'int', recipientCount: 'int',
  externalRecipientDomains: 'int', hiddenRecipients: 'bool', undisclosedRecipients: 'bool', sentToSelf: 'bool', isBounce: 'bool',
  isAutoReply: 'bool', isMailingList: 'bool', listUnsubscribe: 'bool', bulkPrecedence: 'bool', replyToDiffers: 'bool',
  returnPathDiffers: 'bool', fileShareSubject: 'bool', bodyForm: 'bool', bodyPassword: 'bool', imageHeavy: 'bool',
  greetsByAddress: 'bool', subjectCaps: 'double', mixedScriptWords: 'int', fancyLetters: 'int', invisibleChars: 'int',
  quotesRecipientAddress: 'bool', linksToSender: 'double', visibleTextLength: 'int', decoratedWording: 'bool',
  returnedSubject: 'string', returnedLure: 'bool', returnedFromOrg: 'bool', attackPath: 'bool',
};

const SENDER_FIELDS: FieldSpec = {
  address: 'string', name: 'string', domain: 'string', orgDomain: 'string', freemail: 'bool', internal: 'bool', knownContact: 'bool',
  brand: 'string', nameHasAddress: 'bool', nameAddressDiffers: 'bool', nameBrand: 'string', nameClaimsProtected: 'bool',
  lookalikeOf: 'string', replyToFreemail: 'bool', replyToLookalikeOf: 'string', allowListed: 'bool', blockListed: 'bool',
};

const AUTH_FIELDS: FieldSpec = { checked: 'bool', spf: 'string', dkim: 'string', dkimAligned: 'bool', dmarc: 'string', pass: 'bool', fail: 'bool' };
const LURE_FIELDS: FieldSpec = Object.fromEntries(LURE_KINDS.map((k) => [k, 'bool']));
const MODEL_FIELDS: FieldSpec = { available: 'bool', unwanted: 'double', phishing: 'double', spam: 'double' };
const BRAND_FIELDS: FieldSpec = { named: 'list<string>', offBrand: 'list<string>' };
const PROFILE_FIELDS: FieldSpec = {
  known: 'bool', firstContact: 'bool', messageCount: 'int', daysSinceLast: 'double', flagged: 'int', withAttachments: 'int',
  attachmentTypes: 'map<string, int>', linkDomains: 'map<string, int>', languages: 'map<string, int>',
};

// One class per CEL type: instances are built once per message so evaluation does no conversion.
class CelMessage {}
class CelSender {}
class CelAuth {}
class CelLure {}
class CelBrand {}
class CelModel {}
class CelLink {}
class CelAttachment {}
class CelProfile {
  /** the plain profile, for the receiver functions */
  plain!: ProfileFields;
}

// each spec's fields listed once, not once per message and link
const specEntries = new WeakMap<FieldSpec, Array<[string, FieldType]>>();
function entriesOf(spec: FieldSpec): Array<[string, FieldType]> {
  let entries = specEntries.get(spec);
  if (!entries) {
    entries = Object.entries(spec);
    specEntries.set(spec, entries);
  }
  return entries;
}

function toCel<T extends object>(Ctor: new () => T, spec: FieldSpec, source: object): T {
  const target = new Ctor() as Record<string, unknown>;
  const values = source as Record<string, unknown>;
  for (const [key, type] of entriesOf(spec)) {
    const value = values[key];
    if (type === 'int') target[key] = BigInt(Math.trunc(Number(value ?? 0)) || 0);
    else if (type === 'map<string, int>') {
      const map: Record<string, bigint> = {};
      for (const [k, v] of Object.entries((value ?? {}) as Record<string, number>)) map[k] = BigInt(Math.trunc(v) || 0);
      target[key] = map;
    } else target[key] = value;
  }
  return target as T;
}

export type CelContext = Record<string, unknown>;

/** The view as CEL values: the only place numbers become BigInt. */
export function toCelContext(view: DetectionView): CelContext {
  const profile = toCel(CelProfile, PROFILE_FIELDS, view.profile);
  profile.plain = view.profile;
  return {
    msg: toCel(CelMessage, MESSAGE_FIELDS, view.msg),
    sender: toCel(CelSender, SENDER_FIELDS, view.sender),
    auth: toCel(CelAuth, AUTH_FIELDS, view.auth),
    lure: toCel(CelLure, LURE_FIELDS, view.lure),
    brand: toCel(CelBrand, BRAND_FIELDS, view.brand),
    links: view.links.map((l) => toCel(CelLink, LINK_FIELDS, l)),
    attachments: view.attachments.map((a) => toCel(CelAttachment, ATTACHMENT_FIELDS, a)),
    profile,
    model: toCel(CelModel, MODEL_FIELDS, view.model),
  };
}

/** Values coming back from CEL into TypeScript: BigInt → number, lists and maps converted deeply. */
export function fromCel(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(fromCel);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), fromCel(v)]));
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'plain').map(([k, v]) => [k, fromCel(v)]));
  }
  return value;
}

/** Variables and helper functions, one line each: printed by `kizuki rules list --environment` and the docs. */
export const ENVIRONMENT_DOC: Array<[string, string]> = [
  ['msg', `the message: ${Object.keys(MESSAGE_FIELDS).join(', ')}`],
  ['sender', `the From address: ${Object.keys(SENDER_FIELDS).join(', ')}`],
  ['auth', `authentication: ${Object.keys(AUTH_FIELDS).join(', ')}`],
  ['lure', `lure wording found (bool each): ${LURE_KINDS.join(', ')}`],
  ['brand', 'brand.named, brand.offBrand: brand ids named in the message / named while no sender or link belongs to them'],
  ['links', `list of links (body and attachments): ${Object.keys(LINK_FIELDS).join(', ')}`],
  ['attachments', `list of attachments: ${Object.keys(ATTACHMENT_FIELDS).join(', ')}`],
  ['profile', `sender history: ${Object.keys(PROFILE_FIELDS).join(', ')}`],
  ['model', `text model (rules/data/text-model.json): ${Object.keys(MODEL_FIELDS).join(', ')} — phishing and spam are the probabilities (0..1) that the mail is an attack or bulk marketing, unwanted their sum; without msg.attackPath the model's threat points are capped`],
  ['profile.newAttachmentType(t)', 'a known sender who never sent an attachment of type t before'],
  ['profile.newLinkDomain(d)', 'a known sender who never linked to domain d before'],
  ['profile.newLanguage(l)', 'a known sender (3+ messages) who never wrote in language l before'],
  ['lookalike(domain)', 'the organisation, contact or brand domain that `domain` imitates, or ""'],
  ['similarity(a, b)', '1 - edit distance / longer length, 0..1'],
  ['brandOf(domain)', 'id of the brand owning a domain, or ""'],
  ['registrable(host)', 'registrable domain (eTLD+1) of a host'],
  ['hasAny(text, words)', 'text contains any string of the list'],
];

export function createEnvironment(data: ReferenceData, protectedDomains: readonly ProtectedDomain[]): Environment {
  const env = new Environment({ homogeneousAggregateLiterals: false });
  const types: Array<[string, new () => object, FieldSpec]> = [
    ['Message', CelMessage, MESSAGE_FIELDS],
    ['Sender', CelSender, SENDER_FIELDS],
    ['Auth', CelAuth, AUTH_FIELDS],
    ['Lure', CelLure, LURE_FIELDS],
    ['Brands', CelBrand, BRAND_FIELDS],
    ['Link', CelLink, LINK_FIELDS],
    ['Attachment', CelAttachment, ATTACHMENT_FIELDS],
    ['SenderHistory', CelProfile, PROFILE_FIELDS],
    ['TextModel', CelModel, MODEL_FIELDS],
  ];
  for (const [name, ctor, fields] of types) env.registerType(name, { ctor, fields });
  env.registerVariable('msg', 'Message');
  env.registerVariable('sender', 'Sender');
  env.registerVariable('auth', 'Auth');
  env.registerVariable('lure', 'Lure');
  env.registerVariable('brand', 'Brands');
  env.registerVariable('links', 'list<Link>');
  env.registerVariable('attachments', 'list<Attachment>');
  env.registerVariable('profile', 'SenderHistory');
  env.registerVariable('model', 'TextModel');
  const receiver = (name: string, param: string, fn: (p: ProfileFields, arg: string) => boolean) =>
    env.registerFunction({
      name,
      receiverType: 'SenderHistory',
      returnType: 'bool',
      handler: (p: CelProfile, arg: string) => fn(p.plain, arg),
      params: [{ name: param, type: 'string' }],
    });
  receiver('newAttachmentType', 'type', newAttachmentType);
  receiver('newLinkDomain', 'domain', newLinkDomain);
  receiver('newLanguage', 'language', newLanguage);
  env.registerFunction('lookalike(string): string', (domain: string) => imitatedDomain(domain, protectedDomains)?.domain ?? '');
  env.registerFunction('similarity(string, string): double', (a: string, b: string) => similarity(a, b));
  env.registerFunction('brandOf(string): string', (domain: string) => data.brandByDomain.get(domainParts(domain).registrable) ?? '');
  env.registerFunction('registrable(string): string', (host: string) => domainParts(host).registrable);
  env.registerFunction('hasAny(string, list<string>): bool', (text: string, words: string[]) => words.some((w) => text.includes(w)));
  return env;
}
