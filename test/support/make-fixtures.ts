// (Re)generates fixtures/genuine (genuine modern notifications and business mail, label ham) and
// fixtures/lookalike-lures (lures that imitate the same notifications, label phishing), with labels.tsv files
// in the corpus's columns and a DNS fixture for their throwaway DKIM keys.
//   npm run fixtures        (= npm run build && node build/test/support/make-fixtures.js fixtures)
// Deterministic: the same keys give the same bytes.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deliver, type FixtureFile, KeyRing, Rng, writeFixtureFolder } from './fixture-core.js';
import { GENUINE_PLAN } from './fixture-genuine.js';
import { LURE_PLAN } from './fixture-lures.js';
import type { Ctx, Draft } from './fixture-platforms.js';

const DMARC_RECORDS: Record<string, string> = Object.fromEntries(
  ['google.com', 'accounts.google.com', 'sharepointonline.com', 'accountprotection.microsoft.com', 'docusign.net', 'adobesign.com', 'dropbox.com', 'github.com', 'slack.com', 'zoom.us'].map((d) => [
    `_dmarc.${d}`,
    'v=DMARC1; p=reject',
  ]),
);

export type Builder = (ctx: Ctx, i: number) => Draft | Promise<Draft>;
export interface PlanEntry {
  build: Builder;
  count: number;
}

/** Interleaves the plan's kinds (so the first files already cover many kinds) and renders each message. */
async function render(plan: PlanEntry[], label: FixtureFile['label'], seed: number, start: Date, keys: KeyRing): Promise<FixtureFile[]> {
  const rng = new Rng(seed);
  const files: FixtureFile[] = [];
  const used = new Map<PlanEntry, number>();
  let at = start;
  let n = 0;
  for (;;) {
    let any = false;
    for (const entry of plan) {
      const i = used.get(entry) ?? 0;
      if (i >= entry.count) continue;
      any = true;
      used.set(entry, i + 1);
      at = new Date(at.getTime() + rng.int(3, 70) * 3_600_000 + rng.int(0, 3599) * 1000);
      const draft = await entry.build({ rng, at }, i);
      const text = await deliver(draft.env, keys, rng);
      n++;
      files.push({ name: `${String(n).padStart(3, '0')}-${draft.slug}.eml`, text, label, kind: draft.kind, at });
    }
    if (!any) break;
  }
  return files;
}

/** Fixture messages copied next to the rules as their positive and negative samples (`kizuki rules test`). */
const RULE_SAMPLES: Array<[file: string, pick: (f: FixtureFile) => boolean]> = [
  ['ja-invoice-lure-partner.eml', (f) => f.kind === 'invoice-lure-ja' && f.name.endsWith('-partner.eml')],
  ['ja-invoice-lure-lookalike.eml', (f) => f.kind === 'invoice-lure-ja' && f.name.endsWith('-lookalike.eml')],
  ['ja-share-lure-partner-pdf.eml', (f) => f.kind === 'share-lure-partner' && f.name.endsWith('-ja.eml') && f.text.includes('application/pdf')],
  ['ja-share-lure-lookalike.eml', (f) => f.kind === 'share-lure-lookalike' && f.name.endsWith('-ja.eml')],
  ['ja-redelivery-lure.eml', (f) => f.kind === 'delivery-lure-ja'],
  ['ja-suspension-lure.eml', (f) => f.kind === 'account-suspension-lure-ja'],
  ['ja-freee-invoice.eml', (f) => f.kind === 'freee-invoice'],
  ['ja-yamato-absent.eml', (f) => f.kind === 'yamato-absence'],
  ['ja-yamato-delivery.eml', (f) => f.kind === 'yamato-delivery-plan'],
  ['ja-partner-invoice.eml', (f) => f.kind === 'partner-invoice-ja'],
  ['ja-drive-share.eml', (f) => f.kind === 'drive-share-ja-external'],
  ['ja-sharepoint-share.eml', (f) => f.kind.startsWith('sharepoint-share-ja')],
  ['ja-business-payment.eml', (f) => f.name.endsWith('-business-ja-payment.eml')],
  ['ja-business-share-link.eml', (f) => f.name.endsWith('-business-ja-share.eml')],
  ['ja-security-warning.eml', (f) => f.name.endsWith('-security-warning-ja.eml')],
  ['ja-google-security.eml', (f) => f.kind.startsWith('google-security-') && f.name.endsWith('-ja.eml')],
  ['ja-microsoft-security.eml', (f) => f.kind.startsWith('microsoft-security-') && f.name.endsWith('-ja.eml')],
  ['ja-holiday-notice.eml', (f) => f.kind === 'holiday-notice-bcc'],
  ['calendar-invite-google.eml', (f) => f.kind === 'calendar-invite-google'],
  ['freemail-lure-google-storage.eml', (f) => f.kind === 'platform-hosted-lure'],
];

async function writeRuleSamples(repo: string, files: FixtureFile[]): Promise<void> {
  // lures sit with the rules' other samples; genuine mail goes under samples/, where `eval phishing=rules/samples` won't count it
  const lures = join(repo, 'rules', 'samples');
  const genuine = join(repo, 'samples', 'genuine');
  await mkdir(genuine, { recursive: true });
  for (const [name, pick] of RULE_SAMPLES) {
    const found = files.find(pick);
    if (!found) throw new Error(`no fixture message fits the rule sample ${name}`);
    await writeFile(join(found.label === 'phishing' ? lures : genuine, name), Buffer.from(found.text, 'latin1'));
  }
}

export interface MakeFixturesOptions {
  /** also copy the messages that rules use as samples into this repository (rules/samples, samples/genuine) */
  repoDir?: string;
  /** read the DKIM keys from here and never create any (default: <root>/keys, created when missing) */
  keysDir?: string;
}

export async function makeFixtures(root: string, options: MakeFixturesOptions = {}): Promise<string[]> {
  const keys = new KeyRing(options.keysDir ?? join(root, 'keys'), options.keysDir === undefined);
  const genuine = await render(GENUINE_PLAN, 'ham', 20251203, new Date('2024-04-01T00:00:00Z'), keys);
  const lures = await render(LURE_PLAN, 'phishing', 20170705, new Date('2024-05-01T00:00:00Z'), keys);
  await writeFixtureFolder(join(root, 'genuine'), 'kizuki-genuine', genuine);
  await writeFixtureFolder(join(root, 'lookalike-lures'), 'kizuki-lookalike', lures);
  if (options.repoDir) await writeRuleSamples(options.repoDir, [...genuine, ...lures]);
  await mkdir(root, { recursive: true });
  const dns = {
    comment:
      'DNS fixture for the fictional messages under fixtures/ (kizuki scan --auth verify --dns-fixture fixtures/dns.json): public halves of throwaway DKIM keys (keys/README.md) and DMARC records. Not the real records of these domains.',
    txt: { ...keys.dnsRecords(), ...DMARC_RECORDS },
  };
  await writeFile(join(root, 'dns.json'), `${JSON.stringify(dns, null, 2)}\n`);
  return [`${genuine.length} genuine`, `${lures.length} look-alike lures`];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = process.argv[2];
  if (!root) {
    console.error('usage: node build/test/support/make-fixtures.js <fixtures folder> [repository, to refresh the rule samples]');
    process.exit(2);
  }
  const repo = process.argv[3];
  for (const line of await makeFixtures(resolve(root), repo ? { repoDir: resolve(repo) } : {})) console.log(line);
}
