// analyse() on one core, split into the mail-core stages (parse, bodies and links, Received,
// trusted-header authentication, facts) and the whole analysis with attachments.
//   node build/bench/analyse.js            the whole corpus
//   node build/bench/analyse.js 2000       the first 2000 files
// CPU time (process.cpuUsage) is reported next to wall time: on a shared machine wall time
// mostly measures the neighbours.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyse } from '../src/mail/analyse.js';
import { summariseTrustedHeaders } from '../src/mail/authenticate.js';
import { collectTextLinks, LinkCollector, scanHtml } from '../src/mail/body-links.js';
import { computeFacts } from '../src/mail/facts.js';
import { defaultAnalyseOptions } from '../src/mail/options.js';
import { parseMessage } from '../src/mail/parse.js';
import { parseReceivedChain } from '../src/mail/received.js';
import { corpusFiles } from './corpus.js';

export interface AnalyseBench {
  messages: number;
  /** whole analyse() per message, in file order */
  perMessageMs: number[];
  full: { wallMs: number; cpuMs: number; perCpuSecond: number; medianMs: number; p99Ms: number; maxMs: number };
  /** mail-core stages only (no attachment inspection) */
  core: { cpuMs: number; perCpuSecond: number; stageMs: Record<'parse' | 'links' | 'received' | 'auth' | 'facts', number> };
  peakRssMiB: number;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
}

export async function benchAnalyse(files: string[]): Promise<AnalyseBench> {
  const messages = files.map((file) => readFileSync(file));
  const options = defaultAnalyseOptions({ auth: { mode: 'headers', trustedHosts: ['mx.google.com', 'protection.outlook.com'] } });
  for (const raw of messages.slice(0, 50)) await analyse(raw, options); // warm-up

  const stageMs = { parse: 0, links: 0, received: 0, auth: 0, facts: 0 };
  const coreStart = process.cpuUsage();
  for (const raw of messages) {
    let t = performance.now();
    const parsed = await parseMessage(raw, options.limits);
    stageMs.parse += performance.now() - t;
    t = performance.now();
    const collector = new LinkCollector(options.limits.maxLinks);
    let text = parsed.text;
    if (parsed.html) text = text || scanHtml(parsed.html, collector, options.limits.maxBodyChars).text;
    if (parsed.text) collectTextLinks(parsed.text, collector);
    stageMs.links += performance.now() - t;
    t = performance.now();
    parseReceivedChain(parsed.headers.filter((h) => h.key === 'received').map((h) => h.value));
    stageMs.received += performance.now() - t;
    t = performance.now();
    summariseTrustedHeaders(parsed.headers, options.auth.trustedHosts, parsed.from.domain);
    stageMs.auth += performance.now() - t;
    t = performance.now();
    computeFacts({ ...parsed, text, attachments: [], links: collector.links, orgDomains: [] });
    stageMs.facts += performance.now() - t;
  }
  const coreCpu = cpuMs(coreStart);

  const perMessageMs: number[] = [];
  const fullStart = process.cpuUsage();
  const wallStart = performance.now();
  for (const raw of messages) {
    const t = performance.now();
    await analyse(raw, options);
    perMessageMs.push(performance.now() - t);
  }
  const wallMs = performance.now() - wallStart;
  const fullCpu = cpuMs(fullStart);
  const sorted = [...perMessageMs].sort((a, b) => a - b);
  return {
    messages: messages.length,
    perMessageMs,
    full: {
      wallMs,
      cpuMs: fullCpu,
      perCpuSecond: messages.length / (fullCpu / 1000),
      medianMs: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      maxMs: sorted.at(-1) ?? 0,
    },
    core: { cpuMs: coreCpu, perCpuSecond: messages.length / (coreCpu / 1000), stageMs },
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const limit = Number(process.argv[2]) || undefined;
  const files = corpusFiles().slice(0, limit);
  const r = await benchAnalyse(files);
  const round = (n: number) => Math.round(n);
  process.stdout.write(
    [
      `analyse() over ${r.messages} corpus messages, one core`,
      `mail-core stages only: ${round(r.core.perCpuSecond)} messages per CPU-second (${round(r.core.cpuMs)} ms CPU); stage wall ms ${JSON.stringify(Object.fromEntries(Object.entries(r.core.stageMs).map(([k, v]) => [k, round(v)])))}`,
      `whole analysis with attachments: ${round(r.full.perCpuSecond)} messages per CPU-second, ${round(r.messages / (r.full.wallMs / 1000))} per wall second; median ${r.full.medianMs.toFixed(2)} ms, p99 ${r.full.p99Ms.toFixed(1)} ms, max ${round(r.full.maxMs)} ms`,
      `peak RSS ${r.peakRssMiB} MiB`,
      '',
    ].join('\n'),
  );
}
