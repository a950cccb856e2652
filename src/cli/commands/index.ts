// Every CLI command module registers itself on the program here: one import line per command.
import type { Command } from 'commander';

export type CommandModule = { register(program: Command): void };

export async function commandModules(): Promise<CommandModule[]> {
  return [await import('./scan.js'), await import('./replay.js'), await import('./rules.js'), await import('./eval.js'), await import('./events.js'), await import('./incident.js'), await import('./report.js')];
}
