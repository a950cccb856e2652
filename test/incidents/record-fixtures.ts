// The 2017 scenario replayed once per test process (the real pipeline judges its sample messages), shared by the
// record and report tests, plus an action log like the one the respond stage writes.
import { join } from 'node:path';
import { MemorySink } from '../../src/events/sink.js';
import type { ActionRecord } from '../../src/model/response.js';
import { replayScenario } from '../../src/incidents/replay.js';
import { repoRoot } from '../support/cli.js';

export const SCENARIO = join(repoRoot, 'scenarios/2017-shared-you-a-file.yaml');

let replayed: Promise<MemorySink> | undefined;

/** A fresh copy each call, so that tests cannot change each other's input. */
export async function replayed2017(): Promise<MemorySink> {
  replayed ??= (async () => {
    const sink = new MemorySink();
    await replayScenario(SCENARIO, { sink });
    return sink;
  })();
  const sink = await replayed;
  const copy = new MemorySink();
  for (const [k, v] of sink.events) copy.events.set(k, structuredClone(v));
  for (const [k, v] of sink.signals) copy.signals.set(k, structuredClone(v));
  for (const [k, v] of sink.incidents) copy.incidents.set(k, structuredClone(v));
  return copy;
}

function action(incidentId: string, n: number, fields: Partial<ActionRecord> & Pick<ActionRecord, 'kind' | 'status' | 'en' | 'ja' | 'startedAt'>): ActionRecord {
  return { id: `act_${n}`, incidentId, calls: [], request: {}, actor: 'kizuki', idempotencyKey: `key_${n}`, dryRun: false, ...fields };
}

/** Containment on the morning of 12 July 2017, with the colleague's password change failing as it did then. */
export function containment2017(incidentId: string): ActionRecord[] {
  return [
    action(incidentId, 1, { kind: 'suspend', account: 'iwanaga@tsukishiro-vs.co.jp', status: 'done', startedAt: '2017-07-12T00:34:10.000Z', endedAt: '2017-07-12T00:34:11.000Z', en: 'Suspended iwanaga@tsukishiro-vs.co.jp and signed it out everywhere.', ja: 'iwanaga@tsukishiro-vs.co.jp を停止し、すべてのセッションからサインアウトしました。' }),
    action(incidentId, 2, { kind: 'force-password-change', account: 'hori@tsukishiro-vs.co.jp', status: 'failed', error: 'the provider refused the new password', startedAt: '2017-07-12T00:53:00.000Z', endedAt: '2017-07-12T00:53:02.000Z', en: 'Tried to reset the password of hori@tsukishiro-vs.co.jp.', ja: 'hori@tsukishiro-vs.co.jp のパスワードの再設定を試みました。' }),
    action(incidentId, 3, { kind: 'suspend', account: 'hori@tsukishiro-vs.co.jp', status: 'done', startedAt: '2017-07-12T00:53:30.000Z', endedAt: '2017-07-12T00:53:31.000Z', en: 'Suspended hori@tsukishiro-vs.co.jp instead.', ja: '代わりに hori@tsukishiro-vs.co.jp を停止しました。' }),
    action(incidentId, 4, { kind: 'sign-out', account: 'hori@tsukishiro-vs.co.jp', status: 'dry-run', dryRun: true, startedAt: '2017-07-12T00:54:00.000Z', en: 'Would sign hori@tsukishiro-vs.co.jp out everywhere.', ja: 'hori@tsukishiro-vs.co.jp をすべてのセッションからサインアウトする予定です。' }),
  ];
}
