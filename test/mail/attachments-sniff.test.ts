import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { strToU8 } from 'fflate';
import { detectType, isExtensionMismatch, sniff } from '../../src/mail/attachments/sniff.js';
import { buildDocx, buildEncryptedPdf, buildZip, plainPng, qrJpeg } from './attachments-fixtures.js';

function bytes(...values: Array<number | string>): Uint8Array {
  const out: number[] = [];
  for (const value of values) {
    if (typeof value === 'number') out.push(value);
    else for (const ch of value) out.push(ch.charCodeAt(0));
  }
  return new Uint8Array(out);
}

describe('attachments: sniffing by content', () => {
  it('recognises binary formats by their magic bytes', () => {
    const iso = new Uint8Array(0x8010);
    iso.set(strToU8('CD001'), 0x8001);
    const cases: Array<[Uint8Array, string]> = [
      [buildEncryptedPdf(), 'pdf'],
      [plainPng(), 'png'],
      [qrJpeg('x'), 'jpeg'],
      [bytes('GIF89a', 1, 0, 1, 0), 'gif'],
      [bytes('RIFF', 0, 0, 0, 0, 'WEBPVP8 '), 'webp'],
      [bytes('BM', 0, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 24, 0), 'bmp'],
      [bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0), 'ole-office'],
      [bytes('{\\rtf1\\ansi hello}'), 'rtf'],
      [bytes('MZ', 0x90, 0, 3, 0, 0, 0), 'exe'],
      [bytes(0x7f, 'ELF', 2, 1, 1), 'exe'],
      [bytes('Rar!', 0x1a, 0x07, 0x01, 0), 'rar'],
      [bytes('7z', 0xbc, 0xaf, 0x27, 0x1c, 0, 4), '7z'],
      [bytes(0x1f, 0x8b, 8, 0, 0, 0), 'gzip'],
      [iso, 'iso'],
      [buildZip({ 'a.txt': 'hello' }), 'zip'],
      [buildDocx({ paragraph: 'p', linkText: 'l', url: 'https://example.com/' }), 'ooxml-word'],
      [buildZip({ '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<workbook/>' }), 'ooxml-excel'],
      [buildZip({ '[Content_Types].xml': '<Types/>', 'ppt/presentation.xml': '<p/>' }), 'ooxml-powerpoint'],
    ];
    for (const [data, expected] of cases) assert.equal(detectType(data), expected, `expected ${expected}`);
  });

  it('recognises text formats by their leading markup and content hints', () => {
    const cases: Array<[string, string]> = [
      ['\uFEFF  <!DOCTYPE html><html><body>hi</body></html>', 'html'],
      ['<form action="https://x.example/p"><input type="password"></form>', 'html'],
      ['<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>', 'svg'],
      ['#!/bin/sh\necho hi\n', 'script'],
      ['var s = new ActiveXObject("WScript.Shell"); s.Run("calc");', 'script'],
      ['<html><head><hta:application id="x"/></head></html>', 'script'],
      ['BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n', 'calendar'],
      ['Received: from a\r\nFrom: a@b.example\r\nTo: c@d.example\r\nSubject: hi\r\n\r\nbody', 'message'],
      ['Dear customer, the quotation is attached.\nRegards', 'text'],
      ['ご確認ください。よろしくお願いいたします。', 'text'],
    ];
    for (const [text, expected] of cases) assert.equal(detectType(strToU8(text)), expected, `expected ${expected} for ${text.slice(0, 30)}`);
    assert.equal(detectType(strToU8('Subject: hi\n\nshort'), 'message/rfc822'), 'message');
    assert.equal(detectType(new Uint8Array([0x46, 0x72, 0x6f, 0x6d, 0x3a, 0x20, 0, 0, 1, 2]), 'message/rfc822'), 'message', 'binary bytes inside an attached message');
    assert.equal(detectType(strToU8('%PDF-1.4 pretending'), 'message/rfc822'), 'pdf', 'the declared type never overrides magic bytes');
    assert.equal(detectType(new Uint8Array(0)), 'unknown');
    assert.equal(detectType(new Uint8Array([0, 1, 2, 3, 0, 0, 9, 200])), 'unknown');
  });

  it('flags names that disagree with the content', () => {
    assert.equal(isExtensionMismatch('report.pdf', 'html'), true);
    assert.equal(isExtensionMismatch('invoice.pdf.exe', 'exe'), true, 'a document extension hiding an executable one');
    assert.equal(isExtensionMismatch('scan.PDF', 'pdf'), false);
    assert.equal(isExtensionMismatch('photo.jpg', 'png'), true);
    assert.equal(isExtensionMismatch('setup.exe', 'exe'), false);
    assert.equal(isExtensionMismatch('notes.doc', 'rtf'), true);
    assert.equal(isExtensionMismatch('README', 'text'), false, 'no extension, nothing to disagree with');
    assert.equal(isExtensionMismatch('data.bin', 'unknown'), false);
    assert.equal(isExtensionMismatch('見積書.pdf', 'pdf'), false);
    const result = sniff(strToU8('<html><body><form></form></body></html>'), 'Invoice_2017.pdf', 'application/pdf');
    assert.deepEqual(result, { detectedType: 'html', extensionMismatch: true });
  });
});
