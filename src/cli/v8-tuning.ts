// V8's optimising compiler, tuned for a command that runs seconds, not days. By default V8 optimises a function
// after little use; in a scan most of those compilations ran on background threads while the main thread and every
// analysis worker warmed up, and they cost a fifth of a 1,000-message scan's CPU time. Fifteen times the budget
// optimises only the code that stays hot, and costs nothing measurable once warm (`npm run bench -- --only peers`).
// Regular expressions: V8 first interprets a new pattern and compiles it only once it has run a few times. Kizuki's
// lure patterns are large and every one of them runs on every message, so interpreting them first only made the first
// messages slow (about 45 ms more to prepare the first verdict, which a one-message run waits for); they are compiled
// at once instead.
// Inlining: V8 may inline up to 920 bytes of bytecode into one optimised function by default. Kizuki's large
// per-message functions (building the content view, the message facts) then compile into graphs that took 80-225 ms
// each on a background thread, and every time one deoptimised on a message of a new shape the whole graph was
// compiled again: still 50-140 compilations per 1,000 messages after 10,000 messages of warm-up, about a fifth of a
// warm scan daemon's CPU. A quarter of that budget keeps small helpers inlined and makes each recompilation far
// cheaper: in five interleaved pairs of warm-daemon runs, 7.5 % less CPU per message and 5 % more messages a second.
// Imported first by the CLI entry, before any other module is loaded; workers share the process's flags.
import { setFlagsFromString } from 'node:v8';

export const INTERRUPT_BUDGET = 1_000_000;

/**
 * Commands that run for hours keep V8's own budget: once warm, code optimised sooner is faster, and the compiling is
 * long paid for. Measured with the scan daemon on the 1,000-file set after 4,000 messages: about 500 messages a
 * second with V8's budget against about 475 with the larger one, and its warm-up is shorter.
 */
export const LONG_RUNNING_COMMANDS: ReadonlySet<string> = new Set(['scand', 'serve', 'watch', 'worker']);

const given = (name: string) => process.execArgv.some((flag) => flag.startsWith(`--${name}`) || flag.startsWith(`--no-${name}`));
if (!given('interrupt-budget') && !LONG_RUNNING_COMMANDS.has(process.argv[2] ?? '')) setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
if (!given('regexp-tier-up')) setFlagsFromString('--no-regexp-tier-up');

export const INLINING_BUDGET = 230;
if (!given('max-inlined-bytecode-size-cumulative')) setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${INLINING_BUDGET}`);
