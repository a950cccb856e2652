// The response stage's own plain types: playbooks as read from YAML, the context a run works from, and step rows.
import type { Severity } from '../model/events.js';
import type { ActionKind, ActionResult } from '../providers/types.js';
import type { StepState } from '../model/response.js';

/** How far a step may go by itself: ordered from least to most cautious. */
export type StepMode = 'automatic' | 'approval' | 'dry-run';
export const STEP_MODES: readonly StepMode[] = ['automatic', 'approval', 'dry-run'];

/** An incident rests on strong evidence, on behaviour only, or on nothing a playbook should act on. */
export type EvidenceStrength = 'strong' | 'behaviour';

/** Which incident kinds the playbooks know (derived from the incident's signals when it does not say). */
export type IncidentKind = 'account-takeover' | 'malicious-message' | 'user-report';
export const INCIDENT_KINDS: readonly IncidentKind[] = ['account-takeover', 'malicious-message', 'user-report'];

export type StepTargets = 'once' | 'each-account' | 'each-message';

export interface Bilingual {
  en: string;
  ja: string;
}

/** What a step does: a provider action, a local block-list change, a notice, or a task for a person. */
export type StepDo =
  | { type: 'action'; action: ActionKind }
  | { type: 'block'; what: Array<'senders' | 'domains' | 'urls'> }
  | { type: 'notify'; to: 'staff' | 'recipients' | 'reporter'; subject: Bilingual; text: Bilingual }
  | { type: 'task'; task: Bilingual };

export interface StepSpec {
  id: string;
  do: StepDo;
  for: StepTargets;
  /** a CEL condition over the context (incident, accounts, messages, indicators); absent = always */
  when?: string;
  mode?: StepMode;
  timeoutSeconds: number;
  /** the step run in place of this one, for the same target, when it fails for good */
  onFailure?: StepSpec;
  /** true for actions that lock a person out (suspend, password change, sign-out) */
  lockout: boolean;
  /** for remove-* actions: only what appeared in the incident window */
  sinceIncident: boolean;
}

export interface PlaybookTrigger {
  kinds: IncidentKind[];
  minSeverity: Severity;
  /** any of these detector ids or prefixes (e.g. 'takeover.campaign'); empty = any */
  detectors: string[];
  /** 'strong': only incidents on strong evidence; 'any' */
  evidence: 'strong' | 'any';
}

export interface Playbook {
  id: string;
  name: Bilingual;
  description: string;
  trigger: PlaybookTrigger;
  mode: StepMode;
  steps: StepSpec[];
  /** the file it came from ('builtin:<name>' for the bundled ones) */
  file: string;
}

export interface ContextMessage {
  messageId: string;
  subject?: string;
  from?: string;
  /** accounts that received it */
  recipients: string[];
  verdict?: string;
}

/** Everything a run needs from the incident, frozen when the run starts (JSON-safe, stored with the run). */
export interface ResponseContext {
  incident: {
    id: string;
    kind: IncidentKind;
    title: string;
    severity: Severity;
    accounts: string[];
    detectors: string[];
    evidence: EvidenceStrength;
    openedAt: string;
    firstEvidenceAt: string;
    /** where the incident window starts: remove-* steps remove only what appeared since */
    windowStart: string;
    /** a behaviour-only review note: never triggers a step that locks a person out, not even with approval */
    reviewOnly?: boolean;
  };
  messages: ContextMessage[];
  indicators: { senders: string[]; domains: string[]; urls: string[] };
  /** who reported the message, for user-reported incidents */
  reporter?: string;
}

export interface StepRow {
  id: string;
  runId: string;
  seq: number;
  /** the playbook's step id (a fallback is '<step>.onFailure') */
  step: string;
  kind: string;
  target?: string;
  mode: StepMode;
  state: StepState;
  idempotencyKey: string;
  attempts: number;
  reason?: string;
  decidedBy?: string;
  decidedAt?: string;
  spec: StepSpec;
  result?: ActionResult;
  updatedAt: string;
}

export interface RunRow {
  id: string;
  incidentId: string;
  playbook: string;
  state: 'running' | 'waiting' | 'done' | 'paused';
  evidence: EvidenceStrength;
  context: ResponseContext;
  startedAt: string;
  updatedAt: string;
}
