// Schema version 3: playbook runs, steps and the action log (issue 10). Read and written only by src/respond/store.ts.
import type { Migration } from '../migrations.js';

export const migration: Migration = {
  version: 3,
  description: 'playbook runs, steps and the action log (issue 10)',
  up: async (db) => {
    await db.schema
      .createTable('response_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('incident_id', 'text', (c) => c.notNull())
      .addColumn('playbook', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('evidence', 'text', (c) => c.notNull())
      .addColumn('context', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('response_runs_incident').on('response_runs').columns(['incident_id', 'playbook']).unique().execute();

    await db.schema
      .createTable('response_steps')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('run_id', 'text', (c) => c.notNull().references('response_runs.id').onDelete('cascade'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('step', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('target', 'text')
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'text')
      .addColumn('spec', 'text', (c) => c.notNull())
      .addColumn('result', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('response_steps_run_seq').on('response_steps').columns(['run_id', 'seq']).execute();
    await db.schema.createIndex('response_steps_state').on('response_steps').columns(['state', 'updated_at']).execute();

    await db.schema
      .createTable('response_actions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('incident_id', 'text')
      .addColumn('run_id', 'text')
      .addColumn('step_id', 'text')
      .addColumn('playbook', 'text')
      .addColumn('step', 'text')
      .addColumn('provider', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('account', 'text')
      .addColumn('calls', 'text', (c) => c.notNull())
      .addColumn('request', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('en', 'text', (c) => c.notNull())
      .addColumn('ja', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text', (c) => c.notNull())
      .addColumn('dry_run', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('response_actions_incident').on('response_actions').columns(['incident_id', 'started_at']).execute();
    await db.schema.createIndex('response_actions_started').on('response_actions').columns(['started_at', 'id']).execute();

    await db.schema
      .createTable('response_control')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .execute();

    await db.schema
      .createTable('response_blocklist')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('incident_id', 'text')
      .addColumn('added_at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('response_blocklist_pk', ['kind', 'value'])
      .execute();
  },
};
