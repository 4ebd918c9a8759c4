/**
 * Rendering for people and for scripts: a table on a TTY (cli-table3), tab-separated values when
 * piped, one JSON document with --json. cli-table3 and chalk are loaded only when used.
 */
import type { CommandContext } from './context.js';

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
  align?: 'left' | 'right';
}

export function printJson(ctx: CommandContext, value: unknown): void {
  ctx.io.stdout.write(`${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
}

function cell(value: string | number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

export async function printTable<T>(ctx: CommandContext, columns: Column<T>[], rows: T[]): Promise<void> {
  if (!ctx.io.stdoutIsTTY) {
    // Piped: TSV with a header line, easy for cut/awk/spreadsheets. Tabs and newlines in values become spaces.
    const clean = (s: string) => s.replace(/[\t\r\n]+/g, ' ');
    ctx.print(columns.map((c) => c.header).join('\t'));
    for (const row of rows) ctx.print(columns.map((c) => clean(cell(c.value(row)))).join('\t'));
    return;
  }
  const { default: Table } = await import('cli-table3');
  const chalk = await colour(ctx);
  const table = new Table({
    head: columns.map((c) => chalk.bold(c.header)),
    colAligns: columns.map((c) => c.align ?? 'left'),
    style: { head: [], border: [] },
  });
  for (const row of rows) table.push(columns.map((c) => cell(c.value(row))));
  ctx.print(table.toString());
  if (rows.length === 0) ctx.print(chalk.dim('(none)'));
}

/** Label/value pairs, for `show` commands. */
export async function printRecord(
  ctx: CommandContext,
  pairs: [string, string | number | null | undefined][],
): Promise<void> {
  const chalk = await colour(ctx);
  const width = Math.max(...pairs.map(([k]) => k.length));
  for (const [label, value] of pairs) ctx.print(`${chalk.bold(label.padEnd(width))}  ${cell(value)}`);
}

export async function colour(ctx: CommandContext) {
  const { Chalk } = await import('chalk');
  return new Chalk({ level: ctx.io.color ? 1 : 0 });
}
