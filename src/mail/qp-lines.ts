// A quoted-printable decoder for postal-mime's MIME parts that keeps the part's lines (views into the
// message's own bytes) and decodes them once, at the end. postal-mime's own decoder allocates a 100 KiB
// buffer for every quoted-printable part as it is created, whatever the part's size; most parts are a
// few kilobytes, and the allocations were a noticeable share of parsing and of garbage collection.
// The bytes that come out are the same (test/mail/qp-lines.test.ts compares the two): a line ending in
// '=' is joined to the next, '=' and two hex digits is a byte, anything else is literal, and every
// line not joined ends in LF.

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Decodes quoted-printable lines (without their line breaks) into `out` from `length`; returns the new length. */
export function decodeQpLine(line: Uint8Array, out: Uint8Array, length: number): number {
  let end = line.length;
  const softBreak = end > 0 && line[end - 1] === 0x3d;
  if (softBreak) end--;
  let literalStart = 0;
  for (let i = line.indexOf(0x3d); i >= 0 && i < end; i = line.indexOf(0x3d, i + 1)) {
    if (i + 2 >= end) break;
    const high = hexValue(line[i + 1]!);
    const low = hexValue(line[i + 2]!);
    if (high < 0 || low < 0) continue;
    out.set(line.subarray(literalStart, i), length);
    length += i - literalStart;
    out[length++] = (high << 4) | low;
    i += 2;
    literalStart = i + 1;
  }
  out.set(line.subarray(literalStart, end), length);
  length += end - literalStart;
  if (!softBreak) out[length++] = 0x0a;
  return length;
}

/** Stands in for postal-mime's QPDecoder inside a MIME part: update() per body line, finalize() once. */
export class LineQpDecoder {
  private lines: Uint8Array[] = [];
  /** an upper bound of the decoded size: every line's bytes and its LF */
  private bound = 0;

  update(line: Uint8Array): void {
    this.lines.push(line);
    this.bound += line.length + 1;
  }

  finalize(): Promise<ArrayBuffer> {
    const out = new Uint8Array(this.bound);
    let length = 0;
    for (const line of this.lines) length = decodeQpLine(line, out, length);
    this.lines = [];
    return Promise.resolve(out.buffer.slice(0, length));
  }
}
