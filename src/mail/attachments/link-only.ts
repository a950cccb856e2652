// "The only purpose of this attachment is a link": the attachment is a wrapper around one or a
// few URLs, carrying too little of anything else to be the real content of the mail. This is the
// shape of the 2017 lure (a one-page PDF whose single "Document" link leads to a fake sign-in
// page) and of its modern cousins (a QR code image, a docx with one hyperlink, an HTML file that
// redirects or posts a password elsewhere).
//
// Definition, by detected type (external = http, https or ftp; distinct by normalised URL):
// - PDF: at most LINK_CARRIER_MAX_PAGES pages, LINK_CARRIER_MAX_TEXT characters of text or less,
//   and either 1–LINK_CARRIER_MAX_LINKS external links, or a QR code whose payload is an
//   external URL. Password-protected PDFs cannot be judged and are never link carriers.
// - OOXML (docx/xlsx/pptx): 1–LINK_CARRIER_MAX_LINKS external hyperlink targets and at most
//   LINK_CARRIER_MAX_TEXT characters of text.
// - HTML or SVG: it sends the reader away (meta refresh or script redirect to an external URL)
//   with at most LINK_CARRIER_MAX_HTML_TEXT visible characters; or it holds a password field in a
//   form that posts to an external URL; or it has 1–LINK_CARRIER_MAX_LINKS external links and at
//   most LINK_CARRIER_MAX_HTML_TEXT visible characters.
// - PNG/JPEG: a QR code whose payload is an external URL.
// Anything else (archives, executables, plain text, Office binaries) is not judged here.
import type { AttachmentInfo, Link } from '../../model/analysis.js';

export const LINK_CARRIER_MAX_PAGES = 2;
export const LINK_CARRIER_MAX_LINKS = 3;
/** roughly one short paragraph: "Please review the shared document below" fits, a real quotation does not */
export const LINK_CARRIER_MAX_TEXT = 600;
export const LINK_CARRIER_MAX_HTML_TEXT = 400;

export interface LinkOnlyEvidence {
  info: AttachmentInfo;
  /** links found in this attachment itself */
  links: Link[];
  /** visible text characters of an HTML/SVG attachment */
  htmlTextChars?: number;
  /** an HTML/SVG script sends the reader elsewhere */
  scriptRedirect?: boolean;
}

function externalUrls(links: Link[]): Set<string> {
  return new Set(links.filter((link) => link.scheme === 'http' || link.scheme === 'https' || link.scheme === 'ftp').map((link) => link.url));
}

function qrPointsOutside(links: Link[]): boolean {
  return links.some((link) => (link.foundIn === 'qr-image' || link.foundIn === 'qr-pdf') && (link.scheme === 'http' || link.scheme === 'https'));
}

function withinLinkCount(count: number): boolean {
  return count >= 1 && count <= LINK_CARRIER_MAX_LINKS;
}

export function isLinkOnly(evidence: LinkOnlyEvidence): boolean {
  const { info, links } = evidence;
  const external = externalUrls(links);
  switch (info.detectedType) {
    case 'pdf': {
      const pdf = info.pdf;
      if (!pdf || pdf.textChars > LINK_CARRIER_MAX_TEXT) return false;
      if (pdf.pages > LINK_CARRIER_MAX_PAGES || info.errors.some((error) => error.startsWith('password-protected'))) return false;
      return withinLinkCount(external.size) || qrPointsOutside(links);
    }
    case 'ooxml-word':
    case 'ooxml-excel':
    case 'ooxml-powerpoint': {
      const office = info.office;
      if (!office || office.textChars > LINK_CARRIER_MAX_TEXT) return false;
      const hyperlinks = externalUrls(links.filter((link) => link.foundIn === 'office-relationship'));
      return withinLinkCount(hyperlinks.size);
    }
    case 'html':
    case 'svg': {
      const html = info.html;
      if (!html) return false;
      const textChars = evidence.htmlTextChars ?? Number.POSITIVE_INFINITY;
      const sendsAway = (html.metaRefresh || evidence.scriptRedirect === true) && external.size > 0;
      if (sendsAway && textChars <= LINK_CARRIER_MAX_HTML_TEXT) return true;
      const postsPasswordOut = html.hasPasswordField && html.formActions.some((action) => /^(?:https?:)?\/\//i.test(action));
      if (postsPasswordOut) return true;
      return withinLinkCount(external.size) && textChars <= LINK_CARRIER_MAX_HTML_TEXT;
    }
    case 'png':
    case 'jpeg':
      return qrPointsOutside(links);
    default:
      return false;
  }
}
