// HTML and SVG attachments: forms and where they post, password fields, scripts and script
// redirects, meta refresh, and every link they carry.
import { Parser } from 'htmlparser2';
import type { AttachmentInfo, Link } from '../../model/analysis.js';
import { makeLink } from '../url.js';

export type HtmlFacts = NonNullable<AttachmentInfo['html']>;

export interface HtmlInspection {
  facts: HtmlFacts;
  links: Link[];
  /** characters of visible text (outside script/style), whitespace collapsed */
  visibleTextChars: number;
  /** a script sends the reader elsewhere (location = …, location.replace(…)) */
  scriptRedirect: boolean;
  /** the markup was longer than the cap and only its head was read */
  truncated: boolean;
}

/** HTML read per attachment; phishing pages are small, anything past this is padding. */
export const MAX_HTML_CHARS = 4_000_000;
const MAX_SCRIPT_CHARS = 500_000;
const MAX_FORM_ACTIONS = 20;

const REDIRECT_RES = [
  /\blocation(?:\.href)?\s*=\s*["'`]([^"'`\s]+)["'`]/g,
  /\blocation\.(?:replace|assign)\(\s*["'`]([^"'`\s]+)["'`]/g,
  /\bwindow\.open\(\s*["'`]([^"'`\s]+)["'`]/g,
];
const QUOTED_URL_RE = /["'`]((?:https?:)?\/\/[^"'`\s<>]{3,2000})["'`]/g;

/** The URL inside a meta refresh content value such as '0; url=https://…'. */
export function metaRefreshTarget(content: string): string | undefined {
  const match = /url\s*=\s*['"]?([^'"\s]+)/i.exec(content);
  return match?.[1];
}

export function inspectHtml(markup: string, options: { xml: boolean; attachmentIndex: number; maxLinks: number }): HtmlInspection {
  const truncated = markup.length > MAX_HTML_CHARS;
  const source = truncated ? markup.slice(0, MAX_HTML_CHARS) : markup;
  const facts: HtmlFacts = { hasForm: false, hasPasswordField: false, formActions: [], hasScript: false, metaRefresh: false };
  const links: Link[] = [];
  const seen = new Set<string>();
  let visibleText = '';
  let scriptText = '';
  let skipDepth = 0;
  let anchor: { href: string; text: string } | undefined;
  let scriptRedirect = false;

  const addLink = (raw: string, text?: string) => {
    if (links.length >= options.maxLinks) return;
    const candidate = raw.trim().startsWith('//') ? `https:${raw.trim()}` : raw;
    const link = makeLink(candidate, 'html-attachment', text, options.attachmentIndex);
    if (!link || seen.has(`${link.url}\u0000${link.text ?? ''}`)) return;
    seen.add(`${link.url}\u0000${link.text ?? ''}`);
    links.push(link);
  };

  const parser = new Parser(
    {
      onopentag(name, attributes) {
        const tag = name.toLowerCase();
        const attr = (key: string) => attributes[key] ?? attributes[key.toUpperCase()];
        if (tag === 'script' || tag === 'style') skipDepth++;
        if (tag === 'script') {
          facts.hasScript = true;
          const src = attr('src');
          if (src) addLink(src);
        }
        if (tag === 'form') {
          facts.hasForm = true;
          const action = attr('action') ?? '';
          if (facts.formActions.length < MAX_FORM_ACTIONS) facts.formActions.push(action.trim());
          if (action) addLink(action);
        }
        if (tag === 'input' && (attr('type') ?? '').toLowerCase() === 'password') facts.hasPasswordField = true;
        if (tag === 'meta' && (attr('http-equiv') ?? '').toLowerCase() === 'refresh') {
          facts.metaRefresh = true;
          const target = metaRefreshTarget(attr('content') ?? '');
          if (target) addLink(target);
        }
        if (tag === 'a' || tag === 'area') {
          const href = attr('href') ?? attributes['xlink:href'];
          if (href) {
            if (tag === 'a') {
              // an unclosed anchor ends where the next one starts
              if (anchor) addLink(anchor.href, anchor.text);
              anchor = { href, text: '' };
            }
            else addLink(href, attr('alt'));
          }
        }
        if (tag === 'iframe' || tag === 'frame' || tag === 'embed' || tag === 'img' || tag === 'image') {
          const src = attr('src') ?? attr('href') ?? attributes['xlink:href'];
          if (src) addLink(src);
        }
        if (tag === 'object') {
          const data = attr('data');
          if (data) addLink(data);
        }
        if (tag === 'button' || tag === 'input') {
          const formAction = attr('formaction');
          if (formAction) addLink(formAction);
        }
      },
      ontext(text) {
        if (skipDepth > 0) {
          if (scriptText.length < MAX_SCRIPT_CHARS) scriptText += text;
          return;
        }
        if (visibleText.length < 100_000) visibleText += text;
        if (anchor && anchor.text.length < 500) anchor.text += text;
      },
      onclosetag(name) {
        const tag = name.toLowerCase();
        if ((tag === 'script' || tag === 'style') && skipDepth > 0) {
          skipDepth--;
          scriptText += '\n';
        }
        if (tag === 'a' && anchor) {
          addLink(anchor.href, anchor.text);
          anchor = undefined;
        }
      },
    },
    { xmlMode: options.xml, decodeEntities: true, lowerCaseTags: !options.xml, recognizeSelfClosing: true },
  );
  parser.write(source);
  parser.end();
  if (anchor) addLink(anchor.href, anchor.text);

  for (const pattern of REDIRECT_RES) {
    for (const match of scriptText.matchAll(pattern)) {
      if (!match[1]) continue;
      scriptRedirect = true;
      addLink(match[1]);
    }
  }
  for (const match of scriptText.matchAll(QUOTED_URL_RE)) {
    if (match[1]) addLink(match[1]);
  }
  // inline event handlers and javascript: URLs also run script
  if (!facts.hasScript && /\son(?:load|click|error|submit|mouseover)\s*=/i.test(source)) facts.hasScript = true;

  return {
    facts,
    links,
    visibleTextChars: visibleText.replace(/\s+/g, ' ').trim().length,
    scriptRedirect,
    truncated,
  };
}
