import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../db/sql.js';

export interface CohortCell {
  cohort: string;
  offset: number;
  patients: string;
}

/**
 * The retention triangle: patients grouped by the Lagos month of their first completed
 * appointment (their cohort), and for each later month how many of them completed an appointment
 * in it (`offset` months after the cohort's; offset 0 is the cohort itself). Cohorts from $1 to $2
 * (first days of months).
 */
export async function retentionCells(em: EntityManager, from: string, to: string): Promise<CohortCell[]> {
  return query<CohortCell>(
    em,
    `with visits as (
       select patient_id, date_trunc('month', starts_at at time zone 'Africa/Lagos')::date as month
       from appointment where status = 'completed' group by 1, 2),
     cohorts as (select patient_id, min(month) as cohort from visits group by 1)
     select to_char(c.cohort, 'YYYY-MM') as cohort,
            ((extract(year from v.month) - extract(year from c.cohort)) * 12
              + extract(month from v.month) - extract(month from c.cohort))::int as "offset",
            count(*) as patients
     from cohorts c join visits v using (patient_id)
     where c.cohort between $1::date and $2::date and v.month <= $2::date
     group by 1, 2 order by 1, 2`,
    [from, to],
  );
}
