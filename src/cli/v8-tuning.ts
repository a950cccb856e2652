// V8's optimising compiler, tuned for a command that runs seconds, not days. By default V8 optimises a function
// after little use; in a scan most of those compilations ran on background threads while the main thread and every
// analysis worker warmed up, and they cost a fifth of a 1,000-message scan's CPU time. Fifteen times the budget
// optimises only the code that stays hot, and costs nothing measurable once warm (`npm run bench -- --only peers`).
// Imported first by the CLI entry, before any other module is loaded; workers share the process's flags.
import { setFlagsFromString } from 'node:v8';

export const INTERRUPT_BUDGET = 1_000_000;

if (!process.execArgv.some((flag) => flag.startsWith('--interrupt-budget'))) setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
