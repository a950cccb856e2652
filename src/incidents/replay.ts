// Replays a scenario through the takeover engine in simulated time and sums up what Kizuki noticed.
import path from 'node:path';
import { TakeoverEngine } from '../events/engine.js';
import { loadPipelineJudge, type MessageJudge } from '../events/message-event.js';
import { expandScenario, loadScenario } from '../events/scenario.js';
import { type EventSink, MemorySink } from '../events/sink.js';
import type { AccountEvent, Incident, TimelineEntry } from '../model/events.js';
import type { ActionRecord } from '../model/response.js';
import type { ReplayAction, ReplayContainment } from '../respond/replay.js';
import { timeToDetectSeconds } from './timeline.js';

export interface ReplayIncident {
  id: string;
  title: string;
  titleJa?: string;
  severity: string;
  /** 'takeover' or 'review' (routine-looking behaviour only) */
  kind: string;
  /** 'strong' or 'behaviour-only': what destructive response steps are gated on */
  evidence: string;
  accounts: string[];
  campaigns: string[];
  openedAt: string;
  firstEvidenceAt: string;
  time_to_detect_seconds: number;
  signals: number;
  timeline: TimelineEntry[];
}

export interface ReplaySummary {
  scenario: string;
  title: { en: string; ja: string };
  events: number;
  signals: number;
  /** where the sample messages' verdicts came from */
  verdict_source: 'pipeline' | 'scenario';
  /** the verdict of the event tagged 'lure-inbound' */
  lure_verdict?: string;
  incidents_opened: number;
  incidents: ReplayIncident[];
  /** earliest evidence → first incident opened */
  time_to_detect_seconds?: number;
  first_malicious_send_at?: string;
  /** the verdict of the event tagged 'first-malicious-send', when it was judged */
  first_malicious_send_verdict?: string;
  /** first malicious send → first incident open (negative when Kizuki noticed before any send) */
  detected_after_first_malicious_send_seconds?: number;
  /** compromise → noticed, as it happened in reality */
  reference_time_to_detect_seconds: number;
  reference: { compromisedAt: string; noticedAt: string; en: string; ja: string };
  /** every timeline entry of every incident, in time order */
  timeline: Array<TimelineEntry & { incident: string }>;
  /** the first incident opened → its accounts contained by the account-takeover playbook (simulated time) */
  time_to_contain_seconds?: number;
  contained_at?: string;
  /** what the playbook did, in order */
  actions?: ReplayAction[];
  /** the whole containment report: evidence, open tasks, and 2017's figures beside ours */
  response?: ReplayContainment;
}

export interface ReplayOptions {
  /** repository root, for the scenario's sample messages */
  baseDir?: string;
  /** 'auto': use the real pipeline when it loads; 'off': use the verdicts written in the scenario */
  pipeline?: 'auto' | 'off';
  judge?: MessageJudge;
  sink?: EventSink;
  /** events per ingest call (1 = one event at a time, as a live stream would deliver them) */
  batchSize?: number;
  /** run the account-takeover playbook through the local provider when an incident opens (default true) */
  respond?: boolean;
  /** receives the playbook's whole action log, for a caller that keeps the record (src/incidents/record-replay.ts) */
  onActions?: (log: readonly ActionRecord[]) => void;
}

function tagOf(event: AccountEvent): string | undefined {
  const raw = event.raw as { tag?: unknown } | undefined;
  return typeof raw?.tag === 'string' ? raw.tag : undefined;
}

export async function replayScenario(file: string, options: ReplayOptions = {}): Promise<ReplaySummary> {
  const scenario = await loadScenario(file);
  const baseDir = options.baseDir ?? path.resolve(path.dirname(file), '..');
  const judge =
    options.judge ?? (options.pipeline === 'off' ? undefined : await loadPipelineJudge(scenario.orgDomains, () => new Date(scenario.reference.compromisedAt)));
  const { events, verdictSource } = await expandScenario(scenario, { baseDir, judge });
  const sink = options.sink ?? new MemorySink();
  const engine = new TakeoverEngine(sink, { config: { ...scenario.config, orgDomains: scenario.orgDomains } });
  let signals = 0;
  const size = Math.max(1, options.batchSize ?? 1);
  for (let i = 0; i < events.length; i += size) signals += (await engine.ingest(events.slice(i, i + size))).signals.length;

  const incidents = engine.openIncidents().sort((a, b) => (a.openedAt < b.openedAt ? -1 : 1));
  const firstSend = events.find((e) => tagOf(e) === 'first-malicious-send');
  const lure = events.find((e) => tagOf(e) === 'lure-inbound');
  const first = incidents[0];
  const summary: ReplaySummary = {
    scenario: scenario.name,
    title: scenario.title,
    events: events.length,
    signals,
    verdict_source: verdictSource,
    incidents_opened: incidents.length,
    incidents: incidents.map(describe),
    reference_time_to_detect_seconds: Math.round((Date.parse(scenario.reference.noticedAt) - Date.parse(scenario.reference.compromisedAt)) / 1000),
    reference: scenario.reference,
    timeline: incidents
      .flatMap((i) => i.timeline.map((entry) => ({ ...entry, incident: i.id })))
      .sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0)),
  };
  if (typeof lure?.data.verdict === 'string') summary.lure_verdict = lure.data.verdict;
  if (first) summary.time_to_detect_seconds = timeToDetectSeconds(first);
  if (firstSend) {
    summary.first_malicious_send_at = firstSend.time;
    if (typeof firstSend.data.verdict === 'string') summary.first_malicious_send_verdict = firstSend.data.verdict;
    if (first) summary.detected_after_first_malicious_send_seconds = Math.round((Date.parse(first.openedAt) - Date.parse(firstSend.time)) / 1000);
  }
  // a review note (routine-looking behaviour, clean content) is for a person to look at, not to contain
  const toContain = incidents.find((i) => i.kind !== 'review');
  if (toContain && options.respond !== false && sink instanceof MemorySink) await addContainment(summary, { file, scenario, baseDir, incident: toContain, sink, events, ...(options.onActions ? { onActions: options.onActions } : {}) });
  return summary;
}

/** Runs the response on the first incident (src/respond/replay.ts) and adds what it did to the summary. */
async function addContainment(
  summary: ReplaySummary,
  input: { file: string; scenario: Awaited<ReturnType<typeof loadScenario>>; baseDir: string; incident: Incident; sink: MemorySink; events: AccountEvent[]; onActions?: (log: readonly ActionRecord[]) => void },
): Promise<void> {
  const { containInReplay } = await import('../respond/replay.js');
  const response = await containInReplay({
    scenarioFile: input.file,
    scenario: input.scenario,
    baseDir: input.baseDir,
    incident: input.incident,
    signals: [...input.sink.signals.values()],
    events: input.events,
    ...(input.onActions ? { onLog: input.onActions } : {}),
  });
  if (response.time_to_contain_seconds !== undefined) summary.time_to_contain_seconds = response.time_to_contain_seconds;
  if (response.contained_at) summary.contained_at = response.contained_at;
  summary.actions = response.actions;
  summary.response = response;
}

function describe(incident: Incident): ReplayIncident {
  const out: ReplayIncident = {
    id: incident.id,
    title: incident.title,
    severity: incident.severity,
    kind: incident.kind ?? 'takeover',
    evidence: incident.evidence ?? 'behaviour-only',
    accounts: incident.accounts,
    campaigns: incident.campaigns,
    openedAt: incident.openedAt,
    firstEvidenceAt: incident.firstEvidenceAt,
    time_to_detect_seconds: timeToDetectSeconds(incident),
    signals: incident.signalIds.length,
    timeline: incident.timeline,
  };
  if (incident.titleJa) out.titleJa = incident.titleJa;
  return out;
}
