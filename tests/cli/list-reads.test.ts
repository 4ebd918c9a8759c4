/**
 * `crm hospital list` and `crm patient list` read through a plain connection, without loading
 * MikroORM (core/db/reader.ts), on PostgreSQL and through the embedded database's service. What
 * they print must be what the entities' views give for the same rows: the reference here is the
 * ORM's own mapping (toHospitalView, toPatientView), read through the EntityManager.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationNames } from '../../migrations/names.js';
import { query } from '../../src/core/db/sql.js';
import { Hospital } from '../../src/core/hospitals/hospital.entity.js';
import { toHospitalView } from '../../src/core/hospitals/hospital.view.js';
import { Patient } from '../../src/core/patients/patient.entity.js';
import { type PatientView, toPatientView } from '../../src/core/patients/patient.view.js';
import { jsonOf, ROOT, runCli } from '../support/cli.js';
import {
  createTestDatabase,
  onPostgres,
  sharedDatabase,
  sqlOnce,
  type TestDatabase,
  throughService,
} from '../support/db.js';
import { writeTempFile } from '../support/files.js';

let tdb: TestDatabase;
const crm = (args: string[], env: Record<string, string> = {}) => runCli(args, { ...tdb.env, ...env });

/** What a `crm` process loaded: CommonJS requests, and the vendor bundles it read. */
async function traced(args: string[]) {
  const r = await crm(args, { NODE_OPTIONS: `--require ${join(ROOT, 'tests/support/trace-loads.cjs')}` });
  expect(r.code, r.stderr).toBe(0);
  const loaded = JSON.parse(/loaded-modules:(.*)/.exec(r.stderr)![1]) as string[];
  return { r, loaded };
}

const ormLoads = (loaded: string[]) => loaded.filter((m) => /mikro-orm|knex/.test(m));

/**
 * Whether lists read without the ORM here: on PostgreSQL and through the embedded service. The
 * embedded database opened in process (CRM_EMBEDDED_SERVICE=0: the Node 24 CLI run in CI) takes
 * the full path by design.
 */
const readsWithoutOrm = sharedDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase();
  for (const [code, name] of [
    ['LAG-001', 'Lagos'],
    ['ABJ-001', 'Abuja'],
    ['KAN-001', 'Kano (no patients)'],
  ]) {
    const r = await crm([
      'hospital',
      'add',
      '--code',
      code,
      '--name',
      name,
      '--state',
      'Lagos',
      '--city',
      'Ikeja',
    ]);
    expect(r.code, r.stderr).toBe(0);
  }
  const csv = writeTempFile(
    [
      'first_name,last_name,phone,email,date_of_birth,gender,external_id,language,consent_sms,consent_email',
      'Ada,Obi,08031234567,ada@example.ng,1990-05-17,female,MRN-1,yo,true,false',
      'Bola,Obi,08031234568,,,male,MRN-2,en,false,true',
      'Chidi,Eze,08031234569,,1985-01-02,,,ig,,',
    ].join('\n'),
    'patients.csv',
  );
  expect((await crm(['patient', 'import', csv, '--hospital', 'LAG-001'])).code).toBe(0);
  const more = writeTempFile(['first_name,last_name,phone', 'Dayo,Ade,08031234570'].join('\n'), 'more.csv');
  expect((await crm(['patient', 'import', more, '--hospital', 'ABJ-001'])).code).toBe(0);
  // A visit 3 days ago: the one patient --inactive-days 1 finds.
  await sqlOnce(tdb, `update patient set last_visit_at = now() - interval '3 days' where first_name = 'Ada'`);
});

afterAll(async () => {
  await tdb?.drop();
});

describe('list commands read without MikroORM', () => {
  it('hospital list: what the entities give, with patient counts, and no ORM loaded', async () => {
    const { r, loaded } = await traced(['hospital', 'list', '--json']);
    if (readsWithoutOrm) expect(ormLoads(loaded)).toEqual([]);
    const db = await tdb.open();
    try {
      const em = db.em();
      const hospitals = await em.find(Hospital, {}, { orderBy: { code: 'asc' } });
      const counts = await query<{ id: string; n: number }>(
        em,
        'select hospital_id as id, count(*)::int as n from patient group by hospital_id',
      );
      const countOf = (id: string) => counts.find((c) => c.id === id)?.n ?? 0;
      expect(jsonOf(r)).toEqual(hospitals.map((h) => ({ ...toHospitalView(h), patients: countOf(h.id) })));
    } finally {
      await db.close();
    }
    expect(jsonOf(r).map((h: { code: string; patients: number }) => [h.code, h.patients])).toEqual([
      ['ABJ-001', 1],
      ['KAN-001', 0],
      ['LAG-001', 3],
    ]);
  });

  it('patient list: what the entities give, filtered and ordered alike, and no ORM loaded', async () => {
    // The reference first, and the database closed again: in process, the embedded database is
    // one process's at a time.
    const db = await tdb.open();
    let views: PatientView[];
    try {
      const all = await db
        .em()
        .find(
          Patient,
          {},
          { populate: ['hospital'], orderBy: { lastName: 'asc', firstName: 'asc', id: 'asc' } },
        );
      views = all.map(toPatientView);
    } finally {
      await db.close();
    }
    const lagos = views.filter((p) => p.hospital === 'LAG-001');
    for (const [args, expected] of [
      [['patient', 'list', '--json'], views],
      [['patient', 'list', '--json', '--limit', '2'], views.slice(0, 2)],
      [['patient', 'list', '--json', '--hospital', 'lag-001'], lagos],
      [
        ['patient', 'list', '--json', '--hospital', 'LAG-001', '--inactive-days', '1'],
        // Ada's last visit was 3 days ago; the others were created today.
        lagos.filter((p) => p.firstName === 'Ada'),
      ],
    ] as const) {
      const { r, loaded } = await traced([...args]);
      if (readsWithoutOrm) expect(ormLoads(loaded)).toEqual([]);
      expect(jsonOf(r), args.join(' ')).toEqual(expected);
    }
    // The values the row path converts itself: a date stays a date, timestamps in Lagos time.
    const ada = views.find((p) => p.firstName === 'Ada')!;
    expect(ada.dateOfBirth).toBe('1990-05-17');
    expect(ada.lastVisitAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+01:00$/);
  });

  it('the trace sees the ORM where a command loads it (the check above can fail)', async () => {
    const { loaded } = await traced(['hospital', 'show', 'LAG-001', '--json']);
    expect(ormLoads(loaded).length).toBeGreaterThan(0);
  });

  it('an unknown hospital is exit 4 naming it, as before', async () => {
    const r = await crm(['patient', 'list', '--hospital', 'XYZ-404']);
    expect([r.code, r.stderr]).toEqual([4, 'crm: error: hospital not found: XYZ-404\n']);
  });
});

describe.runIf(throughService)('a list with a migration pending (embedded database)', () => {
  it('takes the full path, which migrates the database first, and answers', async () => {
    const rerunnable = 'Migration20261126110000_patient_update_check_linear';
    await sqlOnce(tdb, 'delete from mikro_orm_migrations where name = $1', [rerunnable]);
    const r = await crm(['hospital', 'list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonOf(r)).toHaveLength(3);
    const applied = await sqlOnce<{ name: string }>(tdb, 'select name from mikro_orm_migrations');
    expect(applied.map((a) => a.name).sort()).toEqual([...migrationNames].sort());
  });
});

describe.runIf(onPostgres)('a list with a migration pending (PostgreSQL)', () => {
  it('is exit 7 asking for crm db migrate, as every command but db migrate', async () => {
    const rerunnable = 'Migration20261126110000_patient_update_check_linear';
    await sqlOnce(tdb, 'delete from mikro_orm_migrations where name = $1', [rerunnable]);
    try {
      const r = await crm(['hospital', 'list']);
      expect(r.code, r.stderr).toBe(7);
      expect(r.stderr).toContain('the database is not migrated (1 pending migration): run `crm db migrate`');
    } finally {
      expect((await crm(['db', 'migrate'])).code).toBe(0);
    }
  });
});
