// `kizuki incident list|show|timeline|task|note|phase|close|evidence|export`: the incident record from the command line.
import { readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { KizukiConfig } from '../../config.js';
import type { IncidentRecord } from '../../incidents/record.js';
import type { Store } from '../../store/types.js';

interface Common {
  config?: string;
  store?: string;
  json?: boolean;
}

function me(): string {
  try {
    return process.env.KIZUKI_USER || userInfo().username || 'cli';
  } catch {
    return 'cli';
  }
}

export async function configFor(options: Common): Promise<KizukiConfig> {
  const { loadConfig } = await import('../../config.js');
  const config = loadConfig(options.config ? { path: options.config } : {});
  if (options.store) config.store.url = options.store;
  return config;
}

/** Opens the store, runs the work, closes the store; errors become one line on stderr and exit code 2. */
export async function withStore(options: Common, work: (store: Store, config: KizukiConfig) => Promise<void>, name = 'incident'): Promise<void> {
  let store: Store | undefined;
  try {
    const config = await configFor(options);
    const { openStore } = await import('../../store/index.js');
    store = await openStore(config.store.url);
    // the records of open incidents first catch up with what detection and response stored since
    const { refreshRecords } = await import('../../incidents/record-refresh.js');
    await refreshRecords(store, { orgDomains: config.org.domains, now: new Date().toISOString() });
    await work(store, config);
  } catch (error) {
    process.stderr.write(`kizuki ${name}: ${(error as Error).message}\n`);
    process.exitCode = 2;
  } finally {
    await store?.close();
  }
}

function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

function showRecord(r: IncidentRecord): string {
  const lines = [
    `${r.incidentId}  ${r.title.en}`,
    `  ${r.title.ja}`,
    `kind ${r.kind} · severity ${r.severity} · phase ${r.phase}${r.owner ? ` · owner ${r.owner}` : ''}${r.resolution ? ` · resolution: ${r.resolution}` : ''}`,
    `first malicious activity ${r.times.firstMaliciousAt ?? '—'} · detected ${r.times.detectedAt} · contained ${r.times.containedAt ?? '—'} · closed ${r.times.closedAt ?? '—'}`,
    `time to detect ${r.timeToDetectSeconds ?? '—'} s · time to contain ${r.timeToContainSeconds ?? '—'} s`,
    '',
    'accounts:',
    ...r.accounts.map((a) => `  ${a.account} (${a.role}, since ${a.firstSeen})`),
    'devices:',
    ...r.devices.map((d) => `  ${d.name}${d.note ? ` — ${d.note}` : ''}`),
    `outside recipients of the lure: ${r.outsideRecipients.length}; contacts possibly exposed: ${r.exposedContacts.count}`,
    `indicators: ${r.indicators.length}`,
    ...r.indicators.map((i) => `  ${i.type.padEnd(14)} ${i.value}  [TLP:${i.tlp.toUpperCase()}] ${i.firstSeen} → ${i.lastSeen}`),
    `evidence: ${r.evidence.length}`,
    ...r.evidence.map((e) => `  ${e.sha256}  ${e.name} (${e.size} bytes) — ${e.custody.map((c) => `${c.action} by ${c.actor} at ${c.at} from ${c.source}`).join('; ')}`),
    `tasks: ${r.tasks.length}`,
    ...r.tasks.map((t) => `  ${t.id}  [${t.status}] ${t.title}${t.owner ? ` — ${t.owner}` : ''}${t.due ? `, due ${t.due}` : ''}`),
    `timeline: ${r.timeline.length} entries (kizuki incident timeline ${r.incidentId})`,
  ];
  return lines.join('\n');
}

export function register(program: Command): void {
  const incident = program.command('incident').description('the incident record: list, show, timeline, tasks, notes, close, exports');
  const common = (c: Command) => c.option('-c, --config <file>', 'configuration file').option('--store <url>', 'database (sqlite:PATH, PATH or postgres://…)').option('--json', 'print JSON');

  common(incident.command('list').description('incidents in the store, newest first'))
    .option('--phase <phase>', 'only this phase: detected, contained, eradicated, recovered, closed')
    .option('--limit <n>', 'at most this many', '100')
    .action(async (options: Common & { phase?: string; limit: string }) =>
      withStore(options, async (store) => {
        const { listRecords } = await import('../../incidents/record-store.js');
        const { PHASES } = await import('../../incidents/record.js');
        if (options.phase && !PHASES.includes(options.phase as never)) throw new Error(`--phase must be one of ${PHASES.join(', ')}`);
        const rows = await listRecords(store, { ...(options.phase ? { phase: options.phase as never } : {}), limit: Number(options.limit) || 100 });
        if (options.json) return out(JSON.stringify(rows, null, 2));
        if (rows.length === 0) return out('no incidents in this store');
        for (const r of rows) out(`${r.incidentId}  ${r.phase.padEnd(10)} ${r.severity.padEnd(8)} ${r.detectedAt}  ${r.title.en}`);
      }),
    );

  common(incident.command('show').description('the whole record of one incident').argument('<incident>', 'incident id (or an unambiguous prefix)')).action(
    async (id: string, options: Common) =>
      withStore(options, async (store) => {
        const { requireRecord } = await import('../../incidents/record-store.js');
        const record = await requireRecord(store, id);
        out(options.json ? JSON.stringify(record, null, 2) : showRecord(record));
      }),
  );

  common(incident.command('timeline').description('the timeline: automatic entries and notes').argument('<incident>', 'incident id'))
    .option('--lang <lang>', 'en or ja', 'en')
    .option('--letter', "only the entries the customer letter shows")
    .action(async (id: string, options: Common & { lang: string; letter?: boolean }) =>
      withStore(options, async (store) => {
        const { requireRecord } = await import('../../incidents/record-store.js');
        const record = await requireRecord(store, id);
        const entries = record.timeline.filter((e) => !options.letter || e.inLetter);
        if (options.json) return out(JSON.stringify(entries, null, 2));
        for (const e of entries) out(`${e.at}  ${e.source.padEnd(8)} ${e.inLetter ? '✉' : ' '} ${options.lang === 'ja' ? e.ja : e.en}`);
      }),
    );

  const task = incident.command('task').description('tasks for people: add, list, set');
  common(task.command('add').description('add a task').argument('<incident>', 'incident id').argument('<title>', 'what to do'))
    .option('--title-ja <text>', 'the task in Japanese')
    .option('--owner <who>', 'who does it')
    .option('--due <date>', 'by when (ISO date or date-time)')
    .action(async (id: string, title: string, options: Common & { titleJa?: string; owner?: string; due?: string }) =>
      withStore(options, async (store) => {
        const { addTask } = await import('../../incidents/record-store.js');
        const t = await addTask(store, id, { title, ...(options.titleJa ? { titleJa: options.titleJa } : {}), ...(options.owner ? { owner: options.owner } : {}), ...(options.due ? { due: options.due } : {}), now: new Date().toISOString() });
        out(options.json ? JSON.stringify(t, null, 2) : `task ${t.id} added`);
      }),
    );
  common(task.command('list').description("an incident's tasks").argument('<incident>', 'incident id')).action(async (id: string, options: Common) =>
    withStore(options, async (store) => {
      const { requireRecord } = await import('../../incidents/record-store.js');
      const { tasks } = await requireRecord(store, id);
      if (options.json) return out(JSON.stringify(tasks, null, 2));
      for (const t of tasks) out(`${t.id}  [${t.status}] ${t.title}${t.owner ? ` — ${t.owner}` : ''}${t.due ? `, due ${t.due}` : ''}`);
    }),
  );
  common(task.command('set').description('change a task').argument('<task>', 'task id'))
    .option('--status <status>', 'open, in-progress, done or cancelled')
    .option('--owner <who>', 'who does it')
    .option('--due <date>', 'by when')
    .action(async (taskId: string, options: Common & { status?: string; owner?: string; due?: string }) =>
      withStore(options, async (store) => {
        const { updateTask } = await import('../../incidents/record-store.js');
        const t = await updateTask(store, taskId, { ...(options.status ? { status: options.status } : {}), ...(options.owner ? { owner: options.owner } : {}), ...(options.due ? { due: options.due } : {}), now: new Date().toISOString() });
        out(options.json ? JSON.stringify(t, null, 2) : `task ${t.id} is ${t.status}`);
      }),
    );

  common(incident.command('note').description('add a manual timeline entry').argument('<incident>', 'incident id').argument('<text>', 'what happened'))
    .option('--ja <text>', 'the same in Japanese')
    .option('--at <time>', 'when it happened (ISO); default now')
    .option('--letter', 'show it in the customer letter')
    .option('--author <who>', 'who writes it; default the login name')
    .action(async (id: string, text: string, options: Common & { ja?: string; at?: string; letter?: boolean; author?: string }) =>
      withStore(options, async (store) => {
        const { addNote } = await import('../../incidents/record-store.js');
        const e = await addNote(store, id, { text, ...(options.ja ? { textJa: options.ja } : {}), ...(options.at ? { at: options.at } : {}), now: new Date().toISOString(), author: options.author ?? me(), inLetter: options.letter ?? false });
        out(options.json ? JSON.stringify(e, null, 2) : `note added at ${e.at}`);
      }),
    );

  common(incident.command('phase').description('move the incident to a later phase: contained, eradicated, recovered').argument('<incident>', 'incident id').argument('<phase>', 'the new phase'))
    .option('--at <time>', 'when (ISO); default now')
    .action(async (id: string, phase: string, options: Common & { at?: string }) =>
      withStore(options, async (store) => {
        const { setPhase } = await import('../../incidents/record-store.js');
        if (phase === 'closed') throw new Error('use kizuki incident close, which asks for a resolution');
        const r = await setPhase(store, id, { phase: phase as never, ...(options.at ? { at: options.at } : {}), now: new Date().toISOString(), author: me() });
        out(options.json ? JSON.stringify(r, null, 2) : `${r.incidentId} is ${r.phase}`);
      }),
    );

  common(incident.command('close').description('close the incident with its resolution').argument('<incident>', 'incident id'))
    .requiredOption('--resolution <text>', 'what was found and done')
    .option('--at <time>', 'when (ISO); default now')
    .action(async (id: string, options: Common & { resolution: string; at?: string }) =>
      withStore(options, async (store) => {
        const { setPhase } = await import('../../incidents/record-store.js');
        const r = await setPhase(store, id, { phase: 'closed', resolution: options.resolution, ...(options.at ? { at: options.at } : {}), now: new Date().toISOString(), author: me() });
        out(options.json ? JSON.stringify(r, null, 2) : `${r.incidentId} closed at ${r.times.closedAt}`);
      }),
    );

  common(incident.command('evidence').description('add a file or message as evidence (stored by sha256 with its chain of custody)').argument('<incident>', 'incident id').argument('<file>', 'the file'))
    .option('--kind <kind>', 'message, file or log', 'file')
    .option('--from <where>', 'where it was collected; default the file path')
    .action(async (id: string, file: string, options: Common & { kind: string; from?: string }) =>
      withStore(options, async (store) => {
        const { addEvidence } = await import('../../incidents/record-store.js');
        if (!['message', 'file', 'log'].includes(options.kind)) throw new Error('--kind must be message, file or log');
        const bytes = new Uint8Array(await readFile(file));
        const kind = options.kind as 'message' | 'file' | 'log';
        const e = await addEvidence(store, id, { bytes, name: basename(file), kind, mediaType: kind === 'message' ? 'message/rfc822' : 'application/octet-stream', actor: me(), source: options.from ?? file, at: new Date().toISOString() });
        out(options.json ? JSON.stringify(e, null, 2) : `evidence ${e.sha256} added`);
      }),
    );

  common(incident.command('export').description('indicators (STIX 2.1 or CSV), outside recipients (CSV for a mail merge) or the whole incident (JSON)').argument('<incident>', 'incident id'))
    .option('--format <what>', 'stix, indicators-csv, recipients-csv or json', 'json')
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .action(async (id: string, options: Common & { format: string; output?: string }) =>
      withStore(options, async (store, config) => {
        const { requireRecord } = await import('../../incidents/record-store.js');
        const exports = await import('../../reports/exports.js');
        const record = await requireRecord(store, id);
        let text: string;
        if (options.format === 'stix') {
          const { stixBundle } = await import('../../reports/stix.js');
          text = `${JSON.stringify(stixBundle(record, { orgName: config.org.name }), null, 2)}\n`;
        } else if (options.format === 'indicators-csv') text = exports.indicatorsCsv(record);
        else if (options.format === 'recipients-csv') text = exports.recipientsCsv(record);
        else if (options.format === 'json') text = exports.incidentJson(record);
        else throw new Error('--format must be stix, indicators-csv, recipients-csv or json');
        if (options.output) await writeFile(options.output, text);
        else process.stdout.write(text);
      }),
    );
}
