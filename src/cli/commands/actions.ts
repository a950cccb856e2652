// `kizuki actions [--incident ID] [--pending] [--json]`: the action log, or the steps waiting for a person.
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';

export function register(program: Command): void {
  program
    .command('actions')
    .description('list what playbooks and people did (the action log), or with --pending the steps waiting for approval')
    .option('--incident <id>', 'only this incident')
    .option('--pending', 'steps and tasks waiting for a person (approve or deny them by id)')
    .option('--json', 'JSON: one array')
    .option('--lang <lang>', 'en or ja', 'en')
    .option('--config <file>', 'configuration file')
    .option('--store <url>', 'store URL (overrides the configuration)')
    .action(async (options: { incident?: string; pending?: boolean; json?: boolean; lang: string; config?: string; store?: string }) => {
      try {
        const config = loadConfig(options.config ? { path: options.config } : {});
        const [{ openStore }, respond] = await Promise.all([import('../../store/index.js'), import('../../respond/commands.js')]);
        const lang = options.lang === 'ja' ? 'ja' : 'en';
        const store = await openStore(options.store ?? config.store.url);
        try {
          const out = process.stdout;
          if (options.pending) {
            const steps = await respond.listPending(store, options.incident);
            if (options.json) {
              out.write(`${JSON.stringify(steps.map((s) => ({ id: s.id, incident: s.incidentId, playbook: s.playbook, step: s.step, kind: s.kind, target: s.target, reason: s.reason, since: s.updatedAt })), null, 2)}\n`);
              return;
            }
            if (!steps.length) out.write(lang === 'ja' ? '承認待ちの手順はありません。\n' : 'Nothing is waiting for a person.\n');
            const tasks = new Map((await respond.listActions(store, options.incident)).filter((a) => a.kind === 'task').map((a) => [a.stepId, a]));
            for (const s of steps) {
              const text = tasks.get(s.id)?.[lang] ?? s.reason ?? '';
              out.write(`${s.id.padEnd(18)} ${s.incidentId}  ${s.step}${s.target ? ` ${s.target}` : ''}: ${text}\n`);
            }
            return;
          }
          const actions = await respond.listActions(store, options.incident);
          if (options.json) {
            out.write(`${JSON.stringify(actions, null, 2)}\n`);
            return;
          }
          if (!actions.length) out.write(lang === 'ja' ? '記録された対応はありません。\n' : 'No actions recorded.\n');
          for (const a of actions) {
            const calls = a.calls.map((c) => `${c.method} ${c.path}${c.status !== undefined ? ` → ${c.status}` : ''}`).join('; ');
            out.write(`${a.startedAt}  ${a.status.padEnd(17)} ${(a.step ?? a.kind).padEnd(30)} ${a.actor.padEnd(12)} ${a[lang]}${calls ? `  [${calls}]` : ''}${a.dryRun ? ' (dry run)' : ''}\n`);
          }
        } finally {
          await store.close();
        }
      } catch (error) {
        process.stderr.write(`kizuki actions: ${(error as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}
