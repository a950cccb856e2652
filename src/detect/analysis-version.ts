// The version of the analysis code, for caches of analyses (`kizuki eval --cache`). It is a hash of the compiled
// analysis modules themselves (src/mail and src/model) and of the versions of the packages Kizuki depends on,
// so any change to how a message is analysed invalidates old cache lines without anyone having to remember
// to bump a constant.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else if (entry.isFile() && /\.(?:js|mjs|cjs|ts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** The installed version of each dependency named in the nearest package.json above this module. */
function dependencyVersions(from: string): string {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> };
      return Object.keys(pkg.dependencies ?? {})
        .sort()
        .map((name) => {
          const installed = join(dir, 'node_modules', name, 'package.json');
          const version = existsSync(installed) ? (JSON.parse(readFileSync(installed, 'utf8')) as { version?: string }).version : undefined;
          return `${name}@${version ?? pkg.dependencies?.[name] ?? ''}`;
        })
        .join(',');
    }
    dir = dirname(dir);
  }
  return '';
}

/**
 * A short hash that changes whenever the analysis code (or a dependency's version) changes. `roots` is for
 * tests; by default the folders of the running installation are hashed.
 */
export function analysisVersion(roots?: string[]): string {
  if (!roots && cached) return cached;
  const here = dirname(fileURLToPath(import.meta.url));
  const dirs = roots ?? [join(here, '..', 'mail'), join(here, '..', 'model')];
  const hash = createHash('sha256');
  for (const dir of dirs) {
    for (const file of filesUnder(dir)) {
      hash.update(file.slice(dir.length));
      hash.update('\0');
      hash.update(readFileSync(file));
      hash.update('\0');
    }
  }
  hash.update(dependencyVersions(dirs[0] ?? here));
  const version = hash.digest('hex').slice(0, 16);
  if (!roots) cached = version;
  return version;
}
