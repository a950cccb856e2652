// URLs written out in extracted text (PDF page text, plain-text parts of documents).

const URL_IN_TEXT_RE = /\b(?:https?:\/\/|www\.)[^\s<>"'`\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+/gi;
const TRAILING_PUNCTUATION_RE = /[.,;:!?)\]}>'"*]+$/;

/** Distinct URL-looking strings in the text, in order of appearance, at most `max`. */
export function findUrlsInText(text: string, max: number): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(URL_IN_TEXT_RE)) {
    if (found.size >= max) break;
    let candidate = match[0].replace(TRAILING_PUNCTUATION_RE, '');
    // a closing parenthesis belongs to the URL only when it opened one
    if (candidate.includes('(') && !candidate.includes(')') && match[0].charAt(candidate.length) === ')') candidate += ')';
    if (candidate.length > 8) found.add(candidate);
  }
  return [...found];
}
