// The plumbing of the genuine-notification and look-alike-lure fixtures (fixtures/genuine, fixtures/lookalike-lures):
// a seeded random generator, throwaway DKIM keys, and the trace headers a receiving host writes above a message it
// accepts — Gmail's mx.google.com or a Microsoft 365 tenant's protection host. Everything is deterministic: the same
// script run twice writes the same bytes (once the keys exist).
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdir, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DKIMSignOptions, dkimSign } from 'mailauth';
import { CRLF, type HeaderList, type MimePart, renderMessage, rfc5322Date } from './mime-writer.js';

/** mulberry32: small and repeatable; the fixtures need variety, not quality. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)] as T;
  }
  /** letters and digits of the given length, for ids and tokens */
  token(length: number, alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }
  hex(length: number): string {
    return this.token(length, '0123456789abcdef');
  }
}

export interface SigningKey {
  domain: string;
  selector: string;
  privateKeyPem: string;
  publicKeyBase64: string;
}

const KEY_WARNING =
  'THROWAWAY TEST KEY made for the fictional Kizuki fixtures. It belongs to nobody; never sign real mail with it.\n';

const KEYS_README = `# Throwaway DKIM keys — for Kizuki's fixture messages only

Generated once by test/support/make-fixtures.ts to sign the fictional messages in ../genuine and
../lookalike-lures. They belong to no real organisation (the domain in a file name only says which
d= the fixtures sign with) and must never sign real mail. ../dns.json serves their public halves
for \`kizuki scan --auth verify --dns-fixture fixtures/dns.json\`.

このフォルダーの鍵は、フィクスチャー用の架空メールに署名するためだけに生成した使い捨ての鍵です。
実在の組織とは無関係で、実際のメールの署名には使わないでください。
`;

export class KeyRing {
  private readonly keys = new Map<string, SigningKey>();
  constructor(
    private readonly dir: string,
    private readonly createMissing: boolean,
  ) {}

  async get(domain: string, selector: string): Promise<SigningKey> {
    const id = `${selector}._domainkey.${domain}`;
    const known = this.keys.get(id);
    if (known) return known;
    const file = join(this.dir, `${id}.private.pem`);
    let pem: string;
    try {
      pem = await readFile(file, 'utf8');
    } catch {
      if (!this.createMissing) throw new Error(`missing fixture DKIM key ${file}`);
      pem = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      await mkdir(this.dir, { recursive: true });
      await writeFile(file, KEY_WARNING + pem);
      await writeFile(join(this.dir, 'README.md'), KEYS_README);
    }
    const key = { domain, selector, privateKeyPem: pem, publicKeyBase64: createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64') };
    this.keys.set(id, key);
    return key;
  }

  /** TXT records for every key used, for a DNS fixture file. */
  dnsRecords(): Record<string, string> {
    const records: Record<string, string> = {};
    for (const [id, key] of [...this.keys.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      records[id] = `v=DKIM1; k=rsa; p=${key.publicKeyBase64}`;
    }
    return records;
  }
}

export async function dkimSigned(message: string, key: SigningKey, signTime: Date): Promise<string> {
  const options: DKIMSignOptions = {
    signingDomain: key.domain,
    selector: key.selector,
    privateKey: key.privateKeyPem,
    algorithm: 'rsa-sha256',
    canonicalization: 'relaxed/relaxed',
  };
  // the message is a latin1 string of its wire bytes: sign those bytes, not their UTF-8 re-encoding
  const result = await dkimSign(Buffer.from(message, 'latin1'), { ...options, signTime, signatureData: [options] });
  const errors = (result as { errors?: unknown[] }).errors ?? [];
  if (errors.length) throw new Error(`DKIM signing failed for ${key.domain}: ${JSON.stringify(errors)}`);
  return result.signatures + message;
}

function signaturePrefix(signed: string): string {
  const match = /DKIM-Signature:[\s\S]*?\bb=([A-Za-z0-9+/=\s]+)/.exec(signed);
  return (match?.[1] ?? '').replace(/\s+/g, '').slice(0, 8);
}

/** Base64 that looks like a signature: derived from the message, so it is stable, but it verifies nothing. */
function pseudoSignature(seed: string, length: number): string {
  let out = '';
  let block = seed;
  while (out.length < length) {
    block = createHash('sha512').update(block).digest('base64');
    out += block.replace(/=+$/, '');
  }
  return out.slice(0, length);
}

function folded(value: string, width = 70): string {
  const lines: string[] = [];
  for (let at = 0; at < value.length; at += width) lines.push(value.slice(at, at + width));
  return lines.join(`${CRLF}        `);
}

export type Receiver = 'gmail' | 'm365';

export interface Envelope {
  headers: HeaderList;
  body: MimePart;
  /** when the sender's system wrote it */
  at: Date;
  /** DKIM d= and s= of the sending system; undefined = not signed */
  signer?: { domain: string; selector: string };
  /** the envelope sender (Return-Path) */
  mailFrom: string;
  /** the From domain, for DMARC */
  fromDomain: string;
  /** the last outside hop */
  outHost: string;
  outIp: string;
  /** the recipient's mailbox and who runs it */
  rcpt: string;
  receiver: Receiver;
  /** DMARC policy the From domain publishes ('reject', 'quarantine', 'none'; '' = no record) */
  dmarcPolicy: string;
  /** SPF result at the receiving host (default pass) */
  spf?: 'pass' | 'softfail' | 'neutral' | 'none';
}

/** The message as the recipient's mailbox holds it: the receiving host's trace above the signed message. */
export async function deliver(envelope: Envelope, keys: KeyRing, rng: Rng): Promise<string> {
  const rendered = renderMessage(envelope.headers, envelope.body);
  const key = envelope.signer ? await keys.get(envelope.signer.domain, envelope.signer.selector) : undefined;
  const signed = key ? await dkimSigned(rendered, key, envelope.at) : rendered;
  const received = new Date(envelope.at.getTime() + rng.int(1, 9) * 1000);
  const spf = envelope.spf ?? 'pass';
  const dkimAligned = key ? alignedTo(key.domain, envelope.fromDomain) : false;
  const dmarc = !envelope.dmarcPolicy ? 'none' : dkimAligned || (spf === 'pass' && alignedTo(domainOf(envelope.mailFrom), envelope.fromDomain)) ? 'pass' : 'fail';
  const trace = envelope.receiver === 'gmail' ? gmailTrace(envelope, signed, key, received, spf, dmarc, rng) : m365Trace(envelope, key, received, spf, dmarc, rng);
  return trace + signed;
}

const domainOf = (address: string) => (address.slice(address.lastIndexOf('@') + 1) || address).toLowerCase();

function alignedTo(a: string, b: string): boolean {
  const org = (d: string) => d.split('.').slice(/\.(?:co|ne|or|ac|com)\.(?:jp|uk|br)$/.test(d) ? -3 : -2).join('.');
  return org(a) === org(b);
}

function gmailTrace(e: Envelope, signed: string, key: SigningKey | undefined, at: Date, spf: string, dmarc: string, rng: Rng): string {
  const date = `${rfc5322Date(at, -480)} (PST)`;
  const stamp = rfc5322Date(at, 0);
  const internalId = `2002:a05:${rng.hex(4)}:${rng.hex(4)}:b0:${rng.hex(3)}:${rng.hex(4)}:${rng.hex(4)}`;
  const smtpId = `${rng.token(10, 'abcdefghijklmnopqrstuvwxyz0123456789')}.${rng.int(10, 999)}.${at.getUTCFullYear()}.${String(at.getUTCMonth() + 1).padStart(2, '0')}.${String(at.getUTCDate()).padStart(2, '0')}.${String(at.getUTCHours()).padStart(2, '0')}.${String(at.getUTCMinutes()).padStart(2, '0')}.${String(at.getUTCSeconds()).padStart(2, '0')}`;
  const spfText =
    spf === 'pass'
      ? `pass (google.com: domain of ${e.mailFrom} designates ${e.outIp} as permitted sender)`
      : `${spf} (google.com: domain of transitioning ${e.mailFrom} does not designate ${e.outIp} as permitted sender)`;
  const results = [
    ...(key ? [`dkim=pass header.i=@${key.domain} header.s=${key.selector} header.b=${signaturePrefix(signed)}`] : []),
    `spf=${spf === 'pass' ? 'pass' : spf} (google.com: domain of ${e.mailFrom} ${spf === 'pass' ? 'designates' : 'does not designate'} ${e.outIp} as permitted sender) smtp.mailfrom=${e.mailFrom}`,
    ...(e.dmarcPolicy ? [`dmarc=${dmarc} (p=${e.dmarcPolicy.toUpperCase()} sp=${e.dmarcPolicy.toUpperCase()} dis=NONE) header.from=${e.fromDomain}`] : []),
  ];
  const seed = `${e.rcpt}|${e.mailFrom}|${stamp}`;
  const lines = [
    `Delivered-To: ${e.rcpt}`,
    `Received: by ${internalId} with SMTP id ${rng.token(6, 'abcdefghijklmnopqrstuvwxyz0123456789')}csp${rng.int(100000, 999999)}lqb;${CRLF}        ${date}`,
    `X-Google-Smtp-Source: AGHT+I${pseudoSignature(`${seed}|src`, 80)}`,
    `X-Received: by 2002:a17:${rng.hex(3)}:${rng.hex(4)}:b0:${rng.hex(3)}:${rng.hex(4)}:${rng.hex(4)} with SMTP id ${rng.token(20, 'abcdefghijklmnopqrstuvwxyz0123456789')}.${rng.int(10, 99)}.${rng.int(1000000000000, 9999999999999)};${CRLF}        ${date}`,
    `ARC-Seal: i=1; a=rsa-sha256; t=${Math.floor(at.getTime() / 1000)}; cv=none;${CRLF}        d=google.com; s=arc-20240605;${CRLF}        b=${folded(pseudoSignature(`${seed}|seal`, 342))}`,
    `ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=google.com; s=arc-20240605;${CRLF}        h=to:subject:message-id:date:from:mime-version:dkim-signature;${CRLF}        bh=${pseudoSignature(`${seed}|bh`, 43)}=;${CRLF}        fh=${pseudoSignature(`${seed}|fh`, 43)}=;${CRLF}        b=${folded(pseudoSignature(`${seed}|ams`, 342))}`,
    `ARC-Authentication-Results: i=1; mx.google.com;${CRLF}       ${results.join(`;${CRLF}       `)}`,
    `Return-Path: <${e.mailFrom}>`,
    `Received: from ${e.outHost} (${e.outHost}. [${e.outIp}])${CRLF}        by mx.google.com with ${key ? 'SMTPS' : 'ESMTPS'} id ${smtpId}${CRLF}        for <${e.rcpt}>${CRLF}        (Google Transport Security);${CRLF}        ${date}`,
    `Received-SPF: ${spfText} client-ip=${e.outIp};`,
    `Authentication-Results: mx.google.com;${CRLF}       ${results.join(`;${CRLF}       `)}`,
  ];
  return lines.join(CRLF) + CRLF;
}

const M365_REGIONS = [
  { short: 'TYZPR', region: 'apcprd06', ca: 'TYCP286CA', caRegion: 'JPNP286', pepf: 'TY2PEPF', pepfRegion: 'apcprd03' },
  { short: 'OS3PR', region: 'jpnprd01', ca: 'OS0P286CA', caRegion: 'JPNP286', pepf: 'OSZPEPF', pepfRegion: 'jpnprd01' },
  { short: 'DB9PR', region: 'eurprd04', ca: 'AM0PR02CA', caRegion: 'eurprd02', pepf: 'AMS0EPF', pepfRegion: 'eurprd04' },
];

function m365Trace(e: Envelope, key: SigningKey | undefined, at: Date, spf: string, dmarc: string, rng: Rng): string {
  const r = rng.pick(M365_REGIONS);
  const mailbox = `${r.short}${rng.int(1, 6).toString().padStart(2, '0')}MB${rng.int(1000, 9999)}.${r.region}.prod.outlook.com`;
  const frontend = `${r.ca}${rng.int(1000, 9999)}.${r.caRegion}.PROD.OUTLOOK.COM`;
  const edge = `${r.pepf}${rng.hex(8).toUpperCase()}.${r.pepfRegion}.prod.outlook.com`;
  const v6 = () => `2603:1096:${rng.hex(3)}:${rng.hex(2)}::${rng.hex(2)}`;
  const stamp = (offsetMs: number) => rfc5322Date(new Date(at.getTime() + offsetMs), 0);
  const mailFromDomain = domainOf(e.mailFrom);
  const authResults = [
    `spf=${spf} (sender IP is ${e.outIp}) smtp.mailfrom=${mailFromDomain}`,
    key ? `dkim=pass (signature was verified) header.d=${key.domain}` : 'dkim=none (message not signed) header.d=none',
    e.dmarcPolicy ? `dmarc=${dmarc} action=none header.from=${e.fromDomain}` : `dmarc=bestguesspass action=none header.from=${e.fromDomain}`,
  ];
  const lines = [
    `Received: from ${mailbox.replace(/\d{4}\./, `${rng.int(1000, 9999)}.`)} (${v6()}) by${CRLF} ${mailbox} with HTTPS; ${stamp(900)}`,
    `Received: from ${frontend} (${v6()}) by${CRLF} ${mailbox} (${v6()}) with Microsoft SMTP Server${CRLF} (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8207.18; ${stamp(800)}`,
    `Received: from ${edge}${CRLF} (${v6()}) by ${frontend}${CRLF} (${v6()}) with Microsoft SMTP Server (version=TLS1_3,${CRLF} cipher=TLS_AES_256_GCM_SHA384) id 15.20.8207.18 via Frontend Transport; ${stamp(700)}`,
    `Authentication-Results: ${authResults.join(`;${CRLF} `)};compauth=pass reason=100`,
    `Received-SPF: ${spf === 'pass' ? 'Pass' : 'SoftFail'} (protection.outlook.com: domain of ${mailFromDomain}${CRLF} ${spf === 'pass' ? 'designates' : 'does not designate'} ${e.outIp} as permitted sender) receiver=protection.outlook.com;${CRLF} client-ip=${e.outIp}; helo=${e.outHost}; pr=C`,
    `Received: from ${e.outHost} (${e.outIp}) by${CRLF} ${edge.replace(`.${r.pepfRegion}.prod.outlook.com`, '.mail.protection.outlook.com')} (10.167.${rng.int(1, 250)}.${rng.int(1, 250)}) with Microsoft SMTP Server${CRLF} (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.8207.18 via Frontend Transport; ${stamp(600)}`,
    `X-MS-Exchange-Organization-ExpirationStartTime: ${stamp(600).replace(/^\w+, /, '')}`,
    'X-MS-Exchange-Organization-Network-Message-Id:',
    ` ${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`,
    'X-EOPAttributedMessage: 0',
    'X-MS-Exchange-Organization-MessageDirectionality: Incoming',
    'X-MS-Exchange-Organization-AuthSource:',
    ` ${edge}`,
    'X-MS-Exchange-Organization-AuthAs: Anonymous',
    `X-MS-Exchange-Organization-SCL: ${rng.pick(['-1', '1', '1'])}`,
  ];
  return lines.join(CRLF) + CRLF;
}

export interface FixtureFile {
  /** file name inside its folder */
  name: string;
  /** bytes as written (latin1 string of the wire form) */
  text: string;
  label: 'ham' | 'phishing';
  /** what kind of mail it is, for labels.tsv's tags column */
  kind: string;
  at: Date;
}

export async function writeFixtureFolder(dir: string, source: string, files: FixtureFile[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  // messages of an earlier run that this one no longer writes must not linger
  for (const name of await readdir(dir)) if (name.endsWith('.eml')) await unlink(join(dir, name));
  const rows = ['path\tlabel\tsource\tdate_utc\ttags'];
  for (const file of files) {
    await writeFile(join(dir, file.name), Buffer.from(file.text, 'latin1'));
    rows.push([file.name, file.label, source, file.at.toISOString().replace('.000Z', 'Z'), file.kind].join('\t'));
  }
  await writeFile(join(dir, 'labels.tsv'), `${rows.join('\n')}\n`);
}

export { CRLF };
