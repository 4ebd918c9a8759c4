/**
 * The benches' command-line options, read with Node's own `parseArgs`: an unknown option or a
 * count that is not a positive whole number stops the bench with a one-line message, instead of
 * quietly running the default size.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export function benchArgs<T extends Options>(options: T) {
  try {
    return parseArgs({ args: process.argv.slice(2), options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    console.error(`bench: ${(error as Error).message}`);
    process.exit(2);
  }
}

/** `value` (of option `--name`) as a positive whole number. */
export function countOption(name: string, value: string | boolean | undefined): number {
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isSafeInteger(n) || n <= 0) {
    console.error(`bench: --${name} must be a positive whole number, got ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return n;
}
