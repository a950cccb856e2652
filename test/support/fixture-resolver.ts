// A DNS resolver that answers from a fixture file (samples/seed-2017/dns.json) instead of the network,
// in the shape mailauth expects: TXT answers are arrays of <=255-character strings; a missing name
// throws an error whose code is ENOTFOUND, a name without that record type throws ENODATA.
import { readFile } from 'node:fs/promises';
import type { DnsResolver } from '../../src/mail/options.js';

export interface DnsFixture {
  /** free text for people reading the file */
  comment?: string;
  /** name → TXT record(s); one string per record, split into 255-character strings when served */
  txt: Record<string, string | string[]>;
}

function dnsError(code: 'ENOTFOUND' | 'ENODATA', name: string, rrtype: string): Error {
  const error = new Error(`${code}: no ${rrtype} record for ${name} in the DNS fixture`) as Error & {
    code: string;
    hostname: string;
  };
  error.code = code;
  error.hostname = name;
  return error;
}

function splitTxt(record: string): string[] {
  const chunks: string[] = [];
  for (let at = 0; at < record.length; at += 255) chunks.push(record.slice(at, at + 255));
  return chunks.length ? chunks : [''];
}

/** Resolver over a fixture; names are matched case-insensitively and without a trailing dot. */
export function fixtureResolver(fixture: DnsFixture): DnsResolver {
  const txt = new Map<string, string[]>();
  for (const [name, value] of Object.entries(fixture.txt)) {
    txt.set(name.toLowerCase().replace(/\.$/, ''), Array.isArray(value) ? value : [value]);
  }
  return async (name: string, rrtype: string) => {
    const key = name.toLowerCase().replace(/\.$/, '');
    const records = txt.get(key);
    if (!records) throw dnsError('ENOTFOUND', key, rrtype);
    if (rrtype.toUpperCase() !== 'TXT') throw dnsError('ENODATA', key, rrtype);
    return records.map(splitTxt);
  };
}

/** Read a dns.json fixture file and make a resolver of it. */
export async function loadFixtureResolver(file: string): Promise<DnsResolver> {
  const fixture = JSON.parse(await readFile(file, 'utf8')) as DnsFixture;
  return fixtureResolver(fixture);
}
