import { loadMikroMigrations } from '../src/core/db/mikro-orm.js';

const { Migration } = loadMikroMigrations();

/**
 * Doctors (weekly availability, days off), appointments with database-enforced non-overlap,
 * reminders as a work queue, outgoing messages and message templates.
 */
export class Migration20261125110000_messaging_appointments extends Migration {
  override async up(): Promise<void> {
    // btree_gist lets an exclusion constraint mix `=` on uuid with `&&` on tstzrange.
    this.addSql('create extension if not exists btree_gist;');
    this.addSql('create sequence doctor_code_seq;');
    this.addSql(`
create table doctor (
  id uuid primary key default gen_random_uuid(),
  code text not null constraint doctor_code_unique unique
    constraint doctor_code_format check (code ~ '^[A-Z0-9][A-Z0-9-]{0,31}$'),
  hospital_id uuid not null references hospital (id),
  name text not null check (btrim(name) <> ''),
  department text not null check (btrim(department) <> ''),
  created_at timestamptz not null default now()
);`);
    this.addSql('create index doctor_hospital on doctor (hospital_id);');
    this.addSql(`
create table doctor_availability (
  id uuid primary key default gen_random_uuid(),
  doctor_id uuid not null references doctor (id) on delete cascade,
  weekday smallint not null check (weekday between 1 and 7),
  starts time not null,
  ends time not null,
  constraint doctor_availability_order check (ends > starts)
);`);
    this.addSql(
      'create unique index doctor_availability_unique on doctor_availability (doctor_id, weekday, starts, ends);',
    );
    this.addSql(`
create table doctor_time_off (
  id uuid primary key default gen_random_uuid(),
  doctor_id uuid not null references doctor (id) on delete cascade,
  day date not null,
  reason text,
  constraint doctor_time_off_unique unique (doctor_id, day)
);`);
    this.addSql('create sequence appointment_code_seq;');
    this.addSql(`
create table appointment (
  id uuid primary key default gen_random_uuid(),
  code text not null constraint appointment_code_unique unique,
  patient_id uuid not null references patient (id),
  doctor_id uuid not null references doctor (id),
  hospital_id uuid not null references hospital (id),
  type text not null check (type in ('consultation', 'follow-up', 'procedure', 'emergency')),
  status text not null default 'scheduled'
    check (status in ('scheduled', 'confirmed', 'completed', 'no_show', 'cancelled')),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  cancel_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint appointment_time_order check (ends_at > starts_at)
);`);
    // The guarantee that no two live appointments of a doctor (or of a patient) overlap, even when
    // bookings race: enforced by PostgreSQL, not by the code that checks first.
    this.addSql(`alter table appointment add constraint appointment_doctor_no_overlap
  exclude using gist (doctor_id with =, tstzrange(starts_at, ends_at, '[)') with &&)
  where (status in ('scheduled', 'confirmed'));`);
    this.addSql(`alter table appointment add constraint appointment_patient_no_overlap
  exclude using gist (patient_id with =, tstzrange(starts_at, ends_at, '[)') with &&)
  where (status in ('scheduled', 'confirmed'));`);
    this.addSql('create index appointment_patient on appointment (patient_id, starts_at);');
    this.addSql('create index appointment_starts on appointment (starts_at);');
    this.addSql(`
create table messages (
  id uuid primary key default gen_random_uuid(),
  channel text not null check (channel in ('sms', 'whatsapp', 'email')),
  recipient text not null,
  subject text,
  body text not null,
  content_sid text,
  purpose text not null check (purpose in ('reminder', 'campaign', 'alert', 'owner')),
  patient_id uuid references patient (id),
  reference text,
  provider text not null check (provider in ('twilio', 'sendgrid')),
  provider_message_id text,
  status text not null default 'pending'
    check (status in ('pending', 'queued', 'sent', 'delivered', 'failed', 'undelivered')),
  error_code text,
  error_message text,
  attempts integer not null default 0 check (attempts >= 0),
  segments integer,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  updated_at timestamptz not null default now(),
  status_checked_at timestamptz
);`);
    this.addSql('create index messages_status_created on messages (status, created_at);');
    this.addSql('create index messages_created on messages (created_at);');
    this.addSql(`
create table message_template (
  id uuid primary key default gen_random_uuid(),
  key text not null check (key ~ '^[a-z0-9][a-z0-9_.-]*$'),
  language text not null check (language in ('en', 'pcm', 'yo', 'ha', 'ig')),
  subject text,
  body text not null check (btrim(body) <> ''),
  content_sid text,
  updated_at timestamptz not null default now(),
  constraint message_template_unique unique (key, language)
);`);
    this.addSql(`
create table reminder (
  id uuid primary key default gen_random_uuid(),
  appointment_id uuid not null references appointment (id),
  kind text not null check (kind in ('7d', '1d', '2h')),
  due_at timestamptz not null,
  status text not null default 'pending'
    check (status in ('pending', 'sent', 'failed', 'expired', 'cancelled')),
  next_attempt_at timestamptz not null,
  attempts integer not null default 0 check (attempts >= 0),
  claimed_by text,
  claimed_until timestamptz,
  last_error text,
  message_id uuid references messages (id),
  sent_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);`);
    // One live reminder of each kind per appointment; rescheduling cancels and recreates them.
    this.addSql(
      `create unique index reminder_pending_unique on reminder (appointment_id, kind) where status = 'pending';`,
    );
    // The work queue: due pending reminders in order.
    this.addSql(`create index reminder_queue on reminder (next_attempt_at) where status = 'pending';`);
    this.addSql('create index reminder_appointment on reminder (appointment_id);');
  }
}
