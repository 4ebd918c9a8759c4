import { loadMikroMigrations } from '../src/core/db/mikro-orm.js';

const { Migration } = loadMikroMigrations();

/** Hospitals, patients, the append-only audit log and the patient-import checkpoints. */
export class Migration20261125000000_foundation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table hospital (
  id uuid primary key default gen_random_uuid(),
  code text not null constraint hospital_code_unique unique
    constraint hospital_code_format check (code ~ '^[A-Z0-9][A-Z0-9-]{0,31}$'),
  name text not null check (btrim(name) <> ''),
  state text not null,
  city text not null,
  address text,
  manager_email text,
  created_at timestamptz not null default now()
);`);
    this.addSql(`
create table patient (
  id uuid primary key default gen_random_uuid(),
  hospital_id uuid references hospital (id),
  external_id text check (btrim(external_id) <> ''),
  first_name text not null check (btrim(first_name) <> ''),
  last_name text not null check (btrim(last_name) <> ''),
  phone text check (phone ~ '^\\+[1-9][0-9]{6,14}$'),
  email text check (email like '%_@_%'),
  date_of_birth date,
  gender text check (gender in ('female', 'male', 'other')),
  address text,
  preferred_channel text not null default 'sms' check (preferred_channel in ('sms', 'whatsapp', 'email')),
  preferred_language text not null default 'en' check (preferred_language in ('en', 'pcm', 'yo', 'ha', 'ig')),
  consent_sms boolean not null default false,
  consent_whatsapp boolean not null default false,
  consent_email boolean not null default false,
  opted_out_sms boolean not null default false,
  opted_out_whatsapp boolean not null default false,
  opted_out_email boolean not null default false,
  referred_by uuid references patient (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_visit_at timestamptz,
  constraint patient_has_contact check (phone is not null or email is not null)
);`);
    // One patient per hospital MRN. Patients without a home hospital share the nil UUID here so
    // that the key still holds (NULLS NOT DISTINCT needs PostgreSQL 15; we support 13+).
    this.addSql(`create unique index patient_hospital_external_id on patient
  ((coalesce(hospital_id, '00000000-0000-0000-0000-000000000000'::uuid)), external_id)
  where external_id is not null;`);
    this.addSql('create index patient_phone on patient (phone);');
    this.addSql('create index patient_email on patient (email) where email is not null;');
    // Patients without an MRN, by phone and by e-mail: a row that brings an MRN the database does
    // not know can only be an MRN-less patient already here, so the import probes these small
    // indexes instead of the full ones.
    this.addSql('create index patient_phone_without_mrn on patient (phone) where external_id is null;');
    this.addSql(
      'create index patient_email_without_mrn on patient (email) where external_id is null and email is not null;',
    );
    this.addSql('create index patient_hospital on patient (hospital_id);');
    this.addSql(`
create table audit_log (
  id bigserial primary key,
  at timestamptz not null default now(),
  operator text not null,
  command text not null,
  entity text not null,
  entity_id text,
  summary jsonb not null default '{}'::jsonb
);`);
    this.addSql(`create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only' using errcode = 'insufficient_privilege';
end $$;`);
    this.addSql(`create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function audit_log_append_only();`);
    this.addSql(`
create table patient_import (
  id uuid primary key default gen_random_uuid(),
  file_sha256 text not null,
  options_key text not null,
  file_name text not null,
  operator text not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  rows_committed integer not null default 0 check (rows_committed >= 0),
  inserted integer not null default 0,
  updated integer not null default 0,
  unchanged integer not null default 0
);`);
    // At most one unfinished import of the same file with the same options: the resume point.
    this.addSql(`create unique index patient_import_unfinished on patient_import (file_sha256, options_key)
  where finished_at is null;`);
  }
}
