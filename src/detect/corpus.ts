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
  const [pathCol, labelCol, dateCol] = [col('path'), col('label'), col('date_utc')];
  if (pathCol < 0 || labelCol < 0) throw new CorpusError(`${labelsFile}: the first line must name the columns "path" and "label"`);
  const root = dirname(resolve(labelsFile));
  return lines.map((line) => {
    const cells = line.split('\t');
    const path = cells[pathCol] ?? '';
    return { path, file: join(root, path), label: cells[labelCol] ?? '', date: dateCol >= 0 ? (cells[dateCol] ?? '') : '' };
  });
}

/** Every file under each folder, labelled by `label=folder` or, without '=', by the folder's own name. */
export async function readLabelledFolders(specs: string[]): Promise<LabelledFile[]> {
  const found: LabelledFile[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const folder = resolve(eq > 0 ? spec.slice(eq + 1) : spec);
    const label = eq > 0 ? spec.slice(0, eq) : basename(folder);
    for (const file of await filesUnder(folder)) found.push({ path: file.slice(dirname(folder).length + 1), file, label, date: '' });
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
