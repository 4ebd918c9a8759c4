import type { SqlReader } from '../db/sql.js';
import { isUuid } from '../db/values.js';
import { NotFoundError } from '../errors.js';

/** A hospital row as the list reads it. */
export interface HospitalRow {
  id: string;
  code: string;
  name: string;
  state: string;
  city: string;
  address: string | null;
  manager_email: string | null;
}

/** Every hospital by code, with how many patients call it home (one grouped query). */
export function hospitalsWithPatientCounts(read: SqlReader): Promise<(HospitalRow & { patients: number })[]> {
  return read.query(
    `select h.id, h.code, h.name, h.state, h.city, h.address, h.manager_email,
       coalesce(c.patients, 0)::int as patients
     from hospital h
     left join (select hospital_id, count(*) as patients from patient
                where hospital_id is not null group by hospital_id) c on c.hospital_id = h.id
     order by h.code`,
  );
}

/** A hospital's id by code (any case) or id, as the repository's getByRef finds it; not found: exit 4. */
export async function hospitalIdByRef(read: SqlReader, ref: string): Promise<string> {
  const text = ref.trim();
  const [row] = isUuid(text)
    ? await read.query<{ id: string }>('select id from hospital where id = $1', [text])
    : await read.query<{ id: string }>('select id from hospital where code = $1', [text.toUpperCase()]);
  if (!row) throw new NotFoundError('hospital', ref);
  return row.id;
}
