// How scan results read on a terminal: the table, the end-of-run summary and --explain, in English or Japanese.
import type { Analysis } from '../model/analysis.js';
import type { Verdict } from '../model/verdict.js';
import type { ScanRecord } from './record.js';

export type Lang = 'en' | 'ja';

export function langFromEnv(env: NodeJS.ProcessEnv = process.env): Lang {
  const value = env.KIZUKI_LANG ?? env.LC_ALL ?? env.LC_MESSAGES ?? env.LANG ?? '';
  return value.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

const WORDS = {
  en: { message: 'MESSAGE', verdict: 'VERDICT', score: 'SCORE', reasons: 'TOP REASONS', error: 'error' },
  ja: { message: 'メッセージ', verdict: '判定', score: 'スコア', reasons: '主な理由', error: 'エラー' },
} as const;

const VERDICT_WORDS: Record<Lang, Record<string, string>> = {
  en: { malicious: 'malicious', suspicious: 'suspicious', spam: 'spam', clean: 'clean' },
  ja: { malicious: '危険', suspicious: '要注意', spam: '迷惑', clean: '問題なし' },
};

/** Display width: East Asian wide characters take two columns. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    width += code >= 0x1100 && (code <= 0x115f || (code >= 0x2e80 && code <= 0xa4cf) || (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60) || (code >= 0xffe0 && code <= 0xffe6) || code >= 0x20000) ? 2 : 1;
  }
  return width;
}

function fit(text: string, width: number): string {
  let out = '';
  let used = 0;
  const chars = [...text];
  for (const [i, char] of chars.entries()) {
    const w = displayWidth(char);
    if (used + w > width - (i < chars.length - 1 ? 1 : 0) && displayWidth(text) > width) {
      out += '…';
      used += 1;
      break;
    }
    out += char;
    used += w;
  }
  return out + ' '.repeat(Math.max(0, width - used));
}

/** The message's source, relative to the working folder when it lies inside it. */
export function sourceLabel(record: ScanRecord, cwd: string = process.cwd()): string {
  const path = record.source.path.startsWith(`${cwd}/`) ? record.source.path.slice(cwd.length + 1) : record.source.path;
  return record.source.index === undefined ? path : `${path}#${record.source.index}`;
}

/** Fit to a column, cutting from the left so the file name stays visible. */
function fitLeft(text: string, width: number): string {
  if (displayWidth(text) <= width) return fit(text, width);
  const chars = [...text];
  let used = 1;
  let start = chars.length;
  while (start > 0 && used + displayWidth(chars[start - 1]!) <= width) {
    start -= 1;
    used += displayWidth(chars[start]!);
  }
  return fit(`…${chars.slice(start).join('')}`, width);
}

const COLUMNS = { message: 48, verdict: 11, score: 6 };

export function tableHeader(lang: Lang): string {
  const w = WORDS[lang];
  return `${fit(w.message, COLUMNS.message)} ${fit(w.verdict, COLUMNS.verdict)} ${fit(w.score, COLUMNS.score)} ${w.reasons}`;
}

export function tableRow(record: ScanRecord, lang: Lang): string {
  const verdict = record.verdict ? (VERDICT_WORDS[lang][record.verdict] ?? record.verdict) : WORDS[lang].error;
  const reasons = record.verdict === null ? (record.error ?? '') : record.reasons.slice(0, 2).map((r) => (lang === 'ja' ? r.ja : r.name)).join('; ');
  return `${fitLeft(sourceLabel(record), COLUMNS.message)} ${fit(verdict, COLUMNS.verdict)} ${fit(String(Math.round(record.score)), COLUMNS.score)} ${reasons}`;
}

export interface ScanTotals {
  messages: number;
  byVerdict: Record<string, number>;
  ioErrors: number;
  withAnalysisErrors: number;
  skippedFiles: number;
  seconds: number;
}

export function summaryLine(totals: ScanTotals, lang: Lang): string {
  const rate = totals.seconds > 0 ? Math.round(totals.messages / totals.seconds) : totals.messages;
  const v = (k: string) => totals.byVerdict[k] ?? 0;
  if (lang === 'ja') {
    return (
      `${totals.messages} 件を ${totals.seconds.toFixed(1)} 秒で判定（毎秒 ${rate} 件）: ` +
      `危険 ${v('malicious')}、要注意 ${v('suspicious')}、迷惑 ${v('spam')}、問題なし ${v('clean')}、` +
      `読めなかったもの ${totals.ioErrors}、解析に問題があったもの ${totals.withAnalysisErrors}` +
      (totals.skippedFiles ? `、メールでないため飛ばしたファイル ${totals.skippedFiles}` : '')
    );
  }
  return (
    `Judged ${totals.messages} messages in ${totals.seconds.toFixed(1)} s (${rate} msg/s): ` +
    `${v('malicious')} malicious, ${v('suspicious')} suspicious, ${v('spam')} spam, ${v('clean')} clean, ` +
    `${totals.ioErrors} unreadable, ${totals.withAnalysisErrors} with analysis problems` +
    (totals.skippedFiles ? `, ${totals.skippedFiles} non-mail files skipped` : '')
  );
}

function addressLine(address: { name: string; address: string }): string {
  return address.name ? `${address.name} <${address.address}>` : `<${address.address}>`;
}

/** The full analysis of one message, for a person. */
export function explain(record: ScanRecord, analysis: Analysis | undefined, verdict: Verdict | undefined, lang: Lang): string {
  const lines: string[] = [];
  const ja = lang === 'ja';
  lines.push(`== ${sourceLabel(record)} ==`);
  if (!analysis || !verdict) {
    lines.push(`${ja ? '判定' : 'verdict'}: ${record.verdict ?? WORDS[lang].error}`);
    if (record.error) lines.push(`${ja ? 'エラー' : 'error'}: ${record.error}`);
    return lines.join('\n');
  }
  lines.push(`${ja ? '判定' : 'verdict'}: ${VERDICT_WORDS[lang][verdict.verdict]} (${ja ? 'スコア' : 'score'} ${verdict.score})`);
  for (const reason of verdict.reasons) lines.push(`  +${reason.score}  [${reason.ruleId}] ${ja ? reason.ja : reason.en}`);
  lines.push('');
  lines.push(`Subject: ${analysis.subject}`);
  lines.push(`From: ${addressLine(analysis.from)}`);
  if (analysis.replyTo.length) lines.push(`Reply-To: ${analysis.replyTo.map(addressLine).join(', ')}`);
  if (analysis.returnPath) lines.push(`Return-Path: <${analysis.returnPath}>`);
  lines.push(`To: ${analysis.to.map(addressLine).join(', ') || '-'}${analysis.cc.length ? `  Cc: ${analysis.cc.map(addressLine).join(', ')}` : ''}${analysis.bcc.length ? `  Bcc: ${analysis.bcc.length}` : ''}`);
  lines.push(`Date: ${analysis.date || '-'}   Message-ID: ${analysis.messageId || '-'}`);
  lines.push(`sha256: ${analysis.sha256}  (${analysis.size} bytes)`);
  const auth = analysis.auth;
  lines.push(
    `${ja ? '送信者認証' : 'authentication'} (${auth.source}${auth.trustedHost ? ` ${auth.trustedHost}` : ''}): SPF ${auth.spf.result}` +
      `${auth.spf.domain ? ` (${auth.spf.domain})` : ''}, DKIM ${auth.dkim.map((d) => `${d.result}${d.domain ? ` (${d.domain}${d.aligned ? ', aligned' : ''})` : ''}`).join(' ') || 'none'}, ` +
      `DMARC ${auth.dmarc.result}, ARC ${auth.arc.result}`,
  );
  lines.push(`${ja ? '経路' : 'received hops'}: ${analysis.received.length}`);
  for (const hop of analysis.received.slice(0, 6)) lines.push(`  ${hop.index}: from ${hop.from ?? '?'} [${hop.ip ?? '?'}] by ${hop.by ?? '?'} ${hop.date ?? ''}`);
  lines.push('');
  lines.push(`${ja ? 'リンク' : 'links'}: ${analysis.links.length}`);
  for (const link of analysis.links.slice(0, 40)) {
    const idn = link.hostUnicode !== link.host ? ` (${link.hostUnicode})` : '';
    const text = link.text ? `  "${link.text}"` : '';
    lines.push(`  [${link.foundIn}] ${link.url}${idn}${text}${link.textMismatch ? (ja ? '  ← 表示と行き先が違う' : '  ← text and target disagree') : ''}`);
  }
  if (analysis.links.length > 40) lines.push(`  … ${analysis.links.length - 40} more`);
  lines.push(`${ja ? '添付ファイル' : 'attachments'}: ${analysis.attachments.length}`);
  for (const a of analysis.attachments) {
    const pdf = a.pdf ? ` pdf: ${a.pdf.pages}p ${a.pdf.links} links${a.pdf.encrypted ? ' encrypted' : ''}` : '';
    lines.push(
      `  ${'  '.repeat(a.depth)}${a.filename || '(no name)'}  ${a.detectedType}${a.extensionMismatch ? ' (name disagrees)' : ''}  ${a.size} B${pdf}${a.linkOnly ? (ja ? '  リンクのためだけの添付' : '  link carrier') : ''}${a.qrCodes.length ? `  QR: ${a.qrCodes.join(' ')}` : ''}`,
    );
    for (const e of a.errors) lines.push(`      ! ${e}`);
  }
  const f = analysis.facts;
  lines.push('');
  lines.push(
    `facts: language=${f.language} recipients=${f.recipientCount} hidden=${f.hiddenRecipients} undisclosed=${f.undisclosedRecipients} ` +
      `sentToSelf=${f.sentToSelf} externalDomains=${f.externalRecipientDomains} freemail=${f.freemailSender} ` +
      `replyToDiffers=${f.replyToDiffers} returnPathDiffers=${f.returnPathDiffers} bounce=${f.isBounce} autoReply=${f.isAutoReply} list=${f.isMailingList}`,
  );
  if (record.bounce) lines.push(`bounce: ${record.bounce.kind} ${record.bounce.status ?? ''} → ${record.bounce.recipients.join(', ')}`);
  if (analysis.errors.length) {
    lines.push(`${ja ? '解析時の問題' : 'analysis problems'}:`);
    for (const e of analysis.errors) lines.push(`  [${e.stage}] ${e.message}`);
  }
  return lines.join('\n');
}
