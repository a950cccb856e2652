// What every takeover detector looks like: it watches events in time order and returns signals.
import type { AccountEvent, Severity, Signal, SignalStrength } from '../../model/events.js';
import { stableId } from '../event.js';

export interface Detector {
  /** e.g. 'takeover.bounce-flood' (prefix of every signal's detector id) */
  readonly id: string;
  /** Read one event (events arrive in time order) and return the signals it completes. */
  observe(event: AccountEvent): Signal[];
  /** accounts this detector keeps state for (for memory accounting) */
  trackedAccounts(): number;
}

export interface SignalParts {
  detector: string;
  /** the event that completed the signal; its time is the signal's time */
  at: AccountEvent;
  account?: string;
  severity: Severity;
  evidence: string[];
  en: string;
  ja: string;
  campaign?: string;
  data?: Record<string, unknown>;
  /** see SignalStrength; detectors of behaviour leave it to the default 'behaviour' */
  strength?: SignalStrength;
}

/** A signal whose id follows from the detector and the completing event, so replays give the same id. */
export function makeSignal(parts: SignalParts): Signal {
  const account = parts.account ?? parts.at.account;
  const signal: Signal = {
    id: stableId('sig', parts.detector, account, parts.at.id),
    detector: parts.detector,
    time: parts.at.time,
    account,
    severity: parts.severity,
    evidence: [...new Set(parts.evidence)],
    en: parts.en,
    ja: parts.ja,
  };
  if (parts.campaign) signal.campaign = parts.campaign;
  if (parts.data) signal.data = parts.data;
  signal.strength = parts.strength ?? 'behaviour';
  return signal;
}

/** Per-account state, created on first use. */
export class PerAccount<S> {
  private readonly states = new Map<string, S>();
  constructor(private readonly create: () => S) {}
  get(account: string): S {
    let state = this.states.get(account);
    if (!state) {
      state = this.create();
      this.states.set(account, state);
    }
    return state;
  }
  get size(): number {
    return this.states.size;
  }
}

export function timeOf(event: AccountEvent): number {
  return Date.parse(event.time);
}
