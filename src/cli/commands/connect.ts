// `kizuki connect [--config FILE]` — check each configured provider: reachable, logged in, folders or permissions
// there, in plain words. Exits 1 when something is missing, 2 when the configuration itself is wrong.
import { type Command, Option } from 'commander';

export function register(program: Command): void {
  program
    .command('connect')
    .description('check each configured provider (providers:): reachable, authenticated, folders or permissions present')
    .option('-c, --config <file>', 'configuration file (default: kizuki.config.yaml when present)')
    .option('--provider <name...>', 'only these providers (by name)')
    .option('--json', 'print the reports as JSON')
    .addOption(new Option('--lang <lang>', 'language of the report').choices(['en', 'ja']))
    .action(async (options: { config?: string; provider?: string[]; json?: boolean; lang?: 'en' | 'ja' }) => {
      const [{ ConfigError, loadConfig }, { langFromEnv }, { checkProviders, formatConnectReport }] = await Promise.all([
        import('../../config.js'),
        import('../../scan/format.js'),
        import('../../watch/connect.js'),
      ]);
      try {
        const config = loadConfig(options.config ? { path: options.config } : {});
        const reports = await checkProviders(config, { ...(options.provider ? { only: options.provider } : {}) });
        const lang = options.lang ?? langFromEnv();
        if (options.json) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
        else process.stdout.write(reports.map((r) => formatConnectReport(r, lang)).join('\n'));
        process.exitCode = reports.every((r) => r.ok) ? 0 : 1;
      } catch (error) {
        process.stderr.write(`kizuki connect: ${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}
