// Response records: what Kizuki (or a person) did about an incident. JSON-safe.
import type { ActionKind, ActionStatus, ApiCall } from '../providers/types.js';

export type StepState = 'pending' | 'awaiting-approval' | 'running' | 'done' | 'failed' | 'skipped' | 'denied' | 'dry-run';

/** One action, automatic or human: the action log's row, read by the incident timeline and the letters. */
export interface ActionRecord {
  id: string;
  incidentId?: string;
  playbook?: string;
  step?: string;
  /** configured provider name; absent for a human task */
  provider?: string;
  /** provider action kind, or 'task' for a human task, 'block' for a local block-list change, 'notify' … */
  kind: ActionKind | 'task' | 'block' | 'note';
  account?: string;
  /** the exact calls (method and path, never secrets) */
  calls: ApiCall[];
  /** what was asked, in a short form (no secrets) */
  request: Record<string, unknown>;
  status: ActionStatus | StepState;
  en: string;
  ja: string;
  error?: string;
  startedAt: string;
  endedAt?: string;
  /** 'kizuki' for automatic steps, else the person's login */
  actor: string;
  idempotencyKey: string;
  dryRun: boolean;
}
