// What fixtures/genuine holds: how many messages of each kind. Each builder varies language, people, wording and
// links by its index and the seeded generator, so no two messages share one template's text.
import type { PlanEntry } from './make-fixtures.js';
import { adobeSign, calendarInvite, docusign, driveShare, dropbox, googleSecurity, microsoftSecurity, sharepointShare } from './fixture-platforms.js';

export const GENUINE_PLAN: PlanEntry[] = [
  { build: driveShare, count: 14 },
  { build: sharepointShare, count: 10 },
  { build: googleSecurity, count: 8 },
  { build: microsoftSecurity, count: 5 },
  { build: calendarInvite, count: 6 },
  { build: docusign, count: 6 },
  { build: adobeSign, count: 3 },
  { build: dropbox, count: 5 },
];
