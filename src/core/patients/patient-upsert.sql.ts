/**
 * The set-based SQL of `crm patient import`'s batches: the settings and lock of a batch's
 * transaction, its staging table, and the upsert of a staged batch into `patient` (matching by
 * MRN, then phone or e-mail and names; updates, inserts, referrers, counts). The statements are
 * pipelined scripts with their few values written in (sqlLiteral): see batch-script.ts.
 */
import type { Database } from '../db/database.js';
import { sqlLiteral } from '../db/sql.js';
import { NO_HOSPITAL } from './patient.entity.js';
import { STAGE_COLUMNS } from './patient-import.producer.js';

/** Serialises the batch writes of concurrent patient imports (pg_advisory_xact_lock). */
const ADVISORY_LOCK_KEY = 73_010_001;

/** Columns that the file may bring and the upsert copies when non-empty. */
const UPSERT_COLUMNS = [
  'external_id',
  'first_name',
  'last_name',
  'phone',
  'email',
  'date_of_birth',
  'gender',
  'address',
  'preferred_channel',
  'preferred_language',
  'consent_sms',
  'consent_whatsapp',
  'consent_email',
] as const;

/** Whether the file brings a new non-empty value for at least one column. */
const BRINGS_CHANGE = UPSERT_COLUMNS.map(
  (c) => `(s.${c} is not null and s.${c} is distinct from p.${c})`,
).join(' or ');

const SET_NEW_VALUES = UPSERT_COLUMNS.map((c) => `${c} = coalesce(s.${c}, p.${c})`).join(', ');

/**
 * The set-based upsert of one staged batch, as statements to run in order (values written in, so
 * that PostgreSQL gets them in one round trip). The last statement selects the batch's counts,
 * preceded, when the batch names referrers, by one listing the rows whose referrer is unknown.
 */
export function upsertStatements(now: string, hasReferrers: boolean): string[] {
  const at = `${sqlLiteral(now)}::timestamptz`;
  // 1. Same hospital + MRN.
  const statements = [
    `update patient_stage s set patient_id = p.id from patient p
    where s.external_id is not null and p.external_id = s.external_id
      and coalesce(p.hospital_id, ${NO_HOSPITAL}) = coalesce(s.hospital_id, ${NO_HOSPITAL})`,
  ];
  // 2. Else same phone (then same e-mail) + same name. A row whose MRN the database does not know
  // can only be a patient recorded without an MRN: those probes use the small partial indexes
  // (patient_*_without_mrn). Only unmatched rows are probed and only matched rows are rewritten;
  // the oldest patient wins when several match. Every join here has the staging row on the outside
  // and an index probe inside: a join back to the stage by row (it has no index) was quadratic.
  // The hospital is compared with `is not distinct from`, which no index serves, on purpose: written
  // as the unique MRN key's `coalesce(hospital_id, …)`, the planner ANDed that index's scan of
  // every patient of the hospital into each probe, far slower.
  // When no patient at all is recorded without an MRN, a row with an MRN has nothing to probe for
  // (the uncorrelated `exists` is evaluated once per statement, from the empty partial index: the
  // common case of MRN-keyed files).
  for (const contact of ['phone', 'email']) {
    for (const rowHasMrn of [true, false]) {
      const candidates = `from patient p where p.${contact} = s.${contact}${rowHasMrn ? ' and p.external_id is null' : ''}
            and lower(p.first_name) = lower(s.first_name) and lower(p.last_name) = lower(s.last_name)
            and p.hospital_id is not distinct from s.hospital_id`;
      statements.push(`update patient_stage s
          set patient_id = (select p.id ${candidates} order by p.created_at, p.id limit 1)
        where s.patient_id is null and s.${contact} is not null
          and ${
            rowHasMrn
              ? 's.external_id is not null and exists (select 1 from patient where external_id is null)'
              : 's.external_id is null'
          }
          and exists (select 1 ${candidates})`);
    }
  }
  // 3. Existing patients take the file's non-empty values that differ: the rows that bring a
  // change are marked first, then their patients updated.
  statements.push(
    `update patient_stage s set changed = true from patient p where s.patient_id = p.id and (${BRINGS_CHANGE})`,
    `update patient p set ${SET_NEW_VALUES}, updated_at = ${at}
       from patient_stage s where s.patient_id = p.id and s.changed`,
  );
  // 4. New patients.
  statements.push(`insert into patient (id, hospital_id, external_id, first_name, last_name, phone, email, date_of_birth,
       gender, address, preferred_channel, preferred_language, consent_sms, consent_whatsapp, consent_email,
       created_at, updated_at)
     select s.new_id, s.hospital_id, s.external_id, s.first_name, s.last_name, s.phone, s.email, s.date_of_birth,
       s.gender, s.address,
       coalesce(s.preferred_channel, case when s.phone is null then 'email' else 'sms' end),
       coalesce(s.preferred_language, 'en'),
       coalesce(s.consent_sms, false), coalesce(s.consent_whatsapp, false), coalesce(s.consent_email, false),
       ${at}, ${at}
     from patient_stage s where s.patient_id is null`);
  // 5. Referrers: patients known by now, this batch's included (by phone, or by MRN at the same
  // hospital). A referrer that only appears further down the file is reported as unknown.
  if (hasReferrers) {
    statements.push(
      `update patient_stage s set referrer_id = coalesce(
        (select r.id from patient r where r.phone = s.referrer_phone order by r.created_at, r.id limit 1),
        (select r.id from patient r where r.external_id = s.referrer_external_id
           and coalesce(r.hospital_id, ${NO_HOSPITAL}) = coalesce(s.hospital_id, ${NO_HOSPITAL}) limit 1))
      where s.referrer_phone is not null or s.referrer_external_id is not null`,
      `update patient_stage s set changed = true from patient p
       where p.id = s.patient_id and s.referrer_id is not null and s.referrer_id <> p.id
         and p.referred_by is distinct from s.referrer_id`,
      `update patient p set referred_by = s.referrer_id, updated_at = ${at}
       from patient_stage s
       where p.id = coalesce(s.patient_id, s.new_id) and s.referrer_id is not null and s.referrer_id <> p.id
         and p.referred_by is distinct from s.referrer_id`,
      `select row_no, coalesce(referrer_phone, referrer_external_id) as value from patient_stage
      where (referrer_id is null or referrer_id = coalesce(patient_id, new_id)) and (referrer_phone is not null or referrer_external_id is not null)
      order by row_no`,
    );
  }
  statements.push(`select count(*) filter (where patient_id is null)::int as inserted,
             count(*) filter (where patient_id is not null and changed)::int as updated,
             count(*) filter (where patient_id is not null and not changed)::int as unchanged
      from patient_stage`);
  return statements;
}

/**
 * Settings and lock of a batch's transaction.
 * - A batch's commit need not wait for its WAL to reach the disk: a crash can only lose whole
 *   batches, each with its checkpoint, which a re-run writes again. The import's last commit
 *   (finished_at) waits as usual, and with it everything before it.
 * - A batch is small next to the patient table: index lookups per staged row beat hashing the
 *   whole table, but the planner's estimates for temp tables often say otherwise.
 * - The advisory lock serialises the batch writes of concurrent imports (see the module comment).
 */
export const BATCH_PREAMBLE = [
  'set local synchronous_commit = off',
  'set local enable_hashjoin = off',
  'set local enable_mergejoin = off',
  'set local jit = off',
  'set local client_min_messages = warning',
  `select pg_advisory_xact_lock(${ADVISORY_LOCK_KEY})`,
];

const STAGE_DEFINITION = `patient_stage (${STAGE_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')},
  patient_id uuid, referrer_id uuid, changed boolean not null default false)`;

/**
 * Statements that leave the batch's staging table empty. On PostgreSQL one temp table per
 * connection serves every batch (emptied by each commit; no catalog churn per batch); PGlite,
 * where emptying it at commit cost more than creating it, gets a fresh one that goes with the
 * commit. A dry run's batches share one transaction: no commit empties or drops it between them.
 */
export function stageStatements(kind: Database['kind'], dryRun: boolean): string[] {
  if (kind !== 'postgresql') {
    return [
      ...(dryRun ? ['drop table if exists patient_stage'] : []),
      `create temp table ${STAGE_DEFINITION} on commit drop`,
    ];
  }
  return [
    `create temp table if not exists ${STAGE_DEFINITION} on commit delete rows`,
    ...(dryRun ? ['delete from patient_stage'] : []),
  ];
}
