/**
 * `crm hospital list`: no MikroORM is loaded on this path (core/db/reader.ts), so nothing here
 * may import an entity or a repository.
 */
import type { SqlReader } from '../db/sql.js';
import { hospitalsWithPatientCounts } from './hospital.sql.js';
import { type HospitalView, hospitalViewOfRow } from './hospital.view.js';

/**
 * Every hospital by code, with how many patients call it home: a grouped report, read without
 * the ORM (core/db/reader.ts).
 */
export async function listHospitals(read: SqlReader): Promise<HospitalView[]> {
  const rows = await hospitalsWithPatientCounts(read);
  return rows.map((row) => ({ ...hospitalViewOfRow(row), patients: row.patients }));
}
