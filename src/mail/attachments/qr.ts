// QR codes in images: decode PNG/JPEG within byte and pixel caps, then let jsQR look for a code.
import { createRequire } from 'node:module';
import type { PNG as PngClass } from 'pngjs';

/** Images with more pixels than this are not decoded at all (memory guard). */
export const MAX_DECODE_PIXELS = 40_000_000;
/** Larger images are shrunk to about this many pixels before the QR search (time guard). */
const SEARCH_PIXELS = 250_000;
/** Smaller images cannot hold a readable QR code (a version-1 code is 21 modules plus quiet zone). */
const MIN_SIDE = 29;

type JsQr = (
  data: Uint8ClampedArray,
  width: number,
  height: number,
  options?: { inversionAttempts?: 'dontInvert' | 'onlyInvert' | 'attemptBoth' | 'invertFirst' },
) => { data: string } | null;
// The decoders load on first use: most messages carry no picture worth searching, and loading them is a noticeable
// part of a worker's start-up. They are CommonJS, so a synchronous require keeps these functions synchronous.
const require = createRequire(import.meta.url);
let decoders: { jsQR: JsQr; PNG: typeof PngClass; jpeg: typeof import('jpeg-js') } | undefined;
function loadDecoders(): NonNullable<typeof decoders> {
  if (!decoders) {
    const jsQRModule = require('jsqr') as JsQr | { default: JsQr };
    decoders = {
      // depending on the loader, jsqr's function arrives as the module or under .default
      jsQR: typeof jsQRModule === 'function' ? jsQRModule : jsQRModule.default,
      PNG: (require('pngjs') as { PNG: typeof PngClass }).PNG,
      jpeg: require('jpeg-js') as typeof import('jpeg-js'),
    };
  }
  return decoders;
}

export interface RgbaImage {
  width: number;
  height: number;
  /** 4 bytes per pixel */
  data: Uint8Array | Uint8ClampedArray;
}

/** Width and height of a PNG or JPEG from its header, without decoding it. */
export function imageSize(data: Uint8Array): { width: number; height: number } | undefined {
  return pngSize(data) ?? jpegSize(data);
}

/**
 * How much an image looks like it could be a QR code, from its header alone: square images of a readable size
 * first, then other readable ones by size; 0 for images too small to hold a code.
 */
export function qrLikelihood(data: Uint8Array): number {
  const size = imageSize(data);
  if (!size) return 0.5;
  const short = Math.min(size.width, size.height);
  const long = Math.max(size.width, size.height);
  if (short < MIN_SIDE) return 0;
  const squareish = long / short <= 1.5;
  return (squareish ? 2 : 1) + Math.min(short, 1000) / 1000;
}

// Words with which a message asks its reader to scan a code, in the corpus' main languages.
const SCAN_INVITATION = /\bqr\b|qr[- ]?code|\bscan|escane|escaneie|digitalize|scannez|scannen|inquadra|scansiona|スキャン|読み取|読取|二维码|二維碼|큐알|QRコード/i;

/**
 * Does the message give a reason to look for a QR code in its pictures? It asks the reader to scan something, or
 * it has hardly any words of its own (the message is its pictures). Newsletters full of logos and photos do not,
 * and searching their pictures would be the costliest part of reading them.
 */
export function invitesQrScan(subject: string, text: string): boolean {
  if (text.replace(/\s+/g, ' ').trim().length < 400) return true;
  return SCAN_INVITATION.test(subject) || SCAN_INVITATION.test(text.slice(0, 20_000));
}

export class ImageLimitError extends Error {
  override name = 'ImageLimitError';
}

/** Width and height from a PNG's IHDR chunk, read before anything is decoded. */
export function pngSize(data: Uint8Array): { width: number; height: number } | undefined {
  if (data.length < 24) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Width and height from a JPEG's first start-of-frame marker. */
export function jpegSize(data: Uint8Array): { width: number; height: number } | undefined {
  let at = 2;
  while (at + 9 < data.length) {
    if (data[at] !== 0xff) {
      // a segment length that lies (common in old mail) — resynchronise on the next marker
      at = data.indexOf(0xff, at);
      if (at < 0) return undefined;
      continue;
    }
    const marker = data[at + 1]!;
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = ((data[at + 2]! << 8) | data[at + 3]!) >>> 0;
    const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isStartOfFrame) return { height: (data[at + 5]! << 8) | data[at + 6]!, width: (data[at + 7]! << 8) | data[at + 8]! };
    at += 2 + length;
  }
  return undefined;
}

function checkPixels(size: { width: number; height: number } | undefined, kind: string): void {
  if (!size) throw new ImageLimitError(`${kind} header is unreadable`);
  if (size.width * size.height > MAX_DECODE_PIXELS) {
    throw new ImageLimitError(`${kind} of ${size.width}×${size.height} pixels is over the ${MAX_DECODE_PIXELS}-pixel decode cap`);
  }
}

export function decodeImage(data: Uint8Array, kind: 'png' | 'jpeg'): RgbaImage {
  if (kind === 'png') {
    checkPixels(pngSize(data), 'PNG');
    const png = loadDecoders().PNG.sync.read(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    return { width: png.width, height: png.height, data: png.data };
  }
  checkPixels(jpegSize(data), 'JPEG');
  const decoded = loadDecoders().jpeg.decode(data, {
    useTArray: true,
    formatAsRGBA: true,
    tolerantDecoding: true,
    maxResolutionInMP: MAX_DECODE_PIXELS / 1_000_000,
    maxMemoryUsageInMB: 256,
  });
  return { width: decoded.width, height: decoded.height, data: decoded.data };
}

/** Shrink by an integer factor (box average) so the QR search stays cheap on photos and scans. */
function shrink(image: RgbaImage): RgbaImage {
  const pixels = image.width * image.height;
  if (pixels <= SEARCH_PIXELS) return image;
  const factor = Math.ceil(Math.sqrt(pixels / SEARCH_PIXELS));
  const width = Math.floor(image.width / factor);
  const height = Math.floor(image.height / factor);
  const out = new Uint8ClampedArray(width * height * 4);
  const area = factor * factor;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let dy = 0; dy < factor; dy++) {
        let src = ((y * factor + dy) * image.width + x * factor) * 4;
        for (let dx = 0; dx < factor; dx++, src += 4) {
          r += image.data[src]!;
          g += image.data[src + 1]!;
          b += image.data[src + 2]!;
        }
      }
      const dst = (y * width + x) * 4;
      out[dst] = r / area;
      out[dst + 1] = g / area;
      out[dst + 2] = b / area;
      out[dst + 3] = 255;
    }
  }
  return { width, height, data: out };
}

/** Transparent pixels laid over white, as a viewer shows them (jsQR ignores alpha and would see black). */
function onWhite(image: RgbaImage): RgbaImage {
  const { data } = image;
  let opaque = true;
  for (let at = 3; at < data.length; at += 4) {
    if (data[at] !== 255) {
      opaque = false;
      break;
    }
  }
  if (opaque) return image;
  const out = new Uint8ClampedArray(data.length);
  for (let at = 0; at < data.length; at += 4) {
    const alpha = data[at + 3]! / 255;
    const white = 255 * (1 - alpha);
    out[at] = data[at]! * alpha + white;
    out[at + 1] = data[at + 1]! * alpha + white;
    out[at + 2] = data[at + 2]! * alpha + white;
    out[at + 3] = 255;
  }
  return { width: image.width, height: image.height, data: out };
}

/** Mean luminance of the outermost rows and columns is below mid-grey. */
function hasDarkBorder(image: RgbaImage): boolean {
  const { width, height, data } = image;
  let sum = 0;
  let count = 0;
  const add = (x: number, y: number) => {
    const at = (y * width + x) * 4;
    sum += (data[at]! * 299 + data[at + 1]! * 587 + data[at + 2]! * 114) / 1000;
    count++;
  };
  for (let x = 0; x < width; x++) {
    add(x, 0);
    add(x, height - 1);
  }
  for (let y = 1; y < height - 1; y++) {
    add(0, y);
    add(width - 1, y);
  }
  return count > 0 && sum / count < 128;
}

/** The payload of a QR code in the image, or undefined when none is found. */
export function findQrCode(image: RgbaImage): string | undefined {
  if (image.width < MIN_SIDE || image.height < MIN_SIDE) return undefined;
  const searched = shrink(onWhite(image));
  const clamped =
    searched.data instanceof Uint8ClampedArray
      ? searched.data
      : new Uint8ClampedArray(searched.data.buffer, searched.data.byteOffset, searched.width * searched.height * 4);
  // Searching both polarities doubles the cost; a light-on-dark (inverted) code shows itself by a dark border.
  const inversionAttempts = hasDarkBorder(searched) ? 'invertFirst' : 'dontInvert';
  const code = loadDecoders().jsQR(clamped, searched.width, searched.height, { inversionAttempts });
  const payload = code?.data.trim();
  return payload ? payload : undefined;
}

/**
 * Decode a PNG or JPEG attachment and look for a QR code. Throws ImageLimitError over the caps
 * and the decoders' own errors for broken files; the caller records them.
 */
export function readQrFromImage(data: Uint8Array, kind: 'png' | 'jpeg', maxImageBytes: number): string | undefined {
  if (data.byteLength > maxImageBytes) {
    throw new ImageLimitError(`image of ${data.byteLength} bytes is over the ${maxImageBytes}-byte QR decode cap`);
  }
  return findQrCode(decodeImage(data, kind));
}

/** Expand the raw image kinds pdf.js hands out (1-bit grey, RGB, RGBA) to RGBA. */
export function pdfImageToRgba(image: { width: number; height: number; kind?: number; data?: Uint8Array | Uint8ClampedArray }): RgbaImage | undefined {
  const { width, height, kind, data } = image;
  if (!data || !width || !height || width * height > MAX_DECODE_PIXELS) return undefined;
  const pixels = width * height;
  if (kind === 3 && data.length >= pixels * 4) return { width, height, data };
  const out = new Uint8ClampedArray(pixels * 4);
  if (kind === 2 && data.length >= pixels * 3) {
    for (let i = 0, j = 0; i < pixels; i++, j += 3) {
      out[i * 4] = data[j]!;
      out[i * 4 + 1] = data[j + 1]!;
      out[i * 4 + 2] = data[j + 2]!;
      out[i * 4 + 3] = 255;
    }
    return { width, height, data: out };
  }
  if (kind === 1) {
    // 1 bit per pixel, rows padded to whole bytes; a set bit is white
    const rowBytes = (width + 7) >> 3;
    if (data.length < rowBytes * height) return undefined;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const bit = (data[y * rowBytes + (x >> 3)]! >> (7 - (x & 7))) & 1;
        const value = bit ? 255 : 0;
        const dst = (y * width + x) * 4;
        out[dst] = value;
        out[dst + 1] = value;
        out[dst + 2] = value;
        out[dst + 3] = 255;
      }
    }
    return { width, height, data: out };
  }
  return undefined;
}
