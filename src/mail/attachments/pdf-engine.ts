// Loads pdf.js once per process (its legacy build, as Node 20 needs), runs its "worker" on the main
// thread, and opens documents with every network, font and eval feature switched off.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
export type PdfDocument = Awaited<ReturnType<PdfJs['getDocument']>['promise']>;
export type PdfLoadingTask = ReturnType<PdfJs['getDocument']>;

let loading: Promise<PdfJs> | undefined;

/**
 * The legacy build bundles core-js, which on Node 20 replaces Array.prototype.push (over an edge case of arrays
 * longer than 2^32) and JSON.parse/stringify with much slower versions — for every module in the thread, not just
 * pdf.js: after the first PDF, parsing mail got measurably slower. Node's own versions serve pdf.js just as well,
 * so they are put back once it has loaded. The polyfills that only add missing methods stay.
 */
function keepNativeBuiltins(): () => void {
  const push = Array.prototype.push;
  const { parse, stringify } = JSON;
  return () => {
    Object.defineProperty(Array.prototype, 'push', { value: push, writable: true, configurable: true, enumerable: false });
    JSON.parse = parse;
    JSON.stringify = stringify;
  };
}

async function load(): Promise<PdfJs> {
  const restoreBuiltins = keepNativeBuiltins();
  try {
    // Importing the worker module and publishing it on globalThis makes pdf.js use it in-process
    // instead of spawning or fetching a worker script.
    // The minified builds: the same code, a third less to parse in every worker that meets a PDF.
    const workerSpecifier = 'pdfjs-dist/legacy/build/pdf.worker.min.mjs';
    const worker: unknown = await import(workerSpecifier);
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = worker;
    const minified = 'pdfjs-dist/legacy/build/pdf.min.mjs';
    const pdfjs = (await import(minified)) as PdfJs;
    pdfjs.GlobalWorkerOptions.workerSrc ||= workerSpecifier;
    return pdfjs;
  } finally {
    restoreBuiltins();
  }
}

export function loadPdfJs(): Promise<PdfJs> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** 16 megapixels: a scanned A4 page at 400 dpi fits; a decompression-bomb image does not. */
const MAX_IMAGE_PIXELS = 16_000_000;

let cMapDirectory: string | undefined;

/** The CMap files shipped inside pdfjs-dist, read from disk so CJK text can be extracted. */
function cMapUrl(): string | undefined {
  if (cMapDirectory === undefined) {
    try {
      const packageJson = createRequire(import.meta.url).resolve('pdfjs-dist/package.json');
      cMapDirectory = `${pathToFileURL(path.join(path.dirname(packageJson), 'cmaps')).pathname}/`;
    } catch {
      cMapDirectory = '';
    }
  }
  return cMapDirectory || undefined;
}

export async function openPdf(data: Uint8Array): Promise<PdfLoadingTask> {
  const pdfjs = await loadPdfJs();
  return pdfjs.getDocument({
    // pdf.js may take ownership of the buffer it is given: hand it a copy
    data: new Uint8Array(data),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    disableAutoFetch: true,
    disableStream: true,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    stopAtErrors: false,
    // pdf.js decodes page images in full: larger ones are skipped rather than allocated
    maxImageSize: MAX_IMAGE_PIXELS,
    verbosity: 0,
    cMapUrl: cMapUrl(),
    cMapPacked: true,
  });
}

export function isPasswordError(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'PasswordException';
}
