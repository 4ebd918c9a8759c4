/**
 * Rendering for people and for scripts: a table on a TTY (cli-table3), tab-separated values when
 * piped, one JSON document with --json. cli-table3 and chalk are loaded only when used.
 */
import { escapeControls } from '../../core/text.js';
import type { CommandContext } from './context.js';

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
  align?: 'left' | 'right';
}

export function printJson(ctx: CommandContext, value: unknown): void {
  ctx.io.stdout.write(`${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
}

/**
 * A value as a table or record shows it: control characters of stored text (an ANSI escape in a
 * name imported from CSV, a line break) written as visible escapes, never sent to the terminal.
 */
function cell(value: string | number | null | undefined): string {
  return value === null || value === undefined ? '' : escapeControls(String(value));
}

export async function printTable<T>(ctx: CommandContext, columns: Column<T>[], rows: T[]): Promise<void> {
  if (!ctx.io.stdoutIsTTY) {
    // Piped: TSV with a header line, easy for cut/awk/spreadsheets. Tabs and newlines in values
    // become spaces; other control characters are escaped as on a terminal (the pipe may be `less`).
    const clean = (v: string | number | null | undefined) =>
      v === null || v === undefined ? '' : escapeControls(String(v).replace(/[\t\r\n]+/g, ' '));
    ctx.print(columns.map((c) => c.header).join('\t'));
    for (const row of rows) ctx.print(columns.map((c) => clean(c.value(row))).join('\t'));
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
