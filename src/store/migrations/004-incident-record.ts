// Schema version 4: the incident record: tasks, indicators, evidence, timeline entries, notes (issue 11).
// One row per record (its fixed fields and a JSON body for the rest), and one table per growing list, so that
// adding a note, a task or an indicator never rewrites the whole record. src/incidents/record-store.ts reads them.
import type { Migration } from '../migrations.js';

export const migration: Migration = {
  version: 4,
  description: 'the incident record: tasks, indicators, evidence, timeline entries, notes (issue 11)',
  up: async (db) => {
    await db.schema
      .createTable('incident_records')
      .addColumn('incident_id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('phase', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('owner', 'text')
      .addColumn('resolution', 'text')
      .addColumn('first_malicious_at', 'text')
      .addColumn('detected_at', 'text', (c) => c.notNull())
      .addColumn('contained_at', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      // title, accounts, devices, outside recipients, exposure, lure: JSON
      .addColumn('body', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('incident_records_detected').on('incident_records').columns(['detected_at', 'incident_id']).execute();

    await db.schema
      .createTable('incident_indicators')
      .addColumn('incident_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('first_seen', 'text', (c) => c.notNull())
      .addColumn('last_seen', 'text', (c) => c.notNull())
      .addColumn('tlp', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addPrimaryKeyConstraint('incident_indicators_pk', ['incident_id', 'type', 'value'])
      .execute();
    await db.schema.createIndex('incident_indicators_value').on('incident_indicators').columns(['type', 'value']).execute();

    await db.schema
      .createTable('incident_evidence')
      .addColumn('incident_id', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('media_type', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('message_id', 'text')
      // chain of custody: JSON array of { actor, at, action, source }
      .addColumn('custody', 'text', (c) => c.notNull())
      // the bytes, base64; kept with the record so that the evidence survives retention of raw mail
      .addColumn('content', 'text')
      .addPrimaryKeyConstraint('incident_evidence_pk', ['incident_id', 'sha256'])
      .execute();

    await db.schema
      .createTable('incident_tasks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('incident_id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('title_ja', 'text')
      .addColumn('owner', 'text')
      .addColumn('due', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('incident_tasks_incident').on('incident_tasks').columns(['incident_id', 'created_at']).execute();

    await db.schema
      .createTable('incident_timeline')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('incident_id', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('en', 'text', (c) => c.notNull())
      .addColumn('ja', 'text', (c) => c.notNull())
      .addColumn('account', 'text')
      .addColumn('ref', 'text')
      .addColumn('in_letter', 'integer', (c) => c.notNull())
      .addColumn('author', 'text')
      .execute();
    await db.schema.createIndex('incident_timeline_incident_at').on('incident_timeline').columns(['incident_id', 'at']).execute();
  },
};
