// Schema version 4: the incident record: tasks, indicators, evidence, timeline entries, notes (issue 11). Filled in by the work on that issue.
import type { Migration } from '../migrations.js';

export const migration: Migration = {
  version: 4,
  description: 'the incident record: tasks, indicators, evidence, timeline entries, notes (issue 11)',
  up: async () => {},
};
