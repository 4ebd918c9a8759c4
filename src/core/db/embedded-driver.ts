import type { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import type { Configuration } from '@mikro-orm/core';
import { loadMikroKnex, mikroPostgres } from './mikro-orm.js';

// PGlite itself is opened by embedded-pglite.ts, which loads no MikroORM (the service needs none).
export { copyFromBytes, openPGlite, type PGliteOptions } from './embedded-pglite.js';

const { AbstractSqlDriver } = loadMikroKnex();
const { PostgreSqlConnection, PostgreSqlPlatform } = mikroPostgres;

/**
 * MikroORM's own PostgreSQL driver running on PGlite in this process, with no socket.
 * Facts this relies on (shared/STACK.md): knex deep-copies static connection settings, which
 * breaks the shim's private fields, so the settings are handed over from a function; PGlite is a
 * single session, so the pool holds one connection; PGlite keeps the event loop alive until it
 * is closed, so closing the ORM closes PGlite too.
 */
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
