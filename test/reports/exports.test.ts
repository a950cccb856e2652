// Exports: the STIX 2.1 bundle against the schema, CSV for indicators and for a mail merge, the incident as JSON.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { IncidentRecord } from '../../src/incidents/record.js';
import { keepReplay } from '../../src/incidents/record-replay.js';
import { csvField, incidentJson, indicatorsCsv, recipientsCsv } from '../../src/reports/exports.js';
import { stixBundle, stixPattern, validateStix } from '../../src/reports/stix.js';
import { openStore, type Store } from '../../src/store/index.js';
import { replayed2017, SCENARIO } from '../incidents/record-fixtures.js';
import { runCli } from '../support/cli.js';
import { scratchDir } from '../store/scratch.js';

/** A small CSV reader for the test (RFC 4180: quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    }
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('exports of the 2017 incident', () => {
  let store: Store;
  let record: IncidentRecord;
  before(async () => {
    store = await openStore(`sqlite:${scratchDir('kizuki-export-')}/k.db`);
    const [kept] = await keepReplay(store, SCENARIO, await replayed2017());
    assert.ok(kept);
    record = kept;
  });
  after(async () => store.close());

  it('the STIX 2.1 bundle validates, carries one indicator per record indicator with its TLP marking, and is the same every time', () => {
    const bundle = stixBundle(record, { orgName: 'Tsukishiro Video Systems' }) as { objects: Array<Record<string, unknown>>; id: string };
    assert.deepEqual(validateStix(bundle), []);
    const indicators = bundle.objects.filter((o) => o.type === 'indicator');
    assert.equal(indicators.length, record.indicators.length);
    const patterns = new Set(indicators.map((o) => o.pattern));
    assert.ok(patterns.has("[domain-name:value = 'document-viewer.online']"));
    assert.ok(patterns.has("[ipv4-addr:value = '203.0.113.77']"));
    assert.ok(patterns.has("[file:hashes.'SHA-256' = '98a537910e3d43829ed5312b6ea4826418a93dd4bc8509ce2c9d5c8e513823c7']"));
    const amber = 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82';
    assert.ok(bundle.objects.some((o) => o.id === amber && o.definition_type === 'tlp'));
    assert.ok(indicators.every((o) => (o.object_marking_refs as string[])[0] === amber));
    assert.deepEqual(stixBundle(record, { orgName: 'Tsukishiro Video Systems' }), bundle, 'stable ids');
  });

  it('the schema refuses what STIX 2.1 refuses', () => {
    const bundle = stixBundle(record) as { objects: Array<Record<string, unknown>> };
    const indicator = bundle.objects.find((o) => o.type === 'indicator') ?? {};
    const broken = (change: Record<string, unknown>) => ({ ...bundle, objects: [{ ...indicator, ...change }] });
    assert.notDeepEqual(validateStix(broken({ pattern: undefined })), [], 'an indicator needs a pattern');
    assert.notDeepEqual(validateStix(broken({ spec_version: '2.0' })), [], 'spec_version 2.1');
    assert.notDeepEqual(validateStix(broken({ id: 'indicator--not-a-uuid' })), [], 'identifier form');
    assert.notDeepEqual(validateStix(broken({ created: '2017-07-03T13:29:12Z' })), [], 'created needs milliseconds');
    assert.notDeepEqual(validateStix(broken({ object_marking_refs: ['identity--0b8a5c4e-1d5e-4b53-9f54-3c2e3f7a6b1d'] })), [], 'markings point at marking definitions');
    assert.notDeepEqual(validateStix({ ...bundle, type: 'collection' }), []);
    assert.notDeepEqual(validateStix({ ...bundle, objects: [{ type: 'marking-definition', spec_version: '2.1', id: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82', created: '2017-01-20T00:00:00.000Z', definition_type: 'tlp', definition: { tlp: 'purple' } }] }), []);
  });

  it('pattern values are quoted so that no value can end the pattern early', () => {
    assert.equal(stixPattern({ type: 'subject', value: "it's \\ here", firstSeen: '', lastSeen: '', tlp: 'amber' }), "[email-message:subject = 'it\\'s \\\\ here']");
  });

  it('recipients CSV: one row per outside address, quoted where needed, ready for a mail merge', () => {
    const rows = parseCsv(recipientsCsv(record));
    assert.deepEqual(rows[0], ['email', 'domain', 'first_received', 'last_received', 'messages', 'subject', 'sent_from', 'message_ids']);
    assert.equal(rows.length - 1, record.outsideRecipients.length);
    const byEmail = new Map(rows.slice(1).map((r) => [r[0], r]));
    for (const r of record.outsideRecipients) {
      const row = byEmail.get(r.address);
      assert.ok(row, r.address);
      assert.equal(row[4], String(r.messages.length));
      assert.equal(row[2], r.firstSentAt);
    }
    const ind = parseCsv(indicatorsCsv(record));
    assert.equal(ind.length - 1, record.indicators.length);
    assert.ok(ind.some((r) => r[0] === 'email-address' && r[5] === 'sender of the lure (a real partner account, itself compromised)'));
  });

  it('CSV fields are quoted and formula-looking values are defused', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvField('line\nbreak'), '"line\nbreak"');
  });

  it('the incident as JSON round-trips to the same record', () => {
    assert.deepEqual(JSON.parse(incidentJson(record)), JSON.parse(JSON.stringify(record)));
  });

  it('kizuki incident export writes each format through the CLI', async () => {
    const dir = scratchDir('kizuki-export-cli-');
    const db = `sqlite:${join(dir, 'k.db')}`;
    const cli = await openStore(db);
    try {
      await keepReplay(cli, SCENARIO, await replayed2017());
    } finally {
      await cli.close();
    }
    const stix = await runCli(['incident', 'export', record.incidentId, '--format', 'stix', '--store', db]);
    assert.equal(stix.code, 0, stix.stderr);
    assert.deepEqual(validateStix(JSON.parse(stix.stdout)), []);
    const file = join(dir, 'recipients.csv');
    const csv = await runCli(['incident', 'export', record.incidentId, '--format', 'recipients-csv', '-o', file, '--store', db]);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(parseCsv(readFileSync(file, 'utf8')).length - 1, record.outsideRecipients.length);
    const bad = await runCli(['incident', 'export', record.incidentId, '--format', 'xml', '--store', db]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--format must be/);
  });
});
