// The client side of a daemon scan: the exit code the daemon sends is the scan's, even when the daemon closes the
// connection while the client's standard output (a slow pipe) is still draining what was printed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { encodeFrame, encodeJsonFrame, FrameType } from '../../src/scan/daemon/frames.js';
import type { ScanRequest } from '../../src/scan/daemon/protocol.js';
import { connected, exchange } from '../../src/scan/daemon/relay.js';

/**
 * A daemon stand-in: takes the scan, prints one line, sends the exit code and closes at once; without an exit code it
 * closes after taking the scan, as a daemon that died would.
 */
function fakeDaemon(path: string, exitCode?: number): Promise<Server> {
  const server = createServer((socket) => {
    socket.once('data', () => {
      socket.write(encodeJsonFrame(FrameType.accepted, {}));
      if (exitCode === undefined) {
        socket.end();
        return;
      }
      socket.write(encodeFrame(FrameType.stdout, '{"verdict":"clean"}\n'));
      socket.end(encodeJsonFrame(FrameType.exit, { code: exitCode }));
    });
  });
  return new Promise((resolvePromise) => server.listen(path, () => resolvePromise(server)));
}

/** Standard output as a pipe whose reader is slow: each write is acknowledged only after `delayMs`. */
function slowOutput(delayMs: number): Writable & { text: () => string } {
  const parts: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      parts.push(chunk);
      setTimeout(callback, delayMs);
    },
  });
  return Object.assign(out, { text: () => Buffer.concat(parts).toString('utf8') });
}

/** Runs the client's side of one scan against the daemon listening at `path`. */
async function relayScan(path: string, stdout: NodeJS.WritableStream): Promise<{ code: number | undefined; failures: string[] }> {
  const socket = await connected(path);
  assert.ok(socket, 'connected to the stand-in daemon');
  const failures: string[] = [];
  const code = await exchange(socket, { v: 1 } as unknown as ScanRequest, false, {
    required: true,
    fail: (message) => {
      failures.push(message);
      return 2;
    },
    stdin: new PassThrough(),
    stdout,
    stderr: new PassThrough(),
  });
  return { code, failures };
}

describe('the scan client relaying a daemon scan', () => {
  it("returns the daemon's exit code when the connection closes before standard output has drained", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kizuki-relay-'));
    const path = join(dir, 'd.sock');
    const server = await fakeDaemon(path, 1);
    try {
      const stdout = slowOutput(150);
      const { code, failures } = await relayScan(path, stdout);
      assert.deepEqual(failures, [], 'no failure reported for a scan that ended with its exit code');
      assert.equal(code, 1);
      assert.equal(stdout.text(), '{"verdict":"clean"}\n');
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('still reports a daemon that goes away during the scan', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kizuki-relay-'));
    const path = join(dir, 'd.sock');
    const server = await fakeDaemon(path);
    try {
      const { code, failures } = await relayScan(path, new PassThrough());
      assert.equal(code, 2);
      assert.match(failures.join('\n'), /stopped during the scan/);
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
