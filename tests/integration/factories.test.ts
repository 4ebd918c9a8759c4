import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAppointments } from '../../src/core/appointments/appointment.queries.js';
import { listContracts } from '../../src/core/contracts/contract.queries.js';
import type { Database } from '../../src/core/db/database.js';
import { query } from '../../src/core/db/sql.js';
import { fixedClock } from '../../src/core/time.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import {
  importTransactionRows,
  makeAppointment,
  makeContract,
  makeHospital,
  makePatient,
} from '../support/factories.js';
import { services } from '../support/services.js';

let tdb: TestDatabase;
let db: Database;
/** A Monday morning, so the default working week has room for a booking the next day. */
const clock = fixedClock(DateTime.fromISO('2026-11-02T09:00:00', { zone: 'Africa/Lagos' }));

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await tdb.open();
});
afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});

describe('test factories', () => {
  it('makeContract makes an active contract with its own owner and hospital', async () => {
    const contract = await makeContract(services(db, { clock }));
    expect(contract).toMatchObject({ status: 'active', sharePercent: 70, guaranteeKobo: 50_000_000 });
    const listed = await listContracts(services(db), { hospital: contract.hospital });
    expect(listed.map((c) => c.number)).toEqual([contract.number]);
  });

  it('makePatient gives each patient a phone of their own', async () => {
    const hospital = (await makeHospital(services(db))).code;
    const a = await makePatient(services(db), { hospital });
    const b = await makePatient(services(db), { hospital });
    expect(a.phone).toMatch(/^\+234803\d{7}$/);
    expect(b.phone).not.toBe(a.phone);
  });

  it('makeAppointment books inside the default hours, with its reminders', async () => {
    const appointment = await makeAppointment(services(db, { clock }), { at: '2026-11-03 10:00' });
    const listed = await listAppointments(services(db, { clock }), { patient: appointment.patient.id });
    expect(listed.map((a) => a.code)).toEqual([appointment.code]);
    const reminders = await query(db.em(), 'select 1 from reminder where appointment_id = $1', [
      appointment.id,
    ]);
    expect(reminders.length).toBeGreaterThan(0);
  });

  it('importTransactionRows loads the rows through the transaction import', async () => {
    const hospital = (await makeHospital(services(db))).code;
    const result = await importTransactionRows(services(db), [
      { hospital, at: '2026-10-01 10:00', amount: '1000' },
      { hospital, at: '2026-10-02 10:00', amount: '250.50', kind: 'refund' },
    ]);
    expect(result).toMatchObject({ inserted: 2, rejected: 0 });
  });
});
