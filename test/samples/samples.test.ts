// The seed-2017 samples: they parse, they authenticate offline, they tell the story they are meant to
// tell, and the generator reproduces them byte for byte.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseBounce } from '../../src/events/bounce.js';
import { analyse } from '../../src/mail/analyse.js';
import { type AuthOptions, defaultAnalyseOptions } from '../../src/mail/options.js';
import type { Analysis, Link } from '../../src/model/analysis.js';
import { fixtureResolverFromFile } from '../../src/scan/resolver.js';
import { type ExpectedSample, makeSamples } from '../support/make-samples.js';

// build/test/samples/samples.test.js → the repository root is three levels up
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const samplesDir = join(repoRoot, 'samples', 'seed-2017');
const HANG_GUARD_MS = 60_000;
const ORG_DOMAIN = 'tsukishiro-vs.co.jp';

interface ExpectedFile {
  orgDomains: string[];
  trustedHosts: string[];
  samples: ExpectedSample[];
}

async function readSample(file: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(join(samplesDir, file)));
}

async function authOptions(mode: AuthOptions['mode']): Promise<AuthOptions> {
  return { mode, trustedHosts: ['mx.google.com'], resolver: fixtureResolverFromFile(join(samplesDir, 'dns.json')) };
}

async function analyseSample(file: string, mode: AuthOptions['mode'] = 'headers'): Promise<Analysis> {
  return analyse(
    await readSample(file),
    defaultAnalyseOptions({ auth: await authOptions(mode), orgDomains: [ORG_DOMAIN], now: () => new Date('2017-07-12T00:00:00Z') }),
  );
}

function pdfLinks(analysis: Analysis): Link[] {
  return analysis.links.filter((l) => l.foundIn === 'pdf-annotation' || l.foundIn === 'pdf-text');
}

/** distinct URLs (the same URL may be found both as an annotation and in the page text) */
function distinctUrls(links: Link[]): string[] {
  return [...new Set(links.map((l) => l.url))];
}

describe('seed-2017 samples', () => {
  test('expected.json lists exactly the sample files, each with a verdict and reasons in both languages', async () => {
    const expected = JSON.parse(await readFile(join(samplesDir, 'expected.json'), 'utf8')) as ExpectedFile;
    const files = (await readdir(samplesDir)).filter((f) => f.endsWith('.eml')).sort();
    assert.deepEqual(expected.samples.map((s) => s.file).sort(), files);
    assert.deepEqual(expected.orgDomains, [ORG_DOMAIN]);
    for (const sample of expected.samples) {
      assert.ok(['malicious', 'suspicious', 'clean'].includes(sample.verdict), sample.file);
      assert.ok(sample.why.length > 20 && sample.whyJa.length > 10, sample.file);
    }
    const verdictOf = (prefix: string) => expected.samples.find((s) => s.file.startsWith(prefix))?.verdict;
    for (const lure of ['01', '02', '03', '04']) assert.equal(verdictOf(lure), 'malicious');
    for (const lookAlike of ['10', '11', '12', '13']) assert.equal(verdictOf(lookAlike), 'clean');
  });

  test('every sample parses cleanly: no analysis errors, sender, subject, Message-ID and date present', { timeout: HANG_GUARD_MS }, async () => {
    const files = (await readdir(samplesDir)).filter((f) => f.endsWith('.eml'));
    assert.ok(files.length >= 9);
    for (const file of files) {
      const analysis = await analyseSample(file);
      assert.deepEqual(analysis.errors, [], `${file}: ${JSON.stringify(analysis.errors)}`);
      assert.ok(analysis.from.address.includes('@'), file);
      assert.ok(analysis.subject.length > 0, file);
      assert.ok(analysis.messageId.length > 0, file);
      assert.match(analysis.date, /^2017-0[67]-/, file);
    }
  });

  test('every DKIM-signed sample verifies offline against dns.json in verify mode', { timeout: HANG_GUARD_MS }, async () => {
    for (const file of (await readdir(samplesDir)).filter((f) => f.endsWith('.eml'))) {
      const raw = Buffer.from(await readSample(file)).toString('latin1');
      const topHeaders = raw.slice(0, raw.indexOf('\r\n\r\n'));
      if (!/^DKIM-Signature:/im.test(topHeaders)) continue;
      const analysis = await analyseSample(file, 'verify');
      assert.equal(analysis.auth.source, 'verified', file);
      assert.ok(
        analysis.auth.dkim.some((d) => d.result === 'pass' && d.aligned),
        `${file}: ${JSON.stringify(analysis.auth.dkim)}`,
      );
      assert.equal(analysis.auth.dmarc.result, 'pass', file);
    }
  });
});

describe('01: the inbound lure from the genuine partner account', () => {
  test('DKIM, SPF and DMARC pass when verified here with the fixture resolver', { timeout: HANG_GUARD_MS }, async () => {
    const analysis = await analyseSample('01-inbound-lure.eml', 'verify');
    assert.equal(analysis.auth.source, 'verified');
    assert.deepEqual(
      analysis.auth.dkim.map((d) => [d.result, d.domain, d.selector, d.aligned]),
      [['pass', 'halvorsen-imaging.com', 's2017', true]],
    );
    assert.equal(analysis.auth.spf.result, 'pass');
    assert.equal(analysis.auth.dmarc.result, 'pass');
  });

  test('the same results are read from the trusted mx.google.com Authentication-Results', async () => {
    const analysis = await analyseSample('01-inbound-lure.eml', 'headers');
    assert.equal(analysis.auth.source, 'trusted-header');
    assert.equal(analysis.auth.trustedHost, 'mx.google.com');
    assert.equal(analysis.auth.dmarc.result, 'pass');
  });

  test('a single changed byte in the body makes DKIM fail (the check is real)', { timeout: HANG_GUARD_MS }, async () => {
    const raw = Buffer.from(await readSample('01-inbound-lure.eml')).toString('latin1');
    // the first body line is base64 of "Hello,"; changing one character changes the decoded body
    const tampered = raw.replace('\r\nSGVsbG8s', '\r\nSGVsbG9s');
    assert.notEqual(tampered, raw, 'the tampering found something to change');
    const analysis = await analyse(
      new Uint8Array(Buffer.from(tampered, 'latin1')),
      defaultAnalyseOptions({ auth: await authOptions('verify'), orgDomains: [ORG_DOMAIN] }),
    );
    assert.ok(
      analysis.auth.dkim.every((d) => d.result !== 'pass'),
      JSON.stringify(analysis.auth.dkim),
    );
  });

  test('its one-page PDF carries exactly one external link, labelled "Document", off google.com but posing as Google Docs', async () => {
    const analysis = await analyseSample('01-inbound-lure.eml');
    assert.equal(analysis.from.address, 'greg.ostrander@halvorsen-imaging.com');
    assert.equal(analysis.subject, 'shared you a file');
    const pdf = analysis.attachments.find((a) => a.detectedType === 'pdf');
    assert.ok(pdf, 'a PDF attachment, recognised by content');
    assert.equal(pdf.pdf?.pages, 1);
    const links = pdfLinks(analysis);
    const urls = distinctUrls(links);
    assert.equal(urls.length, 1, JSON.stringify(urls));
    const link = links[0] as Link;
    assert.notEqual(link.registrableDomain, 'google.com');
    assert.equal(link.registrableDomain, 'document-viewer.online');
    assert.match(link.host, /google/, 'the host poses as Google');
    assert.ok(links.some((l) => l.text === 'Document'), 'the annotation sits on the "Document" button');
    assert.equal(link.attachmentIndex, pdf.index);
  });
});

describe('02 and 03: the lure sent on from the victim account', () => {
  test('02, the Sent-folder copy: addressed to himself, every real recipient hidden in Bcc', async () => {
    const analysis = await analyseSample('02-outbound-bcc.eml');
    assert.equal(analysis.from.address, 'iwanaga@tsukishiro-vs.co.jp');
    assert.deepEqual(
      analysis.to.map((a) => a.address),
      ['iwanaga@tsukishiro-vs.co.jp'],
    );
    assert.equal(analysis.bcc.length, 9);
    assert.equal(analysis.facts.hiddenRecipients, true);
    assert.equal(analysis.facts.sentToSelf, true);
    assert.ok(analysis.facts.externalRecipientDomains >= 6, `external domains: ${analysis.facts.externalRecipientDomains}`);
    const urls = distinctUrls(pdfLinks(analysis));
    assert.equal(urls.length, 1);
    assert.equal(pdfLinks(analysis)[0]?.registrableDomain, 'document-viewer.online');
  });

  test('02 was submitted from the attacker client, not a Google host', async () => {
    const analysis = await analyseSample('02-outbound-bcc.eml');
    assert.equal(analysis.received[0]?.ip, '203.0.113.77');
  });

  test('03, the colleague copy: same message, genuine internal sender, no Bcc header, recipient not visible', async () => {
    const sent = await analyseSample('02-outbound-bcc.eml');
    const analysis = await analyseSample('03-internal-colleague.eml', 'verify');
    assert.equal(analysis.messageId, sent.messageId);
    assert.equal(analysis.from.address, 'iwanaga@tsukishiro-vs.co.jp');
    assert.equal(analysis.bcc.length, 0);
    assert.ok(analysis.headers.some((h) => h.key === 'delivered-to' && h.value === 'hori@tsukishiro-vs.co.jp'));
    assert.equal(analysis.facts.hiddenRecipients, true);
    assert.equal(analysis.auth.dmarc.result, 'pass');
    assert.equal(distinctUrls(pdfLinks(analysis)).length, 1);
  });
});

describe('04: the Japanese variant', () => {
  test('ISO-2022-JP subject and body decode to Japanese; one PDF link off google.com', async () => {
    const raw = Buffer.from(await readSample('04-lure-ja.eml')).toString('latin1');
    assert.match(raw, /charset="ISO-2022-JP"/);
    const analysis = await analyseSample('04-lure-ja.eml');
    assert.equal(analysis.subject, 'ファイルを共有しました');
    assert.equal(analysis.from.name, '佐藤 健二');
    assert.match(analysis.text, /ファイルを共有しました/);
    assert.equal(analysis.facts.language, 'ja');
    const urls = distinctUrls(pdfLinks(analysis));
    assert.equal(urls.length, 1);
    assert.notEqual(pdfLinks(analysis)[0]?.registrableDomain, 'google.com');
    assert.equal(analysis.attachments[0]?.filename, '共有ファイル.pdf');
  });
});

describe('05: the bounce', () => {
  test('an RFC 3464 report: 5.1.1 for the gone recipient, returning the lure Message-ID', async () => {
    const analysis = await analyseSample('05-bounce.eml');
    assert.equal(analysis.facts.isBounce, true);
    const sent = await analyseSample('02-outbound-bcc.eml');
    const report = await parseBounce(await readSample('05-bounce.eml'));
    assert.ok(report);
    assert.equal(report.kind, 'dsn');
    assert.equal(report.failed, true);
    assert.deepEqual(report.recipients, ['y.nakamura@marunaka-denki.co.jp']);
    assert.equal(report.status, '5.1.1');
    assert.equal(report.original.messageId?.replace(/^<|>$/g, ''), sent.messageId.replace(/^<|>$/g, ''));
    assert.equal(report.original.subject, 'shared you a file');
  });
});

describe('the look-alikes that must stay clean', () => {
  test('10, the Google Drive share: from drive-shares-dm-noreply@google.com, DKIM by google.com, every link on google.com', { timeout: HANG_GUARD_MS }, async () => {
    const analysis = await analyseSample('10-genuine-drive-share.eml', 'verify');
    assert.equal(analysis.from.address, 'drive-shares-dm-noreply@google.com');
    assert.equal(analysis.from.name, 'Greg Ostrander (via Google Drive)');
    assert.deepEqual(
      analysis.auth.dkim.map((d) => [d.result, d.domain]),
      [['pass', 'google.com']],
    );
    assert.ok(analysis.links.length > 0);
    for (const link of analysis.links) assert.equal(link.registrableDomain, 'google.com', link.url);
    assert.equal(analysis.attachments.length, 0);
  });

  test('11, the partner quotation: a multi-page PDF with real text, linking only to the partner own site', async () => {
    const analysis = await analyseSample('11-partner-quotation.eml');
    const pdf = analysis.attachments.find((a) => a.detectedType === 'pdf');
    assert.ok(pdf?.pdf);
    assert.ok(pdf.pdf.pages >= 3, `pages: ${pdf.pdf.pages}`);
    assert.ok(pdf.pdf.textChars > 500, `text: ${pdf.pdf.textChars}`);
    assert.equal(pdf.linkOnly, false);
    for (const link of analysis.links) assert.equal(link.registrableDomain, 'halvorsen-imaging.com', link.url);
  });

  test('12, the internal meeting note: Japanese, no links, no attachments', async () => {
    const analysis = await analyseSample('12-internal-meeting-note.eml');
    assert.equal(analysis.facts.language, 'ja');
    assert.equal(analysis.subject, '7月10日 営業会議メモ');
    assert.equal(analysis.links.length, 0);
    assert.equal(analysis.attachments.length, 0);
  });

  test('13, the OneDrive share: links only to the tenant on sharepoint.com and to microsoft.com', async () => {
    const analysis = await analyseSample('13-genuine-onedrive-share.eml');
    assert.ok(analysis.links.some((l) => l.host === 'kitaurastudio-my.sharepoint.com'));
    for (const link of analysis.links) assert.ok(['sharepoint.com', 'microsoft.com'].includes(link.registrableDomain), link.url);
  });
});

describe('the generator', () => {
  test('reproduces every committed sample, dns.json and expected.json byte for byte', { timeout: HANG_GUARD_MS }, async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'kizuki-samples-'));
    try {
      const written = await makeSamples(outDir, { keysDir: join(samplesDir, 'keys') });
      assert.ok(written.length >= 11);
      for (const path of written) {
        const name = path.slice(outDir.length + 1);
        const fresh = await readFile(path);
        const committed = await readFile(join(samplesDir, name));
        assert.ok(fresh.equals(committed), `${name} differs from the committed copy: run the generator and commit`);
      }
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });

  test('the samples are plain 7-bit text with CRLF line endings, as mail on the wire', async () => {
    for (const file of (await readdir(samplesDir)).filter((f) => f.endsWith('.eml'))) {
      const bytes = await readSample(file);
      assert.ok(
        bytes.every((b) => b < 0x80),
        `${file} has 8-bit bytes`,
      );
      const text = Buffer.from(bytes).toString('latin1');
      assert.doesNotMatch(text, /[^\r]\n/, `${file} has a bare LF`);
    }
  });
});
