// The text model's features, training and folds, the attack path, and the cap on what the model alone may add.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadDetector } from '../../src/detect/index.js';
import { fprAtRecall, type ScoredDocument } from '../../src/detect/model-folds.js';
import { messageShape, messageTokens, probabilitiesOf, trainModel } from '../../src/detect/text-model.js';
import { decide, MODEL_POINTS_WITHOUT_PATH, SUSPICIOUS_AT } from '../../src/detect/verdict.js';
import { analysisOf, ORG } from './fixtures.js';

describe('detect: text model features', () => {
  it('keeps the words and drops what tells an era or a corpus apart', () => {
    const analysis = analysisOf({
      from: 'alerts@lists.spamassassin.example',
      to: ['phishing@pot.example'],
      subject: 'Invoice 2002-08-22 for phishing pot',
      html: '<p>Please review the invoice</p>',
      text: 'Please review the invoice sent on 22/08/2002 with version 2.4.1 at https://files.newsisfree.example/x',
      links: [{ url: 'https://files.newsisfree.example/x' }],
      attachments: [{ filename: 'a.pdf', detectedType: 'pdf' }],
    });
    const tokens = messageTokens(analysis);
    assert.ok(tokens.includes('invoice') && tokens.includes('review') && tokens.includes('s:invoice'), tokens.join(' '));
    for (const leak of ['2002', '2002-08-22', 'phishing', 'pot', 's:pot', 'newsisfree', 'spamassassin', 'has:html', 'att:pdf', 'links:1']) {
      assert.ok(!tokens.includes(leak), `${leak} must not be a feature`);
    }
    assert.ok(!tokens.some((t) => /\d/.test(t)), 'no token carries a digit');
    assert.ok(!tokens.some((t) => /^(?:fw|lw|ftld|ltld):/.test(t)), 'no sender or link domain tokens');
    assert.deepEqual(messageShape(analysis).sort(), ['att:pdf', 'links:1']);
  });

  it('trains three classes, deterministically, and tells them apart', () => {
    const docs = [];
    for (let i = 0; i < 30; i++) {
      docs.push({ label: 'ham', tokens: ['meeting', 'agenda', `w${i % 5}`], language: 'en' });
      docs.push({ label: 'spam', tokens: ['discount', 'offer', `w${i % 5}`], language: 'en' });
      docs.push({ label: 'phishing', tokens: ['password', 'verify', `w${i % 5}`], language: 'en' });
    }
    const options = { minDocuments: 2, vocabulary: 100, l2: 0.001, learningRate: 0.1, epochs: 20, minHamPerLanguage: 0, trainedOn: 't' };
    const model = trainModel(docs, options);
    assert.deepEqual(model.classes, ['ham', 'spam', 'phishing']);
    assert.deepEqual(trainModel(docs, options), model, 'same corpus, same file');
    const p = (tokens: string[]) => probabilitiesOf(model, tokens);
    assert.ok(p(['password', 'verify']).phishing > 0.8);
    assert.ok(p(['discount', 'offer']).spam > 0.8);
    assert.ok(p(['meeting', 'agenda']).ham > 0.8);
    const sum = Object.values(p(['offer', 'password'])).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-9);
  });
});

describe('detect: folds', () => {
  it('finds the threshold for a recall and the false-positive rate of each group at it', () => {
    const doc = (label: string, era: ScoredDocument['era'], phishing: number): ScoredDocument => ({
      path: `${label}${phishing}${era}`,
      label,
      era,
      source: 's',
      fold: 0,
      phishing,
      spam: 0,
      words: true,
    });
    const scored = [
      doc('phishing', '2016+', 0.99),
      doc('phishing', '2016+', 0.9),
      doc('phishing', '2016+', 0.8),
      doc('phishing', '2016+', 0.3),
      doc('ham', '<=2005', 0.85),
      doc('ham', '<=2005', 0.1),
      doc('ham', '2016+', 0.5),
      doc('ham', '2016+', 0.2),
    ];
    const [half, three] = fprAtRecall(scored, [0.5, 0.75], (d) => d.era);
    assert.equal(half?.threshold, 0.9);
    assert.deepEqual(half?.fpr.map((f) => [f.group, f.flagged]), [['2016+', 0], ['<=2005', 0]]);
    assert.equal(three?.threshold, 0.8);
    assert.deepEqual(three?.fpr.map((f) => [f.group, f.rate]), [['2016+', 0], ['<=2005', 0.5]]);
  });
});

describe('detect: what the model alone may add', () => {
  const reason = (ruleId: string, score: number) => ({ ruleId, name: ruleId, score, severity: 'medium' as const, en: 'e', ja: 'j' });

  it('caps the model rules without an attack path and says so in the reason', () => {
    const fired = [
      { reason: reason('model.unlike-legitimate-mail', 40), spam: false },
      { reason: reason('model.leans-unwanted', 25), spam: false },
    ];
    assert.equal(decide(fired).verdict, 'suspicious', 'with an attack path (the default) nothing is capped: 65 points');
    assert.equal(decide(fired).score, 65);
    const capped = decide(fired, [], { attackPath: false });
    assert.equal(capped.score, MODEL_POINTS_WITHOUT_PATH);
    assert.equal(MODEL_POINTS_WITHOUT_PATH, SUSPICIOUS_AT, 'the model alone may make a message suspicious, never malicious');
    assert.equal(capped.verdict, 'suspicious');
    const leans = capped.reasons.find((r) => r.ruleId === 'model.leans-unwanted');
    assert.match(leans?.en ?? '', /Counted as 0 of 25 points/);
    assert.match(leans?.ja ?? '', /25 点のうち 0 点/);
    const withRule = decide([...fired, { reason: reason('lure.urgency-pressure', 35), spam: false }], [], { attackPath: false });
    assert.equal(withRule.score, 75, 'a checkable signal plus the capped model');
    assert.equal(withRule.verdict, 'malicious', 'malicious needs a checkable rule besides the model');
    const spamOnly = decide([{ reason: reason('model.spam-like', 40), spam: true }], [], {
      attackPath: false,
      model: { available: true, phishing: 0.01234, spam: 0.98765 },
    });
    assert.equal(spamOnly.verdict, 'spam', 'spam points are not threat points and are not capped');
    assert.deepEqual(spamOnly.model, { phishing: 0.012, spam: 0.988, attackPath: false }, 'the verdict carries both probabilities');
    assert.equal(decide([], [], { model: { available: false, phishing: 0, spam: 0 } }).model, undefined, 'nothing when the model did not speak');
  });

  it('sees an attack path in a risky link, a form, or wording that asks with somewhere to act', async () => {
    const detector = await loadDetector({ ruleDirs: [], orgDomains: [ORG] });
    const view = (spec: Parameters<typeof analysisOf>[0]) => {
      const prepared = detector.prepare(analysisOf(spec));
      assert.ok('content' in prepared);
      return prepared.content.msg.attackPath;
    };
    assert.equal(view({ text: 'See you at the meeting on Monday.' }), false, 'plain text, no link');
    assert.equal(view({ text: 'Our product page.', links: [{ url: 'https://www.halvorsen-imaging.com/products' }] }), false, "the sender's own site");
    assert.equal(view({ text: 'Read more', links: [{ url: 'https://unrelated-site.example/news' }] }), true, 'a link to somewhere else');
    assert.equal(view({ text: 'Sign in', links: [{ url: 'http://192.0.2.10/login' }] }), true, 'an IP-address link');
    assert.equal(view({ html: '<form action="https://x.example/p"><input type="password"></form>' }), true, 'a form');
    assert.equal(
      view({ from: 'no-reply@sharepointonline.com', subject: 'Kenji shared a file with you', text: 'Open', links: [{ url: 'https://contoso.sharepoint.com/x' }] }),
      false,
      "a platform's notice linking to its own file host",
    );
  });
});
