// Event source for a mailbox's exported folders: mbox or .eml files of its Sent and Inbox.
// Sent mail → message.sent, Inbox mail → message.received, delivery failures → message.bounce.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AccountEvent } from '../../model/events.js';
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

/** Split an mbox into its messages (the "From " separator lines are dropped; ">From " unescaped). */
export function splitMbox(bytes: Uint8Array): Uint8Array[] {
  const text = Buffer.from(bytes).toString('latin1');
  if (!text.startsWith('From ')) return [bytes];
  const messages: Uint8Array[] = [];
  const starts: number[] = [];
  const separator = /^From [^\n]*\n/gm;
  for (let m = separator.exec(text); m; m = separator.exec(text)) starts.push(m.index, m.index + m[0].length);
  for (let i = 0; i < starts.length; i += 2) {
    const bodyStart = starts[i + 1] ?? text.length;
    const end = starts[i + 2] ?? text.length;
    const message = text.slice(bodyStart, end).replace(/^>(>*From )/gm, '$1');
    messages.push(new Uint8Array(Buffer.from(message, 'latin1')));
  }
  return messages;
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
          let messages: Uint8Array[];
          try {
            messages = splitMbox(new Uint8Array(await readFile(file)));
          } catch (error) {
            options.onError?.(file, error as Error);
            continue;
          }
          for (const [index, raw] of messages.entries()) {
            try {
              batch.push(
                await messageEvent(
                  {
                    raw,
                    account: options.account,
                    folder,
                    source: `file:${path.basename(file)}`,
                    fallbackTime: (options.fallbackTime?.() ?? new Date()).toISOString(),
                    position: `${path.basename(file)}#${index}`,
                  },
                  options.judge,
                ),
              );
            } catch (error) {
              options.onError?.(`${file}#${index}`, error as Error);
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
