// Worker-thread entry for the analysis pool: one message in, one Analysis (or a clear error) out — plus, when
// detection settings are given, the history-free part of judging it, so the main thread only finishes it.
import { bounceSummary } from '../events/bounce.js';
import { analyse } from '../mail/analyse.js';
import { type AuthOptions, type AnalysisLimits, defaultAnalyseOptions } from '../mail/options.js';
import type { Analysis } from '../model/analysis.js';
import { type DetectionOptions, type Detector, loadDetector, type PreparedJudgement } from '../detect/index.js';
import type { BounceInfo } from './record.js';
import { fixtureResolverFromFile, systemResolver } from './resolver.js';
import { restoreScanHeapFlags } from './memory.js';

restoreScanHeapFlags();

export interface AnalysisTaskSettings {
  limits: AnalysisLimits;
  auth: { mode: AuthOptions['mode']; trustedHosts: string[]; dns: 'system' | { fixture: string } };
  orgDomains: string[];
  /** when present, the worker also prepares the judgement (the main thread adds sender history) */
  detection?: DetectionOptions;
}

export interface AnalysisTask {
  raw: Uint8Array;
  settings: AnalysisTaskSettings;
}

export type AnalysisOutcome = { analysis: Analysis; bounce?: BounceInfo; prepared?: PreparedJudgement } | { error: string };

let detectorKey = '';
let detector: Promise<Detector | undefined> | undefined;

/** The worker's own detector, loaded once; if it cannot load, the main thread judges the whole message itself. */
function detectorFor(options: DetectionOptions): Promise<Detector | undefined> {
  const key = JSON.stringify(options);
  if (!detector || key !== detectorKey) {
    detectorKey = key;
    detector = loadDetector(options).catch(() => undefined);
  }
  return detector;
}

let cachedSettingsKey = '';
let cachedOptions: ReturnType<typeof defaultAnalyseOptions> | undefined;

function optionsFor(settings: AnalysisTaskSettings) {
  const key = JSON.stringify(settings);
  if (cachedOptions && key === cachedSettingsKey) return cachedOptions;
  const resolver = settings.auth.dns === 'system' ? systemResolver : fixtureResolverFromFile(settings.auth.dns.fixture);
  cachedOptions = defaultAnalyseOptions({
    limits: settings.limits,
    auth: { mode: settings.auth.mode, trustedHosts: settings.auth.trustedHosts, resolver },
    orgDomains: settings.orgDomains,
  });
  cachedSettingsKey = key;
  return cachedOptions;
}

async function bounceOf(raw: Uint8Array): Promise<BounceInfo | undefined> {
  try {
    return await bounceSummary(raw);
  } catch {
    return undefined;
  }
}

export async function runAnalysisTask(task: AnalysisTask): Promise<AnalysisOutcome> {
  try {
    const raw = task.raw instanceof Uint8Array ? task.raw : new Uint8Array(task.raw);
    const analysis = await analyse(raw, optionsFor(task.settings));
    const bounce = analysis.facts.isBounce || analysis.facts.isAutoReply ? await bounceOf(raw) : undefined;
    const prepared = task.settings.detection ? (await detectorFor(task.settings.detection))?.prepare(analysis) : undefined;
    return { analysis, ...(bounce ? { bounce } : {}), ...(prepared ? { prepared } : {}) };
  } catch (error) {
    return { error: `analysis failed: ${(error as Error).message ?? String(error)}` };
  }
}

export default runAnalysisTask;
