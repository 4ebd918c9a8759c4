import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Database } from '../../src/core/db/database.js';
import { query } from '../../src/core/db/sql.js';
import { addHospital } from '../../src/core/hospitals/add-hospital.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { services } from '../support/services.js';
import { storyTests } from '../support/steps.js';

// The second test fails to add again the hospital the first one adds: run alone, it runs the first.
const it = storyTests();

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

describe('audit_log', () => {
  it('records who changed what, in the same transaction as the change', async () => {
    const hospital = await addHospital(
      services(db, { actor: { operator: 'ada', command: 'crm hospital add --code KAN-001' } }),
      { code: 'KAN-001', name: 'Kano Central', state: 'Kano', city: 'Kano' },
    );
    const rows = await query<{
      operator: string;
      command: string;
      entity: string;
      entity_id: string;
      summary: unknown;
    }>(db.em(), 'select operator, command, entity, entity_id, summary from audit_log where entity_id = $1', [
      hospital.id,
    ]);
    expect(rows).toEqual([
      {
        operator: 'ada',
        command: 'crm hospital add --code KAN-001',
        entity: 'hospital',
        entity_id: hospital.id,
        summary: { code: 'KAN-001', name: 'Kano Central' },
      },
    ]);
  });

  it('a failed change leaves no audit row', async () => {
    const before = await query<{ n: number }>(db.em(), 'select count(*)::int as n from audit_log');
    await expect(
      addHospital(services(db, { actor: { operator: 'ada', command: 'x' } }), {
        code: 'KAN-001',
        name: 'again',
        state: 'Kano',
        city: 'Kano',
      }),
    ).rejects.toMatchObject({ exitCode: 5 });
    expect(await query(db.em(), 'select count(*)::int as n from audit_log')).toEqual(before);
  });

  it('is append-only: the database refuses updates and deletes', async () => {
    await expect(query(db.em(), "update audit_log set operator = 'mallory'")).rejects.toThrow(/append-only/);
    await expect(query(db.em(), 'delete from audit_log')).rejects.toThrow(/append-only/);
  });
});
