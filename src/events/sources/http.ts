// Event source that listens for events posted over HTTP (see src/server/events-intake.ts for the schema).
import type { AddressInfo } from 'node:net';
import { createEventsIntake } from '../../server/events-intake.js';
import type { Deliver, EventSource } from './types.js';

export interface HttpSourceOptions {
  token: string;
  port: number;
  host?: string;
  maxBodyBytes?: number;
  /** told the bound address once listening (useful with port 0) */
  onListening?: (address: AddressInfo) => void;
}

export function httpEventSource(options: HttpSourceOptions): EventSource {
  return {
    name: `http:${options.host ?? '127.0.0.1'}:${options.port}`,
    run(deliver: Deliver, stop?: AbortSignal): Promise<void> {
      const server = createEventsIntake({ token: options.token, engine: { ingest: (events) => deliver([...events]) }, maxBodyBytes: options.maxBodyBytes });
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host ?? '127.0.0.1', () => options.onListening?.(server.address() as AddressInfo));
        const close = () => server.close(() => resolve());
        if (stop?.aborted) close();
        stop?.addEventListener('abort', close, { once: true });
      });
    },
  };
}
