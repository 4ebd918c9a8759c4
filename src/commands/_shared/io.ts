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

export function processIo(noColor: boolean): Io {
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
