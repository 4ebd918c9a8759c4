/**
 * Where output goes. Data to stdout; progress, warnings and errors to stderr. Colour only when
 * the stream is a TTY and neither NO_COLOR nor --no-color says otherwise (chalk does not check
 * NO_COLOR by itself, so the level is set here).
 */
import type { Writable } from 'node:stream';

export interface Io {
  stdout: Writable;
  stderr: Writable;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Colour on stdout / stderr. */
  color: boolean;
  /** The terminal's width when stdout is one (tables are fitted to it), else undefined. */
  columns: number | undefined;
}

/**
 * When the reader of stdout goes away (`crm payout list | head`), the rest of the output has
 * nobody to read it: it is dropped quietly, and the command runs to its end as it would have
 * otherwise — the process is never ended in the middle of a command, so a write to the database
 * is never left half done by a closed pipe. The exit code is the command's (0 when it succeeded).
 */
function dropOutputWhenThePipeCloses(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') return; // the stream is destroyed: later writes go nowhere, silently
    throw error;
  });
}

export function processIo(noColor: boolean): Io {
  dropOutputWhenThePipeCloses(process.stdout);
  const stdoutIsTTY = Boolean(process.stdout.isTTY);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stdoutIsTTY,
    stderrIsTTY: Boolean(process.stderr.isTTY),
    color: stdoutIsTTY && !noColor,
    columns: stdoutIsTTY ? process.stdout.columns || undefined : undefined,
  };
}
