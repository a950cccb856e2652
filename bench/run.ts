// `npm run bench`: every benchmark, one after another, printed as a readable report (and JSON with --json).
//   npm run bench                         all sections (the store section writes 1,000,000 events per database)
//   npm run bench -- --only scan,detect   some sections
//   npm run bench -- --quick              smaller store and event sizes, for a fast look
//   npm run bench -- --only imap          IMAP read rate, watch --once rate and new-mail latency against Dovecot
//   npm run bench -- --only api           API latency, message list and incident page, 100,000 verdicts, SQLite and PostgreSQL
//   npm run bench -- --only reports       the incident record of the 2017 replay and its letters (md, html, pdf)
//   npm run bench -- --only peers         Kizuki's CLI beside Rspamd on the same 1,000 files, start-up, memory
//   npm run bench -- --only providers     Google and Microsoft providers against the local fakes
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { only: { type: 'string' }, quick: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
});
const sections = values.only ? values.only.split(',') : ['peers', 'scan', 'detect', 'events', 'providers', 'store', 'imap', 'api', 'respond', 'reports'];
const quick = values.quick ?? false;
const report: Record<string, unknown> = { loadAverageAtStart: loadavg()[0], node: process.version };
const say = (line: string) => process.stdout.write(`${line}\n`);
const f1 = (n: number) => n.toFixed(1);

say(`Kizuki benchmarks — node ${process.version}, load average ${loadavg()[0]?.toFixed(1)} at start`);

if (sections.includes('peers')) {
  const { benchPeers, EXTRA_CA_CERTS_DROPPED } = await import('./peers.js');
  say('\n== end to end: `kizuki scan --json` beside Rspamd on the same 1,000 corpus files, in this run ==');
  const r = await benchPeers({ memory: true, mboxBytes: quick ? 200 * 1024 * 1024 : 2 * 1024 * 1024 * 1024, log: (line) => say(`  ${line}`) });
  report.peers = r;
  const rate = (x: { perSecond: number; seconds: number; peakRssMiB: number }) => `${Math.round(x.perSecond)} msg/s (${f1(x.seconds)} s, peak RSS ${x.peakRssMiB} MiB)`;
  const cpu = (x: { cpuSeconds: number; mainCpuSeconds: number; messages: number }) =>
    `CPU ${f1(x.cpuSeconds)} s in all threads, ${f1((x.cpuSeconds * 1000) / x.messages)} ms per message; main thread ${f1(x.mainCpuSeconds)} s`;
  say(`kizuki scan --json, default store: ${rate(r.kizukiStore)}; ${cpu(r.kizukiStore)}`);
  say(`kizuki scan --json --no-store:     ${rate(r.kizukiNoStore)}; ${cpu(r.kizukiNoStore)}`);
  if (r.rspamd) {
    say(`rspamd (${r.rspamd.processes} scanner processes, rspamc):  ${rate(r.rspamd)}; rspamd's own CPU ${f1(r.rspamd.serverCpuSeconds)} s, ${f1((r.rspamd.serverCpuSeconds * 1000) / r.rspamd.messages)} ms per message`);
    say(`ratio Kizuki / Rspamd: ${r.ratioStore?.toFixed(2)}× with the store, ${r.ratioNoStore?.toFixed(2)}× without`);
  } else say(r.rspamdMissing ?? 'rspamd not measured');
  if (EXTRA_CA_CERTS_DROPPED) say('(Kizuki ran without NODE_EXTRA_CA_CERTS, set on this machine: node reads that file at every start, about 60 ms here; a scan opens no TLS connection)');
  say(`start-up, one message on standard input to its verdict line: median ${r.startupMs.median} ms (runs: ${r.startupMs.runs.join(', ')} ms)`);
  if (r.daemon) {
    const d = r.daemon;
    say(`with the scan daemon (kizuki scand, warmed on ${d.warmedOn} other corpus files, ${d.warmPasses === 1 ? 'once' : `${d.warmPasses} times`}), kizuki scan --json, store: ${rate(d.store)}`);
    say(`  CPU: daemon ${f1(d.daemonCpuSeconds)} s (${f1((d.daemonCpuSeconds * 1000) / d.store.messages)} ms per message), client ${f1(d.store.cpuSeconds)} s; daemon peak RSS ${d.daemonPeakRssMiB} MiB`);
    if (d.ratioStore !== undefined) say(`  ratio Kizuki (daemon) / Rspamd: ${d.ratioStore.toFixed(2)}× (best round over Rspamd's best run)`);
    if (d.pairedRatios?.length) {
      const sorted = [...d.pairedRatios].sort((a, b) => a - b);
      say(`  round by round, over the Rspamd run that followed: ${d.pairedRatios.map((x) => `${x.toFixed(2)}×`).join(', ')} (median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)}×)`);
    }
    say(`  start-up through the daemon, one message on standard input to its verdict line: median ${d.startupMs.median} ms (runs: ${d.startupMs.runs.join(', ')} ms)`);
  }
  if (r.stages) say(`kizuki scan --json --timings (default store, same files):\n${r.stages.replace(/^/gm, '  ')}`);
  if (r.memory) {
    say(`peak RSS, ${r.memory.batchMessages}-message batch with the store: ${r.memory.batchPeakRssMiB} MiB`);
    say(`peak RSS, ${f1(r.memory.mboxBytes / 2 ** 30)} GiB mbox of ${r.memory.mboxMessages} messages: ${r.memory.mboxPeakRssMiB} MiB (${Math.round(r.memory.mboxPerSecond)} msg/s)`);
  }
}

if (sections.includes('scan')) {
  const { benchScan } = await import('./scan.js');
  const r = await benchScan(quick ? 2000 : undefined);
  report.scan = r;
  say('\n== analysis (parse, authenticate, links, attachments) over ../shared/corpus ==');
  say(`messages: ${r.messages}`);
  const c = r.oneCore;
  say(`one core, whole analysis: ${Math.round(c.full.perCpuSecond)} messages per CPU-second (${f1(1000 / c.full.perCpuSecond)} ms each on average); median ${f1(c.full.medianMs * 1000)} µs, p99 ${f1(c.full.p99Ms)} ms, max ${Math.round(c.full.maxMs)} ms`);
  say(`one core, mail-core stages only (no attachments): ${Math.round(c.core.perCpuSecond)} messages per CPU-second`);
  say(`worker pool, 1 worker: ${Math.round(r.oneWorker.perSecond)} msg/s`);
  say(`worker pool, ${r.allWorkers.workers} workers: ${Math.round(r.allWorkers.perSecond)} msg/s (${f1(r.allWorkers.perSecond / r.oneWorker.perSecond)}× one worker)`);
  say(`peak RSS so far (corpus held in memory + workers): ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
}

if (sections.includes('detect')) {
  const { benchDetect } = await import('./detect.js');
  const r = await benchDetect(quick ? 1000 : undefined);
  report.detect = r;
  say('\n== detection (every rule, CEL, sender history, text model) ==');
  say(`${r.messages} messages, ${r.rules} rules: judge() mean ${Math.round(r.judgeMicros.mean)} µs (median ${Math.round(r.judgeMicros.median)}, p99 ${Math.round(r.judgeMicros.p99)}); of which the CEL rules ${Math.round(r.rulesMicros.mean)} µs and building the message view ${Math.round(r.viewMicros.mean)} µs`);
  say(`judging costs ${f1(r.shareOfAnalysis * 100)} % of analysing the same messages (${Math.round(r.analyseMicros.mean)} µs)`);
}

if (sections.includes('events')) {
  const { benchEvents } = await import('./events.js');
  const r = await benchEvents(quick ? 300 : 2000, quick ? 10 : 20);
  report.events = r;
  say('\n== takeover detectors ==');
  say(`${r.events} synthetic events over ${r.accounts} accounts: detectors ${r.detectorEventsPerSecond} events/s; whole engine (memory sink) ${r.engineEventsPerSecond} events/s; ${Math.round(r.bytesPerTrackedAccount / 1024)} KiB per tracked account`);
}

if (sections.includes('api')) {
  const { benchApi } = await import('./api.js');
  const results = await benchApi(quick ? { messages: 10_000, requests: 50 } : {});
  report.api = results;
  say('\n== HTTP API latency (kizuki serve), 127.0.0.1, viewer token ==');
  for (const r of results) {
    say(`${r.database}: ${r.messages} judged messages`);
    for (const l of r.latencies) say(`  ${l.request}: p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms`);
  }
}

if (sections.includes('providers')) {
  const { benchProviders } = await import('./providers.js');
  const r = await benchProviders(quick ? 500 : 2000);
  report.providers = r;
  say('\n== cloud providers against the local fakes (official clients, loopback: no network or vendor latency) ==');
  say(`Gmail history + raw fetch: ${r.messages} messages in ${r.mailboxes} mailboxes, ${Math.round(r.gmail.perSecond)} msg/s (${f1(r.gmail.seconds)} s)`);
  say(`Graph delta + $value: ${r.messages} messages in ${r.mailboxes} mailboxes, ${Math.round(r.graph.perSecond)} msg/s (${f1(r.graph.seconds)} s)`);
  say(`Reports activities normalised: ${Math.round(r.reports.perSecond)} per second`);
  say(`Gmail, one mailbox, ${r.latencyMs} ms added to every answer (${r.gmailLatency.messages} messages): ${f1(r.gmailLatency.sequential)} msg/s one fetch at a time, ${f1(r.gmailLatency.parallel)} msg/s with 8 in flight`);
}

if (sections.includes('store')) {
  const { benchStore } = await import('./store.js');
  const results = await benchStore(quick ? { events: 100_000, messages: 5_000, log: () => {} } : { log: () => {} });
  report.store = results;
  say('\n== store ==');
  for (const r of results) {
    say(`${r.database}: ${r.events} events at ${r.eventsPerSecond} events/s (${r.eventsPerCpuSecond} per CPU-second of Kizuki), ${r.messages} judged messages at ${r.messagesPerSecond}/s; one-event durable commit p50 ${r.singleEventCommitMs.p50} ms`);
    for (const q of r.queries) say(`  ${q.query}: p50 ${q.p50Ms} ms, p95 ${q.p95Ms} ms`);
  }
}

if (sections.includes('imap')) {
  const { benchImap } = await import('./imap.js');
  const r = await benchImap(quick ? 200 : 1000);
  report.imap = r;
  say('\n== IMAP (a real Dovecot on 127.0.0.1) ==');
  say(`${r.messages} corpus messages (${f1(r.megabytes)} MiB): the provider reads ${Math.round(r.fetch.perSecond)} msg/s; \`watch --once\` (analyse, judge, event, store, cursor; ${r.watchOnce.workers} workers) ${Math.round(r.watchOnce.perSecond)} msg/s`);
  say(`new mail while watching, APPEND to verdict (IDLE): median ${Math.round(r.idleLatencyMs.median)} ms, max ${Math.round(r.idleLatencyMs.max)} ms over ${r.idleLatencyMs.runs} messages`);
}

if (sections.includes('respond')) {
  const { benchRespond } = await import('./respond.js');
  const results = await benchRespond(quick ? 10 : 50);
  report.respond = results;
  say('\n== response (20-step playbook against the local provider) ==');
  for (const r of results) say(`${r.database}: ${r.runs} runs × ${r.stepsPerRun} steps: ${r.stepsPerSecond} steps/s; runner overhead ${r.overheadMsPerStep} ms per step (provider ${r.providerMsPerStep} ms); ${r.cpuMsPerStep} CPU-ms per step in all`);
}

if (sections.includes('reports')) {
  const { benchReports } = await import('./reports.js');
  const r = await benchReports(quick ? 2 : 5);
  report.reports = r;
  say('\n== incident record and letters (2017 replay) ==');
  say(`${r.events} events, ${r.outsideRecipients} outside recipients: build the record ${f1(r.buildRecordMs)} ms CPU; keep the whole replay in SQLite ${f1(r.keepReplaySqliteMs)} ms CPU; STIX bundle (validated) ${f1(r.stixMs)} ms CPU`);
  for (const kind of ['notice', 'internal', 'regulator']) {
    for (const lang of ['ja', 'en']) {
      const k = `${kind}.${lang}`;
      say(`${k.padEnd(13)} md ${f1(r.renderMs[`${k}.md`] ?? 0)} ms, html ${f1(r.renderMs[`${k}.html`] ?? 0)} ms, pdf ${f1(r.renderMs[`${k}.pdf`] ?? 0)} ms CPU (${Math.round((r.pdfBytes[k] ?? 0) / 1024)} KiB)`);
    }
  }
}

report.peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
say(`\npeak RSS of the benchmark process (all worker threads included): ${report.peakRssMiB} MiB`);
if (values.json) say(JSON.stringify(report, null, 2));
