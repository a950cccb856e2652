// What fixtures/genuine holds: how many messages of each kind. Each builder varies language, people, wording and
// links by its index and the seeded generator, so no two messages share one template's text.
import { businessEn, businessJa, formsSurvey, holidayNotice, mfpScan, newsletter, outOfOffice, partnerDocument, securityWarning } from './fixture-business.js';
import { adobeSign, calendarInvite, docusign, driveShare, dropbox, googleSecurity, microsoftSecurity, sharepointShare } from './fixture-platforms.js';
import { chatwork, freeeInvoice, github, sansan, slack, voicemail, yamato, zoom } from './fixture-services.js';
import type { PlanEntry } from './make-fixtures.js';

export const GENUINE_PLAN: PlanEntry[] = [
  { build: driveShare, count: 16 },
  { build: sharepointShare, count: 12 },
  { build: googleSecurity, count: 8 },
  { build: microsoftSecurity, count: 5 },
  { build: calendarInvite, count: 6 },
  { build: docusign, count: 6 },
  { build: adobeSign, count: 3 },
  { build: dropbox, count: 5 },
  { build: zoom, count: 4 },
  { build: slack, count: 3 },
  { build: github, count: 5 },
  { build: chatwork, count: 3 },
  { build: sansan, count: 2 },
  { build: freeeInvoice, count: 4 },
  { build: yamato, count: 5 },
  { build: voicemail, count: 3 },
  { build: partnerDocument, count: 16 },
  { build: outOfOffice, count: 3 },
  { build: mfpScan, count: 3 },
  { build: formsSurvey, count: 3 },
  { build: securityWarning, count: 2 },
  { build: newsletter, count: 10 },
  { build: businessJa, count: 16 },
  { build: businessEn, count: 6 },
  { build: holidayNotice, count: 2 },
];
