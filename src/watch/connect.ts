// What `kizuki connect` does: build each configured provider and ask it to check itself. A provider that cannot even
// be built (its secret is missing) gets a report that says so, and the others are still checked.
import type { KizukiConfig } from '../config.js';
import { createProvider } from '../providers/index.js';
import type { ConnectReport } from '../providers/types.js';
import { selectEntries } from './run.js';

export async function checkProviders(config: KizukiConfig, options: { only?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<ConnectReport[]> {
  const entries = selectEntries(config, options.only);
  if (entries.length === 0) throw new Error('no providers configured: add a providers: section to the configuration (see docs/providers.md)');
  const reports: ConnectReport[] = [];
  for (const entry of entries) {
    let provider: Awaited<ReturnType<typeof createProvider>> | undefined;
    try {
      provider = await createProvider(entry, { env: options.env ?? process.env });
      reports.push(await provider.check());
    } catch (error) {
      const message = (error as Error).message;
      reports.push({
        provider: entry.name,
        kind: entry.kind,
        ok: false,
        checks: [{ name: 'configured', ok: false, en: message, ja: `設定に問題があります：${message}` }],
      });
    } finally {
      await provider?.close().catch(() => {});
    }
  }
  return reports;
}

export function formatConnectReport(report: ConnectReport, lang: 'en' | 'ja'): string {
  const head =
    lang === 'ja'
      ? `${report.provider} (${report.kind}): ${report.ok ? '問題ありません' : '問題があります'}`
      : `${report.provider} (${report.kind}): ${report.ok ? 'ready' : 'something is missing'}`;
  const lines = report.checks.map((c) => `  ${c.ok ? 'ok  ' : (lang === 'ja' ? 'NG  ' : 'FAIL')} ${lang === 'ja' ? c.ja : c.en}`);
  return `${[head, ...lines].join('\n')}\n`;
}
