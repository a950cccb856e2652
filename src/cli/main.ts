#!/usr/bin/env node
import './v8-tuning.js';
import './heap.js';
import { releaseWarmWorkers, warmAnalysisWorkers } from '../scan/warm-start.js';
import { KIZUKI_VERSION } from '../version.js';

// Before anything else is loaded: a scan's workers begin loading the analysis stack on their own cores.
warmAnalysisWorkers(process.argv.slice(2));

// With a scan daemon in this folder, a scan goes to it before the command line is even parsed (the daemon reads it);
// what the daemon declines runs the full way below.
const handed = process.argv[2] === 'scan' ? await (await import('../scan/daemon/fast-client.js')).fastScan(process.argv.slice(3)) : undefined;
if (handed !== undefined) process.exitCode = handed;
else await runCommandLine();

async function runCommandLine(): Promise<void> {
  const { Command, CommanderError } = await import('commander');
  const { commandModules } = await import('./commands/index.js');

  // Exit codes: 0 = nothing malicious, 1 = something malicious, 2 = usage or I/O error.
  const program = new Command('kizuki')
    .description('Kizuki (気付き): notices credential phishing and mailbox takeover, and keeps the record')
    .version(KIZUKI_VERSION)
    .exitOverride();
  for (const mod of await commandModules(process.argv.slice(2))) mod.register(program);

  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
    } else {
      process.stderr.write(`kizuki: ${(error as Error).message}\n`);
      process.exitCode = 2;
    }
  } finally {
    await releaseWarmWorkers();
  }
}
