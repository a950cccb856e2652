// postal-mime's base64 decoder, fed in blocks instead of lines. The decoder turns every body line into a string,
// strips it, splits it at padding and appends it to a pending string, and decodes in JavaScript. For a message with
// a large attachment that per-line work was a third of the parse. These replacements keep the lines (views into the
// message's own bytes, so nothing is copied) until about BLOCK_BYTES have arrived, do the same steps once for the
// block, and decode with Node's native base64. The bytes that come out are the same: only ASCII letters, digits,
// '+' and '/' carry data, '=' ends a unit (so every unit is decoded on its own, as postal-mime does), and a unit's
// trailing 1 character is dropped, 2 or 3 give 1 or 2 bytes. test/mail/base64-blocks.test.ts checks this against
// an independent decoder written from RFC 4648.

/** The part of postal-mime's Base64Decoder these functions use (see node_modules/postal-mime/dist/esm/base64-decoder.js). */
export interface Base64DecoderState {
  chunks: Array<Uint8Array | ArrayBuffer | string>;
  remainder: string;
  maxChunkSize: number;
  flushRemainder(): void;
  /** lines received and not yet decoded */
  kizukiLines?: Uint8Array[];
  kizukiBytes?: number;
}

/** How many bytes of lines are gathered before they are decoded together (bounded, so a huge part never sits whole). */
export const BLOCK_BYTES = 256 * 1024;

const NOT_BASE64 = /[^a-zA-Z0-9+/=]+/g;
const PADDING = /=+/;

/** Decodes one unit (no '=' in it) exactly as postal-mime's decodeBase64 does, natively. */
export function decodeUnit(unit: string): Uint8Array {
  // Node ignores a dangling single character, as postal-mime does; it never sees '-' or '_' here (stripped above)
  return Buffer.from(unit, 'base64');
}

/** Replacement for Base64Decoder.prototype.pushChunk. */
export function pushChunk(this: Base64DecoderState, base64: string): void {
  if (base64.length) this.chunks.push(decodeUnit(base64));
}

/** Replacement for Base64Decoder.prototype.update: keeps the line for the next block. */
export function update(this: Base64DecoderState, line: Uint8Array): void {
  if (!this.kizukiLines) {
    this.kizukiLines = [];
    this.kizukiBytes = 0;
  }
  this.kizukiLines.push(line);
  this.kizukiBytes = (this.kizukiBytes ?? 0) + line.byteLength;
  if (this.kizukiBytes >= BLOCK_BYTES) drainLines(this);
}

/** Decodes the gathered lines as postal-mime's update() would have, one after the other; call before finalising. */
export function drainLines(decoder: Base64DecoderState): void {
  const lines = decoder.kizukiLines;
  if (!lines?.length) return;
  decoder.kizukiLines = [];
  decoder.kizukiBytes = 0;
  const joined = lines.length === 1 ? lines[0]! : Buffer.concat(lines);
  // latin1 keeps every ASCII byte as itself and turns every other byte into a character that is stripped next,
  // which is what decoding each line as UTF-8 and stripping came to
  const text = Buffer.from(joined.buffer, joined.byteOffset, joined.byteLength).toString('latin1').replace(NOT_BASE64, '');
  const units = text.split(PADDING);
  for (let i = 0; i < units.length; i++) {
    decoder.remainder += units[i];
    if (i < units.length - 1) decoder.flushRemainder();
  }
  if (decoder.remainder.length >= decoder.maxChunkSize) {
    const aligned = Math.floor(decoder.remainder.length / 4) * 4;
    pushChunk.call(decoder, decoder.remainder.substring(0, aligned));
    decoder.remainder = decoder.remainder.substring(aligned);
  }
}
