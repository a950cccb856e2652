// Talks to the Kizuki API with the session cookie; every change carries the CSRF token.
let csrf = '';

export function setCsrf(token: string): void {
  csrf = token;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrf;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const text = await res.text();
  const data = text ? JSON.parse(text) : {};
  if (!res.ok) throw new ApiError(res.status, (data as { error?: string }).error ?? res.statusText);
  return data as T;
}

export interface User {
  id: string;
  username: string;
  role: 'viewer' | 'analyst' | 'admin';
  lang: 'en' | 'ja';
  mustChangePassword: boolean;
  disabled: boolean;
}

export interface Reason {
  ruleId: string;
  name: string;
  score: number;
  severity: string;
  en: string;
  ja: string;
}

export interface Message {
  sha256: string;
  messageId: string;
  subject: string;
  fromAddress: string;
  date?: string;
  verdict: string;
  score: number;
  reasons: Reason[];
  judgedAt: string;
  summary: Record<string, unknown>;
}

export interface TimelineEntry {
  time: string;
  kind: string;
  en: string;
  ja: string;
  account?: string;
  repeats?: number;
}

export interface Incident {
  id: string;
  title: string;
  titleJa?: string;
  phase: string;
  severity: string;
  accounts: string[];
  campaigns: string[];
  openedAt: string;
  firstEvidenceAt: string;
  timeline: TimelineEntry[];
}
