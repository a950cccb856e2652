// `kizuki deny STEP [--note TEXT]`: a person refuses a step waiting for approval (or a task that will not be done).
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';

export function decisionCommand(program: Command, decision: 'approve' | 'deny', description: string): void {
  program
    .command(decision)
    .description(description)
    .argument('<step>', 'the step id shown by `kizuki actions --pending`, e.g. r1a2b3c4d5e-00020')
    .option('--note <text>', 'why (kept in the record)')
    .option('--actor <name>', 'who decides (default: KIZUKI_ACTOR or your login name)')
    .option('--config <file>', 'configuration file')
    .option('--store <url>', 'store URL (overrides the configuration)')
    .action(async (step: string, options: { note?: string; actor?: string; config?: string; store?: string }) => {
      try {
        const config = loadConfig(options.config ? { path: options.config } : {});
        const [{ openStore }, { decideStep, currentActor }] = await Promise.all([import('../../store/index.js'), import('../../respond/commands.js')]);
        const store = await openStore(options.store ?? config.store.url);
        try {
          const actor = currentActor(options.actor);
          const row = await decideStep(store, step, decision, actor, options.note);
          const what = row.spec.do.type === 'task' ? (decision === 'approve' ? 'marked done' : 'marked not to be done') : decision === 'approve' ? 'approved: it runs at the next pass of the runner' : 'denied';
          process.stdout.write(`${row.id} (${row.step}${row.target ? ` ${row.target}` : ''}) ${what} by ${actor} at ${row.decidedAt}\n`);
        } finally {
          await store.close();
        }
      } catch (error) {
        process.stderr.write(`kizuki ${decision}: ${(error as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}

export function register(program: Command): void {
  decisionCommand(program, 'deny', 'deny a playbook step waiting for a person (or mark a human task as not to be done); who and when are recorded');
}
