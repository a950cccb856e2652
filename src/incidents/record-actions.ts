// Where the record reads the action log: the respond stage's tables (src/respond/store.ts) in the same store.
import type { ActionRecord } from '../model/response.js';
import type { Store } from '../store/types.js';

/** Reads the action log of one incident. */
export type ActionLogReader = (store: Store, incidentId: string) => Promise<ActionRecord[]>;

export const noActions: ActionLogReader = async () => [];

/** The respond stage's action log of this incident, oldest first. */
export const respondActions: ActionLogReader = async (store, incidentId) => {
  const { listActions } = await import('../respond/commands.js');
  return listActions(store, incidentId);
};
