import { normalizeOperator, resolveOperator, type SessionIdentity } from '../../core/access/identity.js';
import type { Actor } from '../../core/audit/audit.js';
import { maskText } from '../../core/audit/redact.js';
import type { Config } from '../../core/config.js';
import type { BulkServiceContext } from '../../core/context.js';
import type { Database, OpenOptions } from '../../core/db/database.js';
import type { SqlReader } from '../../core/db/sql.js';
import { type Clock, fixedClock, systemClock } from '../../core/time.js';
import type { Io } from './io.js';
import type { DatabaseNeed } from './lazy.js';

/** Global flags every command understands. */
export interface GlobalFlags {
  json?: boolean;
  verbose?: boolean;
  color?: boolean;
  operator?: string;
  databaseUrl?: string;
  yes?: boolean;
  /** Tables show every column, uncut, whatever the terminal's width. */
  wide?: boolean;
}

/** What a command needs from the outside world: built once per run by cli.ts. */
export interface CommandContext {
  io: Io;
  config: Config;
  clock: Clock;
  json: boolean;
  /** --wide: tables are not fitted to the terminal. */
  wide: boolean;
  verbose: boolean;
  /** The command as typed, for the audit log (`crm patient import x.csv`). */
  commandLine: string;
  /**
   * Who is acting and through which command. Inside withDatabase on PostgreSQL, a person's login
   * (see core/access/identity.ts); before the database is open, the declared name.
   */
  actor(): Actor;
  /** Opens the database for the duration of `fn`, then closes it (and the embedded lock). */
  withDatabase<T>(fn: (db: Database) => Promise<T>, options?: Partial<OpenOptions>): Promise<T>;
  /**
   * Opens the database for the duration of `fn` and hands it a ServiceContext on a fresh
   * EntityManager (what core operations take), with the database itself for bulk operations.
   */
  withServices<T>(
    fn: (svc: BulkServiceContext, db: Database) => Promise<T>,
    options?: Partial<OpenOptions>,
  ): Promise<T>;
  /**
   * Opens a read connection for the duration of `fn` (core/db/reader.ts: named SQL without
   * loading MikroORM), or the full path where there is none (a migration pending, the embedded
   * database in process).
   */
  withReader<T>(fn: (read: SqlReader) => Promise<T>): Promise<T>;
  /** A line of data on stdout. */
  print(text: string): void;
  /** A warning on stderr. */
  warn(text: string): void;
}

export function createContext(
  io: Io,
  config: Config,
  flags: GlobalFlags,
  commandLine: string,
  need: DatabaseNeed = 'needs-database',
): CommandContext {
  const declared =
    flags.operator !== undefined
      ? { name: flags.operator, source: '--operator', explicit: true }
      : config.env.CRM_OPERATOR?.trim()
        ? { name: config.operator, source: 'CRM_OPERATOR', explicit: true }
        : { name: config.operator, source: 'the OS user name', explicit: false };
  let operator: string | undefined;
  const effectiveConfig: Config = flags.databaseUrl ? { ...config, databaseUrl: flags.databaseUrl } : config;
  /**
   * Runs `fn` on an open connection (a Database, or a read connection) as the operator its
   * session resolves to, then closes it.
   */
  const use = async <C extends { kind: 'postgresql' | 'embedded'; close(): Promise<void> }, T>(
    connection: C,
    session: () => Promise<SessionIdentity | undefined>,
    fn: (connection: C) => Promise<T>,
  ): Promise<T> => {
    let failed = false;
    try {
      operator = resolveOperator(await session(), declared);
      return await fn(connection);
    } catch (error) {
      failed = true;
      if (connection.kind !== 'embedded') throw error;
      // A full disk or a PGlite crash mid-command: exit 7 naming the folder and its free space.
      const { embeddedFailure } = await import('../../core/db/embedded-folder.js');
      throw embeddedFailure(error, effectiveConfig.dataDir) ?? error;
    } finally {
      // Closing a connection that failed must not replace the error that explains why.
      await connection.close().catch((error) => {
        if (!failed) throw error;
      });
    }
  };
  const context: CommandContext = {
    io,
    config: effectiveConfig,
    clock: effectiveConfig.fixedNow ? fixedClock(effectiveConfig.fixedNow) : systemClock,
    json: Boolean(flags.json),
    wide: Boolean(flags.wide),
    verbose: Boolean(flags.verbose) || config.debug,
    commandLine,
    actor: () => ({
      operator: operator ?? normalizeOperator(declared.name, declared.source),
      command: commandLine,
    }),
    async withDatabase(fn, options) {
      const openOptions: OpenOptions = {
        command: commandLine,
        create: need === 'creates-database',
        notice: (text) => io.stderr.write(`crm: ${text}\n`),
        warn: (text) => context.warn(text),
        progress: io.stderrIsTTY ? (text) => spinner(io.stderr, text) : undefined,
        ...options,
      };
      // The embedded database's service is started (when it is not running) first: the service
      // is spawned before this process loads database.ts and builds the ORM, which then overlap
      // with the service's start-up.
      let early: Promise<void> | undefined;
      if (!effectiveConfig.databaseUrl && effectiveConfig.embeddedService) {
        const client = await import('../../core/db/embedded-service-client.js');
        early = client.startServiceEarly(
          client.ensureOptionsOf(effectiveConfig, { ...openOptions, create: openOptions.create ?? false }),
        );
      }
      // Settled by openDatabase; an early failure must not surface as an unhandled rejection meanwhile.
      early?.catch(() => {});
      const { openDatabase, sessionOf } = await import('../../core/db/database.js');
      // The ORM is built while the service starts; the open waits for the service after that.
      const db = await openDatabase(effectiveConfig, { ...openOptions, serviceStarting: early });
      return use(db, () => sessionOf(db), fn);
    },
    async withReader(fn) {
      const { openReader } = await import('../../core/db/reader.js');
      const reader = await openReader(effectiveConfig, {
        notice: (text) => io.stderr.write(`crm: ${text}\n`),
        warn: (text) => context.warn(text),
        progress: io.stderrIsTTY ? (text) => spinner(io.stderr, text) : undefined,
      });
      if (!reader) {
        const { sqlReader } = await import('../../core/db/sql.js');
        return context.withServices((svc) => fn(sqlReader(svc.em)));
      }
      return use(reader, async () => reader.session, fn);
    },
    withServices(fn, options) {
      return context.withDatabase(
        (db) =>
          fn({ em: db.em(), clock: context.clock, config: effectiveConfig, actor: context.actor(), db }, db),
        options,
      );
    },
    print(text) {
      io.stdout.write(`${text}\n`);
    },
    warn(text) {
      io.stderr.write(`warning: ${maskText(text)}\n`);
    },
  };
  return context;
}

/** A spinner on a terminal's stderr (opening the embedded database can take seconds); returns its stop. */
function spinner(stderr: { write(text: string): unknown }, text: string): () => void {
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let at = 0;
  const draw = () => stderr.write(`\r${frames[at++ % frames.length]} ${text}…`);
  draw();
  const timer = setInterval(draw, 100);
  return () => {
    clearInterval(timer);
    stderr.write('\r\x1b[2K');
  };
}
