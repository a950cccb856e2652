// `when` conditions of playbook steps: CEL over the run's context (the same CEL library the rules use).
import { Environment } from '@marcbachmann/cel-js';
import type { ResponseContext } from './types.js';

let shared: Environment | undefined;

function environment(): Environment {
  if (!shared) {
    shared = new Environment({ homogeneousAggregateLiterals: false });
    shared.registerVariable('incident', 'map');
    shared.registerVariable('accounts', 'list');
    shared.registerVariable('messages', 'list');
    shared.registerVariable('indicators', 'map');
    shared.registerVariable('target', 'string');
  }
  return shared;
}

export type CompiledCondition = (context: ResponseContext, target?: string) => boolean;

/** Compiles a condition; a syntax error throws with `offset`, the character the problem is at. */
export function compileCondition(expression: string): CompiledCondition {
  let program: (values: Record<string, unknown>) => unknown;
  try {
    program = environment().parse(expression);
  } catch (error) {
    const e = error as Error & { range?: { start: number } };
    throw Object.assign(new Error(e.message.split('\n')[0] ?? e.message), { offset: e.range?.start ?? 0 });
  }
  return (context, target) => {
    const value = program(celValues(context, target));
    if (typeof value !== 'boolean') throw new Error(`the condition "${expression}" gave ${typeof value}, not true or false`);
    return value;
  };
}

function celValues(context: ResponseContext, target?: string): Record<string, unknown> {
  return {
    incident: context.incident,
    accounts: context.incident.accounts,
    messages: context.messages,
    indicators: context.indicators,
    target: target ?? '',
  };
}
