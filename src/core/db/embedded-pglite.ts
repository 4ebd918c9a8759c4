import { PGlite, type PGliteOptions as PGliteCreateOptions } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';

/**
 * PGlite itself, without MikroORM: the embedded database's service (embedded-service.ts) opens
 * the folder with this and serves the wire protocol, so it never loads the ORM bundle (~4 MB of
 * MikroORM, knex and pg, on the service's start-up path). In process, embedded-driver.ts puts
 * MikroORM's driver on top.
 */
/** A compiled WebAssembly module (the global's type, which the build's types do not declare). */
export type WasmModule = NonNullable<PGliteCreateOptions['pgliteWasmModule']>;

export interface PGliteOptions {
  /**
   * PostgreSQL's buffer cache inside PGlite (config.embeddedSharedBuffers, from
   * CRM_EMBEDDED_SHARED_BUFFERS; default 32MB). PGlite's 128 MB default is WebAssembly memory the
   * process touches and never gives back; the data files sit in the operating system's page
   * cache anyway. 32 MB cut the service's resident memory by ~140 MB at rest and at its peak
   * during a 300,000-row import, at the same import speed (BENCHMARKS.md, "Session 11 — embedded
   * memory"); a larger machine may give more.
   */
  sharedBuffers: string;
  /** Called before PGlite's module throws its "Aborted()" (embedded-abort.ts says why that matters). */
  onAbort?: (what: string) => void;
  /** PGlite's WebAssembly, compiled already (compilePGliteWasm); else PGlite reads and compiles it. */
  wasmModule?: WasmModule;
}

/** Opens PGlite on `dataDir` (PGlite runs initdb there when it holds no database). */
export async function openPGlite(
  dataDir: string,
  { sharedBuffers, onAbort, wasmModule }: PGliteOptions,
): Promise<PGlite> {
  // An extension may hand PGlite emscripten options: `onAbort` is called before the module throws
  // its "Aborted()".
  const abortWatch = {
    name: 'crm-abort-watch',
    setup: async (_pg: unknown, emscriptenOpts: Record<string, unknown>) => ({
      emscriptenOpts: { ...emscriptenOpts, onAbort: (what: unknown) => onAbort?.(String(what ?? '')) },
    }),
  };
  // Node blocks its main thread until V8's background tasks are all done whenever the event loop
  // runs out of handles while a promise is pending: while PGlite starts, that is every wait for
  // WebAssembly compiling, including tier-up work that nothing waits for (~100–500 ms of a
  // service's start, and of the first connection's accept after it: BENCHMARKS.md, session 12).
  // A timer that never fires keeps the loop alive meanwhile.
  const keepLoopAlive = setInterval(() => {}, 2 ** 30);
  try {
    return await PGlite.create({
      dataDir,
      extensions: { btree_gist, abortWatch },
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffers}`],
      ...(wasmModule ? { pgliteWasmModule: wasmModule } : {}),
    });
  } finally {
    clearInterval(keepLoopAlive);
  }
}

/**
 * Runs `COPY … FROM '/dev/blob'` on PGlite with `data` as the blob, without copying it.
 *
 * PGlite (0.5.16, pinned) reads the blob of a query with one `arrayBuffer()` call and holds that
 * buffer until the query ends. `new Blob([data])` and its `arrayBuffer()` would copy each batch
 * twice, and V8 collects such buffers late: the main thread's own heap barely grows while PGlite
 * works in WASM, so nothing prompts a collection, and an embedded import's peak RSS grew with the
 * file (BENCHMARKS.md, "Embedded memory", has the measurements).
 * A Blob look-alike that answers `arrayBuffer()` with the bytes already here makes no copy.
 */
export async function copyFromBytes(db: PGlite, copySql: string, data: string | Uint8Array): Promise<void> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const whole =
    bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? bytes.buffer
      : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const blob = { size: bytes.byteLength, arrayBuffer: async () => whole };
  await db.query(copySql, [], { blob: blob as Blob });
}
