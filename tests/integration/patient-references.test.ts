import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/database.js';
import { execute, query, queryOne } from '../../src/core/db/sql.js';
import { addHospital } from '../../src/core/hospitals/add-hospital.js';
import { createTestDatabase, onPostgres, type TestDatabase, truncateForTest } from '../support/db.js';
import { services } from '../support/services.js';

/**
 * Migration 20261126000000 checks patient's references once per statement (constraint triggers
 * with transition tables) instead of with per-row foreign keys, and the E.164 phone check
 * without a regular expression. The guarantees of the foreign keys and of the old check must
 * hold, whatever SQL writes the rows.
 */

const ada = { operator: 'ada', command: 'crm test' };
let tdb: TestDatabase;
let db: Database;
let lagos: string;

async function insertPatient(fields: { hospital?: string | null; referredBy?: string; phone?: string }) {
  const row = await queryOne<{ id: string }>(
    db.em(),
    `insert into patient (hospital_id, first_name, last_name, phone, referred_by)
     values ($1, 'Ada', 'Obi', $2, $3) returning id`,
    [fields.hospital ?? null, fields.phone ?? '+2348031234567', fields.referredBy ?? null],
  );
  return row!.id;
}

const codeOf = (error: unknown) => (error as { code?: string }).code;

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await tdb.open();
  lagos = (
    await addHospital(services(db, { actor: ada }), {
      code: 'LAG-001',
      name: 'Lagos',
      state: 'Lagos',
      city: 'Ikeja',
    })
  ).id;
});

afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});

describe('patient → hospital', () => {
  it('refuses an unknown hospital on insert and on update, whichever row of the statement has it', async () => {
    const insert = await execute(
      db.em(),
      `insert into patient (hospital_id, first_name, last_name, phone)
       values ($1, 'A', 'B', '+2348031234567'), (gen_random_uuid(), 'C', 'D', '+2348031234568')`,
      [lagos],
    ).catch((e) => e);
    expect(codeOf(insert)).toBe('23503');
    expect(insert.message).toContain('patient_hospital_id_fkey');
    const id = await insertPatient({ hospital: lagos });
    const update = await execute(
      db.em(),
      'update patient set hospital_id = gen_random_uuid() where id = $1',
      [id],
    ).catch((e) => e);
    expect(codeOf(update)).toBe('23503');
    expect(await queryOne(db.em(), 'select hospital_id from patient where id = $1', [id])).toEqual({
      hospital_id: lagos,
    });
    // Updates that leave the references alone are not checked (and pass).
    await execute(db.em(), `update patient set first_name = 'Adaeze' where id = $1`, [id]);
    await execute(db.em(), 'delete from patient');
  });

  it('keeps a hospital with patients from being deleted, renumbered or truncated; without them it can go', async () => {
    const other = (
      await addHospital(services(db, { actor: ada }), {
        code: 'ABJ-001',
        name: 'Abuja',
        state: 'FCT',
        city: 'Abuja',
      })
    ).id;
    await insertPatient({ hospital: other });
    for (const statement of [
      'delete from hospital where id = $1',
      'update hospital set id = gen_random_uuid() where id = $1',
    ]) {
      const error = await execute(db.em(), statement, [other]).catch((e) => e);
      expect(codeOf(error)).toBe('23503');
      expect(error.message).toContain('patient_hospital_id_fkey');
    }
    const truncate = await execute(db.em(), 'truncate hospital cascade').catch((e) => e);
    expect(codeOf(truncate)).toBe('23503');
    expect(await query(db.em(), 'select code from hospital order by code')).toEqual([
      { code: 'ABJ-001' },
      { code: 'LAG-001' },
    ]);
    await execute(db.em(), 'delete from patient');
    await execute(db.em(), 'delete from hospital where id = $1', [other]);
    expect(await query(db.em(), 'select code from hospital')).toEqual([{ code: 'LAG-001' }]);
  });

  it('serves "the patients of a hospital" from the MRN key, and the key stays unique per hospital', async () => {
    await execute(
      db.em(),
      `insert into patient (hospital_id, external_id, first_name, last_name, phone)
       values ($1, 'M-1', 'A', 'B', '+2348031234567'), ($1, null, 'C', 'D', '+2348031234568'),
              ($1, null, 'E', 'F', '+2348031234569'), (null, 'M-1', 'G', 'H', '+2348031234570')`,
      [lagos],
    );
    const again = await execute(
      db.em(),
      `insert into patient (hospital_id, external_id, first_name, last_name, phone) values ($1, 'M-1', 'I', 'J', '+2348031234571')`,
      [lagos],
    ).catch((e) => e);
    expect(codeOf(again)).toBe('23505');
    const plan = (
      await query<{ 'QUERY PLAN': string }>(
        db.em(),
        `explain select id from patient
         where coalesce(hospital_id, '00000000-0000-0000-0000-000000000000'::uuid) = $1::uuid`,
        [lagos],
      )
    )
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    expect(plan).toContain('patient_hospital_external_id');
    await execute(db.em(), 'delete from patient');
  });
});

// Two sessions at once (real PostgreSQL only: the embedded database has one connection).
describe.runIf(onPostgres)('patient → hospital, concurrently', () => {
  it('a hospital deleted while a patient pointing at it is being inserted: the delete waits, then fails', async () => {
    const hospital = (
      await addHospital(services(db, { actor: ada }), {
        code: 'KAN-001',
        name: 'Kano',
        state: 'Kano',
        city: 'Kano',
      })
    ).id;
    const inserter = new pg.Client({ connectionString: tdb.env.DATABASE_URL });
    const deleter = new pg.Client({ connectionString: tdb.env.DATABASE_URL });
    await inserter.connect();
    await deleter.connect();
    try {
      await inserter.query('begin');
      await inserter.query(
        `insert into patient (hospital_id, first_name, last_name, phone) values ($1, 'A', 'B', '+2348031234567')`,
        [hospital],
      );
      let settled = false;
      const deletion = deleter.query('delete from hospital where id = $1', [hospital]).then(
        () => 'deleted',
        (e) => codeOf(e),
      );
      void deletion.finally(() => {
        settled = true;
      });
      // The delete waits for the inserting transaction (its lock on the hospital row).
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false);
      await inserter.query('commit');
      expect(await deletion).toBe('23503');
    } finally {
      await inserter.end();
      await deleter.end();
    }
    expect(await query(db.em(), 'select code from hospital where id = $1', [hospital])).toEqual([
      { code: 'KAN-001' },
    ]);
    await execute(db.em(), 'delete from patient');
    await execute(db.em(), 'delete from hospital where id = $1', [hospital]);
  });

  it('a patient inserted for a hospital being deleted: the insert waits, then fails', async () => {
    const hospital = (
      await addHospital(services(db, { actor: ada }), {
        code: 'KAN-002',
        name: 'Kano 2',
        state: 'Kano',
        city: 'Kano',
      })
    ).id;
    const deleter = new pg.Client({ connectionString: tdb.env.DATABASE_URL });
    const inserter = new pg.Client({ connectionString: tdb.env.DATABASE_URL });
    await deleter.connect();
    await inserter.connect();
    try {
      await deleter.query('begin');
      await deleter.query('delete from hospital where id = $1', [hospital]);
      const insertion = inserter
        .query(
          `insert into patient (hospital_id, first_name, last_name, phone) values ($1, 'A', 'B', '+2348031234567')`,
          [hospital],
        )
        .then(
          () => 'inserted',
          (e) => codeOf(e),
        );
      await new Promise((resolve) => setTimeout(resolve, 300));
      await deleter.query('commit');
      expect(await insertion).toBe('23503');
    } finally {
      await deleter.end();
      await inserter.end();
    }
    expect(await query(db.em(), 'select id from patient')).toEqual([]);
  });
});

describe('patient → referrer', () => {
  it('refuses an unknown referrer; a referrer inserted by the same statement is known', async () => {
    const unknown = await execute(
      db.em(),
      `insert into patient (first_name, last_name, phone, referred_by) values ('A', 'B', '+2348031234567', gen_random_uuid())`,
    ).catch((e) => e);
    expect(codeOf(unknown)).toBe('23503');
    expect(unknown.message).toContain('patient_referred_by_fkey');
    const referrer = '01900000-0000-7000-8000-000000000001';
    await execute(
      db.em(),
      `insert into patient (id, first_name, last_name, phone, referred_by)
       values ($1, 'R', 'S', '+2348031234567', null), (gen_random_uuid(), 'T', 'U', '+2348031234568', $1)`,
      [referrer],
    );
    const referred = await insertPatient({ referredBy: referrer });
    const moved = await execute(db.em(), 'update patient set referred_by = gen_random_uuid() where id = $1', [
      referred,
    ]).catch((e) => e);
    expect(codeOf(moved)).toBe('23503');
  });

  it('keeps a referrer from being deleted while patients name them, and ids from changing', async () => {
    const referrer = (await queryOne<{ id: string }>(
      db.em(),
      `select id from patient where first_name = 'R'`,
    ))!.id;
    const error = await execute(db.em(), 'delete from patient where id = $1', [referrer]).catch((e) => e);
    expect(codeOf(error)).toBe('23503');
    const renumber = await execute(db.em(), 'update patient set id = gen_random_uuid() where id = $1', [
      referrer,
    ]).catch((e) => e);
    expect(codeOf(renumber)).toBe('23503');
    // Everyone at once: nobody is left pointing at a deleted patient.
    await execute(db.em(), 'delete from patient');
    expect(await query(db.em(), 'select id from patient')).toEqual([]);
  });
});

describe('message → patient (migration 20261206090000: checked per statement)', () => {
  const insertMessage = (patientIds: (string | null)[]) =>
    execute(
      db.em(),
      `insert into messages (channel, recipient, body, purpose, provider, patient_id)
       select 'sms', '+2348030000001', 'Hi', 'campaign', 'twilio', p from unnest($1::uuid[]) p`,
      [patientIds],
    );

  it('refuses a message naming an unknown patient, whichever row of the statement has it', async () => {
    const known = await insertPatient({});
    const ghost = '00000000-0000-4000-8000-00000000000a';
    const error = await insertMessage([known, null, ghost]).catch((e) => e);
    expect(codeOf(error)).toBe('23503');
    expect(error.message).toContain('violates its reference to table "patient"');
    expect(await query(db.em(), 'select id from messages')).toEqual([]);
    await insertMessage([known, null]);
    expect((await query(db.em(), 'select id from messages')).length).toBe(2);
  });

  it('checks a message moved to another patient; other updates of messages are not checked', async () => {
    const [message] = await query<{ id: string; patient_id: string }>(
      db.em(),
      'select id, patient_id from messages where patient_id is not null',
    );
    const moved = await execute(db.em(), 'update messages set patient_id = gen_random_uuid() where id = $1', [
      message.id,
    ]).catch((e) => e);
    expect(codeOf(moved)).toBe('23503');
    const other = await insertPatient({ phone: '+2348031234599' });
    await execute(db.em(), `update messages set patient_id = $2, status = 'sent' where id = $1`, [
      message.id,
      other,
    ]);
    expect(await query(db.em(), 'select patient_id from messages where id = $1', [message.id])).toEqual([
      { patient_id: other },
    ]);
  });

  it('keeps a patient that messages name from being deleted or truncated away', async () => {
    const named = (await queryOne<{ patient_id: string }>(
      db.em(),
      'select patient_id from messages where patient_id is not null',
    ))!.patient_id;
    const deletion = await execute(db.em(), 'delete from patient where id = $1', [named]).catch((e) => e);
    expect(codeOf(deletion)).toBe('23503');
    expect(deletion.message).toContain('violates its reference from table "messages"');
    // CASCADE reaches the tables whose foreign keys name patient, not messages.
    const truncation = await truncateForTest(db.em(), 'truncate patient cascade').catch((e) => e);
    expect(codeOf(truncation)).toBe('23503');
    expect((await query(db.em(), 'select id from patient where id = $1', [named])).length).toBe(1);
    // Emptied in the same command, as the foreign key's CASCADE did; or once no message names it.
    await execute(db.em(), 'delete from messages where patient_id is not null');
    await execute(db.em(), 'delete from patient where id = $1', [named]);
    await insertMessage([await insertPatient({})]);
    await truncateForTest(db.em(), 'truncate patient, messages cascade');
    expect(await query(db.em(), 'select id from patient')).toEqual([]);
  });
});

describe.runIf(onPostgres)('message → patient, concurrently', () => {
  /** Waits until a session waits for a lock on `table` (an event, not a time). */
  async function someoneWaitsOn(table: string) {
    for (;;) {
      const row = await queryOne<{ n: number }>(
        db.em().fork(),
        `select count(*)::int as n from pg_locks where not granted and relation = $1::regclass`,
        [table],
      );
      if (row!.n > 0) return;
      await new Promise((r) => setImmediate(r));
    }
  }

  const INSERT_MESSAGE = `insert into messages (channel, recipient, body, purpose, provider, patient_id)
    values ('sms', '+2348030000001', 'Hi', 'campaign', 'twilio', $1)`;

  /**
   * `first` begins a transaction and runs its statement; `second`'s statement then waits for it
   * (a lock on messages); `first` commits. Returns the SQLSTATE `second` ended with ('ok' if none).
   */
  async function race(first: string, second: string, patient: string): Promise<string> {
    const [a, b] = [1, 2].map(() => new pg.Client({ connectionString: tdb.env.DATABASE_URL }));
    await a.connect();
    await b.connect();
    try {
      await a.query('begin');
      await a.query(first, [patient]);
      const outcome = b.query(second, [patient]).then(
        () => 'ok',
        (e) => codeOf(e) ?? String(e),
      );
      await someoneWaitsOn('messages');
      await a.query('commit');
      return await outcome;
    } finally {
      await a.end();
      await b.end();
    }
  }

  it('a patient deleted while a message naming them is being inserted: the delete waits, then fails', async () => {
    const patient = await insertPatient({});
    // The delete's trigger waits for the inserting transaction's lock on messages.
    expect(await race(INSERT_MESSAGE, 'delete from patient where id = $1', patient)).toBe('23503');
    expect((await query(db.em(), 'select id from patient where id = $1', [patient])).length).toBe(1);
    await execute(db.em(), 'delete from messages');
    await execute(db.em(), 'delete from patient');
  });

  it('a message inserted for a patient being deleted: the insert waits, then fails', async () => {
    const patient = await insertPatient({});
    expect(await race('delete from patient where id = $1', INSERT_MESSAGE, patient)).toBe('23503');
    expect(await query(db.em(), 'select id from messages')).toEqual([]);
  });
});

describe('names and MRNs are not blank', () => {
  it('refuses blank values, whatever their first character; accepts any other', async () => {
    const cases: [string, string][] = [
      ['   ', '23514'],
      ['', '23514'],
      [' A', 'accepted'],
      ['\tA', 'accepted'],
      ['\t', 'accepted'], // only spaces count as blank, as btrim() sees it
      ['Ìyábọ̀', 'accepted'],
      ['A', 'accepted'],
    ];
    for (const [value, expected] of cases) {
      for (const column of ['external_id', 'first_name', 'last_name']) {
        const values = { external_id: 'M-9', first_name: 'A', last_name: 'B', [column]: value };
        const outcome = await execute(
          db.em(),
          `insert into patient (external_id, first_name, last_name, phone) values ($1, $2, $3, '+2348031234567')`,
          [values.external_id, values.first_name, values.last_name],
        ).then(
          () => 'accepted',
          (e) => codeOf(e),
        );
        expect({ column, value, outcome }).toEqual({ column, value, outcome: expected });
        await execute(db.em(), 'delete from patient');
      }
    }
  });
});

describe('the E.164 phone check', () => {
  // The check is written without a regular expression; it must accept exactly what
  // ^\+[1-9][0-9]{6,14}$ accepts.
  const E164 = /^\+[1-9][0-9]{6,14}$/;
  const phoneish = fc.oneof(
    fc.stringMatching(/^\+[1-9][0-9]{6,14}$/),
    fc
      .array(fc.constantFrom('+', '0', '1', '5', '9', 'a', ' ', '\n', '١', '-', '/', ':'), {
        minLength: 0,
        maxLength: 18,
      })
      .map((chars) => chars.join('')),
    fc.string({ maxLength: 18 }).map((s) => `+${s}`),
  );

  it('accepts exactly what the E.164 pattern accepts', async () => {
    const samples = fc
      .sample(phoneish, { numRuns: 300, seed: 20261126 })
      .filter((phone) => !phone.includes('\u0000'));
    samples.push('+1234567', '+123456', '+123456789012345', '+1234567890123456', '+0234567', '+12345678\n');
    for (const phone of samples) {
      const outcome = await execute(
        db.em(),
        `insert into patient (first_name, last_name, phone) values ('A', 'B', $1)`,
        [phone],
      ).then(
        () => 'accepted',
        (e) => codeOf(e),
      );
      expect({ phone, outcome }).toEqual({ phone, outcome: E164.test(phone) ? 'accepted' : '23514' });
    }
    await execute(db.em(), 'delete from patient');
  });
});
