import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/database.js';
import { entities } from '../../src/core/db/entities.js';
import { query } from '../../src/core/db/sql.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let tdb: TestDatabase;
let db: Database;

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await tdb.open();
});
afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});

/** The migrated schema's tables and their columns (MikroORM's own bookkeeping table left out). */
async function schemaColumns(): Promise<Map<string, Set<string>>> {
  const rows = await query<{ table_name: string; column_name: string }>(
    db.em(),
    `select c.table_name, c.column_name from information_schema.columns c
     join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
     where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
       and c.table_name <> 'mikro_orm_migrations'`,
  );
  const tables = new Map<string, Set<string>>();
  for (const r of rows) {
    if (!tables.has(r.table_name)) tables.set(r.table_name, new Set());
    tables.get(r.table_name)!.add(r.column_name);
  }
  return tables;
}

/** Each registered entity's table and the columns its properties map. */
function entityColumns(): Map<string, Set<string>> {
  const mapped = new Map<string, Set<string>>();
  for (const meta of Object.values(db.orm.getMetadata().getAll())) {
    if (meta.embeddable || meta.virtual) continue;
    const columns = new Set<string>();
    for (const prop of meta.props) for (const field of prop.fieldNames ?? []) columns.add(field);
    mapped.set(meta.tableName, columns);
  }
  return mapped;
}

describe('entities', () => {
  it('every table of the migrated schema has exactly one entity in the explicit list', async () => {
    const tables = [...(await schemaColumns()).keys()].sort();
    const mapped = [...entityColumns().keys()].sort();
    expect(mapped).toEqual(tables);
    expect(entities).toHaveLength(tables.length);
  });

  it("each entity maps its table's columns, and nothing the table lacks", async () => {
    const tables = await schemaColumns();
    for (const [table, columns] of entityColumns()) {
      expect([...columns].sort(), table).toEqual([...(tables.get(table) ?? [])].sort());
    }
  });
});
