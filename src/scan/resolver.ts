// DNS resolvers for 'verify' authentication: the system's, or a fixture file (offline demos and tests).
import { promises as dns } from 'node:dns';
import { readFileSync } from 'node:fs';
import type { DnsResolver } from '../mail/options.js';

export const systemResolver: DnsResolver = (name, rrtype) => dns.resolve(name, rrtype as 'TXT');

function notFound(name: string, rrtype: string): Error {
  return Object.assign(new Error(`queryTxt ENOTFOUND ${name} (${rrtype})`), { code: 'ENOTFOUND', hostname: name });
}

/**
 * A resolver that answers from a table: { "selector._domainkey.example.com": { "TXT": [["v=DKIM1; …"]] } }.
 * Names absent from the table answer ENOTFOUND, as a real resolver would, so checks fail closed.
 */
export function fixtureResolver(table: Record<string, Record<string, unknown>>): DnsResolver {
  const lowered = new Map(Object.entries(table).map(([name, records]) => [name.toLowerCase().replace(/\.$/, ''), records]));
  return async (name, rrtype) => {
    const records = lowered.get(name.toLowerCase().replace(/\.$/, ''));
    const answer = records?.[rrtype.toUpperCase()];
    if (answer === undefined) throw notFound(name, rrtype);
    return answer;
  };
}

export function fixtureResolverFromFile(path: string): DnsResolver {
  let table: unknown;
  try {
    table = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: cannot read DNS fixture: ${(error as Error).message}`);
  }
  if (!table || typeof table !== 'object') throw new Error(`${path}: DNS fixture must be a JSON object of names`);
  return fixtureResolver(table as Record<string, Record<string, unknown>>);
}
