// The detection data files under rules/data: brands and their genuine domains, kinds of link hosts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { noParseCache, type ParseCache } from './parse-cache.js';
import { foldDiacritics } from './text.js';
import { isTextModel, type TextModel } from './text-model.js';
import { existsSync } from 'node:fs';

export interface Brand {
  id: string;
  name: string;
  /** one case-insensitive pattern for every way the brand is named */
  words: RegExp;
  /** how the brand shows inside a host name (defaults to `words`) */
  hostWords: RegExp;
  domains: string[];
}

export interface ReferenceData {
  brands: Brand[];
  /** every brand's words in one pattern: most mail names no brand, and one pass tells */
  anyBrand: RegExp;
  /** genuine domain → brand id */
  brandByDomain: Map<string, string>;
  shorteners: Set<string>;
  /** entries are registrable domains, hosts, or host/path prefixes */
  freeHosting: string[];
  riskyTlds: Set<string>;
  /** the shipped text model, when rules/data/text-model.json exists */
  model?: TextModel;
}

export class DataFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'DataFileError';
  }
}

function stringList(value: unknown, file: string, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new DataFileError(file, `${what} must be a list of strings`);
  return (value as string[]).map((v) => v.toLowerCase());
}

function brandsFrom(parsed: unknown, file: string): Brand[] {
  const doc = parsed as { brands?: Record<string, { name?: string; words?: unknown; hostWords?: unknown; domains?: unknown }> } | null;
  if (!doc?.brands || typeof doc.brands !== 'object') throw new DataFileError(file, 'expected a top-level "brands:" map');
  const brands: Brand[] = [];
  for (const [id, entry] of Object.entries(doc.brands)) {
    const words = stringList(entry?.words, file, `brands.${id}.words`).map((w) => foldDiacritics(w.normalize('NFKC')));
    if (!words.length) throw new DataFileError(file, `brands.${id} needs at least one word`);
    const compile = (list: string[], field: string): RegExp => {
      try {
        return new RegExp(list.map((w) => `(?:${w})`).join('|'), 'u');
      } catch (error) {
        throw new DataFileError(file, `brands.${id}.${field}: ${(error as Error).message}`);
      }
    };
    const hostWords = stringList(entry?.hostWords, file, `brands.${id}.hostWords`);
    brands.push({
      id,
      name: entry?.name ?? id,
      words: compile(words, 'words'),
      hostWords: hostWords.length ? compile(hostWords, 'hostWords') : compile(words, 'words'),
      domains: stringList(entry?.domains, file, `brands.${id}.domains`),
    });
  }
  return brands;
}

function linkHostsFrom(parsed: unknown, file: string): Pick<ReferenceData, 'shorteners' | 'freeHosting' | 'riskyTlds'> {
  const doc = (parsed ?? {}) as Record<string, unknown>;
  return {
    shorteners: new Set(stringList(doc.shorteners, file, 'shorteners')),
    freeHosting: stringList(doc.freeHosting, file, 'freeHosting'),
    riskyTlds: new Set(stringList(doc.riskyTlds, file, 'riskyTlds')),
  };
}

export async function loadReferenceData(dataDir: string, cache: ParseCache = noParseCache): Promise<ReferenceData> {
  const yamlOf = async (file: string): Promise<unknown> => {
    const source = readFileSync(file, 'utf8');
    const cached = cache.get<unknown>('data', source);
    if (cached !== undefined) return cached;
    // the YAML library loads only when a data file is not in the parse cache
    const parsed = (await import('yaml')).parse(source) as unknown;
    cache.set('data', source, parsed ?? null);
    return parsed;
  };
  const brandsFile = join(dataDir, 'brands.yaml');
  const hostsFile = join(dataDir, 'link-hosts.yaml');
  const brands = brandsFrom(await yamlOf(brandsFile), brandsFile);
  const hosts = linkHostsFrom(await yamlOf(hostsFile), hostsFile);
  const brandByDomain = new Map<string, string>();
  for (const brand of brands) for (const domain of brand.domains) brandByDomain.set(domain, brand.id);
  const modelFile = join(dataDir, 'text-model.json');
  let model: TextModel | undefined;
  if (existsSync(modelFile)) {
    const parsed = JSON.parse(readFileSync(modelFile, 'utf8')) as unknown;
    if (!isTextModel(parsed)) throw new DataFileError(modelFile, 'not a kizuki.text-model/1 file');
    model = parsed;
  }
  const anyBrand = new RegExp(brands.map((b) => `(?:${b.words.source})`).join('|'), 'u');
  return { brands, anyBrand, brandByDomain, ...hosts, model };
}
