import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MikroORM, Options } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { migrationsList } from '../../../migrations/index.js';
import type { Config } from '../config.js';
import { UnavailableError } from '../errors.js';
import { acquireEmbeddedLock, type EmbeddedLock } from './embedded-lock.js';
import { entities } from './entities.js';
import { loadMikroMigrations, mikroCore, mikroPostgres } from './mikro-orm.js';

export type DatabaseKind = 'postgresql' | 'embedded';

/** An open database: the ORM, which kind it is, and how to close it (and its lock). */
export interface Database {
  readonly kind: DatabaseKind;
  readonly orm: MikroORM;
  /** A fresh EntityManager for one unit of work. */
  em(): EntityManager;
  /**
   * The embedded database only: runs `COPY … FROM '/dev/blob'` with `data` (COPY text, or binary
   * COPY data) as the file. PGlite is one session, so this runs inside whatever transaction is
   * open on it.
   */
  copyBlob?(copySql: string, data: string | Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** What is running, for the embedded database's lock file ("crm patient import"). */
  command: string;
  /**
   * Apply pending migrations first. The embedded database migrates itself on first use, so that a
   * new user needs no set-up; PostgreSQL is only migrated by `crm db migrate`.
   */
  migrate?: 'auto' | 'never' | 'check';
}

function baseOptions(): Options {
  return {
    entities,
    discovery: { disableDynamicFileAccess: true },
    metadataProvider: undefined,
    extensions: [loadMikroMigrations().Migrator],
    migrations: {
      migrationsList,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    debug: false,
    allowGlobalContext: false,
    forceUtcTimezone: true,
  } as Options;
}

function describeConnectionError(error: unknown, url: string): UnavailableError {
  const safeUrl = url.replace(/\/\/([^:@/]+)(:[^@/]*)?@/, '//$1:***@');
  const reason = (error as Error).message?.split('\n')[0] ?? String(error);
  return new UnavailableError(
    'database_unavailable',
    `cannot connect to PostgreSQL at ${safeUrl}: ${reason}`,
    {
      cause: error,
    },
  );
}

async function openPostgres(config: Config): Promise<Database> {
  const url = config.databaseUrl!;
  let orm: MikroORM;
  try {
    orm = await mikroCore.MikroORM.init({
      ...baseOptions(),
      driver: mikroPostgres.PostgreSqlDriver,
      clientUrl: url,
      pool: { min: 0, max: 4 },
    } as Options);
    await orm.em.getConnection().execute('select 1');
  } catch (error) {
    throw describeConnectionError(error, url);
  }
  return {
    kind: 'postgresql',
    orm,
    em: () => orm.em.fork() as EntityManager,
    close: () => orm.close(true),
  };
}

async function openEmbedded(config: Config, command: string): Promise<Database> {
  mkdirSync(config.dataDir, { recursive: true });
  const lock: EmbeddedLock = await acquireEmbeddedLock(
    join(config.dataDir, 'crm.lock'),
    command,
    config.embeddedLockWaitMs,
  );
  try {
    // PGlite and its driver are loaded only when the embedded database is used.
    const { openPGlite, createPGliteDriver } = await import('./embedded-driver.js');
    const pglite = await openPGlite(join(config.dataDir, 'pgdata'));
    const orm = await mikroCore.MikroORM.init({
      ...baseOptions(),
      driver: createPGliteDriver(pglite),
      dbName: 'postgres',
    } as Options);
    return {
      kind: 'embedded',
      orm,
      em: () => orm.em.fork() as EntityManager,
      async copyBlob(copySql: string, data: string | Uint8Array) {
        await pglite.query(copySql, [], { blob: new Blob([data]) });
      },
      close: async () => {
        try {
          await orm.close(true);
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    lock.release();
    throw new UnavailableError(
      'embedded_database_unavailable',
      `cannot open the embedded database in ${config.dataDir}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

export async function pendingMigrations(orm: MikroORM): Promise<string[]> {
  return (await orm.getMigrator().getPendingMigrations()).map((m) => m.name);
}

export async function applyMigrations(orm: MikroORM): Promise<string[]> {
  return (await orm.getMigrator().up()).map((m) => m.name);
}

/** Opens the configured database, migrating or checking as asked. */
export async function openDatabase(config: Config, options: OpenOptions): Promise<Database> {
  const db = config.databaseUrl ? await openPostgres(config) : await openEmbedded(config, options.command);
  const mode = options.migrate ?? (db.kind === 'embedded' ? 'auto' : 'check');
  try {
    if (mode === 'auto') {
      await applyMigrations(db.orm);
    } else if (mode === 'check') {
      const pending = await pendingMigrations(db.orm);
      if (pending.length > 0) {
        throw new UnavailableError(
          'database_not_migrated',
          `the database is not migrated (${pending.length} pending migration${pending.length > 1 ? 's' : ''}): run \`crm db migrate\``,
        );
      }
    }
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
