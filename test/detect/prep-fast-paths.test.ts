// The shortcuts that preparing a judgement takes must give exactly what the plain definitions give: each test
// below compares a fast path with the slow expression it replaces, on inputs built to sit at its edges.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findLures, findLuresPlain, LURE_KINDS, LURE_PATTERNS } from '../../src/detect/lures.js';
import { noParseCache } from '../../src/detect/parse-cache.js';
import { loadViewContext } from '../../src/detect/preparer.js';
import { matchStarts, PrefilteredPatterns } from '../../src/detect/regex-prefix.js';
import { collapsedLength, collapseSpaces, countFancyLetters, foldDiacritics, htmlImageWords, htmlToText, isSpaceCode, joinFolded, joinNormalised, normaliseText } from '../../src/detect/text.js';
import { messageTokens, modelProbabilities, removeAddressRuns } from '../../src/detect/text-model.js';
import { buildContentView } from '../../src/detect/view.js';
import { analysisOf } from './fixtures.js';

/** A small deterministic generator, so a failure names its seed and repeats. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647;
  };
}

// every kind of character the shortcuts treat differently: plain and wide spaces, line ends, invisible and
// combining characters, a final-sigma context, surrogate halves, Japanese, full-width letters
const PIECES = [
  ' ', '  ', '\n', '\r\n', '\t', '\v', '\f', '\u00a0', '\u1680', '\u2003', '\u2028', '\u2029', '\u202f', '\u3000', '\ufeff',
  '\u200b', '\u00ad', '\u0301', 'a', 'B', 'word', 'ΟΔΟΣ', 'σ', 'é', 'ﬁ', 'Ａ', '共有', 'ｶﾀｶﾅ', '\ud83d\ude00', '\ud83d', '\ude00', '_', '-', '.',
];

function randomText(next: () => number, maxPieces: number): string {
  let text = '';
  const n = Math.floor(next() * maxPieces);
  for (let i = 0; i < n; i++) text += PIECES[Math.floor(next() * PIECES.length)];
  return text;
}

describe('detect: fast paths of text normalisation', () => {
  it('isSpaceCode agrees with /\\s/ on every UTF-16 code unit', () => {
    const space = /^\s$/;
    for (let code = 0; code < 0x10000; code++) {
      assert.equal(isSpaceCode(code), space.test(String.fromCharCode(code)), `U+${code.toString(16)}`);
    }
  });

  it('collapseSpaces and collapsedLength give what /\\s+/g → " " (and trim) gives', () => {
    const fixed = ['', ' ', '  ', 'a', ' a ', 'a  b', 'a\nb', 'a \n b', '\u3000a\u00a0\u00a0b\t', 'a b c', ' \u2028 ', 'x\ufeff y'];
    const next = random(13);
    const samples = [...fixed, ...Array.from({ length: 3000 }, () => randomText(next, 24))];
    for (const text of samples) {
      const slow = text.replace(/\s+/g, ' ');
      assert.equal(collapseSpaces(text), slow, JSON.stringify(text));
      assert.equal(collapsedLength(text), slow.trim().length, JSON.stringify(text));
    }
  });

  it('countFancyLetters counts by code point, as iterating the string does', () => {
    const slow = (text: string) => {
      let count = 0;
      for (const ch of text) {
        const cp = ch.codePointAt(0) ?? 0;
        if ((cp >= 0x1d400 && cp <= 0x1d7ff) || (cp >= 0x24b6 && cp <= 0x24e9) || (cp >= 0x1f130 && cp <= 0x1f189) || (cp >= 0xff21 && cp <= 0xff5a)) count++;
      }
      return count;
    };
    const next = random(11);
    const parts = ['a', '\u{1d400}', '\u{1d7ff}', '\u{1d3ff}', '\u24b6', '\u24e9', '\u24ea', '\u{1f130}', '\u{1f189}', '\uff21', '\uff5a', '\uff5b', '\ud835', '\udc00', '\ud83c', '共'];
    for (let i = 0; i < 3000; i++) {
      const text = Array.from({ length: Math.floor(next() * 12) }, () => pick(next, parts)).join('');
      assert.equal(countFancyLetters(text), slow(text), JSON.stringify(text));
    }
  });

  it('normaliseText is NFKC, invisible characters out, lower case, spaces collapsed and trimmed', () => {
    // biome-ignore lint/complexity/useRegexLiterals: a literal would trip the combining-character lint
    const invisible = new RegExp('[\\u00ad\\u034f\\u061c\\u115f\\u1160\\u17b4\\u17b5\\u180b-\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u206f\\u3164\\ufe00-\\ufe0f\\ufeff\\uffa0]', 'g');
    const next = random(7);
    for (let i = 0; i < 3000; i++) {
      const text = randomText(next, 24);
      const slow = text.normalize('NFKC').replace(invisible, '').toLowerCase().replace(/\s+/g, ' ').trim();
      assert.equal(normaliseText(text), slow, JSON.stringify(text));
    }
  });
});

/**
 * Random strings a pattern (of the syntax the lure patterns use) can match, written independently of
 * src/detect/regex-prefix.ts so that a misreading there is not repeated here.
 */
function sampler(source: string, next: () => number): () => string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  return () => {
    let i = 0;
    const alternation = (): string => {
      const branches: Array<() => string> = [];
      let start = i;
      let depth = 0;
      // split this level at top-level '|' and replay the chosen branch
      for (; i < source.length; i++) {
        const c = source[i];
        if (c === '\\') i++;
        else if (c === '[') {
          while (source[++i] !== ']') if (source[i] === '\\') i++;
        } else if (c === '(') depth++;
        else if (c === ')') {
          if (depth === 0) break;
          depth--;
        } else if (c === '|' && depth === 0) {
          const from = start;
          const to = i;
          branches.push(() => sequence(from, to));
          start = i + 1;
        }
      }
      const from = start;
      const to = i;
      branches.push(() => sequence(from, to));
      return pick(branches)();
    };
    const sequence = (from: number, to: number): string => {
      const saved = i;
      i = from;
      let out = '';
      while (i < to) {
        const [make, zeroWidth] = atom();
        let min = 1;
        let max = 1;
        const q = source[i];
        if (q === '?' || q === '*' || q === '+') {
          [min, max] = q === '?' ? [0, 1] : q === '*' ? [0, 3] : [1, 3];
          i++;
        } else if (q === '{' && /^\{\d+(,\d*)?\}/.test(source.slice(i))) {
          const m = /^\{(\d+)(?:,(\d*))?\}/.exec(source.slice(i)) as RegExpExecArray;
          min = Number(m[1]);
          max = m[2] === undefined ? min : m[2] === '' ? min + 3 : Math.min(Number(m[2]), min + 3);
          i += m[0].length;
        }
        if (source[i] === '?') i++;
        const times = zeroWidth ? 0 : min + Math.floor(next() * (max - min + 1));
        for (let t = 0; t < times; t++) out += make();
      }
      i = saved;
      return out;
    };
    const atom = (): [() => string, boolean] => {
      const c = source[i++] as string;
      if (c === '(') {
        let zeroWidth = false;
        if (source.startsWith('?:', i)) i += 2;
        else if (/^\?<?[=!]/.test(source.slice(i))) {
          zeroWidth = true;
          i += source[i + 1] === '<' ? 3 : 2;
        }
        const groupStart = i;
        const text = alternation();
        const groupEnd = i;
        i++; // ')'
        // each repetition draws again
        return [
          () => {
            const saved = i;
            i = groupStart;
            const again = alternation();
            i = saved;
            return again;
          },
          zeroWidth || (groupEnd === groupStart && text === ''),
        ];
      }
      if (c === '[') {
        const members: string[] = [];
        const negated = source[i] === '^';
        if (negated) i++;
        while (source[i] !== ']') {
          let ch = source[i++] as string;
          if (ch === '\\') {
            const e = source[i++] as string;
            ch = e === 'd' ? '7' : e === 'w' ? 'k' : e === 's' ? ' ' : e;
          }
          if (source[i] === '-' && source[i + 1] !== ']') {
            i++;
            let to = source[i++] as string;
            if (to === '\\') to = source[i++] as string;
            const a = ch.charCodeAt(0);
            const b = to.charCodeAt(0);
            members.push(String.fromCharCode(a + Math.floor(next() * (b - a + 1))));
          } else members.push(ch);
        }
        i++;
        return [() => (negated ? 'q' : pick(members)), false];
      }
      if (c === '.') return [() => pick(['x', ' ', '1', 'é']), false];
      if (c === '\\') {
        const e = source[i++] as string;
        if (e === 'b' || e === 'B') return [() => '', true];
        const choices: Record<string, string[]> = { d: [...'0123456789'], w: [...'abcxyz019_'], s: [' ', '\n'], S: [...'ax9.'] };
        const listed = choices[e];
        return [listed ? () => pick(listed) : () => e, false];
      }
      if (c === '^' || c === '$') return [() => '', true];
      return [() => c, false];
    };
    return alternation();
  };
}

const CONTEXT = ['', ' ', 'x', '_', '9', ' the ', 'please ', '\n', '. ', 'é', '共有', 'reshared', 'you', ' your '];

describe('detect: prefiltered lure patterns', () => {
  it('reads the beginnings of a pattern, folding case, and gives up where it cannot be sure', () => {
    const shared = matchStarts('\\b(?:has|have) shared\\b');
    assert.deepEqual(shared && { ...shared, prefixes: [...shared.prefixes].sort() }, { prefixes: ['has shared', 'have share'], atWordBoundary: true });
    assert.deepEqual(matchStarts('[A-C]x?')?.prefixes.sort(), ['a', 'ax', 'b', 'bx', 'c', 'cx']);
    assert.equal(matchStarts('x|\\bfoo')?.atWordBoundary, false);
    assert.equal(matchStarts('a*'), undefined, 'can match the empty string');
    assert.equal(matchStarts('(a)\\1'), undefined, 'backreference');
    assert.equal(matchStarts('.foo'), undefined, 'a wildcard first: nothing to narrow on');
    assert.deepEqual(matchStarts('\\$ ?\\d')?.prefixes.length, 20);
  });

  it('answers what each pattern.test answers, also for patterns it cannot read', () => {
    const patterns = [/\bfoo(?:bar)?\b/i, /(a)\1x/, /(?<=q)uit/i, undefined, /\bPAY\b/, /^start/i, /\$ ?\d{1,3}(?:,\d{3}){2,}/i, /共有(?:しました)?/];
    const set = new PrefilteredPatterns(patterns);
    const texts = ['foo', 'xfoo', 'FOObar', 'foobarx', 'aax', 'quit', 'uit', 'PAY', 'pay', 'Start here', ' start', '$ 1,000,000', 'us$1,000', '共有', 'ファイルを共有しました', ''];
    for (const text of texts) {
      assert.deepEqual(set.test(text), patterns.map((p) => p?.test(text) ?? false), JSON.stringify(text));
    }
  });

  it('has Latin-script lure patterns in lower-case ASCII only, so lower-cased text needs no case-insensitive match', () => {
    for (const kind of LURE_KINDS) {
      for (const pattern of LURE_PATTERNS[kind].latin) {
        assert.equal(pattern.flags, '', `${kind}: ${pattern.source}`);
        // escapes such as \b, \s, \W and \d aside, no capital letter and nothing outside ASCII
        assert.doesNotMatch(pattern.source.replace(/\\[A-Za-z]/g, ''), /[A-Z]|[^\x00-\x7f]/, `${kind}: ${pattern.source}`);
      }
    }
    // and normalised text is lower case whatever it was written in
    assert.equal(normaliseText('VERIFY Your ACCOUNT ＮＯＷ İstanbul ẞ'), 'verify your account now i̇stanbul ß');
    assert.deepEqual(findLures(normaliseText('VERIFY YOUR ACCOUNT'), foldDiacritics(normaliseText('VERIFY YOUR ACCOUNT'))), findLures('verify your account', 'verify your account'));
  });

  it('findLures equals running every combined pattern, on text built around each pattern\'s own matches', () => {
    const next = random(2017);
    let matched = 0;
    let samples = 0;
    for (const kind of LURE_KINDS) {
      for (const script of ['latin', 'ja'] as const) {
        for (const pattern of LURE_PATTERNS[kind][script]) {
          const sample = sampler(pattern.source, next);
          for (let n = 0; n < 60; n++) {
            let piece = sample();
            // random case, a cut end, glued or spaced neighbours: the edges of the prefilter
            if (next() < 0.3) piece = piece.toUpperCase();
            if (next() < 0.15) piece = piece.slice(0, Math.floor(next() * piece.length));
            const raw = `${pick(next, CONTEXT)}${piece}${pick(next, CONTEXT)}${next() < 0.5 ? randomText(next, 6) : ''}`;
            const normalised = script === 'ja' || next() < 0.5 ? normaliseText(raw) : raw;
            const folded = script === 'latin' && next() < 0.7 ? foldDiacritics(normalised) : normalised;
            const plain = findLuresPlain(normalised, folded);
            assert.deepEqual(findLures(normalised, folded), plain, `${kind} ${script}: ${JSON.stringify(raw)}`);
            samples++;
            if (plain[kind]) matched++;
          }
        }
      }
    }
    // the sampler must really produce matches, or the comparison above proves little (about half the samples are
    // cut short or glued to a neighbouring word on purpose)
    assert.ok(matched > samples / 3, `${matched} of ${samples} samples matched their own pattern`);
  });
});

function pick<T>(next: () => number, list: readonly T[]): T {
  return list[Math.floor(next() * list.length)] as T;
}

describe('detect: texts normalised once and joined', () => {
  it('joining normalised pieces gives what normalising the joined text gives, folded or not', () => {
    const next = random(99);
    const piece = (n: number) => randomText(next, n);
    for (let i = 0; i < 3000; i++) {
      const [a, b, c] = [piece(8), piece(8), piece(8)];
      const whole = normaliseText(`${a} ${b}\n${c}`);
      const [na, nb, nc] = [normaliseText(a), normaliseText(b), normaliseText(c)];
      assert.equal(joinNormalised(na, nb, nc), whole, JSON.stringify([a, b, c]));
      assert.equal(
        joinFolded([na, foldDiacritics(na)], [nb, foldDiacritics(nb)], [nc, foldDiacritics(nc)]),
        foldDiacritics(whole),
        JSON.stringify([a, b, c]),
      );
    }
  });

  it('removeAddressRuns gives what /\\S+@\\S+/g → " " gives', () => {
    const next = random(5);
    const fixed = ['@', 'a@', '@a', 'a@b', ' @a@b ', 'x @@ y', 'mail me at a@b.example, or @handle', 'a@b@c d@ @e f@g'];
    const parts = ['@', 'a', 'b.example', ' ', '\n', '\u00a0', '@@', 'x@y', '共有'];
    const samples = [...fixed, ...Array.from({ length: 3000 }, () => Array.from({ length: Math.floor(next() * 10) }, () => pick(next, parts)).join(''))];
    for (const text of samples) assert.equal(removeAddressRuns(text), text.replace(/\S+@\S+/g, ' '), JSON.stringify(text));
  });

  it('the view reads the same text, brands and model probabilities as computing each anew', async () => {
    const ctx = await loadViewContext({ ruleDirs: [], orgDomains: ['example.org'] }, noParseCache);
    assert.ok(ctx.model, 'the shipped text model is loaded');
    const next = random(31);
    const long = (n: number) => Array.from({ length: n }, () => pick(next, ['invoice ', 'Microsoft ', 'payé ', 'ΟΔΟΣ ', '\u00a0', '\n', 'x@y.example ', 'https://a.example/x ', '共有', 'e\u0301', 'www.b.example '])).join('');
    const cases = [
      { subject: 'Shared a document with you', text: long(60) },
      { subject: '', text: long(900) }, // past 4,000 and 6,000 characters
      { subject: '\u0301', text: long(700) },
      { subject: 'ΣΟΦΟΣ Σ', html: `<p>${long(500)}</p><img alt="PayPal logo" src="x/dropbox.png">` },
      { subject: 'Factura pendiente', text: ' ', html: `<div>${long(40)}</div>` },
      { subject: 'x', text: `${'a'.repeat(3999)} Microsoft ${long(300)}` },
      // brand names overlapping, glued, next to surrogate pairs
      { subject: 'googlemicrosoft365paypal adobesign', text: 'app storeitunes 😀paypal😀 mercadolivremercado pago onedrive one drive ups delivery dhl' },
      { subject: '日本郵便ヤマト運輸クロネコ', text: 'apple idapple pay we transferwetransfer' },
    ];
    for (const spec of cases) {
      const analysis = analysisOf({ ...spec, fromName: 'Σ Apple Support', attachments: [{ filename: 'DocuSign-envelope.pdf', detectedType: 'pdf' }] });
      const view = buildContentView(analysis, ctx);
      const body = analysis.text?.trim() ? analysis.text : htmlToText(analysis.html ?? '');
      const text = normaliseText(`${analysis.subject}\n${body.slice(0, 6000)}`);
      assert.equal(view.msg.text, text);
      assert.equal(view.msg.textFolded, foldDiacritics(text));
      assert.deepEqual(view.lure, findLuresPlain(text, foldDiacritics(text)));
      const imageWords = htmlImageWords(analysis.html ?? '');
      const haystack = foldDiacritics(normaliseText(`${analysis.subject} ${analysis.from.name} ${body.slice(0, 4000)} ${imageWords} DocuSign-envelope.pdf`));
      assert.deepEqual(
        view.brand.named,
        ctx.data.brands.filter((b) => b.words.test(haystack)).map((b) => b.id),
      );
      if (spec.html?.includes('<img')) assert.ok(view.brand.named.includes('paypal'), 'a logo names its brand');
      const plain = modelProbabilities(ctx.model as NonNullable<typeof ctx.model>, analysis);
      assert.ok(plain);
      assert.deepEqual([view.model.phishing, view.model.spam], [plain.phishing, plain.spam]);
      assert.ok(messageTokens(analysis).length > 0);
    }
  });
});
