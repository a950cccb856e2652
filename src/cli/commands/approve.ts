// `kizuki approve STEP [--note TEXT]`: a person approves a step waiting for approval, or marks a task done.
import type { Command } from 'commander';
import { decisionCommand } from './deny.js';

export function register(program: Command): void {
  decisionCommand(program, 'approve', 'approve a playbook step waiting for a person (or mark a human task done); who and when are recorded');
}
