/**
 * Rendering for people and for scripts: a table on a TTY (cli-table3), tab-separated values when
 * piped, one JSON document with --json. cli-table3 and chalk are loaded only when used.
 */
import { escapeControls } from '../../core/text.js';
import type { CommandContext } from './context.js';

type Cell = string | number | null | undefined;

export interface Column<T> {
  header: string;
  /** What a person reads on a terminal (₦1,234.50, "Tue 1 Dec, 10:00", …). */
  value: (row: T) => Cell;
  /**
   * What a script reads when the output is piped, when it differs: plain numbers (1234.50, no ₦,
   * no thousands separators, no "(31/31d)"), ISO dates. Defaults to `value`.
   */
  tsv?: (row: T) => Cell;
  align?: 'left' | 'right';
  /**
   * A column of lower value on a narrow terminal: dropped, highest number first, until the table
   * fits `process.stdout.columns` (never when piped, nor with --wide).
   */
  drop?: number;
  /** Long text that may be cut with "…" to fit the terminal (names, addresses, error texts). */
  shrink?: boolean;
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

const NAIRA = /^(-?)₦(\d{1,3}(?:,\d{3})*\.\d{2})$/;

export async function printTable<T>(ctx: CommandContext, columns: Column<T>[], rows: T[]): Promise<void> {
  if (!ctx.io.stdoutIsTTY) {
    // Piped: TSV with a header line, easy for cut/awk/spreadsheets. Tabs and newlines in values
    // become spaces; other control characters are escaped as on a terminal (the pipe may be `less`).
    // A naira amount as a terminal shows it (₦1,234.50, -₦5.00) is written plain (1234.50, -5.00)
    // whatever column it is in, so that sums in awk or a spreadsheet just work.
    const clean = (v: Cell) =>
      v === null || v === undefined
        ? ''
        : escapeControls(String(v).replace(/[\t\r\n]+/g, ' ')).replace(
            NAIRA,
            (_m, sign, digits) => `${sign}${digits.replaceAll(',', '')}`,
          );
    ctx.print(columns.map((c) => c.header).join('\t'));
    for (const row of rows) ctx.print(columns.map((c) => clean((c.tsv ?? c.value)(row))).join('\t'));
    return;
  }
  const { default: Table } = await import('cli-table3');
  const chalk = await colour(ctx);
  const cells = rows.map((row) => columns.map((c) => cell(c.value(row))));
  const fitted = fitColumns(
    columns.map((c, i) => ({
      header: c.header,
      drop: c.drop,
      shrink: c.shrink,
      cells: cells.map((r) => r[i]),
    })),
    ctx.wide ? undefined : ctx.io.columns,
  );
  const table = new Table({
    head: fitted.map((c) => chalk.bold(c.header)),
    colAligns: fitted.map((c) => columns[c.index].align ?? 'left'),
    style: { head: [], border: [] },
  });
  for (let r = 0; r < rows.length; r++) table.push(fitted.map((c) => c.cells[r]));
  ctx.print(table.toString());
  if (rows.length === 0) ctx.print(chalk.dim('(none)'));
  const dropped = columns.length - fitted.length;
  if (dropped > 0 || fitted.some((c) => c.cut)) {
    const what = dropped > 0 ? `${dropped} column(s) left out` : 'long values cut';
    ctx.warn(`${what} to fit ${ctx.io.columns} columns (--wide shows all)`);
  }
}

interface FitInput {
  header: string;
  drop?: number;
  shrink?: boolean;
  cells: string[];
}

interface Fitted {
  index: number;
  header: string;
  cells: string[];
  cut: boolean;
}

/** Cuts text to `width` characters, the last one "…". */
export function truncate(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

const displayWidth = (text: string) => [...text].length;
/** The narrowest a shrinkable column gets. */
const MIN_SHRUNK = 8;

/**
 * Which columns a terminal of `columns` characters shows, and how wide: the table as it is when it
 * fits; else the droppable columns left out (highest `drop` first) until it fits; else the
 * shrinkable columns cut, widest first, down to MIN_SHRUNK characters. cli-table3 draws one
 * border character per column plus one, and pads each cell with a space either side.
 */
export function fitColumns(input: FitInput[], columns: number | undefined): Fitted[] {
  let shown = input.map((c, index) => ({
    index,
    header: c.header,
    drop: c.drop,
    shrink: c.shrink,
    cells: c.cells,
    cut: false,
    width: Math.max(
      displayWidth(c.header),
      ...c.cells.map((v) => Math.max(...v.split('\n').map(displayWidth))),
    ),
  }));
  if (!columns) return shown;
  const total = () => shown.reduce((sum, c) => sum + c.width + 3, 1);
  const droppable = shown
    .filter((c) => c.drop !== undefined)
    .sort((a, b) => (b.drop ?? 0) - (a.drop ?? 0) || b.index - a.index);
  for (const victim of droppable) {
    if (total() <= columns) break;
    shown = shown.filter((c) => c !== victim);
  }
  while (total() > columns) {
    const widest = shown.filter((c) => c.shrink && c.width > MIN_SHRUNK).sort((a, b) => b.width - a.width)[0];
    if (!widest) break;
    widest.width = Math.max(MIN_SHRUNK, widest.width - (total() - columns));
    widest.cut = true;
  }
  return shown.map((c) => ({
    index: c.index,
    header: truncate(c.header, c.width),
    cells: c.cut ? c.cells.map((v) => truncate(v, c.width)) : c.cells,
    cut: c.cut,
  }));
}

/**
 * A summary or footer line ("3 payout(s): …"): on stdout under a table on a terminal, on stderr
 * when stdout is piped, so that a pipe carries the TSV rows and nothing else.
 */
export function printSummary(ctx: CommandContext, text: string): void {
  if (!ctx.io.stdoutIsTTY) ctx.warn(text);
  else ctx.print(ctx.wide ? text : wrapAtCommas(text, ctx.io.columns));
}

/** Breaks a long summary after its commas so that each line fits `columns` (when it can). */
export function wrapAtCommas(text: string, columns: number | undefined): string {
  if (!columns || displayWidth(text) <= columns) return text;
  const lines: string[] = [];
  let line = '';
  for (const part of text.split(/(?<=,) /)) {
    if (line && displayWidth(line) + 1 + displayWidth(part) > columns) {
      lines.push(line);
      line = `  ${part}`;
    } else line = line ? `${line} ${part}` : part;
  }
  lines.push(line);
  return lines.join('\n');
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
