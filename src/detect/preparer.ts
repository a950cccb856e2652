// Everything a worker needs to prepare judgements — the reference data, the organisation's settings and the
// costly, history-free part of the view — without compiling a rule: CEL stays out of the analysis workers.
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Analysis } from '../model/analysis.js';
import { defaultCacheDir, openParseCache, type ParseCache } from './parse-cache.js';
import { prepareLures } from './lures.js';
import { loadReferenceData, type ReferenceData } from './reference-data.js';
import { type ProtectedDomain, protectDomain } from './similarity.js';
import { buildContentView, type ContentView, type ViewContext } from './view.js';

export interface DetectionOptions {
  /** rule folders; the built-in rules/ folder is always loaded first */
  ruleDirs: string[];
  orgDomains: string[];
  knownContactDomains?: string[];
  allow?: { senders: string[]; domains: string[] };
  block?: { senders: string[]; domains: string[] };
  /** use the shipped text model (rules/data/text-model.json) when present; default true */
  useTextModel?: boolean;
  /** override verdict.ts MODEL_POINTS_WITHOUT_PATH (measurement only) */
  modelPointsWithoutPath?: number;
  /** where parsed rule files are cached (src/detect/parse-cache.ts); 'off' parses every time */
  cacheDir?: string;
}

export type PreparedJudgement = { content: ContentView } | { error: string };

// Names the build that turns files into cached values: any rebuild (a changed rule reader or data parser among
// them) writes this module anew, which starts a new cache rather than trusting values an older reader produced.
export const PARSE_CACHE_FORMAT = `2:${statSync(fileURLToPath(import.meta.url)).mtimeMs}`;

/** The rules/ folder shipped with Kizuki: the nearest ancestor folder holding rules/data/brands.yaml. */
export function builtInRulesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'rules');
    if (existsSync(join(candidate, 'data', 'brands.yaml'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('the built-in rules/ folder was not found beside the Kizuki installation');
}

function lowerSet(values: readonly string[] | undefined): Set<string> {
  return new Set((values ?? []).map((v) => v.trim().toLowerCase()).filter(Boolean));
}

function viewContext(options: DetectionOptions, data: ReferenceData): ViewContext {
  const orgDomains = lowerSet(options.orgDomains);
  const knownContactDomains = lowerSet(options.knownContactDomains);
  const protectedDomains: ProtectedDomain[] = [];
  for (const d of orgDomains) {
    const p = protectDomain(d, 'organisation');
    if (p) protectedDomains.push(p);
  }
  for (const d of knownContactDomains) {
    const p = protectDomain(d, 'contact');
    if (p) protectedDomains.push(p);
  }
  for (const brand of data.brands) {
    for (const d of brand.domains) {
      const p = protectDomain(d, 'brand');
      if (p && !protectedDomains.some((q) => q.domain === p.domain)) protectedDomains.push(p);
    }
  }
  return {
    data,
    orgDomains,
    knownContactDomains,
    protectedDomains,
    allow: { senders: lowerSet(options.allow?.senders), domains: lowerSet(options.allow?.domains) },
    block: { senders: lowerSet(options.block?.senders), domains: lowerSet(options.block?.domains) },
    hostCache: new Map(),
    model: options.useTextModel === false ? undefined : data.model,
  };
}

/** The reference data and settings a message view is built from: all that preparing a judgement needs. */
export async function loadViewContext(options: DetectionOptions, cache: ParseCache): Promise<ViewContext> {
  const data = await loadReferenceData(join(builtInRulesDir(), 'data'), cache);
  prepareLures(cache);
  return viewContext(options, data);
}

/** The built-in reference data and lure patterns, read through the parse cache of one folder: the same for every setting. */
export interface BuiltInData {
  cacheDir: string;
  cache: ParseCache;
  data: Promise<ReferenceData>;
}

/**
 * Starts reading the built-in data through the default parse cache. An analysis worker calls this as it starts,
 * before any task has told it the scan's settings, so that its first message does not wait for the reading.
 */
export function preloadBuiltInData(cacheDir: string = defaultCacheDir()): BuiltInData {
  const cache = openParseCache(cacheDir, PARSE_CACHE_FORMAT);
  const data = loadReferenceData(join(builtInRulesDir(), 'data'), cache).then((loaded) => {
    prepareLures(cache);
    return loaded;
  });
  return { cacheDir, cache, data };
}

/**
 * What a worker needs to prepare judgements (the costly, history-free part): no rule is compiled. `preloaded` is
 * used when it was read through the parse cache these options name; otherwise the data is read here.
 */
export async function loadPreparer(options: DetectionOptions, preloaded?: BuiltInData): Promise<(analysis: Analysis) => PreparedJudgement> {
  const usable = preloaded !== undefined && preloaded.cacheDir === (options.cacheDir ?? defaultCacheDir());
  const cache = usable ? preloaded.cache : parseCacheFor(options);
  const context = usable ? viewContext(options, await preloaded.data) : await loadViewContext(options, cache);
  cache.save();
  return (analysis) => prepareJudgement(analysis, context);
}

export function prepareJudgement(analysis: Analysis, context: ViewContext): PreparedJudgement {
  try {
    return { content: buildContentView(analysis, context) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** The parse cache as the options ask for it. */
export function parseCacheFor(options: DetectionOptions): ParseCache {
  return openParseCache(options.cacheDir ?? defaultCacheDir(), PARSE_CACHE_FORMAT);
}
