import { InvalidArgumentError } from 'commander';

/** commander option parser for whole numbers ≥ 1, with a usage error (exit 2) otherwise. */
export function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got '${value}'`);
  return n;
}
