import { loadMikroMigrations } from '../src/core/db/mikro-orm.js';

const { Migration } = loadMikroMigrations();

/**
 * PL/pgSQL checking that the `column` values of the statement's new rows exist as ids of `table`,
 * and locking those rows `for key share` as a foreign key does. The distinct ids are gathered
 * first (an array, not a join: a locking join would copy every new row).
 */
export const REFERENCE_CHECK = (column: string, table: string) => `
  ids := array(select distinct n.${column} from new_rows n where n.${column} is not null);
  if cardinality(ids) > 0 then
    perform 1 from ${table} t where t.id = any (ids) for key share;
    select x into missing from unnest(ids) x where not exists (select 1 from ${table} t where t.id = x) limit 1;
    if found then
      raise foreign_key_violation using
        message = 'insert or update on table "patient" violates foreign key constraint "patient_${column}_fkey"',
        detail = format('Key (${column})=(%s) is not present in table "${table}".', missing);
    end if;
  end if;`;

/**
 * Keeps every guarantee on `patient` but checks it once per statement instead of once per row,
 * because a bulk import writes patients ten thousand at a time (BENCHMARKS.md has the numbers):
 *
 * - The phone check (E.164: `+`, a first digit 1–9, 7 to 15 digits in all) is written with
 *   `left`/`substr`/`ltrim` instead of a regular expression. Same rows pass; the regular
 *   expression was the dearest part of inserting a patient (a `perf` profile of the import's
 *   INSERT: 10% of it in `pg_regexec`).
 * - Names and MRNs must not be blank: decided by their first byte unless it is a space or a
 *   control character (only then trimmed), instead of trimming every value.
 * - One index instead of two for the hospital: the unique MRN key (hospital, MRN) drops its
 *   partial condition — patients without an MRN are distinct NULLs in it, so uniqueness is
 *   unchanged — and its hospital prefix serves "the patients of a hospital", for which a second
 *   index on hospital_id was kept up to date on every insert.
 * - The foreign keys `patient.hospital_id → hospital` and `patient.referred_by → patient` become
 *   statement-level constraint triggers with transition tables. A foreign key queues and fires a
 *   trigger per inserted row (one query per row when the column is set); these check all the
 *   statement's rows in one query. They behave as the foreign keys did under READ COMMITTED, the
 *   only isolation `crm` uses: the rows pointed at are locked `for key share` as a foreign key
 *   locks them, so a concurrent delete of a hospital or referrer waits for the inserting
 *   transaction and then finds its rows. A hospital (or referrer) that patients point at cannot
 *   be deleted or renumbered; a patient's id does not change; TRUNCATE of `hospital` fails while
 *   patients point at a hospital (truncate `patient` in the same statement), as it did without
 *   CASCADE. Violations raise `foreign_key_violation` (23503) naming the old constraint.
 */
export class Migration20261126000000_patient_checks_per_statement extends Migration {
  override async up(): Promise<void> {
    // Bytewise (phone is collate "C"): '+1' <= phone < '+:' is a plus then a digit 1-9; what is
    // left after stripping the trailing digits is the plus alone.
    this.addSql(`alter table patient drop constraint patient_phone_check,
  add constraint patient_phone_check check (octet_length(phone) between 8 and 16
    and phone >= '+1' and phone < '+:' and rtrim(phone, '0123456789') = '+');`);
    // "Not blank" decided by the first byte in the common case: a value starting with a byte
    // above the space is not blank, and only the others are trimmed (btrim allocates a copy).
    for (const column of ['external_id', 'first_name', 'last_name']) {
      this.addSql(`alter table patient drop constraint patient_${column}_check,
  add constraint patient_${column}_check check (${column} collate "C" >= '!' or btrim(${column}) <> '');`);
    }
    // One index for "the patients of a hospital" and "the patient with this MRN there": the MRN
    // key loses its partial condition (patients without an MRN are distinct NULLs in it, so
    // uniqueness is unchanged) and its hospital prefix replaces the index on hospital_id.
    this.addSql('drop index patient_hospital;');
    this.addSql('drop index patient_hospital_external_id;');
    this.addSql(`create unique index patient_hospital_external_id on patient
  ((coalesce(hospital_id, '00000000-0000-0000-0000-000000000000'::uuid)), external_id);`);
    this.addSql(`alter table patient drop constraint patient_hospital_id_fkey,
  drop constraint patient_referred_by_fkey;`);

    // New or changed patients: what they point at exists, and stays while this transaction runs.
    this.addSql(`
create function patient_check_references() returns trigger language plpgsql as $$
declare
  ids uuid[];
  missing uuid;
begin
  if TG_OP = 'UPDATE' then
    -- Only rows whose references changed need a check (a foreign key skips the others too).
    if not exists (select 1 from new_rows n join old_rows o on o.id = n.id
                   where n.hospital_id is distinct from o.hospital_id
                      or n.referred_by is distinct from o.referred_by) then
      return null;
    end if;
  end if;
${REFERENCE_CHECK('hospital_id', 'hospital')}
${REFERENCE_CHECK('referred_by', 'patient')}
  return null;
end $$;`);
    this.addSql(`create trigger patient_check_references_insert after insert on patient
  referencing new table as new_rows for each statement execute function patient_check_references();`);
    this.addSql(`create trigger patient_check_references_update after update on patient
  referencing old table as old_rows new table as new_rows for each statement execute function patient_check_references();`);

    // A patient's id never changes: a referral or an appointment would lose its patient.
    this.addSql(`
create function patient_id_is_fixed() returns trigger language plpgsql as $$
begin
  if new.id is distinct from old.id then
    raise foreign_key_violation using message = 'a patient''s id does not change';
  end if;
  return new;
end $$;`);
    this.addSql(`create trigger patient_id_is_fixed before update of id on patient
  for each row execute function patient_id_is_fixed();`);

    // Deleted patients: nobody was referred by them.
    this.addSql(`
create function patient_check_referrers_deleted() returns trigger language plpgsql as $$
declare
  gone record;
begin
  select o.id into gone from old_rows o where exists (select 1 from patient p where p.referred_by = o.id) limit 1;
  if found then
    raise foreign_key_violation using
      message = 'update or delete on table "patient" violates foreign key constraint "patient_referred_by_fkey" on table "patient"',
      detail = format('Key (id)=(%s) is still referenced from table "patient".', gone.id);
  end if;
  return null;
end $$;`);
    this.addSql(`create trigger patient_check_referrers_deleted after delete on patient
  referencing old table as old_rows for each statement execute function patient_check_referrers_deleted();`);

    // Deleted or renumbered hospitals: no patient is left pointing at an id that is gone.
    this.addSql(`
create function hospital_check_patients() returns trigger language plpgsql as $$
declare
  gone record;
begin
  if TG_OP = 'TRUNCATE' then
    select p.hospital_id as id into gone from patient p where p.hospital_id is not null limit 1;
  else
    select o.id into gone from old_rows o
    where not exists (select 1 from hospital h where h.id = o.id)
      and exists (select 1 from patient p
                  where coalesce(p.hospital_id, '00000000-0000-0000-0000-000000000000'::uuid) = o.id)
    limit 1;
  end if;
  if found then
    raise foreign_key_violation using
      message = 'update or delete on table "hospital" violates foreign key constraint "patient_hospital_id_fkey" on table "patient"',
      detail = format('Key (id)=(%s) is still referenced from table "patient".', gone.id);
  end if;
  return null;
end $$;`);
    this.addSql(`create trigger hospital_check_patients_delete after delete on hospital
  referencing old table as old_rows for each statement execute function hospital_check_patients();`);
    this.addSql(`create trigger hospital_check_patients_update after update on hospital
  referencing old table as old_rows for each statement execute function hospital_check_patients();`);
    this.addSql(`create trigger hospital_check_patients_truncate after truncate on hospital
  for each statement execute function hospital_check_patients();`);
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger hospital_check_patients_truncate on hospital;');
    this.addSql('drop trigger hospital_check_patients_update on hospital;');
    this.addSql('drop trigger hospital_check_patients_delete on hospital;');
    this.addSql('drop function hospital_check_patients();');
    this.addSql('drop trigger patient_check_referrers_deleted on patient;');
    this.addSql('drop function patient_check_referrers_deleted();');
    this.addSql('drop trigger patient_id_is_fixed on patient;');
    this.addSql('drop function patient_id_is_fixed();');
    this.addSql('drop trigger patient_check_references_update on patient;');
    this.addSql('drop trigger patient_check_references_insert on patient;');
    this.addSql('drop function patient_check_references();');
    this.addSql(`alter table patient
  add constraint patient_hospital_id_fkey foreign key (hospital_id) references hospital (id),
  add constraint patient_referred_by_fkey foreign key (referred_by) references patient (id);`);
    this.addSql('drop index patient_hospital_external_id;');
    this.addSql(`create unique index patient_hospital_external_id on patient
  ((coalesce(hospital_id, '00000000-0000-0000-0000-000000000000'::uuid)), external_id) where external_id is not null;`);
    this.addSql('create index patient_hospital on patient (hospital_id);');
    this.addSql(`alter table patient drop constraint patient_phone_check,
  add constraint patient_phone_check check (phone ~ '^\\+[1-9][0-9]{6,14}$');`);
    for (const column of ['external_id', 'first_name', 'last_name']) {
      this.addSql(`alter table patient drop constraint patient_${column}_check,
  add constraint patient_${column}_check check (btrim(${column}) <> '');`);
    }
  }
}
