import { rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { MikroORM, Options } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { SessionIdentity } from '../access/identity.js';
import type { Config } from '../config.js';
import { UnavailableError } from '../errors.js';
import { reportEmbeddedAbort } from './embedded-abort.js';
import {
  createDataDir,
  embeddedFailure,
  folderMode,
  holdPrivateUmask,
  inspectDataDir,
  noDatabaseError,
  notADatabaseError,
  restrictRelcacheFiles,
  restrictTree,
} from './embedded-folder.js';
import { acquireEmbeddedLock, type EmbeddedLock } from './embedded-lock.js';
import { checkFileManifest, writeFileManifest } from './embedded-manifest.js';
import { entities } from './entities.js';
import { LazyMigrator } from './lazy-migrator.js';
import { mikroCore, mikroPostgres } from './mikro-orm.js';
import type { PgClientLike } from './sql.js';
import {
  describeConnectionError,
  MIGRATIONS_TABLE,
  probeStartup,
  type StartupFacts,
  someNotApplied,
} from './startup-probe.js';

export { LazyMigrator };

export type DatabaseKind = 'postgresql' | 'embedded';

/** An open database: the ORM, which kind it is, and how to close it (and its lock). */
export interface Database {
  readonly kind: DatabaseKind;
  readonly orm: MikroORM;
  /** The configuration it was opened with. */
  readonly config: Config;
  /** A fresh EntityManager for one unit of work. */
  em(): EntityManager;
  /**
   * The embedded database only: runs `COPY … FROM '/dev/blob'` with `data` (COPY text, or binary
   * COPY data) as the file. PGlite is one session, so this runs inside whatever transaction is
   * open on it.
   */
  copyBlob?(copySql: string, data: string | Uint8Array, client: PgClientLike): Promise<void>;
  close(): Promise<void>;
  /**
   * PostgreSQL: who is connected and the applied migrations, asked in the connect's own round
   * trip (`startupProbe`); `session` undefined when the access-control functions are not there.
   */
  startup?: StartupFacts;
}

export interface OpenOptions {
  /** What is running, for the embedded database's lock file ("crm patient import"). */
  command: string;
  /**
   * Apply pending migrations first. The embedded database migrates itself on first use, so that a
   * new user needs no set-up; PostgreSQL is only migrated by `crm db migrate`.
   */
  migrate?: 'auto' | 'never' | 'check';
  /**
   * The embedded database only: whether a data folder that does not exist (or is empty) may
   * become a new database. Without it such a folder is exit 7 "no database at …", so that a
   * mistyped CRM_DATA_DIR never starts an empty database. Never creates a PostgreSQL database.
   */
  create?: boolean;
  /**
   * The embedded database only, in process: a new database starts as the package's migrated image
   * (default) or, with false, bare from initdb (a database with no migrations applied).
   */
  fromImage?: boolean;
  /** A line for the operator on stderr ("created a new embedded database in …"). */
  notice?: (text: string) => void;
  /** A warning on stderr (a data folder whose permissions were tightened). */
  warn?: (text: string) => void;
  /** Something to show while opening takes longer than a second; returns how to stop showing it. */
  progress?: (text: string) => () => void;
  /**
   * The embedded database's service, being started by the command (startServiceEarly): awaited
   * once the ORM is being built, so that the two overlap; its rejection is the command's error.
   */
  serviceStarting?: Promise<void>;
}

function baseOptions(): Options {
  return {
    entities,
    discovery: { disableDynamicFileAccess: true },
    metadataProvider: undefined,
    // In place of MikroORM's Migrator extension, which would need @mikro-orm/migrations now.
    extensions: [
      {
        register: (orm: MikroORM) =>
          orm.config.registerExtension('@mikro-orm/migrator', () => new LazyMigrator(orm)),
      },
    ],
    // `migrationsList` is added when the Migrator is loaded (LazyMigrator).
    migrations: {
      tableName: MIGRATIONS_TABLE,
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

/** The connect's first round trip: who is connected and the applied migrations (startup-probe.ts). */
function startupProbe(orm: MikroORM): Promise<StartupFacts> {
  const connection = orm.em.getConnection();
  return probeStartup(<T>(text: string) => connection.execute<T[]>(text));
}

async function openPostgres(config: Config): Promise<Database> {
  const url = config.databaseUrl!;
  let orm: MikroORM;
  let startup: StartupFacts;
  try {
    orm = await mikroCore.MikroORM.init({
      ...baseOptions(),
      driver: mikroPostgres.PostgreSqlDriver,
      clientUrl: url,
      pool: { min: 0, max: 4 },
      // MikroORM would otherwise create a database that does not exist, on connect.
      ensureDatabase: false,
    } as Options);
    startup = await startupProbe(orm);
  } catch (error) {
    throw describeConnectionError(error, url);
  }
  return {
    kind: 'postgresql',
    orm,
    config,
    startup,
    em: () => orm.em.fork() as EntityManager,
    close: () => orm.close(true),
  };
}

/** Removes a folder this process created, unless another process has started using it. */
function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Not empty (another process's lock or database): theirs now.
  }
}

async function openEmbedded(config: Config, options: OpenOptions): Promise<Database> {
  const dir = config.dataDir;
  const before = inspectDataDir(dir);
  if (before.kind === 'foreign') throw notADatabaseError(dir, before.entries);
  if (before.kind !== 'database' && !options.create) throw noDatabaseError(dir);
  if (before.kind === 'missing') createDataDir(dir);
  else if ((folderMode(dir) & 0o077) !== 0) {
    // The folder is what keeps other local users out: a shared one is closed, with all below it.
    const mode = folderMode(dir).toString(8).padStart(4, '0');
    restrictTree(dir);
    if (before.kind === 'database')
      options.warn?.(
        `the embedded database in ${dir} was open to other local users (mode ${mode}): its folder is now 0700 and its files 0600`,
      );
  }
  const lock: EmbeddedLock = await acquireEmbeddedLock(
    join(dir, 'crm.lock'),
    options.command,
    config.embeddedLockWaitMs,
  );
  // Another process may have created the database (or put something there) while this one waited.
  const state = inspectDataDir(dir);
  if (state.kind === 'foreign') {
    lock.release();
    throw notADatabaseError(dir, state.entries);
  }
  const creating = state.kind !== 'database';
  if (!creating) {
    try {
      checkFileManifest(dir);
    } catch (error) {
      lock.release();
      throw error;
    }
  }
  const releaseUmask = holdPrivateUmask();
  let pglite: Awaited<ReturnType<typeof import('./embedded-driver.js')['openPGlite']>> | undefined;
  try {
    // PGlite and its driver are loaded only when the embedded database is used.
    const { openPGlite, createPGliteDriver, copyFromBytes } = await import('./embedded-driver.js');
    // A new database starts as the package's migrated image when there is one (embedded-image.ts).
    if (creating && options.fromImage !== false) (await import('./embedded-image.js')).restoreImage(dir);
    pglite = await openPGlite(join(dir, 'pgdata'), {
      sharedBuffers: config.embeddedSharedBuffers,
      onAbort: (what) => reportEmbeddedAbort({ dataDir: dir, what }),
    });
    const opened = pglite;
    if (creating) {
      // initdb's files are 0666 whatever the umask.
      restrictTree(dir);
      options.notice?.(`created a new embedded database in ${dir}`);
    } else restrictRelcacheFiles(dir);
    const orm = await mikroCore.MikroORM.init({
      ...baseOptions(),
      driver: createPGliteDriver(pglite),
      dbName: 'postgres',
    } as Options);
    return {
      kind: 'embedded',
      orm,
      config,
      em: () => orm.em.fork() as EntityManager,
      copyBlob: (copySql: string, data: string | Uint8Array) => copyFromBytes(opened, copySql, data),
      close: async () => {
        try {
          await orm.close(true);
          restrictRelcacheFiles(dir);
          // Only after a clean close (PGlite checkpoints as it shuts down): the files' final sizes.
          writeFileManifest(dir);
        } finally {
          releaseUmask();
          lock.release();
        }
      },
    };
  } catch (error) {
    if (pglite && !pglite.closed) await pglite.close().catch(() => {});
    // A database that could not be created leaves the folder as it was: empty, or not there.
    if (creating) rmSync(join(dir, 'pgdata'), { recursive: true, force: true });
    releaseUmask();
    lock.release();
    if (creating && before.kind === 'missing') removeIfEmpty(dir);
    throw (
      embeddedFailure(error, dir) ??
      new UnavailableError(
        'embedded_database_unavailable',
        `cannot open the embedded database in ${dir}: ${(error as Error).message}`,
        { cause: error },
      )
    );
  }
}

/**
 * The embedded database through its service (embedded-service.ts): a PostgreSQL client on the
 * service's Unix socket, the service started first when it is not running.
 */
async function openEmbeddedService(config: Config, options: OpenOptions): Promise<Database> {
  const dir = config.dataDir;
  const { ensureService, ensureOptionsOf, copyBlobThroughService, isNoService, serviceFailure } =
    await import('./embedded-service-client.js');
  const { SOCKET_PORT, socketFitsInDataDir } = await import('./embedded-service-files.js');
  const ormOptions = (socketDir: string) =>
    ({
      ...baseOptions(),
      driver: mikroPostgres.PostgreSqlDriver,
      host: socketDir,
      port: SOCKET_PORT,
      user: 'postgres',
      dbName: 'postgres',
      // One session behind the socket: a second connection of this process would wait for the first.
      pool: { min: 0, max: 1 },
      ensureDatabase: false,
      // Connects on the first query (below): MikroORM's own check would be a second `select 1`.
      connect: false,
    }) as Options;
  // The ORM (entity discovery) is built while the service starts, when its socket's folder is
  // known beforehand: the data folder itself, unless its path is too long for a socket.
  let prepared: Promise<MikroORM> | undefined = socketFitsInDataDir(dir)
    ? mikroCore.MikroORM.init(ormOptions(dir))
    : undefined;
  prepared?.catch(() => {});
  // The prepared ORM when no connection took it (a failed start, or a socket elsewhere): only its
  // pool to close.
  const closeUnused = async () => {
    await (await prepared?.catch(() => undefined))?.close(true).catch(() => {});
  };
  let orm: MikroORM | undefined;
  const connect = async (info: { socketDir: string }): Promise<boolean> => {
    let candidate: MikroORM;
    if (prepared && info.socketDir === dir) {
      candidate = await prepared;
      prepared = undefined;
    } else candidate = await mikroCore.MikroORM.init(ormOptions(info.socketDir));
    try {
      await candidate.em.getConnection().execute('select 1');
      orm = candidate;
      return true;
    } catch (error) {
      await candidate.close(true).catch(() => {});
      if (isNoService(error)) return false;
      throw error;
    }
  };
  try {
    // A command that started the service before it loaded MikroORM (startServiceEarly) waits
    // for it here, once the ORM is being built: its failure is already the command's error.
    await options.serviceStarting;
  } catch (error) {
    await closeUnused();
    throw error;
  }
  try {
    await ensureService(ensureOptionsOf(config, { ...options, create: options.create ?? false }), connect);
  } catch (error) {
    await closeUnused();
    throw serviceFailure(error, dir);
  }
  // Not used: the service's socket was elsewhere after all.
  await closeUnused();
  const opened = orm!;
  return {
    kind: 'embedded',
    orm: opened,
    config,
    em: () => opened.em.fork() as EntityManager,
    copyBlob: (copySql, data, client) => copyBlobThroughService(dir, client, copySql, data),
    close: () => opened.close(true),
  };
}

/**
 * Whether a migration of migrations/names.ts is not recorded as applied. One query, where the
 * Migrator (above all on the embedded database) costs module loading and catalog queries; it is asked only when this says yes.
 */
async function anyMigrationPending(orm: MikroORM): Promise<boolean> {
  const connection = orm.em.getConnection();
  const { applied } = await probeStartup(<T>(text: string) => connection.execute<T[]>(text), false);
  return someNotApplied(applied);
}

/**
 * Who is connected, on PostgreSQL: the login and whether it is a person's (core/access/identity.ts).
 * The embedded database has one user, the tool itself: undefined.
 */
export async function sessionOf(db: Database): Promise<SessionIdentity | undefined> {
  if (db.kind !== 'postgresql') return undefined;
  if (db.startup?.session) return db.startup.session;
  try {
    const [row] = await db.orm.em
      .getConnection()
      .execute<{ login: string; person: boolean }[]>(
        'select session_user::text as login, crm_session_is_person() as person',
      );
    return row;
  } catch (error) {
    // undefined_function: the access-control migration is not applied yet (`crm db migrate` runs
    // as the schema owner, a single user).
    if ((error as { code?: string }).code === '42883') return undefined;
    throw error;
  }
}

export async function pendingMigrations(orm: MikroORM): Promise<string[]> {
  return (await orm.getMigrator().getPendingMigrations()).map((m) => m.name);
}

export async function applyMigrations(orm: MikroORM): Promise<string[]> {
  return (await orm.getMigrator().up()).map((m) => m.name);
}

/**
 * Whether a migration is not applied yet: one query (or none on PostgreSQL, where the connect's
 * probe brought the applied list), where the Migrator costs module loading and catalog queries.
 */
export function migrationsPending(db: Database): Promise<boolean> {
  return db.startup ? Promise.resolve(someNotApplied(db.startup.applied)) : anyMigrationPending(db.orm);
}

/** Opens the configured database, migrating or checking as asked. */
export async function openDatabase(config: Config, options: OpenOptions): Promise<Database> {
  const db = config.databaseUrl
    ? await openPostgres(config)
    : config.embeddedService
      ? await openEmbeddedService(config, options)
      : await openEmbedded(config, options);
  const mode = options.migrate ?? (db.kind === 'embedded' ? 'auto' : 'check');
  try {
    // The Migrator is asked only when the migrations table says something is pending.
    // PostgreSQL's applied migrations came with the connect (startupProbe).
    if (mode !== 'never' && (await migrationsPending(db))) {
      if (mode === 'auto') {
        await applyMigrations(db.orm);
        // Who is connected is asked again: the functions may have just been created.
        if (db.startup) db.startup.session = undefined;
      } else {
        const pending = await pendingMigrations(db.orm);
        if (pending.length > 0) {
          throw new UnavailableError(
            'database_not_migrated',
            `the database is not migrated (${pending.length} pending migration${pending.length > 1 ? 's' : ''}): run \`crm db migrate\``,
          );
        }
      }
    }
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
