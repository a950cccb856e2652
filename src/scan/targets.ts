// Counts the files a scan will read, for the progress bar (an mbox counts as one file).
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

async function countFiles(dir: string): Promise<number> {
  let count = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) count += await countFiles(join(dir, entry.name));
    else if (entry.isFile()) count += 1;
  }
  return count;
}

export async function countScanTargets(paths: string[]): Promise<number> {
  let total = 0;
  for (const path of paths) {
    try {
      total += (await stat(path)).isDirectory() ? await countFiles(path) : 1;
    } catch {
      total += 1;
    }
  }
  return total;
}
