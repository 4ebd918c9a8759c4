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
}

/**
 * When the reader of stdout goes away (`crm payout list | head`), stop quietly: the rest of the
 * output has nobody to read it. Exit 0 like a reader that stopped early expects; whatever the
 * command wrote to the database was committed before its result was printed.
 */
function exitQuietlyWhenThePipeCloses(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

export function processIo(noColor: boolean): Io {
  exitQuietlyWhenThePipeCloses(process.stdout);
  const stdoutIsTTY = Boolean(process.stdout.isTTY);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stdoutIsTTY,
    stderrIsTTY: Boolean(process.stderr.isTTY),
    color: stdoutIsTTY && !noColor,
  };
}
