// End to end, as a user runs it, beside the peer filters on the same files in the same run: `kizuki scan --json`
// (default store and --no-store) against an offline Rspamd with its scanner processes, over 1,000 corpus files
// (every 7th phishing or ham file, sorted by path). Also: start-up to the first message for a one-message run, and
// peak RSS of a 10,000-message batch and of a large mbox (streamed).
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { comparisonSet, corpusFiles, repoRoot } from './corpus.js';

export { comparisonSet };

const PEERS = resolve(repoRoot, '../shared/peers');
const CLI = join(repoRoot, 'build/src/bundle/kizuki.js');

export interface RunFigures {
  seconds: number;
  messages: number;
  perSecond: number;
  peakRssMiB: number;
  /** CPU seconds, every thread of the process, and the main thread alone */
  cpuSeconds: number;
  mainCpuSeconds: number;
}

export interface PeersBenchResult {
  files: number;
  kizukiStore: RunFigures;
  kizukiNoStore: RunFigures;
  rspamd?: RunFigures & { processes: number };
  rspamdMissing?: string;
  ratioStore?: number;
  ratioNoStore?: number;
  startupMs: { median: number; runs: number[] };
  /** `kizuki scan --json --timings` with the store on the same files: the stage table it printed */
  stages?: string;
  memory?: { batchMessages: number; batchPeakRssMiB: number; mboxBytes: number; mboxMessages: number; mboxPeakRssMiB: number; mboxPerSecond: number };
}


/** Peak resident memory of a child process and its threads, and its CPU time (all threads, and the main thread), sampled from /proc while it runs. */
function watchPeakRss(pid: number): { stop: () => { peakRssMiB: number; cpuSeconds: number; mainCpuSeconds: number } } {
  let peakKb = 0;
  let cpuTicks = 0;
  let mainTicks = 0;
  const ticks = (stat: string) => {
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  };
  const read = () => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const hwm = /VmHWM:\s+(\d+)/.exec(status);
      if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
      cpuTicks = Math.max(cpuTicks, ticks(readFileSync(`/proc/${pid}/stat`, 'utf8')));
      mainTicks = Math.max(mainTicks, ticks(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')));
    } catch {
      // the process has ended
    }
  };
  const timer = setInterval(read, 20);
  return {
    stop: () => {
      clearInterval(timer);
      return { peakRssMiB: Math.round(peakKb / 1024), cpuSeconds: cpuTicks / 100, mainCpuSeconds: mainTicks / 100 };
    },
  };
}

interface TimedRun {
  seconds: number;
  lines: number;
  peakRssMiB: number;
  /** CPU seconds of the whole process (every thread) and of its main thread, as last sampled */
  cpuSeconds: number;
  mainCpuSeconds: number;
  stderr: string;
  firstLineMs?: number;
}

async function timed(command: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv; countLines?: boolean } = {}): Promise<TimedRun> {
  const started = performance.now();
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
  const rss = watchPeakRss(child.pid!);
  let lines = 0;
  let firstLineMs: number | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    firstLineMs ??= performance.now() - started;
    for (const byte of chunk) if (byte === 10) lines += 1;
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  if (options.input !== undefined) child.stdin.end(options.input);
  else child.stdin.end();
  const [code] = (await once(child, 'close')) as [number | null];
  const seconds = (performance.now() - started) / 1000;
  const usage = rss.stop();
  if (code !== 0 && code !== 1) throw new Error(`${command} ${args.slice(0, 3).join(' ')} … exited ${code}: ${stderr}`);
  return { seconds, lines, ...usage, stderr, ...(firstLineMs !== undefined ? { firstLineMs } : {}) };
}

function figures(run: TimedRun, messages: number): RunFigures {
  return { seconds: run.seconds, messages, perSecond: messages / run.seconds, peakRssMiB: run.peakRssMiB, cpuSeconds: run.cpuSeconds, mainCpuSeconds: run.mainCpuSeconds };
}

function rspamdAvailable(): string | undefined {
  try {
    execFileSync('sh', ['-c', 'command -v rspamd && command -v rspamc'], { stdio: 'ignore' });
  } catch {
    return `rspamd is not installed (run ${join(PEERS, 'setup.sh')} as root); the peer comparison is skipped`;
  }
  if (!existsSync(join(PEERS, 'start-rspamd.sh'))) return `../shared/peers not found beside the repository; the peer comparison is skipped`;
  return undefined;
}

function rspamdProcesses(): number {
  try {
    return Number(execFileSync('sh', ['-c', 'pgrep -c -f "rspamd: normal"'], { encoding: 'utf8' }).trim()) || 0;
  } catch {
    return 0;
  }
}

function scanArgs(files: string[], store: string | false): string[] {
  return [CLI, 'scan', '--json', '--no-progress', ...(store === false ? ['--no-store'] : ['--store', store]), ...files];
}

/** A large mbox of corpus messages, each padded with an opaque attachment so that it reaches `bytes` quickly. */
export function writeLargeMbox(path: string, bytes: number, sources: string[]): Promise<number> {
  const out = createWriteStream(path);
  const padding = Buffer.alloc(768 * 1024, 0x41).toString('base64').replace(/.{76}/g, '$&\n');
  let written = 0;
  let count = 0;
  return new Promise((resolvePromise, reject) => {
    out.on('error', reject);
    const writeMore = () => {
      while (written < bytes) {
        const source = readFileSync(sources[count % sources.length]!, 'latin1').replace(/^From .*\n/, '');
        const boundary = `kizuki-bench-${count}`;
        const message =
          `From bench@example.invalid Mon Jan  1 00:00:00 2024\nMessage-ID: <bench-${count}@example.invalid>\nMIME-Version: 1.0\n` +
          `Content-Type: multipart/mixed; boundary="${boundary}"\nSubject: padded ${count}\n\n--${boundary}\nContent-Type: message/rfc822\n\n` +
          `${source.replace(/^From /gm, '>From ')}\n--${boundary}\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n` +
          `Content-Disposition: attachment; filename="blob.bin"\n\n${padding}\n--${boundary}--\n\n`;
        written += Buffer.byteLength(message, 'latin1');
        count += 1;
        if (!out.write(message, 'latin1')) {
          out.once('drain', writeMore);
          return;
        }
      }
      out.end(() => resolvePromise(count));
    };
    writeMore();
  });
}

export async function benchPeers(options: { memory: boolean; mboxBytes: number; log: (line: string) => void }): Promise<PeersBenchResult> {
  const files = comparisonSet();
  const scratch = mkdtempSync(join(tmpdir(), 'kizuki-bench-peers-'));
  try {
    // start-up: one message from standard input, to the first line of output
    const one = readFileSync(files[0]!, 'latin1');
    const startups: number[] = [];
    for (let i = 0; i < 5; i++) {
      const run = await timed(process.execPath, [CLI, 'scan', '--json', '--no-store', '-'], { input: one });
      startups.push(Math.round(run.firstLineMs ?? run.seconds * 1000));
    }
    const sorted = [...startups].sort((a, b) => a - b);

    const missing = rspamdAvailable();
    let rspamd: PeersBenchResult['rspamd'];
    if (!missing) {
      execFileSync('sh', [join(PEERS, 'start-rspamd.sh')], { stdio: 'ignore' });
      // warm rspamd (maps, regexp cache) on a few files before timing
      await timed('sh', [join(PEERS, 'rspamd-score.sh'), ...files.slice(0, 50)]);
    }
    // Alternate the tools so that neither always runs on a warmer machine; keep the better of two rounds each.
    let best: { store?: RunFigures; noStore?: RunFigures; rspamd?: RunFigures } = {};
    for (let round = 0; round < 2; round++) {
      const dbDir = join(scratch, `store-${round}`);
      mkdirSync(dbDir);
      const store = figures(await timed(process.execPath, scanArgs(files, join(dbDir, 'kizuki.db'))), files.length);
      const noStore = figures(await timed(process.execPath, scanArgs(files, false)), files.length);
      const peer = missing ? undefined : figures(await timed('sh', [join(PEERS, 'rspamd-score.sh'), ...files]), files.length);
      best = {
        store: !best.store || store.perSecond > best.store.perSecond ? store : best.store,
        noStore: !best.noStore || noStore.perSecond > best.noStore.perSecond ? noStore : best.noStore,
        ...(peer ? { rspamd: !best.rspamd || peer.perSecond > best.rspamd.perSecond ? peer : best.rspamd } : {}),
      };
      options.log(`round ${round + 1}: kizuki ${store.perSecond.toFixed(0)} msg/s (store), ${noStore.perSecond.toFixed(0)} (no store)${peer ? `, rspamd ${peer.perSecond.toFixed(0)}` : ''}`);
    }
    if (best.rspamd) rspamd = { ...best.rspamd, processes: rspamdProcesses() };

    // where the time goes, stage by stage, in one more run with the store
    const stagesDir = join(scratch, 'store-stages');
    mkdirSync(stagesDir);
    const staged = await timed(process.execPath, [...scanArgs(files, join(stagesDir, 'kizuki.db')), '--timings']);
    const stages = staged.stderr.slice(staged.stderr.indexOf('time by stage')).trimEnd();

    let memory: PeersBenchResult['memory'];
    if (options.memory) {
      const all = corpusFiles();
      const batch = Array.from({ length: 10_000 }, (_, i) => all[i % all.length]!);
      const batchRun = await timed(process.execPath, scanArgs(batch, join(scratch, 'batch.db')));
      const mbox = join(scratch, 'large.mbox');
      const mboxMessages = await writeLargeMbox(mbox, options.mboxBytes, all);
      const mboxRun = await timed(process.execPath, scanArgs([mbox], join(scratch, 'mbox.db')));
      memory = {
        batchMessages: batch.length,
        batchPeakRssMiB: batchRun.peakRssMiB,
        mboxBytes: statSync(mbox).size,
        mboxMessages,
        mboxPeakRssMiB: mboxRun.peakRssMiB,
        mboxPerSecond: mboxMessages / mboxRun.seconds,
      };
    }

    return {
      files: files.length,
      kizukiStore: best.store!,
      kizukiNoStore: best.noStore!,
      ...(rspamd ? { rspamd, ratioStore: best.store!.perSecond / rspamd.perSecond, ratioNoStore: best.noStore!.perSecond / rspamd.perSecond } : {}),
      ...(missing ? { rspamdMissing: missing } : {}),
      startupMs: { median: sorted[Math.floor(sorted.length / 2)]!, runs: startups },
      stages,
      ...(memory ? { memory } : {}),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
