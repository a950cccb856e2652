// Where a scan's time went, stage by stage: `kizuki scan --timings`. Worker stages are measured inside the worker
// around each step; main-thread stages around theirs. Times are wall-clock milliseconds, summed over messages.
import type { Lang } from './format.js';

export interface StageTimings {
  /** process start to this thread being ready to read messages (CLI, configuration, pool) */
  startupMs: number;
  /** process start to the first verdict line */
  firstVerdictMs: number;
  /** waiting, after the first analysis was ready, for the rules to load and the store to open */
  waitForRulesMs: number;
  /** in the workers: parsing, authentication, links, attachments */
  analyseMs: number;
  /** in the workers: the history-free part of judging (lure wording, brands, look-alikes, text model) */
  prepareMs: number;
  /** this thread: the rules (CEL) with the sender's history */
  judgeMs: number;
  /** this thread: sender history look-ups and updates */
  historyMs: number;
  /** this thread: store transactions (verdicts, profiles) */
  storeMs: number;
  /** this thread: writing the records (JSON or table) */
  outputMs: number;
  messages: number;
  totalMs: number;
  /** the clock reading that counts as "process start" (0 for a process of its own; the client's start for the daemon) */
  originMs?: number;
}

export function emptyTimings(): StageTimings {
  return { startupMs: 0, firstVerdictMs: 0, waitForRulesMs: 0, analyseMs: 0, prepareMs: 0, judgeMs: 0, historyMs: 0, storeMs: 0, outputMs: 0, messages: 0, totalMs: 0 };
}

const LABELS: Record<Lang, Record<Exclude<keyof StageTimings, 'messages' | 'totalMs' | 'originMs'>, string>> = {
  en: {
    startupMs: 'start-up (to reading the first message)',
    firstVerdictMs: 'first verdict printed, from process start',
    waitForRulesMs: 'waiting for rules and store after the first analysis',
    analyseMs: 'analysis (workers: parse, authenticate, links, attachments)',
    prepareMs: 'preparing judgements (workers: wording, brands, look-alikes, model)',
    judgeMs: 'rules with sender history (main thread)',
    historyMs: 'sender history (main thread)',
    storeMs: 'store transactions (main thread)',
    outputMs: 'output (main thread)',
  },
  ja: {
    startupMs: '起動（最初のメッセージを読むまで）',
    firstVerdictMs: '最初の判定の出力（プロセス開始から）',
    waitForRulesMs: '最初の解析後、ルールとストアの準備待ち',
    analyseMs: '解析（ワーカー: 構文、認証、リンク、添付）',
    prepareMs: '判定の準備（ワーカー: 文言、ブランド、類似ドメイン、モデル）',
    judgeMs: '送信者履歴つきのルール評価（メインスレッド）',
    historyMs: '送信者履歴（メインスレッド）',
    storeMs: 'ストアへの書き込み（メインスレッド）',
    outputMs: '出力（メインスレッド）',
  },
};

/** A small table for standard error: each stage's total and its cost per message. */
export function timingsTable(t: StageTimings, lang: Lang): string {
  const perMessage = (ms: number) => (t.messages ? ms / t.messages : 0);
  const rows: Array<[string, string, string]> = [];
  const once = ['startupMs', 'firstVerdictMs', 'waitForRulesMs'] as const;
  const perMsg = ['analyseMs', 'prepareMs', 'judgeMs', 'historyMs', 'storeMs', 'outputMs'] as const;
  // start-up and first verdict are moments on the clock, counted from the origin
  const sinceOrigin = (key: (typeof once)[number]) => (key !== 'waitForRulesMs' && t[key] ? t[key] - (t.originMs ?? 0) : t[key]);
  for (const key of once) rows.push([LABELS[lang][key], `${sinceOrigin(key).toFixed(0)} ms`, '']);
  for (const key of perMsg) rows.push([LABELS[lang][key], `${t[key].toFixed(0)} ms`, `${perMessage(t[key]).toFixed(3)} ms/msg`]);
  const total = t.totalMs - (t.originMs ?? 0);
  const width = Math.max(...rows.map((r) => r[0].length));
  const head = lang === 'ja' ? `段階ごとの時間（${t.messages} 件、全体 ${total.toFixed(0)} ms）` : `time by stage (${t.messages} messages, ${total.toFixed(0)} ms in all)`;
  return [head, ...rows.map(([label, total, each]) => `  ${label.padEnd(width)}  ${total.padStart(9)}  ${each}`)].join('\n');
}
