// `kizuki scan`'s side of the scan daemon: when a daemon with the same settings listens on the configured socket,
// the scan is handed to it and its output relayed as it comes; otherwise the caller scans in this process.
import { existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import type { ScanCliOptions } from '../../cli/commands/scan.js';
import { langFromEnv } from '../format.js';
import { daemonSocket, scanConfig, scanFingerprint, storeUrl } from '../settings.js';
import { encodeFrame, encodeJsonFrame, type Frame, FrameReader, FrameType } from './frames.js';
import { PROTOCOL_VERSION, type ScanRequest } from './protocol.js';

export interface ClientIo {
  cwd?: string;
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WriteStream;
  /** this process's age when the scan began, in ms (performance.now()) */
  elapsedMs?: number;
}

export type DaemonOptions = ScanCliOptions & {
  /** true: the daemon must take the scan; false: never ask it; undefined: use it when it is there */
  daemon?: boolean;
};

/** The socket a scan with these options would use, or undefined when the configuration cannot be read (the local scan reports that). */
export function socketFor(options: DaemonOptions, cwd = process.cwd()): string | undefined {
  try {
    return daemonSocket(scanConfig(options, cwd), cwd);
  } catch {
    return undefined;
  }
}

/**
 * Hands the scan to the daemon. Resolves to the scan's exit code, or undefined when there is no daemon, or it runs
 * with other settings, and the scan may run here instead (never when `daemon: true`: then that is an error, exit 2).
 */
export async function scanThroughDaemon(paths: string[], options: DaemonOptions, io: ClientIo = {}): Promise<number | undefined> {
  // --explain prints whole analyses, which the daemon's workers do not send back: it always runs here
  if (options.daemon === false || options.explain) return undefined;
  const cwd = io.cwd ?? process.cwd();
  const stderr = io.stderr ?? process.stderr;
  const required = options.daemon === true;
  const fail = (message: string) => {
    stderr.write(`kizuki: ${message}\n`);
    return 2;
  };
  let request: ScanRequest;
  let socketPath: string;
  try {
    const config = scanConfig(options, cwd);
    socketPath = daemonSocket(config, cwd);
    const { daemon: _daemon, ...scanOptions } = options;
    request = {
      version: PROTOCOL_VERSION,
      cwd,
      paths,
      options: { ...scanOptions, lang: options.lang ?? langFromEnv() },
      fingerprint: scanFingerprint(config, options, cwd),
      store: storeUrl(config, options, cwd),
      stderrIsTTY: Boolean(stderr.isTTY),
      ...(stderr.columns ? { columns: stderr.columns } : {}),
      elapsedMs: io.elapsedMs ?? performance.now(),
    };
  } catch (error) {
    // a configuration the local scan will explain properly
    return required ? fail((error as Error).message) : undefined;
  }
  if (!existsSync(socketPath)) return required ? fail(`no scan daemon at ${socketPath} (start one with \`kizuki scand\`)`) : undefined;

  const socket = await connected(socketPath);
  if (!socket) return required ? fail(`the scan daemon at ${socketPath} does not answer`) : undefined;
  return exchange(socket, request, paths.includes('-'), { required, fail, stdin: io.stdin ?? process.stdin, stdout: io.stdout ?? process.stdout, stderr });
}

function connected(socketPath: string): Promise<Socket | undefined> {
  return new Promise((resolvePromise) => {
    const socket = connect(socketPath);
    socket.once('connect', () => resolvePromise(socket));
    socket.once('error', () => resolvePromise(undefined));
  });
}

interface ExchangeIo {
  required: boolean;
  fail(message: string): number;
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

function exchange(socket: Socket, request: ScanRequest, sendStdin: boolean, io: ExchangeIo): Promise<number | undefined> {
  return new Promise((resolvePromise) => {
    const reader = new FrameReader();
    let settled = false;
    let accepted = false;
    const settle = (code: number | undefined) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolvePromise(code);
    };
    const onFrame = (frame: Frame) => {
      switch (frame.type) {
        case FrameType.accepted:
          accepted = true;
          if (sendStdin) forwardStdin(io.stdin, socket);
          break;
        case FrameType.declined: {
          const { reason } = JSON.parse(frame.body.toString('utf8')) as { reason: string };
          settle(io.required ? io.fail(`the scan daemon did not take the scan: ${reason}`) : undefined);
          break;
        }
        case FrameType.stdout:
          io.stdout.write(frame.body);
          break;
        case FrameType.stderr:
          io.stderr.write(frame.body);
          break;
        case FrameType.exit: {
          const { code } = JSON.parse(frame.body.toString('utf8')) as { code: number };
          // what was written must reach the terminal or pipe before the exit code says the scan is over
          io.stdout.write('', () => settle(code));
          break;
        }
      }
    };
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const frame of reader.push(chunk)) onFrame(frame);
      } catch (error) {
        settle(io.fail(`the scan daemon sent something unreadable: ${(error as Error).message}`));
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      if (settled) return;
      // before it accepted, nothing was judged: the scan can still run here; after, part of it may have been
      if (!accepted) settle(io.required ? io.fail('the scan daemon closed the connection') : undefined);
      else settle(io.fail('the scan daemon stopped during the scan: the verdicts printed above stand; scan what is missing again'));
    });
    socket.write(encodeJsonFrame(FrameType.request, request));
  });
}

function forwardStdin(stdin: NodeJS.ReadableStream, socket: Socket): void {
  stdin.on('data', (chunk: Buffer | string) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (!socket.write(encodeFrame(FrameType.stdin, bytes))) {
      stdin.pause();
      socket.once('drain', () => stdin.resume());
    }
  });
  stdin.on('end', () => socket.write(encodeFrame(FrameType.stdinEnd, Buffer.alloc(0))));
  stdin.on('error', () => socket.write(encodeFrame(FrameType.stdinEnd, Buffer.alloc(0))));
}
