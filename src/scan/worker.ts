// Worker-thread entry for the analysis pool: one message in, one Analysis (or a clear error) out — plus, when
// detection settings are given, the history-free part of judging it, so the main thread only finishes it.
import { analyse } from '../mail/analyse.js';
import { type AuthOptions, type AnalysisLimits, defaultAnalyseOptions } from '../mail/options.js';
import type { Analysis } from '../model/analysis.js';
import { workerData } from 'node:worker_threads';
import type { BuiltInData, DetectionOptions, PreparedJudgement } from '../detect/preparer.js';
import type { ContentView } from '../detect/view.js';
import { SHOWN_HEADERS } from './persist.js';
import type { BounceInfo } from './record.js';
import { fixtureResolverFromFile, systemResolver } from './resolver.js';

export interface AnalysisTaskSettings {
  limits: AnalysisLimits;
  auth: { mode: AuthOptions['mode']; trustedHosts: string[]; dns: 'system' | { fixture: string } };
  orgDomains: string[];
  /** when present, the worker also prepares the judgement (the main thread adds sender history) */
  detection?: DetectionOptions;
  /**
   * Send back only what finishing the judgement, the record and the store need (no bodies or hops, few headers) when the
   * judgement was prepared here: copying whole bodies between threads cost the main thread more than judging.
   */
  lean?: boolean;
}

/** The headers a lean result keeps: those the store shows on a message's page (src/scan/persist.ts) and the mailer. */
export const LEAN_HEADERS: ReadonlySet<string> = new Set([...SHOWN_HEADERS, 'user-agent', 'x-mailer']);

export interface AnalysisTask {
  raw: Uint8Array;
  settings: AnalysisTaskSettings;
  /** the same number for the same settings: the worker prepares its options once per settings, not per message */
  settingsId: number;
  /**
   * false when no loaded rule reads the whole body text: a lean result then leaves msg.text and msg.textFolded of
   * its prepared judgement empty (the main thread knows once its rules are compiled; until then they are sent)
   */
  bodyText?: boolean;
}

export type AnalysisOutcome =
  | { analysis: Analysis; bounce?: BounceInfo; prepared?: PreparedJudgement; timings: { analyseMs: number; prepareMs: number } }
  | { error: string };

type Preparer = (analysis: Analysis) => PreparedJudgement;
let preparerId = -1;
let preparer: Promise<Preparer | undefined> | undefined;

/** What the pool tells a worker when it starts (src/scan/warm-start.ts). */
export interface AnalysisWorkerData {
  /**
   * false: do not read the reference data before the first task asks for a prepared judgement. A one-message scan
   * judges on the main thread, which waits for this worker's analysis and has the data loaded anyway.
   */
  preloadDetection?: boolean;
}

// The preparer's code (the content view, the lure patterns, the text model) loads only when some task asks for a
// prepared judgement, or at once when the reference data is preloaded.
let preparerModule: Promise<typeof import('../detect/preparer.js')> | undefined;
const preparerCode = () => (preparerModule ??= import('../detect/preparer.js'));

// The built-in reference data does not depend on the scan's settings: the worker starts reading it as it loads, while
// the main thread is still loading the CLI, and the first preparer takes it (a batch's first messages waited for it).
let preloaded: Promise<BuiltInData | undefined> | undefined;
if ((workerData as AnalysisWorkerData | undefined)?.preloadDetection !== false) {
  preloaded = preparerCode()
    .then((code) => {
      const data = code.preloadBuiltInData();
      data.data.catch(() => {});
      return data;
    })
    .catch(() => undefined);
}

/** The worker's own preparer (no rule compiled), loaded once; if it cannot load, the main thread judges the whole message. */
function preparerFor(options: DetectionOptions, settingsId: number): Promise<Preparer | undefined> {
  if (!preparer || settingsId !== preparerId) {
    preparerId = settingsId;
    const taken = preloaded;
    preloaded = undefined;
    preparer = (async () => (await preparerCode()).loadPreparer(options, await taken))().catch(() => undefined);
  }
  return preparer;
}

let cachedSettingsId = -1;
let cachedOptions: ReturnType<typeof defaultAnalyseOptions> | undefined;

function optionsFor(settings: AnalysisTaskSettings, settingsId: number) {
  if (cachedOptions && settingsId === cachedSettingsId) return cachedOptions;
  const resolver = settings.auth.dns === 'system' ? systemResolver : fixtureResolverFromFile(settings.auth.dns.fixture);
  cachedOptions = defaultAnalyseOptions({
    limits: settings.limits,
    auth: { mode: settings.auth.mode, trustedHosts: settings.auth.trustedHosts, resolver },
    orgDomains: settings.orgDomains,
  });
  cachedSettingsId = settingsId;
  return cachedOptions;
}

/** The delivery report a bounce or auto-reply carries (the reader loads with the first such message). */
async function bounceOf(raw: Uint8Array): Promise<BounceInfo | undefined> {
  try {
    const { bounceSummary } = await import('../events/bounce.js');
    return await bounceSummary(raw);
  } catch {
    return undefined;
  }
}

function leanAnalysis(analysis: Analysis): Analysis {
  return { ...analysis, text: '', html: '', received: [], headers: analysis.headers.filter((h) => LEAN_HEADERS.has(h.key)) };
}

function withoutBodyText(prepared: { content: ContentView }): PreparedJudgement {
  return { content: { ...prepared.content, msg: { ...prepared.content.msg, text: '', textFolded: '' } } };
}

export async function runAnalysisTask(task: AnalysisTask): Promise<AnalysisOutcome> {
  try {
    const raw = task.raw instanceof Uint8Array ? task.raw : new Uint8Array(task.raw);
    const started = performance.now();
    const analysis = await analyse(raw, optionsFor(task.settings, task.settingsId));
    const bounce = analysis.facts.isBounce || analysis.facts.isAutoReply ? await bounceOf(raw) : undefined;
    const analysed = performance.now();
    const prepared = task.settings.detection ? (await preparerFor(task.settings.detection, task.settingsId))?.(analysis) : undefined;
    const timings = { analyseMs: analysed - started, prepareMs: performance.now() - analysed };
    const lean = task.settings.lean === true && prepared !== undefined && !('error' in prepared);
    const sent = lean ? leanAnalysis(analysis) : analysis;
    const sentPrepared = lean && task.bodyText === false ? withoutBodyText(prepared) : prepared;
    return { analysis: sent, ...(bounce ? { bounce } : {}), ...(sentPrepared ? { prepared: sentPrepared } : {}), timings };
  } catch (error) {
    return { error: `analysis failed: ${(error as Error).message ?? String(error)}` };
  }
}

export default runAnalysisTask;
