// `kizuki report INCIDENT --kind notice|internal|regulator --lang ja|en --format md|html|pdf [-o FILE]`.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { withStore } from './incident.js';

interface ReportCliOptions {
  config?: string;
  store?: string;
  kind: string;
  lang: string;
  format: string;
  output?: string;
  org?: string;
  contact?: string;
  templates?: string;
}

export function register(program: Command): void {
  program
    .command('report')
    .description('write a letter or report from the incident record: customer notice, internal post-incident report, regulator draft')
    .argument('<incident>', 'incident id (or an unambiguous prefix)')
    .option('--kind <kind>', 'notice, internal or regulator', 'notice')
    .option('--lang <lang>', 'ja or en', 'ja')
    .option('--format <format>', 'md, html or pdf', 'md')
    .option('-o, --output <file>', 'write to this file (a PDF needs one unless standard output is not a terminal)')
    .option('--org <name>', 'organisation name that signs the letter; default org.name from the configuration')
    .option('--contact <text>', 'contact point for recipients; default reports.contact')
    .option('--templates <dir>', 'a folder of your own templates (same file names as templates/)')
    .option('-c, --config <file>', 'configuration file')
    .option('--store <url>', 'database (sqlite:PATH, PATH or postgres://…)')
    .action(async (id: string, options: ReportCliOptions) =>
      withStore(
        options,
        async (store, config) => {
          const { REPORT_KINDS } = await import('../../reports/view.js');
          const { REPORT_FORMATS, renderReport } = await import('../../reports/render.js');
          if (!REPORT_KINDS.includes(options.kind as never)) throw new Error(`--kind must be one of ${REPORT_KINDS.join(', ')}`);
          if (options.lang !== 'ja' && options.lang !== 'en') throw new Error('--lang must be ja or en');
          if (!REPORT_FORMATS.includes(options.format as never)) throw new Error(`--format must be one of ${REPORT_FORMATS.join(', ')}`);
          if (options.format === 'pdf' && !options.output && process.stdout.isTTY) throw new Error('a PDF goes to a file: add -o FILE');
          const { requireRecord } = await import('../../incidents/record-store.js');
          const record = await requireRecord(store, id);
          const templateDir = options.templates ?? config.reports.templateDir;
          const fontPath = config.reports.pdfFont;
          const out = await renderReport(record, {
            kind: options.kind as never,
            lang: options.lang,
            format: options.format as never,
            orgName: options.org ?? config.org.name,
            contact: options.contact ?? config.reports.contact,
            timeZone: config.reports.timeZone,
            ...(templateDir ? { templateDir } : {}),
            ...(fontPath ? { fontPath } : {}),
            createdAt: record.updatedAt,
          });
          if (options.output) await writeFile(options.output, out);
          else process.stdout.write(out);
        },
        'report',
      ),
    );
}
