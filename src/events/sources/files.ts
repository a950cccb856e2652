// Event source for a mailbox's exported folders: mbox or .eml files of its Sent and Inbox.
// Sent mail → message.sent, Inbox mail → message.received, delivery failures → message.bounce.
import path from 'node:path';
import type { AccountEvent } from '../../model/events.js';
import { readSources } from '../../scan/sources.js';
import { type MessageJudge, messageEvent } from '../message-event.js';
import type { Deliver, EventSource } from './types.js';

export interface MailboxFilesOptions {
  account: string;
  /** mbox or .eml files of the Sent folder */
  sent?: string[];
  /** mbox or .eml files of the Inbox */
  inbox?: string[];
  /** analyse + judge each message (verdicts feed lateral-phishing and campaign detection) */
  judge?: MessageJudge;
  batchSize?: number;
  /** time for messages without a usable Date header */
  fallbackTime?: () => Date;
  /** a message that cannot be read is reported here and skipped; the rest go on */
  onError?: (where: string, error: Error) => void;
}

export function mailboxFilesSource(options: MailboxFilesOptions): EventSource {
  const size = options.batchSize ?? 200;
  return {
    name: `files:${options.account}`,
    async run(deliver: Deliver, stop?: AbortSignal): Promise<void> {
      let batch: AccountEvent[] = [];
      const folders: Array<['sent' | 'inbox', string[]]> = [
        ['sent', options.sent ?? []],
        ['inbox', options.inbox ?? []],
      ];
      for (const [folder, files] of folders) {
        for (const file of files) {
          if (stop?.aborted) return;
          for await (const item of readSources([file])) {
            const where = item.ref.index === undefined ? item.ref.path : `${item.ref.path}#${item.ref.index}`;
            if ('error' in item) {
              options.onError?.(where, new Error(item.error));
              continue;
            }
            try {
              batch.push(
                await messageEvent(
                  {
                    raw: item.raw,
                    account: options.account,
                    folder,
                    source: `file:${path.basename(file)}`,
                    fallbackTime: (options.fallbackTime?.() ?? new Date()).toISOString(),
                    position: `${path.basename(file)}#${item.ref.index ?? 0}`,
                  },
                  options.judge,
                ),
              );
            } catch (error) {
              options.onError?.(where, error as Error);
            }
            if (batch.length >= size) {
              await deliver(batch);
              batch = [];
            }
          }
        }
      }
      if (batch.length > 0) await deliver(batch);
    },
  };
}
