// Every CLI command module registers itself on the program here: one line per command.
import type { Command } from 'commander';

export type CommandModule = { register(program: Command): void };

export async function commandModules(): Promise<CommandModule[]> {
  return [
    await import('./scan.js'),
    await import('./replay.js'),
    await import('./rules.js'),
    await import('./eval.js'),
    await import('./events.js'),
    await import('./watch.js'),
    await import('./connect.js'),
    await import('./approve.js'),
    await import('./deny.js'),
    await import('./actions.js'),
    await import('./respond.js'),
    await import('./serve.js'),
    await import('./worker.js'),
    await import('./incident.js'),
    await import('./report.js'),
  ];
}
