// `kizuki respond pause|resume|status`: the global kill switch (who and when are recorded), and
// `kizuki respond run --local FILE`: drive the unfinished playbook runs through a local organisation (demos, tests).
import type { Command } from 'commander';
import { type KizukiConfig, loadConfig } from '../../config.js';

interface Common {
  actor?: string;
  config?: string;
  store?: string;
}

async function withStore<T>(options: Common, work: (store: import('../../store/types.js').Store, config: KizukiConfig) => Promise<T>): Promise<T> {
  const config = loadConfig(options.config ? { path: options.config } : {});
  const { openStore } = await import('../../store/index.js');
  const store = await openStore(options.store ?? config.store.url);
  try {
    return await work(store, config);
  } finally {
    await store.close();
  }
}

function failed(error: unknown): void {
  process.stderr.write(`kizuki respond: ${(error as Error).message}\n`);
  process.exitCode = 2;
}

const common = (command: Command) =>
  command
    .option('--actor <name>', 'who (default: KIZUKI_ACTOR or your login name)')
    .option('--config <file>', 'configuration file')
    .option('--store <url>', 'store URL (overrides the configuration)');

export function register(program: Command): void {
  const respond = program.command('respond').description('the response kill switch, and running playbooks');
  common(respond.command('pause').description('stop every playbook before its next step (the kill switch)').option('--reason <text>', 'why (kept in the record)')).action(
    async (options: Common & { reason?: string }) => {
      try {
        await withStore(options, async (store) => {
          const { setPause, currentActor } = await import('../../respond/commands.js');
          const state = await setPause(store, true, currentActor(options.actor), options.reason);
          process.stdout.write(`response paused by ${state.actor} at ${state.at}${state.reason ? `: ${state.reason}` : ''}\n`);
        });
      } catch (error) {
        failed(error);
      }
    },
  );
  common(respond.command('resume').description('let playbooks run again')).action(async (options: Common) => {
    try {
      await withStore(options, async (store, config) => {
        const { setPause, currentActor } = await import('../../respond/commands.js');
        const state = await setPause(store, false, currentActor(options.actor));
        process.stdout.write(`response resumed by ${state.actor} at ${state.at}\n`);
        if (config.respond.paused) process.stdout.write('note: respond.paused is true in the configuration, which still stops every playbook\n');
      });
    } catch (error) {
      failed(error);
    }
  });
  common(respond.command('status').description('is the response paused, and how many steps wait for a person').option('--json', 'JSON')).action(
    async (options: Common & { json?: boolean }) => {
      try {
        await withStore(options, async (store, config) => {
          const { pauseState, listPending } = await import('../../respond/commands.js');
          const state = await pauseState(store);
          const pending = (await listPending(store)).length;
          const status = { ...state, paused: state.paused || config.respond.paused, pausedByConfig: config.respond.paused, pending, mode: config.respond.mode };
          if (options.json) process.stdout.write(`${JSON.stringify(status)}\n`);
          else process.stdout.write(`${status.paused ? `paused${state.actor ? ` by ${state.actor} at ${state.at}` : ' (configuration)'}` : 'running'}; mode ${config.respond.mode}; ${pending} step(s) waiting for a person\n`);
        });
      } catch (error) {
        failed(error);
      }
    },
  );
  common(
    respond
      .command('run')
      .description('drive every unfinished playbook run (after approvals or a restart) through a local organisation file')
      .requiredOption('--local <file>', 'the local organisation (JSON) to act on'),
  ).action(async (options: Common & { local: string }) => {
    try {
      await withStore(options, async (store, config) => {
        const [{ LocalProvider }, { loadPlaybooks, formatProblem }, { ResponseRunner }] = await Promise.all([
          import('../../providers/local/index.js'),
          import('../../respond/playbook.js'),
          import('../../respond/runner.js'),
        ]);
        const { playbooks, problems } = await loadPlaybooks(config.respond.playbookDirs);
        for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
        const provider = new LocalProvider({ stateFile: options.local });
        try {
          const runner = new ResponseRunner({ store, providers: [provider], playbooks, orgDomains: config.org.domains, config: config.respond });
          for (const run of await runner.resumeAll()) process.stdout.write(`${run.id} ${run.playbook} ${run.incidentId}: ${run.state}\n`);
        } finally {
          await provider.close();
        }
      });
    } catch (error) {
      failed(error);
    }
  });
}
