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

export async function makeFixtures(root: string): Promise<string[]> {
  const keys = new KeyRing(join(root, 'keys'), true);
  const genuine = await render(GENUINE_PLAN, 'ham', 20251203, new Date('2024-04-01T00:00:00Z'), keys);
  const lures = await render(LURE_PLAN, 'phishing', 20170705, new Date('2024-05-01T00:00:00Z'), keys);
  await writeFixtureFolder(join(root, 'genuine'), 'kizuki-genuine', genuine);
  await writeFixtureFolder(join(root, 'lookalike-lures'), 'kizuki-lookalike', lures);
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
    console.error('usage: node build/test/support/make-fixtures.js <fixtures folder>');
    process.exit(2);
  }
  for (const line of await makeFixtures(resolve(root))) console.log(line);
}
