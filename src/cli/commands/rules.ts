// `kizuki rules list` and `kizuki rules test`: the rule pack as data, checked against its own samples.
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import type { SampleContext } from '../../detect/rule-tests.js';

// The detection stack is imported when a command runs, so other commands start without it.
const detection = async () => {
  const [detector, environment, ruleTests] = await Promise.all([
    import('../../detect/detector.js'),
    import('../../detect/environment.js'),
    import('../../detect/rule-tests.js'),
  ]);
  return { ...detector, ...environment, ...ruleTests };
};

interface RulesCliOptions {
  rules?: string[];
  config?: string;
  json?: boolean;
  environment?: boolean;
  context?: string;
  only?: string;
}

function ruleDirs(options: RulesCliOptions): string[] {
  let dirs: string[] = [];
  try {
    dirs = loadConfig({ path: options.config }).detection.ruleDirs;
  } catch (error) {
    if (options.config) throw error;
  }
  return [...dirs, ...(options.rules ?? [])];
}

export function register(program: Command): void {
  const rules = program.command('rules').description('list the detection rules or test them on their sample messages');
  rules
    .command('list')
    .description('list every rule (built-in first, then extra folders)')
    .option('--rules <dir...>', 'extra rule folders')
    .option('-c, --config <file>', 'configuration file')
    .option('--json', 'print JSON')
    .option('--environment', 'also list the variables and functions rule conditions can use')
    .action(async (options: RulesCliOptions) => {
      const { loadRules, formatProblem, ENVIRONMENT_DOC } = await detection();
      const loaded = await loadRules({ ruleDirs: ruleDirs(options), orgDomains: [] });
      if (options.json) {
        console.log(JSON.stringify({ rules: loaded.rules.map((r) => r.info), problems: loaded.problems }, null, 2));
      } else {
        for (const r of loaded.rules) {
          console.log(`${r.info.id.padEnd(40)} ${r.info.severity.padEnd(9)} ${String(r.info.score).padStart(4)}  ${r.info.name}`);
        }
        console.log(`\n${loaded.rules.length} rules`);
        if (options.environment) {
          console.log('\nCEL environment:');
          for (const [name, doc] of ENVIRONMENT_DOC) console.log(`  ${name.padEnd(30)} ${doc}`);
        }
        for (const p of loaded.problems) console.error(formatProblem(p));
      }
      if (loaded.problems.length) process.exitCode = 1;
    });
  rules
    .command('test')
    .description('compile every rule and run it on its positive and negative samples')
    .option('--rules <dir...>', 'extra rule folders')
    .option('-c, --config <file>', 'configuration file')
    .option('--context <file>', 'the organisation the samples assume (default: rules/samples/context.json)')
    .option('--only <text>', 'only rules whose id contains this text')
    .option('--json', 'print JSON')
    .action(async (options: RulesCliOptions) => {
      const { readSampleContext, testRules, formatProblem } = await detection();
      const context = await readSampleContext(options.context);
      const report = await testRules(ruleDirs(options), context, analyseSample, options.only);
      if (options.json) {
        console.log(JSON.stringify(report, null, 2));
      } else {
        for (const p of report.problems) console.error(`error  ${formatProblem(p)}`);
        for (const r of report.results) if (!r.ok) console.log(`FAIL   ${r.ruleId}  ${r.kind}  ${r.sample}: ${r.detail}`);
        for (const id of report.withoutPositive) console.log(`note   ${id}: no positive sample`);
        const passed = report.results.length - report.failed;
        console.log(`${report.rules} rules, ${passed}/${report.results.length} sample checks passed, ${report.problems.length} rule file problem(s)`);
      }
      if (report.failed || report.problems.length) process.exitCode = 1;
    });
}

async function analyseSample(raw: Uint8Array, context: SampleContext) {
  const [{ analyse }, { defaultAnalyseOptions }] = await Promise.all([import('../../mail/analyse.js'), import('../../mail/options.js')]);
  const options = defaultAnalyseOptions({ orgDomains: context.orgDomains, auth: { mode: 'headers', trustedHosts: context.trustedHosts } });
  return analyse(raw, options);
}
