import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectTextLinks, LinkCollector, scanHtml } from '../../src/mail/body-links.js';

function textLinks(text: string): string[] {
  const collector = new LinkCollector(100);
  collectTextLinks(text, collector);
  return collector.links.map((link) => link.url);
}

describe('links in plain text', () => {
  it('finds URLs and bare www. names, trimming sentence punctuation', () => {
    assert.deepEqual(
      textLinks('Open https://docs.example.com/d/1?x=1. Or (see http://a.example/path_(1)) and www.b.example, then <https://c.example/x>!'),
      ['https://docs.example.com/d/1?x=1', 'http://a.example/path_(1)', 'http://www.b.example/', 'https://c.example/x'],
    );
  });

  it('stops a URL where Japanese text starts', () => {
    assert.deepEqual(textLinks('こちらhttps://login.example.jp/verifyからログインしてください。'), ['https://login.example.jp/verify']);
  });

  it('drops duplicates by (url, foundIn) and stops at the limit', () => {
    const collector = new LinkCollector(2);
    collectTextLinks('http://a.example/ http://a.example/ http://b.example/ http://c.example/', collector);
    assert.deepEqual(
      collector.links.map((l) => l.url),
      ['http://a.example/', 'http://b.example/'],
    );
    assert.equal(collector.dropped, 1);
  });
});

describe('links in HTML', () => {
  const html = `<!doctype html><html><head><title>ignored title</title>
    <meta http-equiv="refresh" content="5; URL='https://refresh.example/next'">
    <style>.x { color: red }</style><script>var u = "https://script.example/";</script></head>
    <body><p>Dear customer,</p>
    <p><a href="https://evil.example/login">https://accounts.google.com/signin</a></p>
    <a href="
      https://docs.google.com/document/d/1">Document</a>
    <a href="mailto:help@partner.example">write to us</a>
    <a href="https://img-link.example/"><img src="cid:logo@x" alt="Open the file"></a>
    <img src="https://tracker.example/p.gif"><iframe src="//frame.example/embed"></iframe>
    <form action="https://collect.example/post"><input type="password"></form>
    <div>Plain URL in text: https://bare.example/page &amp; more</div>
    <a href="relative/path">relative</a>
    </body></html>`;

  it('takes href, form action, meta refresh and src, with the anchor text', () => {
    const collector = new LinkCollector(100);
    scanHtml(html, collector, 10_000);
    const found = collector.links.map((l) => [l.foundIn, l.url, l.text ?? '']);
    assert.deepEqual(found, [
      ['html-meta-refresh', 'https://refresh.example/next', ''],
      ['html-href', 'https://evil.example/login', 'https://accounts.google.com/signin'],
      ['html-href', 'https://docs.google.com/document/d/1', 'Document'],
      ['html-href', 'mailto:help@partner.example', 'write to us'],
      ['html-href', 'https://img-link.example/', 'Open the file'],
      ['html-src', 'https://tracker.example/p.gif', ''],
      ['html-src', 'https://frame.example/embed', ''],
      ['html-form', 'https://collect.example/post', ''],
      ['text', 'https://bare.example/page', ''],
    ]);
    const disguised = collector.links.find((l) => l.host === 'evil.example')!;
    assert.equal(disguised.textMismatch, true, 'visible text names google.com, target is evil.example');
    assert.equal(collector.links.find((l) => l.host === 'docs.google.com')!.textMismatch, false);
  });

  it('resolves relative links against <base href>', () => {
    const collector = new LinkCollector(10);
    scanHtml('<base href="https://base.example/dir/"><a href="page.html">x</a>', collector, 1000);
    assert.deepEqual(
      collector.links.map((l) => l.url),
      ['https://base.example/dir/page.html'],
    );
  });

  it('derives readable text: no scripts, styles or title, entities decoded, blocks on their own lines', () => {
    const { text } = scanHtml(html, new LinkCollector(100), 10_000);
    assert.doesNotMatch(text, /ignored title|color: red|script\.example/);
    assert.match(text, /^Dear customer,\n/);
    assert.match(text, /Plain URL in text: https:\/\/bare\.example\/page & more/);
    assert.match(text, /\nDocument/);
  });
});
