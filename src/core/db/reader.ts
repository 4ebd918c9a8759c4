/**
 * Reads without MikroORM: list commands (`hospital list`, `patient list`) run named SQL over one
 * plain `pg` connection. Loading MikroORM and discovering its entities is most of what such a
 * command spends after Node's own start, several times the query itself (BENCHMARKS.md,
 * "Session 14"); a read needs neither the identity map nor entities, only rows it turns into
 * views. Writes and everything else go through database.ts.
 *
 * The connection asks what database.ts's open asks first (startup-probe.ts): who is connected
 * (PostgreSQL; the operator is resolved from it as for any command) and which migrations are
 * applied. With a migration pending — or on the embedded database opened in process
 * (CRM_EMBEDDED_SERVICE=0) — there is no reader: the command takes the full path, which migrates
 * or reports as it always does.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type pgModule from 'pg';
import type { SessionIdentity } from '../access/identity.js';
import type { Config } from '../config.js';
import type { SqlReader } from './sql.js';
import { describeConnectionError, probeStartup, someNotApplied } from './startup-probe.js';
import { loadVendor } from './vendor.js';

export type { SqlReader };

/** An open read connection; `close` ends it. */
export interface ReadSession extends SqlReader {
  readonly kind: 'postgresql' | 'embedded';
  /** PostgreSQL: who is connected (core/access/identity.ts); the embedded database: undefined. */
  readonly session: SessionIdentity | undefined;
  close(): Promise<void>;
}

export interface ReaderOptions {
  notice?: (text: string) => void;
  warn?: (text: string) => void;
  progress?: (text: string) => () => void;
}

type Pg = typeof pgModule;

let pg: Pg | undefined;

/**
 * pg: from the built CLI's own bundle of it (dist/bundle/pg.vendor.cjs, with a code cache), else
 * (tsx, vitest) from node_modules.
 */
function loadPg(): Pg {
  if (pg) return pg;
  const vendorFile = fileURLToPath(new URL('./pg.vendor.cjs', import.meta.url));
  pg = existsSync(vendorFile) ? loadVendor<Pg>(vendorFile) : createRequire(import.meta.url)('pg');
  return pg!;
}

/**
 * Values as MikroORM's connection gives them to raw queries, where the views depend on it: a
 * `date` stays its text (`1990-05-17`), never a Date at local midnight. Timestamps are Dates,
 * which the views' `isoTimestamp` takes as it takes text.
 */
function typesOf(driver: Pg): pgModule.CustomTypesConfig {
  const types = new driver.TypeOverrides();
  types.setTypeParser(1082, (text: string) => text);
  return types;
}

/** A client's statement runner, as startup-probe.ts takes it. */
const rowsOf =
  (client: pgModule.Client) =>
  async <T>(text: string, params: readonly unknown[] = []): Promise<T[]> =>
    (await client.query(text, [...params])).rows as T[];

function readSession(
  client: pgModule.Client,
  kind: ReadSession['kind'],
  session: SessionIdentity | undefined,
): ReadSession {
  return {
    kind,
    session,
    query: rowsOf(client),
    close: () => client.end(),
  };
}

/** A read connection to the configured database, or undefined where reads take the full path. */
export async function openReader(
  config: Config,
  options: ReaderOptions = {},
): Promise<ReadSession | undefined> {
  if (config.databaseUrl) return openPostgresReader(config.databaseUrl);
  if (config.embeddedService) return openServiceReader(config, options);
  return undefined;
}

async function openPostgresReader(url: string): Promise<ReadSession | undefined> {
  const driver = loadPg();
  const client = new driver.Client({ connectionString: url, types: typesOf(driver) });
  // A connection lost while idle (the server restarting) is reported by the next query instead.
  client.on('error', () => {});
  let facts: Awaited<ReturnType<typeof probeStartup>>;
  try {
    await client.connect();
    facts = await probeStartup(rowsOf(client));
  } catch (error) {
    await client.end().catch(() => {});
    throw describeConnectionError(error, url);
  }
  if (someNotApplied(facts.applied)) {
    await client.end();
    return undefined;
  }
  return readSession(client, 'postgresql', facts.session);
}

/** The embedded database through its service (started if need be), on its Unix socket. */
async function openServiceReader(config: Config, options: ReaderOptions): Promise<ReadSession | undefined> {
  const driver = loadPg();
  const { ensureService, ensureOptionsOf, isNoService, serviceFailure } = await import(
    './embedded-service-client.js'
  );
  const { SOCKET_PORT } = await import('./embedded-service-files.js');
  let opened: { client: pgModule.Client; pending: boolean } | undefined;
  const connect = async (info: { socketDir: string }): Promise<boolean> => {
    const client = new driver.Client({
      host: info.socketDir,
      port: SOCKET_PORT,
      user: 'postgres',
      database: 'postgres',
      types: typesOf(driver),
    });
    client.on('error', () => {});
    try {
      await client.connect();
      const facts = await probeStartup(rowsOf(client), false);
      opened = { client, pending: someNotApplied(facts.applied) };
      return true;
    } catch (error) {
      await client.end().catch(() => {});
      if (isNoService(error)) return false;
      throw error;
    }
  };
  try {
    // A read never makes a new database: a mistyped CRM_DATA_DIR is exit 7.
    await ensureService(ensureOptionsOf(config, { ...options, create: false }), connect);
  } catch (error) {
    await opened?.client.end().catch(() => {});
    throw serviceFailure(error, config.dataDir);
  }
  const { client, pending } = opened!;
  if (pending) {
    await client.end();
    return undefined;
  }
  return readSession(client, 'embedded', undefined);
}
