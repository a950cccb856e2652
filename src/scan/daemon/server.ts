// The scan daemon (`kizuki scand`): keeps the analysis workers, the compiled rules and the store open between
// scans, and judges the scans `kizuki scan` hands it over a Unix socket. A scan costs what its messages cost: no
// start-up, and code the workers have long since optimised. It takes a scan only when the scan's settings are its
// own (src/scan/settings.ts scanFingerprint), so a scan's verdicts are the same whichever process judges them.
// Scans run one after another, in the order they arrive, so sender history grows as it would with separate runs.
import { existsSync, mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { defineScan, type ScanCliOptions } from '../../cli/commands/scan.js';
import type { KizukiConfig } from '../../config.js';
import { type Detector, loadDetector } from '../../detect/index.js';
import { builtInRulesDir } from '../../detect/preparer.js';
import type { Store } from '../../store/index.js';
import { langFromEnv } from '../format.js';
import { type AnalysisPool, createAnalysisPool } from '../pool.js';
import { EXIT_ERROR, runScan, SCAN_SQLITE_CACHE_KIB } from '../run.js';
import { scanConfig } from '../scan-config.js';
import { daemonSocket, detectionOptions, scanFingerprint, storeUrl, taskSettings } from '../settings.js';
import { encodeFrame, encodeJsonFrame, type Frame, FrameReader, FrameType } from './frames.js';
import { type ArgvScanRequest, PROTOCOL_VERSION, type ScanRequest } from './protocol.js';

export interface ScanDaemonOptions {
  /** the daemon's own settings, as `kizuki scan` takes them (configuration file, store, rules, …) */
  options: ScanCliOptions & { socket?: string };
  cwd?: string;
  /** one line per event worth a log: start, stop, a rule change, a failed exchange */
  log?: (line: string) => void;
}

export interface ScanDaemon {
  socketPath: string;
  /** stops taking scans, lets the running one finish, closes workers and store, removes the socket */
  close(): Promise<void>;
}

/** Thrown when the daemon cannot start: another one listens on the socket, or the socket's folder is unusable. */
export class DaemonStartError extends Error {
  override name = 'DaemonStartError';
}

export async function startScanDaemon(daemonOptions: ScanDaemonOptions): Promise<ScanDaemon> {
  const cwd = daemonOptions.cwd ?? process.cwd();
  const log = daemonOptions.log ?? (() => {});
  const options: ScanCliOptions = { ...daemonOptions.options, ...(daemonOptions.options.dnsFixture ? { dnsFixture: resolve(cwd, daemonOptions.options.dnsFixture) } : {}) };
  const config = scanConfig(options, cwd);
  // every path made absolute now: a scan runs in its client's working folder
  config.detection.ruleDirs = config.detection.ruleDirs.map((dir) => resolve(cwd, dir));
  const fingerprint = scanFingerprint(config, options, cwd);
  const ownStore = storeUrl(config, options, cwd);
  const socketPath = daemonOptions.options.socket ? resolve(cwd, daemonOptions.options.socket) : daemonSocket(config, cwd);

  await claimSocketPath(socketPath);

  let store: Store | undefined;
  if (ownStore !== null) {
    config.store.url = ownStore;
    store = await openScanStore(ownStore);
  }

  const threads = config.scan.workers || availableParallelism();
  const newPool = (): AnalysisPool =>
    createAnalysisPool({ workers: threads, timeoutMs: config.scan.timeoutMs, workerMemoryMb: config.scan.workerMemoryMb, settings: taskSettings(config, options.dnsFixture, true) });
  const ruleFolders = [builtInRulesDir(), ...config.detection.ruleDirs];
  let rulesState = ruleFilesState(ruleFolders);
  let pool = newPool();
  let detector: Promise<Detector> = loadDetector(detectionOptions(config));
  detector.catch(() => {});

  /** Rules or reference data edited since they were loaded: load them again, with fresh workers (they hold the data too). */
  const refreshRules = async () => {
    const now = ruleFilesState(ruleFolders);
    if (now === rulesState) return;
    rulesState = now;
    log('rule files changed: loading them again');
    const old = pool;
    pool = newPool();
    detector = loadDetector(detectionOptions(config));
    detector.catch(() => {});
    await old.close();
  };

  let queue: Promise<void> = Promise.resolve();
  // connections that have not yet asked for a scan: closed when the daemon stops (the others finish their scans)
  const idle = new Set<Socket>();
  const server: Server = createServer((socket) => {
    idle.add(socket);
    socket.on('close', () => idle.delete(socket));
    serveConnection(socket, {
      asked: () => idle.delete(socket),
      fingerprint,
      ownStore,
      enqueue: (job) => {
        const run = queue.then(async () => {
          await refreshRules();
          return job({ config, pool, detector, ...(store ? { store } : {}) });
        });
        queue = run.then(
          () => undefined,
          () => undefined,
        );
        return run;
      },
      log,
    });
  });
  await listenPrivately(server, socketPath);
  log(`listening on ${socketPath} (${threads} worker${threads === 1 ? '' : 's'}, ${ownStore === null ? 'no store' : 'store open'})`);

  let closing: Promise<void> | undefined;
  return {
    socketPath,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolvePromise) => {
          server.close(() => resolvePromise());
          // a client that connected but never sent its request must not hold the daemon open
          for (const socket of idle) socket.destroy();
        });
        await queue;
        await pool.close();
        await store?.close();
        try {
          unlinkSync(socketPath);
        } catch {
          // already gone
        }
        log('stopped');
      })();
      return closing;
    },
  };
}

interface Lent {
  config: KizukiConfig;
  pool: AnalysisPool;
  detector: Promise<Detector>;
  store?: Store;
}

interface ConnectionContext {
  /** the connection has sent its request */
  asked(): void;
  fingerprint: string;
  ownStore: string | null;
  enqueue(job: (lent: Lent) => Promise<void>): Promise<void>;
  log(line: string): void;
}

function serveConnection(socket: Socket, context: ConnectionContext): void {
  const reader = new FrameReader();
  let request: ScanRequest | undefined;
  const stdin = new ChunkQueue(socket);
  const aborted = new AbortController();
  socket.on('close', () => {
    aborted.abort();
    stdin.end();
  });
  socket.on('error', () => {});
  socket.on('data', (chunk: Buffer) => {
    let frames: Frame[];
    try {
      frames = reader.push(chunk);
    } catch (error) {
      context.log(`a client sent a bad frame: ${(error as Error).message}`);
      socket.destroy();
      return;
    }
    for (const frame of frames) {
      if (!request) {
        if (frame.type !== FrameType.request) {
          socket.destroy();
          return;
        }
        let asked: ScanRequest | ArgvScanRequest;
        try {
          asked = JSON.parse(frame.body.toString('utf8')) as ScanRequest | ArgvScanRequest;
        } catch {
          socket.destroy();
          return;
        }
        context.asked();
        const read = 'argv' in asked ? fromCommandLine(asked) : asked;
        const refusal = typeof read === 'string' ? read : refuse(read, context);
        if (refusal || typeof read === 'string') {
          socket.end(encodeJsonFrame(FrameType.declined, { reason: refusal }));
          return;
        }
        request = read;
        socket.write(encodeJsonFrame(FrameType.accepted, {}));
        void context.enqueue((lent) => runRequest(socket, request!, lent, context.ownStore, stdin, aborted.signal)).catch((error) => {
          context.log(`a scan failed: ${(error as Error).message}`);
          if (socket.destroyed) return;
          socket.write(encodeFrame(FrameType.stderr, `kizuki: the scan daemon could not run this scan: ${(error as Error).message}\n`));
          socket.end(encodeJsonFrame(FrameType.exit, { code: EXIT_ERROR }));
        });
      } else if (frame.type === FrameType.stdin) stdin.push(Buffer.from(frame.body));
      else if (frame.type === FrameType.stdinEnd) stdin.end();
    }
  });
}

/**
 * A fast-path request (src/scan/daemon/fast-client.ts) read as `kizuki scan` reads its command line, in the client's
 * folder and environment; a string says why it is left to the full client (which also reports usage errors).
 */
export function fromCommandLine(asked: ArgvScanRequest): ScanRequest | string {
  if (asked.version !== PROTOCOL_VERSION) return `protocol ${asked.version} asked, ${PROTOCOL_VERSION} spoken`;
  if (!Array.isArray(asked.argv) || asked.argv.some((a) => typeof a !== 'string') || typeof asked.cwd !== 'string') return 'no command line given';
  let taken: { paths: string[]; options: ScanCliOptions & { daemon?: boolean } } | undefined;
  const program = new Command('kizuki').exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  defineScan(program).action((paths: string[], options: ScanCliOptions & { daemon?: boolean }) => {
    taken = { paths, options };
  });
  try {
    program.parse(['scan', ...asked.argv], { from: 'user' });
  } catch {
    return 'the command line is for the full client to read';
  }
  if (!taken) return 'the command line is for the full client to read';
  const { daemon, ...options } = taken.options;
  if (daemon === false || options.explain) return 'this scan runs in its own process';
  const env: NodeJS.ProcessEnv = { ...asked.env };
  try {
    const config = scanConfig(options, asked.cwd, env);
    return {
      version: PROTOCOL_VERSION,
      cwd: asked.cwd,
      paths: taken.paths,
      options: { ...options, lang: options.lang ?? langFromEnv(env) },
      fingerprint: scanFingerprint(config, options, asked.cwd),
      store: storeUrl(config, options, asked.cwd),
      ...(asked.stderrIsTTY !== undefined ? { stderrIsTTY: asked.stderrIsTTY } : {}),
      ...(asked.columns !== undefined ? { columns: asked.columns } : {}),
      ...(asked.elapsedMs !== undefined ? { elapsedMs: asked.elapsedMs } : {}),
    };
  } catch (error) {
    return `the configuration could not be read: ${(error as Error).message}`;
  }
}

/** Why this daemon will not take the scan, or undefined when it will. */
function refuse(request: ScanRequest, context: ConnectionContext): string | undefined {
  if (request.version !== PROTOCOL_VERSION) return `protocol ${request.version} asked, ${PROTOCOL_VERSION} spoken`;
  if (request.fingerprint !== context.fingerprint) return 'the daemon runs with other settings (configuration, rules, options or Kizuki build)';
  if (request.store === 'sqlite::memory:') return 'an in-memory store belongs to one process';
  // its workers send back lean results, without the bodies an explanation prints
  if (request.options.explain) return '--explain runs in the scan\'s own process';
  if (!Array.isArray(request.paths) || request.paths.some((p) => typeof p !== 'string')) return 'no paths given';
  return undefined;
}

function openScanStore(url: string): Promise<Store> {
  return import('../../store/index.js').then(({ openStore }) => openStore(url, { sqlitePragmas: [`cache_size = -${SCAN_SQLITE_CACHE_KIB}`] }));
}

async function runRequest(socket: Socket, request: ScanRequest, lent: Lent, ownStore: string | null, stdin: ChunkQueue, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  // the daemon's own store stays open; another store named by the scan is opened for it alone
  const opened = request.store !== null && request.store !== ownStore ? await openScanStore(request.store) : undefined;
  try {
    await runWith(socket, request, { ...lent, store: opened ?? (request.store === null ? undefined : lent.store) }, stdin, signal);
  } finally {
    await opened?.close();
  }
}

async function runWith(socket: Socket, request: ScanRequest, lent: Omit<Lent, 'store'> & { store: Store | undefined }, stdin: ChunkQueue, signal: AbortSignal): Promise<void> {
  const out = new FramedOutput(socket, FrameType.stdout);
  const err = Object.assign(new FramedOutput(socket, FrameType.stderr), { isTTY: request.stderrIsTTY === true, columns: request.columns ?? 80 }) as unknown as NodeJS.WriteStream;
  // relative paths in the scan (its arguments, its output, kept raw copies) mean what they mean for the client
  const home = process.cwd();
  process.chdir(request.cwd);
  const originMs = performance.now() - Math.max(0, request.elapsedMs ?? 0);
  let code: number;
  try {
    code = await runScan(request.paths, request.options, out, err, {
      config: lent.config,
      pool: lent.pool,
      detector: lent.detector,
      ...(lent.store ? { store: lent.store } : {}),
      stdin: stdin.iterate(),
      originMs,
      signal,
    });
  } finally {
    process.chdir(home);
  }
  out.flushNow();
  (err as unknown as FramedOutput).flushNow();
  if (!socket.destroyed) socket.end(encodeJsonFrame(FrameType.exit, { code }));
}

/** A Writable that sends what is written as frames of one type, gathered per turn of the event loop. */
class FramedOutput extends Writable {
  private parts: Buffer[] = [];
  private scheduled = false;

  constructor(private readonly socket: Socket, private readonly type: FrameType) {
    super();
  }

  override _write(chunk: Buffer | string, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.parts.push(typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flushNow());
    }
    callback();
  }

  flushNow(): void {
    this.scheduled = false;
    if (this.parts.length === 0 || this.socket.destroyed) {
      this.parts = [];
      return;
    }
    const body = Buffer.concat(this.parts);
    this.parts = [];
    this.socket.write(encodeFrame(this.type, body));
  }
}

/** Standard input forwarded by the client, read by the scan as it arrives; the socket pauses while much is unread. */
class ChunkQueue {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(private readonly socket: Socket) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    if (this.bytes > 8 * 1024 * 1024) this.socket.pause();
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async *iterate(): AsyncGenerator<Buffer> {
    for (;;) {
      const chunk = this.chunks.shift();
      if (chunk) {
        this.bytes -= chunk.length;
        if (this.bytes <= 1024 * 1024) this.socket.resume();
        yield chunk;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolvePromise) => {
        this.wake = resolvePromise;
      });
      this.wake = undefined;
    }
  }
}

/** Names, sizes and times of every rule and data file: changes when any is edited, added or removed. */
export function ruleFilesState(folders: readonly string[]): string {
  const parts: string[] = [];
  const visit = (dir: string, depth: number) => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      parts.push(`${dir}:missing`);
      return;
    }
    for (const name of entries) {
      const path = join(dir, name);
      try {
        const info = statSync(path);
        if (info.isDirectory()) {
          if (depth < 2) visit(path, depth + 1);
        } else parts.push(`${path}:${info.size}:${info.mtimeMs}`);
      } catch {
        // vanished between listing and looking
      }
    }
  };
  for (const folder of folders) visit(folder, 0);
  return parts.join('\n');
}

/** The socket's folder is made private to this user; a live daemon already there is an error, a stale socket is removed. */
async function claimSocketPath(socketPath: string): Promise<void> {
  if (Buffer.byteLength(socketPath) > 100) throw new DaemonStartError(`the socket path ${socketPath} is too long for a Unix socket (100 bytes at most); set scan.socket to a shorter one`);
  mkdirSync(dirname(socketPath), { recursive: true, mode: 0o700 });
  if (!existsSync(socketPath)) return;
  const alive = await new Promise<boolean>((resolvePromise) => {
    const probe = connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolvePromise(true);
    });
    probe.once('error', () => resolvePromise(false));
  });
  if (alive) throw new DaemonStartError(`a scan daemon is already listening on ${socketPath}`);
  unlinkSync(socketPath);
}

/** Listens with a umask that leaves the socket to this user alone: nobody else may hand it work or read its answers. */
function listenPrivately(server: Server, socketPath: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const previous = process.umask(0o077);
    server.once('error', (error) => {
      process.umask(previous);
      reject(new DaemonStartError(`cannot listen on ${socketPath}: ${error.message}`));
    });
    server.listen(socketPath, () => {
      process.umask(previous);
      resolvePromise();
    });
  });
}
