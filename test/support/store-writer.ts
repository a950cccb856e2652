// A writer for the crash test: `node build/test/support/store-writer.js URL N [BATCH]` stores N account events
// (and one judged message per batch) in transactional batches, and prints what each batch stored only after the
// commit: "event <id>" and "message <sha256>" lines, then "done". Run it again and it rewrites the same records.
import { createHash } from 'node:crypto';
import type { AccountEvent } from '../../src/model/events.js';
import { type JudgedMessage, openStore } from '../../src/store/index.js';

export const WRITER_ACCOUNT = 'writer@example.co.jp';

export function writerEventId(batch: number, item: number): string {
  return `crash-${batch}-${item}`;
}

export function writerMessageSha(batch: number): string {
  return createHash('sha256').update(`crash batch ${batch}`).digest('hex');
}

function eventFor(batch: number, item: number, index: number): AccountEvent {
  return {
    id: writerEventId(batch, item),
    kind: 'message.sent',
    time: new Date(Date.UTC(2017, 5, 1) + index * 1000).toISOString(),
    account: WRITER_ACCOUNT,
    source: 'crash-test',
    data: { batch, item, to: [`customer${item}@example.com`], subject: '請求書 / invoice' },
  };
}

function messageFor(batch: number): JudgedMessage {
  return {
    sha256: writerMessageSha(batch),
    messageId: `crash-${batch}@example.co.jp`,
    subject: `batch ${batch}`,
    fromAddress: WRITER_ACCOUNT,
    source: { path: 'crash-test', index: batch },
    verdict: 'suspicious',
    score: batch,
    reasons: [],
    summary: { batch },
    judgedAt: new Date(Date.UTC(2017, 5, 1) + batch * 1000).toISOString(),
  };
}

async function main(): Promise<void> {
  const [url, countText, batchText] = process.argv.slice(2);
  if (!url || !countText) {
    process.stderr.write('usage: store-writer URL N [BATCH]\n');
    process.exit(2);
  }
  const total = Number(countText);
  const batchSize = Number(batchText ?? 250);
  const store = await openStore(url);
  for (let batch = 0, start = 0; start < total; batch++, start += batchSize) {
    const events: AccountEvent[] = [];
    for (let item = 0; item < batchSize && start + item < total; item++) events.push(eventFor(batch, item, start + item));
    await store.transaction(async (trx) => {
      await trx.putEvents(events);
      await trx.putJudgedMessages([messageFor(batch)]);
    });
    // Acknowledged only now, after the commit returned.
    process.stdout.write(`${events.map((e) => `event ${e.id}\n`).join('')}message ${writerMessageSha(batch)}\n`);
  }
  await store.close();
  process.stdout.write('done\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  main().catch((error: unknown) => {
    process.stderr.write(`store-writer: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
