// The engine: verdicts, reasons in both languages, thresholds, sender history, look-alikes and lure wording.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadDetector, MALICIOUS_AT, SPAM_AT, SUSPICIOUS_AT, updateProfile } from '../../src/detect/index.js';
import { findLures } from '../../src/detect/lures.js';
import { editDistance, imitatedDomain, protectDomain, withinEditDistance } from '../../src/detect/similarity.js';
import { foldDiacritics, normaliseText } from '../../src/detect/text.js';
import { decide } from '../../src/detect/verdict.js';
import type { SenderProfile } from '../../src/model/verdict.js';
import { analysisOf, linkOnlyPdf, ORG, PARTNER, partnerLure, partnerNote } from './fixtures.js';

const options = { ruleDirs: [], orgDomains: [ORG], knownContactDomains: [PARTNER] };

describe('detect: verdicts', () => {
  it('judges the 2017 lure from an authenticated partner malicious, with reasons in English and Japanese', async () => {
    const detector = await loadDetector(options);
    const verdict = detector.judge(partnerLure());
    assert.equal(verdict.verdict, 'malicious');
    assert.ok(verdict.score >= MALICIOUS_AT);
    const ids = verdict.reasons.map((r) => r.ruleId);
    for (const id of ['attachment.pdf-link-carrier', 'lure.file-share-subject', 'brand.name-in-link-host']) assert.ok(ids.includes(id), `${id} in ${ids}`);
    for (const r of verdict.reasons) {
      assert.ok(r.en.length > 10 && !r.en.includes('{'), r.en);
      assert.match(r.ja, /[\u3040-\u30ff\u4e00-\u9fff]/, r.ja);
    }
    const scores = verdict.reasons.map((r) => r.score);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'reasons sorted by score');
    assert.ok(verdict.reasons.some((r) => r.en.includes('docs.google.com.document-viewer.online')), 'the reason names the host');
  });

  it('keeps an ordinary partner note clean', async () => {
    const detector = await loadDetector(options);
    const verdict = detector.judge(partnerNote('2017-06-01T00:00:00Z'));
    assert.equal(verdict.verdict, 'clean');
    assert.ok(verdict.score < SUSPICIOUS_AT, verdict.reasons.map((r) => r.ruleId).join(' '));
    assert.ok(!verdict.reasons.some((r) => r.ruleId.startsWith('lure.') || r.ruleId.startsWith('attachment.')));
  });

  it('applies the documented thresholds and keeps spam apart from threats', () => {
    const reason = (ruleId: string, score: number) => ({ ruleId, name: ruleId, score, severity: 'low' as const, en: 'x', ja: 'x' });
    assert.equal(decide([{ reason: reason('a', SUSPICIOUS_AT - 1), spam: false }]).verdict, 'clean');
    assert.equal(decide([{ reason: reason('a', SUSPICIOUS_AT), spam: false }]).verdict, 'suspicious');
    assert.equal(decide([{ reason: reason('a', MALICIOUS_AT), spam: false }]).verdict, 'malicious');
    const spam = decide([{ reason: reason('s', SPAM_AT), spam: true }]);
    assert.equal(spam.verdict, 'spam');
    assert.equal(spam.score, 0, 'spam points are not threat points');
    assert.equal(spam.spamScore, SPAM_AT);
    assert.equal(decide([{ reason: reason('s', SPAM_AT), spam: true }, { reason: reason('t', SUSPICIOUS_AT), spam: false }]).verdict, 'suspicious');
  });

  it('honours block and allow lists without letting an allowed sender silence a lure', async () => {
    const detector = await loadDetector({ ...options, allow: { senders: [`greg.ostrander@${PARTNER}`], domains: [] }, block: { senders: [], domains: ['bulk.example.org'] } });
    assert.equal(detector.judge(partnerLure()).verdict, 'malicious', 'allow-listing lowers the score but cannot hide the lure');
    const blocked = detector.judge(analysisOf({ from: 'news@bulk.example.org' }));
    assert.ok(blocked.reasons.some((r) => r.ruleId === 'list.block'));
    assert.notEqual(blocked.verdict, 'clean');
  });
});

describe('detect: sender history', () => {
  it('updateProfile is pure and counts what a sender usually sends', () => {
    const note = partnerNote('2017-05-01T00:00:00Z');
    const clean = { schema: 'kizuki.verdict/1' as const, verdict: 'clean' as const, score: 0, reasons: [] };
    const first = updateProfile(undefined, note, clean);
    const frozen = structuredClone(first);
    const second = updateProfile(first, partnerNote('2017-05-03T00:00:00Z'), clean);
    assert.deepEqual(first, frozen, 'the previous profile is not modified');
    assert.equal(second.messageCount, 2);
    assert.equal(second.linkDomains[PARTNER], 2);
    assert.equal(second.firstSeen, '2017-05-01T00:00:00Z');
    assert.equal(second.lastSeen, '2017-05-03T00:00:00Z');
  });

  it('flagged mail never becomes "usual" behaviour', () => {
    const flagged = { schema: 'kizuki.verdict/1' as const, verdict: 'malicious' as const, score: 100, reasons: [] };
    const profile = updateProfile(undefined, partnerLure(), flagged);
    assert.equal(profile.flagged, 1);
    assert.deepEqual(profile.attachmentTypes, {});
    assert.deepEqual(profile.linkDomains, {});
  });

  it('a known sender with benign history who sends a first link-carrying PDF is still malicious, and history adds a reason', async () => {
    const detector = await loadDetector(options);
    let profile: SenderProfile | undefined;
    for (let day = 1; day <= 6; day++) {
      const note = partnerNote(`2017-06-0${day}T00:00:00Z`);
      profile = updateProfile(profile, note, detector.judge(note, profile));
    }
    assert.equal(profile?.messageCount, 6);
    const withHistory = detector.judge(partnerLure(), profile);
    const withoutHistory = detector.judge(partnerLure());
    assert.equal(withHistory.verdict, 'malicious');
    assert.ok(withHistory.score >= withoutHistory.score, 'history never lowers the score');
    const ids = withHistory.reasons.map((r) => r.ruleId);
    assert.ok(ids.includes('profile.known-sender-new-pdf-link'), ids.join(' '));
    assert.ok(ids.includes('profile.known-sender-new-lure'), ids.join(' '));
    assert.ok(!withoutHistory.reasons.some((r) => r.ruleId.startsWith('profile.')), 'no history, no history reasons');
  });

  it('a partner who always sends PDFs with links does not trigger the first-PDF reason', async () => {
    const detector = await loadDetector(options);
    const quote = analysisOf({
      attachments: [{ ...linkOnlyPdf('Quotation.pdf'), linkOnly: false, pdf: { pages: 3, links: 1, encrypted: false, hasJavascript: false, hasForm: false, textChars: 4000, images: 1 } }],
      links: [{ url: `https://www.${PARTNER}/`, foundIn: 'pdf-annotation', attachmentIndex: 0 }],
    });
    const profile = updateProfile(undefined, quote, detector.judge(quote));
    const verdict = detector.judge(partnerLure(), profile);
    assert.ok(!verdict.reasons.some((r) => r.ruleId === 'profile.known-sender-new-pdf-link'));
    assert.equal(verdict.verdict, 'malicious', 'content rules alone still catch the lure');
  });
});

describe('detect: bounded edit distance', () => {
  it('answers editDistance(a, b) <= limit for every pair, transpositions and empty strings included', () => {
    let seed = 2017;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const word = (alphabet: string, max: number) => Array.from({ length: Math.floor(next() * (max + 1)) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    let near = 0;
    for (let n = 0; n < 20000; n++) {
      const alphabet = next() < 0.5 ? 'ab' : 'abcdefghijklmnopqrstuvwxyz0123456789-';
      const a = word(alphabet, 12);
      // often a small edit of a: swapped neighbours, a changed, dropped or added letter
      let b = word(alphabet, 12);
      if (next() < 0.6 && a.length > 1) {
        const at = Math.floor(next() * (a.length - 1));
        const edits = [
          () => a.slice(0, at) + a[at + 1] + a[at] + a.slice(at + 2),
          () => a.slice(0, at) + 'x' + a.slice(at + 1),
          () => a.slice(0, at) + a.slice(at + 1),
          () => a.slice(0, at) + 'q' + a.slice(at),
        ];
        b = edits[Math.floor(next() * edits.length)]!();
      }
      const distance = editDistance(a, b);
      if (distance <= 2) near++;
      for (const limit of [0, 1, 2, 3]) assert.equal(withinEditDistance(a, b, limit), distance <= limit, `${a} / ${b} within ${limit}`);
    }
    assert.ok(near > 5000, `${near} close pairs`);
  });
});

describe('detect: look-alikes and lure wording', () => {
  const protectedDomains = [protectDomain(ORG, 'organisation'), protectDomain('windows.net', 'brand'), protectDomain('we.tl', 'brand')].filter(
    (p): p is NonNullable<typeof p> => !!p,
  );
  it('finds homoglyph and one-edit imitations of the organisation, not unrelated short or generic names', () => {
    assert.equal(imitatedDomain('tsukishlro-vs.co.jp', protectedDomains)?.domain, ORG);
    assert.equal(imitatedDomain('mail.tsukishiro-vs.co', protectedDomains), undefined, 'same name under another suffix is left to brand rules');
    assert.equal(imitatedDomain('tsukishiro-vs.co.jp', protectedDomains), undefined, 'the real domain is not a look-alike');
    assert.equal(imitatedDomain('w3.org', protectedDomains), undefined);
    assert.equal(imitatedDomain('lindows.com', protectedDomains), undefined);
  });

  it('reads file-share lures in English, Japanese, Portuguese and Spanish', () => {
    const lures = (text: string) => {
      const n = normaliseText(text);
      return findLures(n, foldDiacritics(n));
    };
    assert.ok(lures('Greg has shared a document with you').fileShare);
    assert.ok(lures('岩永さんがファイルを共有しました').fileShare);
    assert.ok(lures('Marina compartilhou um documento com você').fileShare);
    assert.ok(lures('Te han compartido un archivo: documentos compartidos contigo').fileShare);
    assert.ok(!lures('We shared a table at the conference dinner').fileShare);
  });
});
