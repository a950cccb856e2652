// Labelled mail for `kizuki eval`: a labels.tsv (path, label, source, date_utc, tags) or folders named by label.
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

export interface LabelledFile {
  /** path as shown in reports (relative to the labels file or as given) */
  path: string;
  /** absolute path */
  file: string;
  label: string;
  date: string;
  /** where the file comes from, for the per-source breakdown (labels.tsv `source`, or the labels file / folder name) */
  source?: string;
  /** labels.tsv `tags` (for modern fixtures: the kind of mail) */
  tags?: string;
}

export class CorpusError extends Error {
  override name = 'CorpusError';
}

/** Reads labels.tsv; paths in it are relative to the file's folder. */
export async function readLabels(labelsFile: string): Promise<LabelledFile[]> {
  let text: string;
  try {
    text = await readFile(labelsFile, 'utf8');
  } catch (error) {
    throw new CorpusError(`${labelsFile}: cannot read the labels file (${(error as Error).message})`);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  const header = (lines.shift() ?? '').split('\t');
  const col = (name: string) => header.indexOf(name);
  const [pathCol, labelCol, dateCol, sourceCol, tagsCol] = [col('path'), col('label'), col('date_utc'), col('source'), col('tags')];
  if (pathCol < 0 || labelCol < 0) throw new CorpusError(`${labelsFile}: the first line must name the columns "path" and "label"`);
  const root = dirname(resolve(labelsFile));
  const fallbackSource = basename(root);
  return lines.map((line) => {
    const cells = line.split('\t');
    const path = cells[pathCol] ?? '';
    const cell = (c: number) => (c >= 0 ? (cells[c] ?? '').trim() : '');
    return {
      path,
      file: join(root, path),
      label: cells[labelCol] ?? '',
      date: cell(dateCol),
      source: cell(sourceCol) || fallbackSource,
      tags: cell(tagsCol),
    };
  });
}

/** Every file under each folder, labelled by `label=folder` or, without '=', by the folder's own name. */
export async function readLabelledFolders(specs: string[]): Promise<LabelledFile[]> {
  const found: LabelledFile[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const folder = resolve(eq > 0 ? spec.slice(eq + 1) : spec);
    const label = eq > 0 ? spec.slice(0, eq) : basename(folder);
    for (const file of await filesUnder(folder)) found.push({ path: file.slice(dirname(folder).length + 1), file, label, date: '', source: basename(folder) });
  }
  return found;
}

async function filesUnder(folder: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    throw new CorpusError(`${folder}: cannot read the folder (${(error as Error).message})`);
  }
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(full)));
    else if (entry.isFile() && !entry.name.startsWith('.') && !/\.(?:tsv|md|json)$/i.test(entry.name)) files.push(full);
  }
  return files;
}

/** The era a message belongs to, from its date: what "the model learned the year" is measured against. */
export type Era = '<=2005' | '2006-2015' | '2016+' | 'undated';
export const ERAS: Era[] = ['<=2005', '2006-2015', '2016+', 'undated'];

export function eraOf(date: string | undefined): Era {
  const year = Number(/^(\d{4})(?:-\d\d|$)/.exec((date ?? '').trim())?.[1]);
  if (!Number.isFinite(year) || year < 1980) return 'undated';
  if (year <= 2005) return '<=2005';
  return year <= 2015 ? '2006-2015' : '2016+';
}

/**
 * The source a file is reported under. The corpus lists each modern fixture under the repository it came
 * from (26 of them, most with one or two files); those are grouped by the kind of mail in `tags`
 * (modern/mailing-list, modern/notification …) so each row of the table has enough mail to mean something.
 */
export function sourceGroup(source: string | undefined, tags: string | undefined): string {
  const s = source?.trim() || 'unknown';
  if (s.startsWith('modern/')) return `modern/${(tags ?? '').split(/[\s,]+/)[0] || 'other'}`;
  return s;
}
