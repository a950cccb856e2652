// The scan daemon's wire format over its Unix socket: frames of [type: 1 byte][length: 4 bytes, big-endian][body].
// A binary frame carries standard input and output as they are, with no escaping; JSON frames carry the request and
// the verdict of the exchange (exit code, or why the daemon will not take the scan).

export const FrameType = {
  /** client → daemon, JSON ScanRequest; the first frame of every exchange */
  request: 1,
  /** client → daemon, bytes of standard input (the path `-`) */
  stdin: 2,
  /** client → daemon, standard input has ended */
  stdinEnd: 3,
  /** daemon → client, bytes for standard output */
  stdout: 4,
  /** daemon → client, bytes for standard error */
  stderr: 5,
  /** daemon → client, JSON { code }: the scan is over */
  exit: 6,
  /** daemon → client, JSON { reason }: this daemon runs with other settings; scan locally */
  declined: 7,
  /** daemon → client, JSON {}: the scan is taken; standard input may follow */
  accepted: 8,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

/** A frame larger than this is refused: the socket is local, but a bad peer must not make either side buffer without end. */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export interface Frame {
  type: FrameType;
  body: Buffer;
}

export function encodeFrame(type: FrameType, body: Buffer | string): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const head = Buffer.allocUnsafe(5);
  head.writeUInt8(type, 0);
  head.writeUInt32BE(bytes.length, 1);
  return Buffer.concat([head, bytes]);
}

export function encodeJsonFrame(type: FrameType, value: unknown): Buffer {
  return encodeFrame(type, JSON.stringify(value));
}

export class FrameError extends Error {
  override name = 'FrameError';
}

/** Cuts a byte stream into frames; feed it chunks as they arrive, take the complete frames out. */
export class FrameReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  push(chunk: Buffer): Frame[] {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      if (this.pendingBytes < 5) break;
      if (this.pending[0]!.length < 5) this.pending = [Buffer.concat(this.pending)];
      const head = this.pending[0]!;
      const type = head.readUInt8(0);
      const length = head.readUInt32BE(1);
      if (!Object.values(FrameType).includes(type as FrameType)) throw new FrameError(`unknown frame type ${type}`);
      if (length > MAX_FRAME_BYTES) throw new FrameError(`frame of ${length} bytes is larger than the ${MAX_FRAME_BYTES} allowed`);
      // a large frame arriving in many chunks is joined once, when it is complete
      if (this.pendingBytes < 5 + length) break;
      const all = this.pending.length === 1 ? head : Buffer.concat(this.pending);
      frames.push({ type: type as FrameType, body: all.subarray(5, 5 + length) });
      const rest = all.subarray(5 + length);
      this.pending = rest.length ? [rest] : [];
      this.pendingBytes = rest.length;
    }
    return frames;
  }

  /** bytes received that do not yet make a whole frame */
  get buffered(): number {
    return this.pendingBytes;
  }
}
