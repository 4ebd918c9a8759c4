import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsList } from '../../migrations/index.js';
import { migrationNames } from '../../migrations/names.js';
import type { Config } from '../../src/core/config.js';
import { LazyMigrator, openDatabase, pendingMigrations } from '../../src/core/db/database.js';
import { query } from '../../src/core/db/sql.js';
import { ROOT, runCli } from '../support/cli.js';
import { createTestDatabase, onPostgres, sqlOnce, type TestDatabase } from '../support/db.js';

let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

const appliedNames = async () =>
  (await sqlOnce<{ name: string }>(tdb, 'select name from mikro_orm_migrations order by id')).map(
    (r) => r.name,
  );

describe('migrations/names.ts', () => {
  it('names every migration class of migrations/index.ts, in the same order, and every migration file', () => {
    expect(migrationsList.map((m) => m.name)).toEqual([...migrationNames]);
    for (const m of migrationsList) expect(m.class.name).toBe(m.name);
    const files = readdirSync(join(ROOT, 'migrations'))
      .filter((f) => /^Migration\d+_\w+\.ts$/.test(f))
      .map((f) => f.replace(/\.ts$/, ''));
    expect(files.sort()).toEqual([...migrationNames].sort());
  });
});

describe('opening a database', () => {
  it('does not load the Migrator when every migration is applied', async () => {
    for (const migrate of ['auto', 'check'] as const) {
      const db = await openDatabase(tdb.config, { command: 'test', migrate });
      try {
        const migrator = db.orm.getMigrator();
        expect(migrator).toBeInstanceOf(LazyMigrator);
        expect((migrator as LazyMigrator).loaded).toBe(false);
        // It still answers when asked (crm db status), loading itself then.
        expect(await pendingMigrations(db.orm)).toEqual([]);
        expect((migrator as LazyMigrator).loaded).toBe(true);
      } finally {
        await db.close();
      }
    }
  });

  it('reports a migration whose row is missing as pending, and applies it again in auto mode', async () => {
    // A migration that can run twice (it replaces a function); later ones create tables and columns.
    const rerunnable = 'Migration20261126110000_patient_update_check_linear';
    await sqlOnce(tdb, 'delete from mikro_orm_migrations where name = $1', [rerunnable]);

    const error = await openDatabase(tdb.config, { command: 'test', migrate: 'check' }).catch((e) => e);
    expect(error).toMatchObject({
      code: 'database_not_migrated',
      exitCode: 7,
      message: 'the database is not migrated (1 pending migration): run `crm db migrate`',
    });
    if (onPostgres) {
      // PostgreSQL is checked, not migrated, by every command but `crm db migrate`.
      const r = await runCli(['patient', 'list'], tdb.env);
      expect(r.code, r.stderr).toBe(7);
      expect(r.stderr).toContain('the database is not migrated (1 pending migration)');
    }

    const db = await openDatabase(tdb.config, { command: 'test', migrate: 'auto' });
    try {
      expect((db.orm.getMigrator() as LazyMigrator).loaded).toBe(true);
      expect(await pendingMigrations(db.orm)).toEqual([]);
    } finally {
      await db.close();
    }
    // Applied again: recorded anew, after the others.
    expect(await appliedNames()).toEqual([...migrationNames.filter((n) => n !== rerunnable), rerunnable]);
  });

  it('migrates a database without the migrations table in auto mode, and reports it in check mode', async () => {
    const empty = await emptyDatabase();
    try {
      const error = await openDatabase(empty.config, { command: 'test', migrate: 'check' }).catch((e) => e);
      expect(error).toMatchObject({ code: 'database_not_migrated', exitCode: 7 });
      expect(error.message).toContain(`(${migrationNames.length} pending migrations)`);

      const db = await openDatabase(empty.config, { command: 'test', migrate: 'auto' });
      try {
        const rows = await query<{ name: string }>(
          db.em(),
          'select name from mikro_orm_migrations order by id',
        );
        expect(rows.map((r) => r.name)).toEqual([...migrationNames]);
      } finally {
        await db.close();
      }
    } finally {
      await empty.drop();
    }
  });
});

/** A database with nothing in it: a new PostgreSQL database, or a new embedded data folder. */
async function emptyDatabase(): Promise<{ config: Config; drop(): Promise<void> }> {
  if (onPostgres) {
    const name = `crm_test_empty_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = async (sql: string) => {
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    };
    await admin(`create database ${name}`);
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${name}`;
    return {
      config: { ...tdb.config, databaseUrl: url.toString() },
      drop: () => admin(`drop database if exists ${name} with (force)`),
    };
  }
  // A new embedded database that was never migrated (bare from initdb, not the migrated image).
  const dir = mkdtempSync(join(tmpdir(), 'crm-test-empty-'));
  await (
    await openDatabase(
      { ...tdb.config, dataDir: dir, embeddedService: false },
      { command: 'test', migrate: 'never', create: true, fromImage: false },
    )
  ).close();
  return {
    config: { ...tdb.config, dataDir: dir },
    async drop() {
      // Opened through the service when the suite runs through it (as tests/support/db.ts drops
      // its folders): a service still closing would write into the folder while it is removed.
      const { stopService } = await import('../../src/core/db/embedded-service-client.js');
      await stopService(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
