import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('scan')
    .argument('<paths...>')
    .action(() => {
      throw new Error('not yet');
    });
}
