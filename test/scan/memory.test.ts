import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { heapFlagsToSet, SCAN_HEAP_FLAGS } from '../../src/scan/memory.js';

const run = promisify(execFile);
const memoryModule = new URL('../../src/scan/memory.js', import.meta.url).href;
const workerModule = new URL('../../src/scan/worker.js', import.meta.url).href;

/**
 * In a fresh node process: optionally bound the heaps, start a worker thread that loads the given module (the real
 * analysis worker, or nothing), then allocate a stream of objects of which the last 50,000 stay alive, as messages
 * in flight do, and report the size of the main thread's young generation in MiB.
 */
async function youngGenerationAfterChurn(bound: boolean, workerLoads: string | undefined): Promise<number> {
  const script = `
    import v8 from 'node:v8';
    import { Worker } from 'node:worker_threads';
    const memory = await import(${JSON.stringify(memoryModule)});
    if (${bound}) memory.boundScanHeaps();
    const worker = new Worker(${JSON.stringify(`${workerLoads ? `await import(${JSON.stringify(workerLoads)});` : ''} (await import('node:worker_threads')).parentPort.postMessage('up');`)}, { eval: true, type: 'module' });
    await new Promise((resolve) => worker.once('message', resolve));
    const ring = new Array(50_000);
    for (let i = 0; i < 2_000_000; i++) ring[i % ring.length] = { i, text: 'x' + i, pair: [i, i + 1] };
    await worker.terminate();
    console.log(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576);
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, NODE_OPTIONS: '' } });
  return Number(stdout.trim());
}

describe('scan memory bounds', () => {
  it('sets only the heap flags the user did not give node', () => {
    assert.deepEqual(heapFlagsToSet([], ''), SCAN_HEAP_FLAGS.map((f) => `--${f.name}=${f.value}`));
    assert.deepEqual(heapFlagsToSet(['--semi-space-growth-factor=2'], ''), ['--heap-growing-percent=25']);
    assert.deepEqual(heapFlagsToSet([], '--max-old-space-size=512 --heap_growing_percent=100'), ['--semi-space-growth-factor=1']);
    assert.deepEqual(heapFlagsToSet(['--heap-growing-percent=10'], '--semi-space-growth-factor=4'), []);
  });

  it("keeps the main thread's young generation small while analysis workers run", async () => {
    // V8 alone doubles the young generation under this load; starting a worker puts the flags back to node's
    // defaults, which is why the analysis worker sets them again when it loads
    const unbounded = await youngGenerationAfterChurn(false, undefined);
    const workerWithoutRestore = await youngGenerationAfterChurn(true, undefined);
    const bounded = await youngGenerationAfterChurn(true, workerModule);
    assert.ok(unbounded >= 16, `without the flags the young generation grows (${unbounded} MiB)`);
    assert.ok(workerWithoutRestore >= 16, `a worker that does not restore the flags undoes them (${workerWithoutRestore} MiB)`);
    assert.ok(bounded <= 8, `with the flags and the analysis worker it stays small (${bounded} MiB)`);
  });
});
