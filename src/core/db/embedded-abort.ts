/**
 * When PGlite's WebAssembly module aborts (PostgreSQL PANICs — most often a full disk while it
 * writes its WAL), a query that was waiting on it never settles: the command cannot end by itself
 * and would sit idle until killed. The embedded driver reports the abort here; the program
 * (cli.ts, the one module that ends the process) listens and ends a command that outlives it.
 * Without dependencies, so that cli.ts can listen without loading the database code.
 */
export interface EmbeddedAbort {
  /** The embedded database's data folder. */
  dataDir: string;
  /** What PGlite said (`Aborted(…)`). */
  what: string;
}

let listener: ((abort: EmbeddedAbort) => void) | undefined;

/** Sets the one listener (the program's). */
export function onEmbeddedAbort(fn: (abort: EmbeddedAbort) => void): void {
  listener = fn;
}

export function reportEmbeddedAbort(abort: EmbeddedAbort): void {
  listener?.(abort);
}
