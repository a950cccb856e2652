// Relaying one scan exchange with the daemon: send the request, forward standard input once the scan is taken,
// copy what comes back to standard output and error. Shared by the full client and the fast path.
import { connect, type Socket } from 'node:net';
import { encodeFrame, encodeJsonFrame, type Frame, FrameReader, FrameType } from './frames.js';
import type { ArgvScanRequest, ScanRequest } from './protocol.js';

export function connected(socketPath: string): Promise<Socket | undefined> {
  return new Promise((resolvePromise) => {
    const socket = connect(socketPath);
    socket.once('connect', () => resolvePromise(socket));
    socket.once('error', () => resolvePromise(undefined));
  });
}

export interface ExchangeIo {
  required: boolean;
  fail(message: string): number;
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export function exchange(socket: Socket, request: ScanRequest | ArgvScanRequest, sendStdin: boolean, io: ExchangeIo): Promise<number | undefined> {
  return new Promise((resolvePromise) => {
    const reader = new FrameReader();
    let settled = false;
    let accepted = false;
    // the exit frame has come: the daemon may close the connection before standard output has drained
    let exited = false;
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
          exited = true;
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
      if (settled || exited) return;
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
