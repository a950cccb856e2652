// What fixtures/lookalike-lures holds: lures that imitate the genuine notifications of fixtures/genuine.
import type { PlanEntry } from './make-fixtures.js';

export const LURE_PLAN: PlanEntry[] = [];
