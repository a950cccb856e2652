// OOXML documents (docx/xlsx/pptx): external relationships (hyperlinks, remote templates, linked
// OLE objects), VBA macros, and how much text the document really holds.
import { Parser } from 'htmlparser2';
import type { Link, OfficeFacts } from '../../model/analysis.js';
import { makeLink } from '../url.js';
import type { UnpackBudget } from './zip.js';
import { bytesToText } from './inflate.js';
import { unpackMember, type ZipDirectory, type ZipEntry } from './zip-directory.js';

export interface OfficeInspection {
  facts: OfficeFacts;
  links: Link[];
  errors: string[];
}

/** A single package part is never unpacked past this, whatever the budget says. */
const MAX_PART_BYTES = 16 * 1024 * 1024;
const MAX_RELATIONSHIP_PARTS = 100;
const MAX_SLIDES_READ = 30;

interface Relationship {
  id: string;
  type: string;
  target: string;
  external: boolean;
}

function readXmlPart(data: Uint8Array, entry: ZipEntry, budget: UnpackBudget): string {
  const bytes = unpackMember(data, entry, Math.min(MAX_PART_BYTES, budget.remaining));
  budget.remaining -= bytes.length;
  budget.used += bytes.length;
  return bytesToText(bytes);
}

function parseRelationships(xml: string): Relationship[] {
  const found: Relationship[] = [];
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name !== 'Relationship') return;
        found.push({
          id: attributes.Id ?? '',
          type: attributes.Type ?? '',
          target: attributes.Target ?? '',
          external: (attributes.TargetMode ?? '').toLowerCase() === 'external',
        });
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.write(xml);
  parser.end();
  return found;
}

/** Text of a content part, and for word/document.xml the visible text of each w:hyperlink by its r:id. */
function readContentText(xml: string): { chars: number; hyperlinkText: Map<string, string> } {
  let chars = 0;
  const hyperlinkText = new Map<string, string>();
  let hyperlinkId: string | undefined;
  let hyperlinkTextSoFar = '';
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'w:hyperlink' && attributes['r:id']) {
          hyperlinkId = attributes['r:id'];
          hyperlinkTextSoFar = '';
        }
      },
      ontext(text) {
        chars += text.replace(/\s+/g, ' ').trim().length;
        if (hyperlinkId && hyperlinkTextSoFar.length < 300) hyperlinkTextSoFar += text;
      },
      onclosetag(name) {
        if (name === 'w:hyperlink' && hyperlinkId) {
          hyperlinkText.set(hyperlinkId, hyperlinkTextSoFar);
          hyperlinkId = undefined;
        }
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.write(xml);
  parser.end();
  return { chars, hyperlinkText };
}

function isTextPart(name: string): boolean {
  if (name === 'word/document.xml' || name === 'xl/sharedStrings.xml') return true;
  const slide = /^ppt\/slides\/slide(\d+)\.xml$/.exec(name);
  return slide !== null && Number(slide[1]) <= MAX_SLIDES_READ;
}

export function inspectOffice(
  data: Uint8Array,
  directory: ZipDirectory,
  options: { attachmentIndex: number; maxLinks: number; budget: UnpackBudget },
): OfficeInspection {
  const facts: OfficeFacts = { externalRelationships: 0, remoteTemplate: false, hasMacros: false, textChars: 0 };
  const links: Link[] = [];
  const errors: string[] = [];
  const { entries } = directory;
  facts.hasMacros = entries.some((entry) => /(^|\/)vbaProject\.bin$/i.test(entry.name));

  let wordHyperlinkText = new Map<string, string>();
  for (const entry of entries.filter((candidate) => isTextPart(candidate.name))) {
    try {
      const content = readContentText(readXmlPart(data, entry, options.budget));
      facts.textChars += content.chars;
      if (entry.name === 'word/document.xml') wordHyperlinkText = content.hyperlinkText;
    } catch (error) {
      errors.push(`cannot read ${entry.name}: ${(error as Error).message}`);
    }
  }

  const relationshipParts = entries.filter((entry) => entry.name.endsWith('.rels')).slice(0, MAX_RELATIONSHIP_PARTS);
  const seen = new Set<string>();
  for (const entry of relationshipParts) {
    let relationships: Relationship[];
    try {
      relationships = parseRelationships(readXmlPart(data, entry, options.budget));
    } catch (error) {
      errors.push(`cannot read ${entry.name}: ${(error as Error).message}`);
      continue;
    }
    for (const relationship of relationships) {
      if (!relationship.external) continue;
      facts.externalRelationships++;
      const kind = relationship.type.split('/').pop() ?? '';
      if (kind !== 'hyperlink' && /^(?:https?|file|ftp):|^\\\\/i.test(relationship.target)) facts.remoteTemplate = true;
      const text = entry.name === 'word/_rels/document.xml.rels' ? wordHyperlinkText.get(relationship.id) : undefined;
      const link = makeLink(relationship.target, 'office-relationship', text, options.attachmentIndex);
      if (!link || seen.has(link.url) || links.length >= options.maxLinks) continue;
      seen.add(link.url);
      links.push(link);
    }
  }
  return { facts, links, errors };
}
