// Schema version 2: provider cursors (issue 9: where each provider stopped reading). Filled in by the work on that issue.
import type { Migration } from '../migrations.js';

export const migration: Migration = {
  version: 2,
  description: 'provider cursors (issue 9: where each provider stopped reading)',
  up: async () => {},
};
