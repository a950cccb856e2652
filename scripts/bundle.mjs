// Bundles the compiled CLI and the analysis worker, with the pure-JavaScript libraries they load on every run,
// into build/src/bundle/. Loading one file instead of ~450 modules is most of a short run's start-up.
import { chmodSync } from 'node:fs';
import { rolldown } from 'rolldown';

const BUNDLED = ['kysely', 'zod', '@marcbachmann/cel-js', 'commander', 'tldts', 'tldts-core', 'htmlparser2', 'domhandler', 'domelementtype', 'entities', 'cli-progress'];
const bundled = (id) => BUNDLED.some((name) => id === name || id.startsWith(`${name}/`));

const build = await rolldown({
  input: { kizuki: 'build/src/cli/main.js', worker: 'build/src/scan/worker.js' },
  platform: 'node',
  external: (id, importer) => !id.startsWith('.') && !id.startsWith('/') && !bundled(id),
  logLevel: 'warn',
});
await build.write({ dir: 'build/src/bundle', format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' });
await build.close();
// package.json's "bin": `npx kizuki` runs this file directly, so it must stay executable after every rebuild
chmodSync('build/src/bundle/kizuki.js', 0o755);
