// `kizuki replay scenarios/<file> [--json]`: runs a scenario in simulated time and shows what Kizuki noticed, and when.
import type { Command } from 'commander';
import type { ReplaySummary } from '../../incidents/replay.js';

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
        summary = await replayScenario(file, { pipeline: options.pipeline ? 'auto' : 'off', ...(sink ? { sink } : {}) });
        if (kept && sink && options.store) {
          const ids = await kept.keepReplayAt(options.store, file, sink);
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
