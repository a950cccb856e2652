// The incident record and its letters on the 2017 replay: building the record, keeping it (SQLite), and writing
// each report as Markdown, HTML and PDF. CPU time per operation, because wall time on a shared machine mostly
// measures the neighbours.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MemorySink } from '../src/events/sink.js';
import { buildRecord } from '../src/incidents/record-build.js';
import { keepReplay } from '../src/incidents/record-replay.js';
import { replayScenario } from '../src/incidents/replay.js';
import { renderReport } from '../src/reports/render.js';
import { stixBundle } from '../src/reports/stix.js';
import { openStore } from '../src/store/index.js';

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function per<T>(runs: number, work: () => Promise<T>): Promise<number> {
  await work();
  const start = cpuMs();
  for (let i = 0; i < runs; i++) await work();
  return (cpuMs() - start) / runs;
}

export interface ReportsBench {
  events: number;
  outsideRecipients: number;
  buildRecordMs: number;
  keepReplaySqliteMs: number;
  stixMs: number;
  /** kind.lang.format → CPU ms per report */
  renderMs: Record<string, number>;
  pdfBytes: Record<string, number>;
}

export async function benchReports(runs = 5): Promise<ReportsBench> {
  const scenario = resolve('scenarios/2017-shared-you-a-file.yaml');
  const sink = new MemorySink();
  await replayScenario(scenario, { sink });
  const incident = [...sink.incidents.values()][0];
  if (!incident) throw new Error('the 2017 replay opened no incident');
  const signals = [...sink.signals.values()].filter((s) => incident.signalIds.includes(s.id));
  const events = [...sink.events.values()];
  const input = { incident, signals, events, orgDomains: ['tsukishiro-vs.co.jp'], now: '2017-07-12T02:00:00.000Z' };
  const dir = mkdtempSync(join(tmpdir(), 'kizuki-bench-reports-'));
  try {
    const buildRecordMs = await per(runs * 4, async () => buildRecord(input));
    let n = 0;
    const keepReplaySqliteMs = await per(runs, async () => {
      const store = await openStore(`sqlite:${join(dir, `k${n++}.db`)}`, { dataDir: dir });
      try {
        await keepReplay(store, scenario, sink, { actions: async () => [] });
      } finally {
        await store.close();
      }
    });
    const record = buildRecord(input);
    const stixMs = await per(runs * 4, async () => stixBundle(record));
    const renderMs: Record<string, number> = {};
    const pdfBytes: Record<string, number> = {};
    for (const kind of ['notice', 'internal', 'regulator'] as const) {
      for (const lang of ['ja', 'en'] as const) {
        for (const format of ['md', 'html', 'pdf'] as const) {
          renderMs[`${kind}.${lang}.${format}`] = await per(runs, async () => renderReport(record, { kind, lang, format }));
        }
        pdfBytes[`${kind}.${lang}`] = ((await renderReport(record, { kind, lang, format: 'pdf' })) as Uint8Array).byteLength;
      }
    }
    return { events: events.length, outsideRecipients: record.outsideRecipients.length, buildRecordMs, keepReplaySqliteMs, stixMs, renderMs, pdfBytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
