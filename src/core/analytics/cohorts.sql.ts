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

export interface CampaignEffectRow {
  slug: string;
  name: string;
  snapshot_at: Date;
  grp: 'recipients' | 'holdout';
  patients: string;
  bookers: string;
  appointments: string;
}

/**
 * Campaign effect: for each campaign with a holdout, its patients sent the campaign (`sent`)
 * against those held out on purpose (`holdout`), and how many of each group booked an
 * appointment (created, whatever became of it) within 30 days of the send's start (the audience
 * snapshot, the one moment both groups share).
 */
export async function campaignEffectRows(em: EntityManager): Promise<CampaignEffectRow[]> {
  return query<CampaignEffectRow>(
    em,
    `with c as (
       select id, slug, name, snapshot_at from campaign k
       where snapshot_at is not null
         and exists (select 1 from campaign_recipients r where r.campaign_id = k.id and r.status = 'holdout')),
     g as (
       select r.campaign_id, case when r.status = 'holdout' then 'holdout' else 'recipients' end as grp,
              r.patient_id, c.snapshot_at
       from campaign_recipients r join c on c.id = r.campaign_id
       where r.patient_id is not null and r.status in ('sent', 'holdout')),
     b as (
       select g.campaign_id, g.grp, g.patient_id, count(a.id) as booked
       from g left join appointment a on a.patient_id = g.patient_id
         and a.created_at >= g.snapshot_at and a.created_at < g.snapshot_at + interval '30 days'
       group by 1, 2, 3)
     select c.slug, c.name, c.snapshot_at, b.grp, count(*) as patients,
            count(*) filter (where b.booked > 0) as bookers, sum(b.booked) as appointments
     from b join c on c.id = b.campaign_id
     group by c.slug, c.name, c.snapshot_at, b.grp
     order by c.snapshot_at, c.slug, b.grp desc`,
  );
}
