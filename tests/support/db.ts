import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import pg from 'pg';
import { inject } from 'vitest';
import { type Config, loadConfig } from '../../src/core/config.js';
import { type Database, openDatabase } from '../../src/core/db/database.js';
import { query } from '../../src/core/db/sql.js';

/** True when the suite runs against a real PostgreSQL server (DATABASE_URL set). */
export const onPostgres = Boolean(process.env.DATABASE_URL);

/**
 * True when several processes can use the test database at once: on PostgreSQL, and on the
 * embedded database through its service (the default); not when each process opens
 * the embedded database itself (one process at a time, by its lock).
 */
export const sharedDatabase = onPostgres || loadConfig(process.env, { readDotEnv: false }).embeddedService;

/** True when the suite's embedded database is used through its service, as `crm` then does. */
export const throughService = !onPostgres && sharedDatabase;

/**
 * A database of the test file's own: a fresh PostgreSQL database (created and migrated here) when
 * DATABASE_URL is set, else a copy of the migrated embedded template in a temporary folder.
 * `env` is what a child `crm` process needs to use the same database.
 */
export interface TestDatabase {
  config: Config;
  env: Record<string, string>;
  open(): Promise<Database>;
  drop(): Promise<void>;
}

function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const base = loadConfig(process.env, { readDotEnv: false });
  if (onPostgres) {
    const name = `crm_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = withDatabaseName(process.env.DATABASE_URL!, name);
    const config: Config = { ...base, databaseUrl: url, fixedNow: undefined };
    const db = await openDatabase(config, { command: 'test', migrate: 'auto' });
    await db.close();
    return {
      config,
      env: { DATABASE_URL: url },
      open: () => openDatabase(config, { command: 'test' }),
      async drop() {
        const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      },
    };
  }
  const template = inject('embeddedTemplateDir');
  const dir = mkdtempSync(join(tmpdir(), 'crm-test-'));
  if (template) cpSync(template, dir, { recursive: true });
  const config: Config = {
    ...base,
    databaseUrl: undefined,
    dataDir: dir,
    fixedNow: undefined,
    embeddedLockWaitMs: 5000,
  };
  return {
    config,
    env: { CRM_DATA_DIR: dir },
    open: () => openDatabase(config, { command: 'test' }),
    async drop() {
      // The suite may run through the embedded database's service (CRM_EMBEDDED_SERVICE=1).
      const { stopService } = await import('../../src/core/db/embedded-service-client.js');
      await stopService(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs one statement on the test database through a short-lived connection of its own. */
export async function sqlOnce<T = Record<string, unknown>>(
  tdb: TestDatabase,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const db = await tdb.open();
  try {
    const { query } = await import('../../src/core/db/sql.js');
    return await query<T>(db.em(), text, params);
  } finally {
    await db.close();
  }
}

/**
 * TRUNCATE … CASCADE for a test's reset. A cascade from patient or hospital reaches the loyalty
 * ledger, whose trigger refuses TRUNCATE (it is append-only, for everyone else); a test emptying
 * its own database is not a correction, so that one trigger is off for the statement's
 * transaction, as the schema owner the tests connect as.
 */
export async function truncateForTest(em: EntityManager, statement: string): Promise<void> {
  await em.transactional(async (t) => {
    const tx = t as EntityManager;
    await query(tx, 'alter table loyalty_transactions disable trigger loyalty_ledger_no_truncate');
    await query(tx, statement);
    await query(tx, 'alter table loyalty_transactions enable trigger loyalty_ledger_no_truncate');
  });
}
