import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../db/sql.js';

/** How many patients call each hospital home (hospitals without patients are absent). */
export async function countPatientsPerHospital(em: EntityManager): Promise<Map<string, number>> {
  const rows = await query<{ id: string; patients: string }>(
    em,
    `select hospital_id as id, count(*) as patients from patient
     where hospital_id is not null group by hospital_id`,
  );
  return new Map(rows.map((r) => [r.id, Number(r.patients)]));
}
