// DNS resolvers for 'verify' authentication: the system's, or a fixture file for offline demos and tests.
import { promises as dns } from 'node:dns';
import { readFileSync } from 'node:fs';
import type { DnsResolver } from '../mail/options.js';

export const systemResolver: DnsResolver = (name, rrtype) => dns.resolve(name, rrtype as 'TXT');

/** The DNS fixture format (samples/seed-2017/dns.json): TXT records by name. */
export interface DnsFixture {
  /** free text for people reading the file */
  comment?: string;
  /** name → TXT record(s); one string per record, split into 255-character strings when served */
  txt: Record<string, string | string[]>;
}

function dnsError(code: 'ENOTFOUND' | 'ENODATA', name: string, rrtype: string): Error {
  return Object.assign(new Error(`${code}: no ${rrtype} record for ${name} in the DNS fixture`), { code, hostname: name });
}

function splitTxt(record: string): string[] {
  const chunks: string[] = [];
  for (let at = 0; at < record.length; at += 255) chunks.push(record.slice(at, at + 255));
  return chunks.length ? chunks : [''];
}

/**
 * A resolver in the shape mailauth expects, answering from a fixture: a missing name throws ENOTFOUND, a name
 * without that record type ENODATA, as a real resolver would, so checks fail closed.
 */
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

export function fixtureResolverFromFile(path: string): DnsResolver {
  let fixture: DnsFixture;
  try {
    fixture = JSON.parse(readFileSync(path, 'utf8')) as DnsFixture;
  } catch (error) {
    throw new Error(`${path}: cannot read DNS fixture: ${(error as Error).message}`);
  }
  if (!fixture || typeof fixture.txt !== 'object') throw new Error(`${path}: a DNS fixture needs a "txt" object of names`);
  return fixtureResolver(fixture);
}
