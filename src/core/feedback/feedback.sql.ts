/**
 * Set-based SQL of the feedback domain: the human codes (sequences) and the NPS report.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query, queryOne } from '../db/sql.js';

async function nextval(em: EntityManager, sequence: string): Promise<number> {
  const row = await queryOne<{ n: string }>(em, `select nextval('${sequence}')::text as n`);
  return Number(row!.n);
}

/** The next feedback code: `FB-000001`. */
export async function nextFeedbackCode(em: EntityManager): Promise<string> {
  return `FB-${String(await nextval(em, 'feedback_code_seq')).padStart(6, '0')}`;
}

/** The next alert code, with the Lagos year it opens in: `AL-2026-0001` (numbers never repeat). */
export async function nextAlertCode(em: EntityManager, year: number): Promise<string> {
  return `AL-${year}-${String(await nextval(em, 'feedback_alert_seq')).padStart(4, '0')}`;
}

/** The next suggestion code: `SG-000001`. */
export async function nextSuggestionCode(em: EntityManager): Promise<string> {
  return `SG-${String(await nextval(em, 'feedback_suggestion_seq')).padStart(6, '0')}`;
}

export type NpsGrouping = 'all' | 'hospital' | 'doctor' | 'month';

/** One group of the NPS report as the query returns it. */
export interface NpsRow {
  key: string | null;
  label: string | null;
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
  avg_rating: number | null;
  avg_doctor: number | null;
  avg_nursing: number | null;
  avg_wait_time: number | null;
  avg_cleanliness: number | null;
  avg_billing: number | null;
  avg_facilities: number | null;
}

const GROUP_KEY: Record<NpsGrouping, { key: string; label: string; join: string }> = {
  all: { key: `'all'`, label: `'all'`, join: '' },
  hospital: { key: 'h.code', label: 'h.name', join: 'join hospital h on h.id = f.hospital_id' },
  doctor: { key: 'd.code', label: 'd.name', join: 'left join doctor d on d.id = f.doctor_id' },
  month: {
    key: `to_char(f.submitted_at at time zone 'Africa/Lagos', 'YYYY-MM')`,
    label: `to_char(f.submitted_at at time zone 'Africa/Lagos', 'YYYY-MM')`,
    join: '',
  },
};

/**
 * The NPS report in one grouped scan of `feedback` (deleted feedback left out): per group the
 * responses, the promoter / passive / detractor counts among NPS answers, and the average overall
 * rating and per category score (nulls — categories not scored — do not count). Filtered by
 * hospital and by [from, to) on the submission time; `by` picks the grouping (`all`: one row).
 */
export function npsReport(
  em: EntityManager,
  by: NpsGrouping,
  filter: { hospitalId?: string; from?: Date; to?: Date },
): Promise<NpsRow[]> {
  const g = GROUP_KEY[by];
  return query<NpsRow>(
    em,
    `select ${g.key} as key, ${g.label} as label,
       count(*)::int as responses,
       count(*) filter (where f.nps >= 9)::int as promoters,
       count(*) filter (where f.nps between 7 and 8)::int as passives,
       count(*) filter (where f.nps <= 6)::int as detractors,
       avg(f.rating)::float8 as avg_rating,
       avg(f.score_doctor)::float8 as avg_doctor,
       avg(f.score_nursing)::float8 as avg_nursing,
       avg(f.score_wait_time)::float8 as avg_wait_time,
       avg(f.score_cleanliness)::float8 as avg_cleanliness,
       avg(f.score_billing)::float8 as avg_billing,
       avg(f.score_facilities)::float8 as avg_facilities
     from feedback f ${g.join}
     where f.deleted_at is null
       and ($1::uuid is null or f.hospital_id = $1::uuid)
       and ($2::timestamptz is null or f.submitted_at >= $2::timestamptz)
       and ($3::timestamptz is null or f.submitted_at < $3::timestamptz)
     ${by === 'all' ? '' : `group by ${g.key}, ${g.label}`}
     ${by === 'all' ? '' : 'order by 1 nulls last'}`,
    [filter.hospitalId ?? null, filter.from ?? null, filter.to ?? null],
  );
}
