// Letters and reports from the incident record: a Handlebars template per kind and language (files in templates/
// that users can change) renders Markdown; HTML and PDF are made from that Markdown, so all three say the same.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import MarkdownIt from 'markdown-it';
import type { IncidentRecord } from '../incidents/record.js';
import { markdownToPdf, type PdfOptions } from './pdf.js';
import { buildView, type ReportKind, type ReportLang, type ReportOptions } from './view.js';

export type ReportFormat = 'md' | 'html' | 'pdf';
export const REPORT_FORMATS: readonly ReportFormat[] = ['md', 'html', 'pdf'];

/** The templates shipped with Kizuki (repository root/templates). */
export const DEFAULT_TEMPLATE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../templates');

export interface RenderOptions extends ReportOptions, PdfOptions {
  kind: ReportKind;
  lang: ReportLang;
  format: ReportFormat;
  /** a folder of the user's own templates, looked at before the shipped ones */
  templateDir?: string;
}

export class ReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportError';
  }
}

async function template(name: string, dir?: string): Promise<string> {
  for (const folder of [dir, DEFAULT_TEMPLATE_DIR]) {
    if (!folder) continue;
    const file = join(folder, name);
    if (existsSync(file)) return readFile(file, 'utf8');
  }
  throw new ReportError(`template ${name} not found in ${[dir, DEFAULT_TEMPLATE_DIR].filter(Boolean).join(' or ')}`);
}

function compile(source: string, name: string, html: boolean): HandlebarsTemplateDelegate {
  const hb = Handlebars.create();
  try {
    // strict: a field the template names that the view lacks is an error, not a silent blank in a letter
    return hb.compile(source, { noEscape: !html, strict: true });
  } catch (error) {
    throw new ReportError(`template ${name}: ${(error as Error).message}`);
  }
}

/** The Markdown of one report. */
export async function renderMarkdown(record: IncidentRecord, options: Omit<RenderOptions, 'format'>): Promise<string> {
  const name = `${options.kind}.${options.lang}.md.hbs`;
  const view = buildView(record, options.lang, options);
  try {
    return compile(await template(name, options.templateDir), name, false)(view).replace(/\n{3,}/g, '\n\n');
  } catch (error) {
    if (error instanceof ReportError) throw error;
    throw new ReportError(`template ${name}: ${(error as Error).message}`);
  }
}

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

export async function markdownToHtml(md: string, lang: ReportLang, title: string, templateDir?: string): Promise<string> {
  const page = compile(await template('page.html.hbs', templateDir), 'page.html.hbs', true);
  return page({ lang, title, body: markdown.render(md) });
}

export { markdown as markdownParser };

export async function renderReport(record: IncidentRecord, options: RenderOptions): Promise<string | Uint8Array> {
  const md = await renderMarkdown(record, options);
  if (options.format === 'md') return md;
  const title = md.match(/^# (.+)$/m)?.[1] ?? record.title[options.lang];
  if (options.format === 'html') return markdownToHtml(md, options.lang, title, options.templateDir);
  return markdownToPdf(markdown.parse(md, {}), { ...options, title });
}
