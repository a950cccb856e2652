// Attachment stage over ../shared/corpus: what the attachments are, and what each PDF costs.
// Run: npx tsc -p . && node build/bench/attachments.js [corpus-dir]
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AttachmentInfo } from '../src/model/analysis.js';
import { inspectAttachments, type RawPart } from '../src/mail/attachments/index.js';
import { loadPdfJs } from '../src/mail/attachments/pdf-engine.js';
import { DEFAULT_LIMITS } from '../src/mail/options.js';
import { parseMessage } from '../src/mail/parse.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpus = path.resolve(process.argv[2] ?? path.join(repoRoot, '../shared/corpus'));

function listFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...listFiles(full));
    else if (entry.name !== 'labels.tsv' && entry.name !== 'README.md') found.push(full);
  }
  return found.sort();
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const limits = DEFAULT_LIMITS;
const parseNested = async (raw: Uint8Array) => {
  const nested = await parseMessage(raw, limits);
  return { parts: nested.parts, text: nested.text, html: nested.html };
};
const context = () => ({ limits, deadline: Date.now() + limits.attachmentBudgetMs, depth: 0, parseNested });

const files = listFiles(corpus);
const byType = new Map<string, number>();
const linksBySource = new Map<string, number>();
const pdfMs: number[] = [];
const pdfCpuMs: number[] = [];
const imageCpuMs: number[] = [];
const imageParts: RawPart[] = [];
const messageMs: number[] = [];
let pdfLinkOnly = 0;
let linkOnly = 0;
let attachmentErrors = 0;
let crashes = 0;
let attachments = 0;
const pdfParts: RawPart[] = [];

await loadPdfJs();
const started = performance.now();
/** Messages with no non-text part and no file name cannot carry attachments: skip parsing them. */
const MAY_HAVE_ATTACHMENTS_RE = /content-type:\s*(?:application|image|message|audio|video|model|font)\/|filename|name=/i;
let skipped = 0;
for (const file of files) {
  const raw = readFileSync(file);
  if (!MAY_HAVE_ATTACHMENTS_RE.test(raw.toString('latin1'))) {
    skipped++;
    continue;
  }
  const parsed = await parseMessage(new Uint8Array(raw), limits);
  if (parsed.parts.length === 0) continue;
  const t0 = performance.now();
  try {
    const report = await inspectAttachments(parsed.parts, context());
    messageMs.push(performance.now() - t0);
    for (const info of report.attachments as AttachmentInfo[]) {
      attachments++;
      byType.set(info.detectedType, (byType.get(info.detectedType) ?? 0) + 1);
      if (info.linkOnly) linkOnly++;
      if (info.linkOnly && info.detectedType === 'pdf') pdfLinkOnly++;
      attachmentErrors += info.errors.length;
    }
    for (const link of report.links) linksBySource.set(link.foundIn, (linksBySource.get(link.foundIn) ?? 0) + 1);
    parsed.parts.forEach((part, i) => {
      const type = report.attachments.find((info) => info.parentIndex === undefined && info.index >= i && info.filename === part.filename)?.detectedType;
      if (type === 'pdf') pdfParts.push(part);
      if (type === 'png' || type === 'jpeg') imageParts.push(part);
    });
  } catch (error) {
    crashes++;
    console.error(`${file}: ${(error as Error).message}`);
  }
}
const totalMs = performance.now() - started;

/** CPU time (user + system) of the process, in ms: far steadier than wall time on a shared machine. */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

// each PDF alone, twice: the first pass warms pdf.js, the second is measured
for (const pass of [0, 1]) {
  for (const part of pdfParts) {
    const t0 = performance.now();
    const c0 = cpuMs();
    await inspectAttachments([part], context());
    if (pass === 1) {
      pdfMs.push(performance.now() - t0);
      pdfCpuMs.push(cpuMs() - c0);
    }
  }
}
for (const part of imageParts) {
  const c0 = cpuMs();
  await inspectAttachments([part], context());
  imageCpuMs.push(cpuMs() - c0);
}
pdfCpuMs.sort((a, b) => a - b);
imageCpuMs.sort((a, b) => a - b);

pdfMs.sort((a, b) => a - b);
messageMs.sort((a, b) => a - b);
console.log(`corpus: ${corpus} (${files.length} files, ${skipped} without any attachment skipped unparsed, ${messageMs.length} with attachments, ${attachments} attachments)`);
console.log(`attachment stage over the corpus: ${(totalMs / 1000).toFixed(1)} s including parsing; crashes: ${crashes}`);
console.log(`per message with attachments: median ${percentile(messageMs, 50).toFixed(2)} ms, p99 ${percentile(messageMs, 99).toFixed(1)} ms, max ${percentile(messageMs, 100).toFixed(1)} ms`);
console.log(`per PDF (${pdfMs.length}): median ${percentile(pdfMs, 50).toFixed(2)} ms, p90 ${percentile(pdfMs, 90).toFixed(1)} ms, p99 ${percentile(pdfMs, 99).toFixed(1)} ms, max ${percentile(pdfMs, 100).toFixed(1)} ms`);
console.log(`per PDF, CPU time: median ${percentile(pdfCpuMs, 50).toFixed(2)} ms, p90 ${percentile(pdfCpuMs, 90).toFixed(1)} ms, max ${percentile(pdfCpuMs, 100).toFixed(1)} ms`);
console.log(`per PNG/JPEG (${imageCpuMs.length}), CPU time: median ${percentile(imageCpuMs, 50).toFixed(2)} ms, p90 ${percentile(imageCpuMs, 90).toFixed(1)} ms, max ${percentile(imageCpuMs, 100).toFixed(1)} ms, total ${imageCpuMs.reduce((a, b) => a + b, 0).toFixed(0)} ms`);
console.log(`link carriers: ${linkOnly} (PDF: ${pdfLinkOnly}); per-attachment errors: ${attachmentErrors}`);
console.log(`detected types: ${[...byType].sort((a, b) => b[1] - a[1]).map(([type, count]) => `${type} ${count}`).join(', ')}`);
console.log(`links by source: ${[...linksBySource].map(([source, count]) => `${source} ${count}`).join(', ')}`);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
