// Every CLI command module registers itself on the program here: one line per command, keyed by its name.
import type { Command } from 'commander';

export type CommandModule = { register(program: Command): void };

const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  scan: () => import('./scan.js'),
  scand: () => import('./scand.js'),
  replay: () => import('./replay.js'),
  rules: () => import('./rules.js'),
  eval: () => import('./eval.js'),
  events: () => import('./events.js'),
  watch: () => import('./watch.js'),
  connect: () => import('./connect.js'),
  approve: () => import('./approve.js'),
  deny: () => import('./deny.js'),
  actions: () => import('./actions.js'),
  respond: () => import('./respond.js'),
  serve: () => import('./serve.js'),
  worker: () => import('./worker.js'),
  incident: () => import('./incident.js'),
  report: () => import('./report.js'),
};

/**
 * The command modules to register: only the one named when the command line names one (a one-message scan loads
 * no other command's code), every one otherwise, so that `kizuki --help` and an unknown command list them all.
 */
export async function commandModules(args: readonly string[] = []): Promise<CommandModule[]> {
  const named = args[0] !== undefined ? COMMANDS[args[0]] : undefined;
  if (named) return [await named()];
  return Promise.all(Object.values(COMMANDS).map((load) => load()));
}
