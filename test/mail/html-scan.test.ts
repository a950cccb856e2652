// scanHtml's parser keeps only the attributes it reads (src/mail/body-links.ts); the links and
// text it finds must be exactly those found with htmlparser2's own Parser, on HTML written to
// sit at the edges (repeated, upper-case, entity-laden, unquoted and valueless attributes,
// attributes on closing tags, unterminated tags) and on the corpus's HTML bodies.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Parser } from 'htmlparser2';
import { LinkCollector, scanHtml } from '../../src/mail/body-links.js';
import { DEFAULT_LIMITS } from '../../src/mail/options.js';
import { parseMessage } from '../../src/mail/parse.js';
import { corpusDir, corpusPaths } from '../support/cli.js';


function scanWith(html: string, ParserClass?: typeof Parser, maxChars = DEFAULT_LIMITS.maxBodyChars) {
  const collector = new LinkCollector(DEFAULT_LIMITS.maxLinks);
  const { text } = ParserClass ? scanHtml(html, collector, maxChars, ParserClass) : scanHtml(html, collector, maxChars);
  return { text, links: collector.links, dropped: collector.dropped };
}

function assertSameScan(html: string, name: string, maxChars?: number): void {
  assert.deepEqual(scanWith(html, undefined, maxChars), scanWith(html, Parser, maxChars), name);
}

const CASES: Record<string, string> = {
  'repeated href: the first wins': '<a href="https://first.example/" href="https://second.example/">first.example</a>',
  'upper-case names and entities in values': '<A HREF="https://a.example/?x=1&amp;y=2&#x26;z" STYLE="color:red&amp;">a.example</A><IMG SRC="https://img.example/&lt;p&gt;.png" ALT="&quot;logo&quot;">',
  'unquoted and valueless attributes': '<a href=https://u.example/path title nowrap>u</a><form action=//f.example/post method=post><input type=password src></form>',
  'style and class before the href': '<a style="x" class="b" data-href="https://not.example/" href="https://yes.example/">yes</a>',
  'attributes on a closing tag': '<a href="https://a.example/">a</a href="https://closing.example/"><p>text</p class="x">',
  'meta refresh and base': '<head><base href="https://base.example/dir/"><meta http-equiv="Refresh" content="0; url=next.html"></head><a href="rel/x">r</a>',
  'image alt as the anchor text': '<a href="https://x.example/"><img alt="paypal.com" src="cid:1"></a><area href="https://area.example/" alt="map">',
  'an unterminated tag at the end': '<p>before</p><a href="https://cut.example/" style="color',
  'an attribute value cut at the end': '<a href="https://cut.example/',
  'hidden text and blocks': '<style>.a{}</style><div>one<br>two</div><script>var s="https://s.example/";</script><svg><a href="https://svg.example/">s</a></svg>',
  'a second form is ignored': '<form action="https://one.example/"><form action="https://two.example/"></form></form>',
  'text links outside anchors': '<p>visit https://plain.example/path, or www.other.example.</p><a href="https://in.example/">https://shown.example/</a>',
};

describe('scanHtml keeps only the attributes it reads', () => {
  for (const [name, html] of Object.entries(CASES)) {
    it(`finds what htmlparser2's own Parser finds: ${name}`, () => assertSameScan(html, name));
  }

  it('finds the same with a small text limit', () => {
    for (const [name, html] of Object.entries(CASES)) assertSameScan(html, name, 7);
  });

  it("finds what htmlparser2's own Parser finds in the corpus's HTML bodies (every third file)", async (t) => {
    const paths = corpusPaths(t);
    if (!paths) return;
    let compared = 0;
    for (let i = 1; i < paths.length; i += 3) {
      const { html } = await parseMessage(readFileSync(join(corpusDir, paths[i]!)), DEFAULT_LIMITS);
      if (!html) continue;
      assertSameScan(html, paths[i]!);
      compared++;
    }
    assert.ok(compared > 500, `compared ${compared} HTML bodies`);
  });
});
