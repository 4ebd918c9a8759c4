import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import type { Configuration } from '@mikro-orm/core';
import { loadMikroKnex, mikroPostgres } from './mikro-orm.js';

const { AbstractSqlDriver } = loadMikroKnex();
const { PostgreSqlConnection, PostgreSqlPlatform } = mikroPostgres;

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
}

/**
 * MikroORM's own PostgreSQL driver running on PGlite in this process, with no socket.
 * Facts this relies on (shared/STACK.md): knex deep-copies static connection settings, which
 * breaks the shim's private fields, so the settings are handed over from a function; PGlite is a
 * single session, so the pool holds one connection; PGlite keeps the event loop alive until it
 * is closed, so closing the ORM closes PGlite too.
 */
export async function openPGlite(
  dataDir: string,
  { sharedBuffers, onAbort }: PGliteOptions,
): Promise<PGlite> {
  // An extension may hand PGlite emscripten options: `onAbort` is called before the module throws
  // its "Aborted()".
  const abortWatch = {
    name: 'crm-abort-watch',
    setup: async (_pg: unknown, emscriptenOpts: Record<string, unknown>) => ({
      emscriptenOpts: { ...emscriptenOpts, onAbort: (what: unknown) => onAbort?.(String(what ?? '')) },
    }),
  };
  return PGlite.create({
    dataDir,
    extensions: { btree_gist, abortWatch },
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffers}`],
  });
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

export function createPGliteDriver(db: PGlite) {
  const shim = createPgConfig(db).connection;

  class PGliteConnection extends PostgreSqlConnection {
    override getKnexOptions(type: string) {
      const cfg = super.getKnexOptions(type);
      const settings = cfg.connection as object;
      cfg.connection = (() => ({ ...settings, connection: shim })) as never;
      cfg.pool = { min: 0, max: 1 };
      return cfg;
    }

    override async close(force?: boolean) {
      await super.close(force);
      if (!db.closed) await db.close();
    }
  }

  return class PGliteDriver extends AbstractSqlDriver<PGliteConnection> {
    constructor(config: Configuration) {
      super(config, new PostgreSqlPlatform(), PGliteConnection, ['knex', 'pg']);
    }
  };
}
