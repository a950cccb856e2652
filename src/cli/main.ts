#!/usr/bin/env node
import { Command } from 'commander';
import { commandModules } from './commands/index.js';

const program = new Command('kizuki').description('Kizuki (気付き): notices phishing and mailbox takeover').version('0.1.0');
for (const mod of await commandModules()) mod.register(program);
await program.parseAsync(process.argv);
