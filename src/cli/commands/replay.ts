// `kizuki replay scenarios/<file> [--json]`: runs a scenario in simulated time and shows what Kizuki noticed, and when.
import type { Command } from 'commander';
import type { ReplaySummary } from '../../incidents/replay.js';
import type { ActionRecord } from '../../model/response.js';

async function printTimeline(summary: ReplaySummary, lang: 'en' | 'ja'): Promise<void> {
  const { formatDuration } = await import('../../incidents/timeline.js');
  const out = process.stdout;
  out.write(`${summary.title[lang]}\n`);
  out.write(`${summary.events} events replayed, ${summary.signals} signals, ${summary.incidents_opened} incident(s) opened; lure verdict: ${summary.lure_verdict ?? 'n/a'} (${summary.verdict_source})\n\n`);
  for (const entry of summary.timeline) {
    const more = entry.repeats ? (lang === 'ja' ? `(他 ${entry.repeats} 件、24 時間以内)` : ` (+${entry.repeats} more within 24 h)`) : '';
    out.write(`${entry.time.replace('.000Z', 'Z')}  ${entry.kind.padEnd(44)} ${entry[lang]}${more}\n`);
  }
  out.write('\n');
  if (summary.time_to_detect_seconds !== undefined) {
    const ttd = formatDuration(summary.time_to_detect_seconds);
    const then = formatDuration(summary.reference_time_to_detect_seconds);
    out.write(
      lang === 'ja'
        ? `検知までの時間: ${ttd}(最初の証拠から)。2017 年の実際: ${then}。\n`
        : `Time to detect: ${ttd} from the first evidence. In 2017: ${then}.\n`,
    );
  } else {
    out.write(lang === 'ja' ? 'インシデントは起票されませんでした。\n' : 'No incident was opened.\n');
  }
  if (summary.detected_after_first_malicious_send_seconds !== undefined) {
    const s = summary.detected_after_first_malicious_send_seconds;
    const text = s <= 0 ? `${formatDuration(-s)} before` : `${formatDuration(s)} after`;
    const textJa = s <= 0 ? `${formatDuration(-s)} 前` : `${formatDuration(s)} 後`;
    out.write(lang === 'ja' ? `最初の不正送信の ${textJa}に起票。\n` : `Incident opened ${text} the first malicious send.\n`);
  }
  printContainment(summary, lang, formatDuration);
}

/** The response half: what the playbook did and how long containment took, beside 2017's figures. */
function printContainment(summary: ReplaySummary, lang: 'en' | 'ja', formatDuration: (seconds: number) => string): void {
  const response = summary.response;
  if (!response) return;
  const out = process.stdout;
  out.write(lang === 'ja' ? `\n対応(プレイブック ${response.playbook}、承認は自動、証拠: ${response.evidence}):\n` : `\nResponse (playbook ${response.playbook}, approvals on automatic, evidence: ${response.evidence}):\n`);
  for (const action of response.actions) {
    out.write(`${action.time.replace('.000Z', 'Z')}  ${action.step.padEnd(32)} ${action.result.padEnd(17)} ${action[lang]}\n`);
  }
  const ref = response.reference_containment;
  if (summary.time_to_contain_seconds === undefined) {
    out.write(lang === 'ja' ? 'アカウントは封じ込められませんでした。\n' : 'The account was not contained.\n');
    return;
  }
  const ours = formatDuration(summary.time_to_contain_seconds);
  const oursTotal = response.compromise_to_contain_seconds !== undefined ? formatDuration(response.compromise_to_contain_seconds) : '?';
  const then = ref.noticed_to_contain_seconds !== undefined ? formatDuration(ref.noticed_to_contain_seconds) : '?';
  const thenTotal = ref.compromise_to_contain_seconds !== undefined ? formatDuration(ref.compromise_to_contain_seconds) : '?';
  const thenEnd = ref.noticed_to_response_end_seconds !== undefined ? formatDuration(ref.noticed_to_response_end_seconds) : '?';
  out.write(
    lang === 'ja'
      ? `封じ込めまでの時間: 起票から ${ours}(パスワード漏えいから ${oursTotal})。2017 年: 発覚から最初のアカウント停止まで ${then}、パスワード漏えいからは ${thenTotal}、手作業の対応全体は発覚から ${thenEnd}。\n`
      : `Time to contain: ${ours} after the incident opened (${oursTotal} after the password was given away). In 2017: ${then} from noticing to the first account locked, ${thenTotal} after the password was given away; the whole hand-made response ran ${thenEnd} after noticing.\n`,
  );
}

export function register(program: Command): void {
  program
    .command('replay')
    .description('replay a scenario of account events in simulated time and print what Kizuki noticed')
    .argument('<scenario>', 'scenario file (YAML or JSON), e.g. scenarios/2017-shared-you-a-file.yaml')
    .option('--json', 'print one summary object as JSON')
    .option('--lang <lang>', 'language of the printed timeline: en or ja', 'en')
    .option('--store <url>', 'keep the replayed events, signals and incident record in this store (for kizuki incident and kizuki report)')
    .option('--no-pipeline', "use the verdicts written in the scenario instead of Kizuki's own analysis of its sample messages")
    .action(async (file: string, options: { json?: boolean; lang: string; pipeline: boolean; store?: string }) => {
      let summary: ReplaySummary;
      try {
        const { replayScenario } = await import('../../incidents/replay.js');
        const kept = options.store ? await import('../../incidents/record-replay.js') : undefined;
        const sink = kept ? new (await import('../../events/sink.js')).MemorySink() : undefined;
        const actions: ActionRecord[] = [];
        summary = await replayScenario(file, { pipeline: options.pipeline ? 'auto' : 'off', ...(sink ? { sink, onActions: (log) => actions.push(...log) } : {}) });
        if (kept && sink && options.store) {
          const ids = await kept.keepReplayAt(options.store, file, sink, { actions: async (_store, id) => actions.filter((a) => a.incidentId === id) });
          process.stderr.write(`kept ${ids.length} incident(s) in the store: ${ids.join(', ')}\n`);
        }
      } catch (error) {
        process.stderr.write(`kizuki replay: ${(error as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      if (options.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      else await printTimeline(summary, options.lang === 'ja' ? 'ja' : 'en');
    });
}
