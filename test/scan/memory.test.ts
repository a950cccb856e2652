import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { DAEMON_HEAP_FLAGS, heapFlagsToSet, SCAN_HEAP_FLAGS } from '../../src/scan/memory.js';

const run = promisify(execFile);
const memoryModule = new URL('../../src/scan/memory.js', import.meta.url).href;

/**
 * In a fresh node process: optionally bound the heaps, start a worker thread (which creates an isolate), then
 * allocate a stream of objects of which the last 50,000 stay alive, as messages in flight do, and report the size
 * of the main thread's young generation in MiB.
 */
async function youngGenerationAfterChurn(bound: 'no' | 'once' | 'kept'): Promise<number> {
  const script = `
    import v8 from 'node:v8';
    import { Worker } from 'node:worker_threads';
    import { setTimeout as sleep } from 'node:timers/promises';
    const memory = await import(${JSON.stringify(memoryModule)});
    let bounds;
    if (${JSON.stringify(bound)} !== 'no') bounds = memory.boundScanHeaps();
    if (${JSON.stringify(bound)} === 'once') bounds.stop();
    const worker = new Worker("(await import('node:worker_threads')).parentPort.postMessage('up')", { eval: true, type: 'module' });
    await new Promise((resolve) => worker.once('message', resolve));
    // one turn of the re-apply timer after the worker's isolate exists
    await sleep(memory.REAPPLY_MS * 2);
    const ring = new Array(50_000);
    for (let i = 0; i < 2_000_000; i++) ring[i % ring.length] = { i, text: 'x' + i, pair: [i, i + 1] };
    await worker.terminate();
    bounds?.stop();
    console.log(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576);
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, NODE_OPTIONS: '' } });
  return Number(stdout.trim());
}

describe('scan memory bounds', () => {
  it('sets only the heap flags the user did not give node', () => {
    assert.deepEqual(heapFlagsToSet([]), SCAN_HEAP_FLAGS.map((f) => `--${f.name}=${f.value}`));
    assert.deepEqual(heapFlagsToSet(['--semi-space-growth-factor=2']), ['--heap-growing-percent=25']);
    assert.deepEqual(heapFlagsToSet(['--max-old-space-size=512', '--heap_growing_percent=100']), ['--semi-space-growth-factor=1']);
    assert.deepEqual(heapFlagsToSet(['--heap-growing-percent=10', '--semi-space-growth-factor=4']), []);
    // the scan daemon bounds its old generations only (its young generations may grow)
    assert.deepEqual(heapFlagsToSet([], DAEMON_HEAP_FLAGS), ['--heap-growing-percent=25']);
  });

  it("keeps the main thread's young generation small although worker threads start after the flags are set", async () => {
    const unbounded = await youngGenerationAfterChurn('no');
    const setOnce = await youngGenerationAfterChurn('once');
    const kept = await youngGenerationAfterChurn('kept');
    assert.ok(unbounded >= 16, `without the flags the young generation grows (${unbounded} MiB)`);
    assert.ok(setOnce >= 16, `set once, a worker starting puts the growth factor back (${setOnce} MiB)`);
    assert.ok(kept <= 8, `kept applied, it stays small (${kept} MiB)`);
  });
});
