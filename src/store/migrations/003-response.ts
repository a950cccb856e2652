// Schema version 3: playbook runs, steps and the action log (issue 10). Filled in by the work on that issue.
import type { Migration } from '../migrations.js';

export const migration: Migration = {
  version: 3,
  description: 'playbook runs, steps and the action log (issue 10)',
  up: async () => {},
};
