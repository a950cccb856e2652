// What an attachment really is, judged by its bytes, and whether its name tells the same story.
import type { DetectedType } from '../../model/analysis.js';
import { looksLikeZip, readZipDirectory } from './zip-directory.js';

export interface SniffResult {
  detectedType: DetectedType;
  extensionMismatch: boolean;
}

/** Bytes of the head looked at for text-based formats. */
const TEXT_HEAD_BYTES = 4096;
/** Central-directory entries read to tell an OOXML package from a plain ZIP. */
const OOXML_PROBE_ENTRIES = 2000;

function startsWith(data: Uint8Array, signature: readonly number[], at = 0): boolean {
  if (data.length < at + signature.length) return false;
  for (let i = 0; i < signature.length; i++) {
    if (data[at + i] !== signature[i]) return false;
  }
  return true;
}

function ascii(text: string): number[] {
  return Array.from(text, (ch) => ch.charCodeAt(0));
}

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const SEVEN_ZIP = [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c];
const GZIP = [0x1f, 0x8b];
const ELF = [0x7f, 0x45, 0x4c, 0x46];
const MACH_O = [
  [0xfe, 0xed, 0xfa, 0xce],
  [0xfe, 0xed, 0xfa, 0xcf],
  [0xce, 0xfa, 0xed, 0xfe],
  [0xcf, 0xfa, 0xed, 0xfe],
];

/** True when the first bytes hold '%PDF-' (readers accept it anywhere in the first 1 KB). */
export function isPdf(data: Uint8Array): boolean {
  const head = Buffer.from(data.buffer, data.byteOffset, Math.min(data.length, 1024));
  return head.indexOf('%PDF-') >= 0;
}

function binaryType(data: Uint8Array): DetectedType | undefined {
  if (isPdf(data)) return 'pdf';
  if (startsWith(data, PNG)) return 'png';
  if (startsWith(data, JPEG)) return 'jpeg';
  if (startsWith(data, ascii('GIF87a')) || startsWith(data, ascii('GIF89a'))) return 'gif';
  if (startsWith(data, ascii('RIFF')) && startsWith(data, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(data, OLE)) return 'ole-office';
  if (startsWith(data, ascii('{\\rtf'))) return 'rtf';
  if (startsWith(data, ascii('MZ')) || startsWith(data, ELF) || MACH_O.some((sig) => startsWith(data, sig))) return 'exe';
  if (startsWith(data, ascii('Rar!\x1a\x07'))) return 'rar';
  if (startsWith(data, SEVEN_ZIP)) return '7z';
  if (startsWith(data, GZIP)) return 'gzip';
  // ISO 9660 and UDF volume descriptors sit at sector 16
  if (startsWith(data, ascii('CD001'), 0x8001) || startsWith(data, ascii('BEA01'), 0x8001)) return 'iso';
  if (looksLikeZip(data)) return zipFlavour(data);
  if (startsWith(data, ascii('BM')) && data.length > 26 && bmpHeaderPlausible(data)) return 'bmp';
  return undefined;
}

function bmpHeaderPlausible(data: Uint8Array): boolean {
  const headerSize = (data[14] ?? 0) | ((data[15] ?? 0) << 8);
  return headerSize === 12 || headerSize === 40 || headerSize === 52 || headerSize === 56 || headerSize === 108 || headerSize === 124;
}

/** A ZIP whose directory holds [Content_Types].xml and a word/, xl/ or ppt/ folder is an OOXML document. */
function zipFlavour(data: Uint8Array): DetectedType {
  let names: string[];
  try {
    names = readZipDirectory(data, OOXML_PROBE_ENTRIES).entries.map((entry) => entry.name);
  } catch {
    return 'zip';
  }
  if (!names.includes('[Content_Types].xml')) return 'zip';
  if (names.some((name) => name.startsWith('word/'))) return 'ooxml-word';
  if (names.some((name) => name.startsWith('xl/'))) return 'ooxml-excel';
  if (names.some((name) => name.startsWith('ppt/'))) return 'ooxml-powerpoint';
  return 'zip';
}

const HTML_START_RE = /^<(?:!doctype\s+html|html|head|body|meta|script|form|iframe|div|table|title|style|link|a\s|p[\s>]|center|font|img|span|br)/i;
const HTML_ANYWHERE_RE = /<(?:html|body|script|form|iframe)[\s>]/i;
const SCRIPT_HINT_RE =
  /<hta:application|\bWScript\.|\bActiveXObject\b|\bCreateObject\s*\(|\bOn Error Resume Next\b|\bpowershell(?:\.exe)?\s+-|\bInvoke-Expression\b|\bShell\.Application\b/i;
const HEADER_LINE_RE = /^(?:received|from|to|subject|date|return-path|message-id|mime-version|delivered-to|x-[a-z0-9-]+|content-type|reply-to):[ \t]/gim;

function textType(data: Uint8Array, mimeType: string): DetectedType | undefined {
  const head = Buffer.from(data.buffer, data.byteOffset, Math.min(data.length, TEXT_HEAD_BYTES)).toString('utf8');
  if (!looksLikeText(head)) return undefined;
  const trimmed = head.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('#!')) return 'script';
  if (SCRIPT_HINT_RE.test(head)) return 'script';
  if (/^(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*(?:<!doctype\s+svg[^>]*>\s*)?<svg[\s>]/i.test(trimmed)) return 'svg';
  if (/^BEGIN:VCALENDAR/i.test(trimmed)) return 'calendar';
  if (HTML_START_RE.test(trimmed) || (trimmed.startsWith('<') && HTML_ANYWHERE_RE.test(head))) return 'html';
  const lowerMime = mimeType.toLowerCase();
  if (lowerMime === 'message/rfc822' || lowerMime === 'message/global') return 'message';
  const headerLines = trimmed.slice(0, 2048).match(HEADER_LINE_RE)?.length ?? 0;
  if (headerLines >= 3 && /^[A-Za-z-]+:/.test(trimmed)) return 'message';
  return 'text';
}

/** Mostly printable: no NUL bytes and under 5% control characters in the head. */
function looksLikeText(head: string): boolean {
  if (head.length === 0) return false;
  let control = 0;
  for (let i = 0; i < head.length; i++) {
    const code = head.charCodeAt(i);
    if (code === 0) return false;
    if (code < 32 && code !== 9 && code !== 10 && code !== 13 && code !== 12 && code !== 27) control++;
  }
  return control / head.length < 0.05;
}

/** Detected type by content alone (the declared MIME type only settles what an attached message is). */
export function detectType(data: Uint8Array, mimeType = ''): DetectedType {
  const found = binaryType(data) ?? textType(data, mimeType);
  if (found) return found;
  // an attached message may carry raw 8-bit or binary parts that make its head look binary
  if (data.length > 0 && /^message\/(?:rfc822|global)$/i.test(mimeType)) return 'message';
  return 'unknown';
}

const SCRIPT_EXTENSIONS = ['js', 'jse', 'vbs', 'vbe', 'wsf', 'wsh', 'hta', 'ps1', 'psm1', 'bat', 'cmd', 'sh', 'py', 'lnk', 'scr'];
const EXECUTABLE_EXTENSIONS = ['exe', 'dll', 'scr', 'com', 'cpl', 'sys', 'pif', 'msi', 'bin', 'elf', 'app'];
const DECOY_EXTENSIONS = ['pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'txt', 'jpg', 'jpeg', 'png', 'gif', 'rtf', 'csv', 'html', 'htm', 'zip'];

/** Which detected types each extension may legitimately hold. */
const EXTENSION_TYPES: Record<string, readonly DetectedType[]> = {
  pdf: ['pdf'],
  zip: ['zip', 'ooxml-word', 'ooxml-excel', 'ooxml-powerpoint'],
  docx: ['ooxml-word'],
  docm: ['ooxml-word'],
  dotx: ['ooxml-word'],
  dotm: ['ooxml-word'],
  xlsx: ['ooxml-excel'],
  xlsm: ['ooxml-excel'],
  xltx: ['ooxml-excel'],
  xltm: ['ooxml-excel'],
  pptx: ['ooxml-powerpoint'],
  pptm: ['ooxml-powerpoint'],
  ppsx: ['ooxml-powerpoint'],
  doc: ['ole-office'],
  dot: ['ole-office'],
  xls: ['ole-office'],
  xlt: ['ole-office'],
  ppt: ['ole-office'],
  pps: ['ole-office'],
  msg: ['ole-office'],
  rtf: ['rtf'],
  html: ['html', 'text'],
  htm: ['html', 'text'],
  shtml: ['html', 'text'],
  xhtml: ['html', 'text'],
  png: ['png'],
  jpg: ['jpeg'],
  jpeg: ['jpeg'],
  jpe: ['jpeg'],
  jfif: ['jpeg'],
  gif: ['gif'],
  webp: ['webp'],
  bmp: ['bmp'],
  svg: ['svg'],
  exe: ['exe'],
  dll: ['exe'],
  scr: ['exe'],
  com: ['exe'],
  cpl: ['exe'],
  js: ['script', 'text'],
  jse: ['script', 'text'],
  vbs: ['script', 'text'],
  vbe: ['script', 'text'],
  wsf: ['script', 'text', 'html'],
  hta: ['script', 'html', 'text'],
  ps1: ['script', 'text'],
  bat: ['script', 'text'],
  cmd: ['script', 'text'],
  sh: ['script', 'text'],
  iso: ['iso'],
  img: ['iso'],
  rar: ['rar'],
  '7z': ['7z'],
  gz: ['gzip'],
  tgz: ['gzip'],
  ics: ['calendar', 'text'],
  eml: ['message', 'text'],
  // header dumps (text/rfc822-headers) are often saved as .txt
  txt: ['text', 'message'],
  csv: ['text'],
  log: ['text'],
};

/** Lower-cased extensions of a file name, last first ('a.pdf.exe' → ['exe', 'pdf']). */
function extensions(filename: string): string[] {
  const base = filename.trim().replace(/[\s.]+$/, '').split(/[\\/]/).pop() ?? '';
  const pieces = base.toLowerCase().split('.');
  return pieces.length < 2 ? [] : pieces.slice(1).reverse();
}

/**
 * The name misleads about the content: its extension names a type the bytes are not,
 * or a document extension hides in front of an executable one ('invoice.pdf.exe').
 */
export function isExtensionMismatch(filename: string, detected: DetectedType): boolean {
  const [last, beforeLast] = extensions(filename);
  if (!last) return false;
  const runnable = EXECUTABLE_EXTENSIONS.includes(last) || SCRIPT_EXTENSIONS.includes(last);
  if (runnable && beforeLast && DECOY_EXTENSIONS.includes(beforeLast)) return true;
  if (detected === 'unknown') return false;
  const allowed = EXTENSION_TYPES[last];
  return allowed !== undefined && !allowed.includes(detected);
}

export function sniff(data: Uint8Array, filename: string, mimeType: string): SniffResult {
  const detectedType = detectType(data, mimeType);
  return { detectedType, extensionMismatch: isExtensionMismatch(filename, detectedType) };
}
