// How a long `kizuki scan` keeps the JavaScript heaps of its process bounded.
//
// Measured on the 10,000-message batch (bench/peers.ts): the live heap of the main thread stays near 25 MiB and
// that of each analysis worker near 40 MiB from start to end, yet resident memory grew to 465 MiB. The difference
// was V8 sizing the heaps for throughput: a process with a large memory limit lets its old generation grow to four
// times what survived the last full collection before collecting again (the main thread's heap reached 140 MiB for
// 25 MiB live), and it doubles the young generation up to 16 MiB per semi-space whenever much survives a
// scavenge, which in a pipeline of messages in flight is always. Both are V8 flags read at every collection, so
// setting them bounds all three heaps: the old generation grows by a quarter of what is live, and the young
// generation keeps its initial size. The price is more, smaller collections: about 10 % more CPU time on the batch.
//
// One catch: V8 puts a semi-space growth factor below 2 back to 2 whenever it creates an isolate, that is whenever
// a worker thread starts (measured: test/scan/memory.test.ts). Worker threads start after the flags are set (the
// warm start, piscina's on-demand threads, a worker replaced after a time-out), so the flags are set again every
// 50 ms for as long as the scan runs: a process-wide, one-line call, far cheaper than one scavenge.
import { setFlagsFromString } from 'node:v8';

/** V8 flags a scan runs with, and why each is there (see the head of this file). */
export const SCAN_HEAP_FLAGS: ReadonlyArray<{ name: string; value: number }> = [
  // the next full collection comes when the old generation has grown by 25 % of what survived the last one
  { name: 'heap-growing-percent', value: 25 },
  // the young generation stays at its initial size instead of doubling under load
  { name: 'semi-space-growth-factor', value: 1 },
];

/**
 * The scan daemon (`kizuki scand`) bounds only its old generations. Its young generations may grow: a fixed small
 * one cost the daemon about a sixth more CPU time per scan (more scavenges), and a daemon's peak stays near 260 MiB
 * without that bound (`npm run bench -- --only peers`, and /proc while it serves the 1,000-file set).
 */
export const DAEMON_HEAP_FLAGS: ReadonlyArray<{ name: string; value: number }> = SCAN_HEAP_FLAGS.filter((flag) => flag.name === 'heap-growing-percent');

/** How often the flags are set again, in ms (worker threads starting reset one of them). */
export const REAPPLY_MS = 50;

/**
 * The flags still to set: a flag the user already gave node on its command line is theirs, e.g.
 * `node --semi-space-growth-factor=2 --heap-growing-percent=0 …/kizuki scan …` runs with V8's own sizing (node
 * does not accept these flags in NODE_OPTIONS).
 */
export function heapFlagsToSet(execArgv: readonly string[] = process.execArgv, wanted: ReadonlyArray<{ name: string; value: number }> = SCAN_HEAP_FLAGS): string[] {
  const given = execArgv.map((arg) => arg.replace(/^--/, '').split('=', 1)[0]!.replaceAll('_', '-'));
  return wanted.filter((flag) => !given.includes(flag.name)).map((flag) => `--${flag.name}=${flag.value}`);
}

/**
 * Applies SCAN_HEAP_FLAGS to this process and keeps them applied while it runs (the timer does not keep the process
 * alive). They are process-wide, so only the process's entry point calls this: src/cli/heap.ts, for `kizuki scan`,
 * before the analysis stack loads. Returns the flags set and a function that stops re-applying them.
 */
export function boundScanHeaps(wanted: ReadonlyArray<{ name: string; value: number }> = SCAN_HEAP_FLAGS): { flags: string[]; stop: () => void } {
  const flags = heapFlagsToSet(process.execArgv, wanted);
  const apply = () => {
    for (const flag of flags) setFlagsFromString(flag);
  };
  apply();
  const timer = flags.length ? setInterval(apply, REAPPLY_MS).unref() : undefined;
  return { flags, stop: () => clearInterval(timer) };
}
