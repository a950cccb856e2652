// Microsoft Graph records → Kizuki AccountEvents: sign-ins (auditLogs/signIns) and inbox rules (messageRules).
// Pure functions; the same record always yields the same event id.
import { stableId } from '../../events/event.js';
import type { AccountEvent, AccountEventKind } from '../../model/events.js';

export interface GraphSignIn {
  id?: string;
  createdDateTime?: string;
  userPrincipalName?: string;
  ipAddress?: string;
  clientAppUsed?: string;
  appDisplayName?: string;
  status?: { errorCode?: number; failureReason?: string };
  location?: { city?: string; countryOrRegion?: string; geoCoordinates?: { latitude?: number; longitude?: number } };
  riskLevelAggregated?: string;
  riskLevelDuringSignIn?: string;
  riskState?: string;
  conditionalAccessStatus?: string;
  deviceDetail?: { browser?: string; operatingSystem?: string };
}

/** Entra error codes that mean "asked for more proof" (MFA required, strong auth), not a wrong password. */
const CHALLENGE_CODES = new Set([50074, 50076, 50079, 50158, 53003]);

export function normaliseSignIn(row: GraphSignIn, providerName: string): AccountEvent | undefined {
  if (!row.id || !row.createdDateTime || !row.userPrincipalName || Number.isNaN(Date.parse(row.createdDateTime))) return undefined;
  const code = row.status?.errorCode ?? 0;
  const kind: AccountEventKind = code === 0 ? 'signin.success' : CHALLENGE_CODES.has(code) ? 'signin.challenge' : 'signin.failure';
  const risky = (level?: string) => level === 'high' || level === 'medium';
  const data: Record<string, unknown> = {
    suspicious: risky(row.riskLevelAggregated) || risky(row.riskLevelDuringSignIn) || row.riskState === 'atRisk' || row.riskState === 'confirmedCompromised',
  };
  if (row.ipAddress) data.ip = row.ipAddress;
  if (row.location?.countryOrRegion) data.country = row.location.countryOrRegion.toUpperCase();
  if (typeof row.location?.geoCoordinates?.latitude === 'number') data.lat = row.location.geoCoordinates.latitude;
  if (typeof row.location?.geoCoordinates?.longitude === 'number') data.lon = row.location.geoCoordinates.longitude;
  const agent = [row.deviceDetail?.browser, row.deviceDetail?.operatingSystem].filter(Boolean).join(' on ');
  if (agent) data.userAgent = agent;
  if (row.clientAppUsed) data.clientApp = row.clientAppUsed;
  if (row.appDisplayName) data.app = row.appDisplayName;
  if (code !== 0) {
    data.errorCode = code;
    if (row.status?.failureReason) data.failureReason = row.status.failureReason;
  }
  if (row.riskLevelAggregated) data.risk = row.riskLevelAggregated;
  return {
    id: stableId('microsoft', providerName, 'signin', row.id),
    kind,
    time: new Date(row.createdDateTime).toISOString(),
    account: row.userPrincipalName.toLowerCase(),
    source: 'microsoft:signins',
    data,
    raw: row as unknown,
  };
}

export interface GraphRule {
  id?: string;
  displayName?: string;
  isEnabled?: boolean;
  conditions?: Record<string, unknown>;
  actions?: {
    forwardTo?: Array<{ emailAddress?: { address?: string } }>;
    forwardAsAttachmentTo?: Array<{ emailAddress?: { address?: string } }>;
    redirectTo?: Array<{ emailAddress?: { address?: string } }>;
    delete?: boolean;
    permanentDelete?: boolean;
    moveToFolder?: string;
    markAsRead?: boolean;
    stopProcessingRules?: boolean;
  };
}

export function ruleTargets(rule: GraphRule): string[] {
  const a = rule.actions ?? {};
  return [...(a.forwardTo ?? []), ...(a.forwardAsAttachmentTo ?? []), ...(a.redirectTo ?? [])].map((r) => r.emailAddress?.address?.toLowerCase() ?? '').filter(Boolean);
}

/** forward / delete / move / mark-read: the kinds of rule an intruder sets to read mail away or hide replies. */
export function ruleAction(rule: GraphRule): string {
  const a = rule.actions ?? {};
  if (ruleTargets(rule).length > 0) return 'forward';
  if (a.delete || a.permanentDelete) return 'delete';
  if (a.moveToFolder) return 'move';
  if (a.markAsRead) return 'markAsRead';
  return 'other';
}

export function isHarmfulRule(rule: GraphRule): boolean {
  return ruleAction(rule) !== 'other';
}

/** A fingerprint of what a rule does, so a changed rule is noticed. */
export function ruleFingerprint(rule: GraphRule): string {
  return JSON.stringify([rule.isEnabled ?? true, rule.conditions ?? {}, rule.actions ?? {}]);
}

/** Events for a rule that is new or changed: a setting.filter, and a setting.forwarding per forwarding target. */
export function ruleEvents(account: string, rule: GraphRule, time: string, providerName: string): AccountEvent[] {
  const fingerprint = ruleFingerprint(rule);
  const targets = ruleTargets(rule);
  const base = { ruleId: rule.id, ruleName: rule.displayName ?? '', enabled: rule.isEnabled !== false };
  const out: AccountEvent[] = [
    {
      id: stableId('microsoft', providerName, 'rule', account, rule.id ?? '', fingerprint),
      kind: 'setting.filter',
      time,
      account,
      source: 'microsoft:messageRules',
      data: { ...base, action: ruleAction(rule), forwardTo: targets, criteria: rule.conditions ?? {} },
      raw: rule as unknown,
    },
  ];
  for (const target of targets) {
    out.push({
      id: stableId('microsoft', providerName, 'rule-forward', account, rule.id ?? '', fingerprint, target),
      kind: 'setting.forwarding',
      time,
      account,
      source: 'microsoft:messageRules',
      data: { ...base, target },
    });
  }
  return out;
}
