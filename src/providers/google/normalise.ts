// Google Reports API activities → Kizuki AccountEvents. Pure: one activity in, zero or more events out, each with
// an id made from the activity's own id, so reading the same activity twice yields the same event.
import { stableId } from '../../events/event.js';
import type { AccountEvent, AccountEventKind } from '../../model/events.js';

export interface ReportParameter {
  name?: string | null;
  value?: string | null;
  boolValue?: boolean | null;
  intValue?: string | null;
  multiValue?: string[] | null;
}

export interface ReportActivity {
  id?: { time?: string | null; uniqueQualifier?: string | null; applicationName?: string | null } | null;
  actor?: { email?: string | null } | null;
  ipAddress?: string | null;
  networkInfo?: { regionCode?: string | null; ipAsn?: number[] | null } | null;
  events?: Array<{ type?: string | null; name?: string | null; parameters?: ReportParameter[] | null }> | null;
}

function param(parameters: ReportParameter[] | null | undefined, name: string): string | boolean | string[] | undefined {
  const p = parameters?.find((x) => x.name === name);
  if (!p) return undefined;
  if (typeof p.boolValue === 'boolean') return p.boolValue;
  if (Array.isArray(p.multiValue)) return p.multiValue;
  if (typeof p.value === 'string') return p.value;
  if (typeof p.intValue === 'string') return p.intValue;
  return undefined;
}

const LOGIN: Record<string, AccountEventKind> = {
  login_success: 'signin.success',
  login_failure: 'signin.failure',
  login_challenge: 'signin.challenge',
  login_verification: 'signin.challenge',
  suspicious_login: 'signin.challenge',
  suspicious_login_less_secure_app: 'signin.challenge',
  suspicious_programmatic_login: 'signin.challenge',
};

const USER_ACCOUNTS: Record<string, AccountEventKind> = {
  password_edit: 'password.changed',
  email_forwarding_change: 'setting.forwarding',
  email_forwarding_out_of_domain: 'setting.forwarding',
};

/** Admin-console changes to a user's Gmail settings: the SETTING_NAME tells which. */
function adminSetting(settingName: string): AccountEventKind | undefined {
  const s = settingName.toLowerCase();
  if (s.includes('forward')) return 'setting.forwarding';
  if (s.includes('filter')) return 'setting.filter';
  if (s.includes('delegat')) return 'setting.delegate';
  if (s.includes('send as') || s.includes('sendas') || s.includes('send_as')) return 'setting.sendas';
  return undefined;
}

/** The events Kizuki keeps from one Reports activity of `application` (login, admin, token, user_accounts, gmail). */
export function normaliseActivity(application: string, activity: ReportActivity, providerName: string): AccountEvent[] {
  const time = activity.id?.time;
  const actor = activity.actor?.email?.toLowerCase();
  if (!time || Number.isNaN(Date.parse(time))) return [];
  const out: AccountEvent[] = [];
  for (const [index, event] of (activity.events ?? []).entries()) {
    const name = event.name ?? '';
    const p = event.parameters;
    let kind: AccountEventKind | undefined;
    let account = actor;
    const data: Record<string, unknown> = {};
    if (application === 'login') {
      kind = LOGIN[name];
      if (activity.ipAddress) data.ip = activity.ipAddress;
      const region = activity.networkInfo?.regionCode;
      if (region) data.country = region.toUpperCase();
      const asn = activity.networkInfo?.ipAsn?.[0];
      if (asn !== undefined) data.network = `AS${asn}`;
      const suspicious = param(p, 'is_suspicious');
      data.suspicious = suspicious === true || name.startsWith('suspicious_');
      const failure = param(p, 'login_failure_type');
      if (typeof failure === 'string') data.failureType = failure;
      const challenge = param(p, 'login_challenge_method');
      if (challenge !== undefined) data.challenge = challenge;
      const loginType = param(p, 'login_type');
      if (typeof loginType === 'string') data.loginType = loginType;
    } else if (application === 'token') {
      if (name === 'authorize') {
        kind = 'oauth.grant';
        data.clientId = param(p, 'client_id');
        data.appName = param(p, 'app_name');
        const scopes = param(p, 'scope');
        data.scopes = Array.isArray(scopes) ? scopes : typeof scopes === 'string' ? scopes.split(/\s+/) : [];
      }
    } else if (application === 'user_accounts') {
      kind = USER_ACCOUNTS[name];
      if (kind === 'setting.forwarding') {
        const target = param(p, 'email_forwarding_destination_address');
        if (typeof target === 'string') data.target = target.toLowerCase();
        data.enabled = true;
      }
      if (name === 'application_specific_password_created' || name === 'asp_create') kind = 'apppassword.created';
    } else if (application === 'admin') {
      // the admin acted; the user the change is about is USER_EMAIL
      const user = param(p, 'USER_EMAIL');
      if (typeof user === 'string') account = user.toLowerCase();
      if (name === 'CHANGE_PASSWORD') kind = 'password.changed';
      else if (name === 'CREATE_GMAIL_SETTING' || name === 'CHANGE_GMAIL_SETTING') {
        const setting = param(p, 'SETTING_NAME');
        kind = typeof setting === 'string' ? adminSetting(setting) : undefined;
        const value = param(p, 'NEW_VALUE');
        if (kind === 'setting.forwarding' && typeof value === 'string') data.target = value.toLowerCase();
        if (kind === 'setting.delegate' && typeof value === 'string') data.delegate = value.toLowerCase();
        if (kind === 'setting.sendas' && typeof value === 'string') data.address = value.toLowerCase();
        data.setting = setting;
      } else if (name === 'ADD_APPLICATION_SPECIFIC_PASSWORD') kind = 'apppassword.created';
      if (kind) data.by = actor;
    }
    if (!kind || !account) continue;
    out.push({
      id: stableId('google', providerName, application, activity.id?.uniqueQualifier ?? '', time, name, String(index)),
      kind,
      time: new Date(time).toISOString(),
      account,
      source: `google:reports:${application}`,
      data,
      raw: { application, name, time, uniqueQualifier: activity.id?.uniqueQualifier ?? null, actor: actor ?? null, ipAddress: activity.ipAddress ?? null, parameters: p ?? [] },
    });
  }
  return out;
}
