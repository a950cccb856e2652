// Schema version 5: users, sessions, API tokens, audit log (issue 12). Filled in by the work on that issue.
import type { Migration } from '../migrations.js';

export const migration: Migration = {
  version: 5,
  description: 'users, sessions, API tokens, audit log (issue 12)',
  up: async () => {},
};
