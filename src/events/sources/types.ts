// One interface for every place account events come from: files now, HTTP, later the platforms' audit logs.
import type { IngestResult } from '../engine.js';
import type { AccountEvent } from '../../model/events.js';

/** Hands a batch to the engine; resolves once the batch is stored (then the source may acknowledge it). */
export type Deliver = (events: AccountEvent[]) => Promise<IngestResult>;

export interface EventSource {
  readonly name: string;
  /** Produce events until done (files) or until `stop` aborts (servers, pollers). */
  run(deliver: Deliver, stop?: AbortSignal): Promise<void>;
}
