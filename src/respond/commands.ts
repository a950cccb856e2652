// What the approve, deny, actions and respond commands do, apart from parsing and printing: plain functions on a
// store, so they test without a terminal.
import { userInfo } from 'node:os';
import type { Store } from '../store/types.js';
import { ResponseRunner } from './runner.js';
import { type LoggedAction, type PauseState, ResponseStore } from './store.js';
import type { StepRow } from './types.js';

/** The person at the keyboard, for the record: --actor, else KIZUKI_ACTOR, else the login name. */
export function currentActor(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit?.trim()) return explicit.trim();
  if (env.KIZUKI_ACTOR?.trim()) return env.KIZUKI_ACTOR.trim();
  try {
    return userInfo().username || 'unknown';
  } catch {
    return env.USER ?? 'unknown';
  }
}

/** Records a person's decision on a step waiting for approval (or a task they did / will not do). */
export async function decideStep(store: Store, stepId: string, decision: 'approve' | 'deny', actor: string, note?: string, now?: () => Date): Promise<StepRow> {
  const runner = new ResponseRunner({ store, providers: [], playbooks: [], orgDomains: [], ...(now ? { clock: { now, sleep: async () => {} } } : {}) });
  return runner.decide(stepId, decision, actor, note);
}

export type PendingStep = StepRow & { incidentId: string; playbook: string };

export async function listPending(store: Store, incidentId?: string): Promise<PendingStep[]> {
  return new ResponseStore(store).stepsInState(['awaiting-approval'], incidentId);
}

export async function listActions(store: Store, incidentId?: string): Promise<LoggedAction[]> {
  return new ResponseStore(store).actions(incidentId ? { incidentId } : {});
}

export async function setPause(store: Store, paused: boolean, actor: string, reason?: string, now: () => Date = () => new Date()): Promise<PauseState> {
  const tables = new ResponseStore(store);
  await tables.setPaused(paused, actor, now().toISOString(), reason);
  return tables.pauseState();
}

export async function pauseState(store: Store): Promise<PauseState> {
  return new ResponseStore(store).pauseState();
}
