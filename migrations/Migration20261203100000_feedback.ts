import { loadMikroMigrations } from '../src/core/db/mikro-orm.js';

const { Migration } = loadMikroMigrations();

/**
 * Patient feedback (docs/feedback-and-loyalty.md):
 * - `feedback`: one row per submission; the overall rating (1–5), the optional NPS answer (0–10)
 *   and one nullable column per category score (doctor, nursing, wait_time, cleanliness,
 *   billing, facilities: a fixed list, so columns rather than a child table — the NPS report
 *   averages them in the same grouped scan). One feedback per appointment (unique index, deleted
 *   ones included). Trigger `feedback_guard` holds an appointment's feedback to the appointment's
 *   patient, hospital and doctor and to a completed appointment. Deletion is soft (`deleted_at`,
 *   `delete_reason`): reports leave deleted rows out; the loyalty reversal keys on the id.
 * - `feedback_alert`: the closed-loop alert a low rating opens, `open → acknowledged → resolved`
 *   (trigger `feedback_alert_guard` refuses any other change of status, SQLSTATE CRF02); a
 *   resolved alert carries its note.
 * - `feedback_suggestion`: an improvement suggestion per hospital, `new → planned → done |
 *   declined` (new may also be declined at once; `feedback_suggestion_guard`, CRF02).
 */
export class Migration20261203100000_feedback extends Migration {
  override async up(): Promise<void> {
    this.addSql('create sequence feedback_code_seq;');
    this.addSql(`create table feedback (
  id uuid primary key default gen_random_uuid(),
  code text not null unique,
  patient_id uuid not null references patient (id),
  hospital_id uuid not null references hospital (id),
  appointment_id uuid references appointment (id),
  doctor_id uuid references doctor (id),
  rating smallint not null check (rating between 1 and 5),
  nps smallint check (nps between 0 and 10),
  score_doctor smallint check (score_doctor between 1 and 5),
  score_nursing smallint check (score_nursing between 1 and 5),
  score_wait_time smallint check (score_wait_time between 1 and 5),
  score_cleanliness smallint check (score_cleanliness between 1 and 5),
  score_billing smallint check (score_billing between 1 and 5),
  score_facilities smallint check (score_facilities between 1 and 5),
  comment text check (length(comment) <= 4000),
  submitted_at timestamptz not null,
  deleted_at timestamptz,
  deleted_by text,
  delete_reason text,
  created_at timestamptz not null default now(),
  check ((deleted_at is null) = (delete_reason is null)),
  check (delete_reason is null or length(btrim(delete_reason)) > 0)
);`);
    this.addSql(`create unique index feedback_one_per_appointment on feedback (appointment_id)
  where appointment_id is not null;`);
    this.addSql('create index feedback_patient on feedback (patient_id);');
    this.addSql(`create index feedback_report on feedback (hospital_id, submitted_at)
  include (doctor_id, nps, rating) where deleted_at is null;`);
    this.addSql(`create function feedback_guard() returns trigger language plpgsql as $$
declare a record;
begin
  if TG_OP = 'UPDATE' then
    if (NEW.patient_id, NEW.hospital_id, NEW.appointment_id, NEW.doctor_id, NEW.rating, NEW.nps, NEW.submitted_at)
       is distinct from (OLD.patient_id, OLD.hospital_id, OLD.appointment_id, OLD.doctor_id, OLD.rating, OLD.nps, OLD.submitted_at) then
      raise exception 'feedback % is as the patient gave it: only its deletion can be recorded', OLD.code using errcode = 'CRF01';
    end if;
    if OLD.deleted_at is not null then
      raise exception 'feedback % is already deleted', OLD.code using errcode = 'CRF02';
    end if;
    return NEW;
  end if;
  if NEW.appointment_id is not null then
    select patient_id, hospital_id, doctor_id, status, code into a from appointment where id = NEW.appointment_id;
    if a.patient_id <> NEW.patient_id then
      raise exception 'appointment % is not this patient''s', a.code using errcode = 'CRF01';
    end if;
    if a.status <> 'completed' then
      raise exception 'appointment % is %, not completed', a.code, a.status using errcode = 'CRF01';
    end if;
    if a.hospital_id <> NEW.hospital_id or a.doctor_id is distinct from NEW.doctor_id then
      raise exception 'feedback on appointment % must name its hospital and doctor', a.code using errcode = 'CRF01';
    end if;
  end if;
  return NEW;
end $$;`);
    this.addSql(`create trigger feedback_guard before insert or update on feedback
  for each row execute function feedback_guard();`);

    this.addSql('create sequence feedback_alert_seq;');
    this.addSql(`create table feedback_alert (
  id uuid primary key default gen_random_uuid(),
  code text not null unique,
  feedback_id uuid not null unique references feedback (id),
  hospital_id uuid not null references hospital (id),
  status text not null default 'open' check (status in ('open', 'acknowledged', 'resolved')),
  reason text not null,
  opened_at timestamptz not null,
  due_at timestamptz not null check (due_at > opened_at),
  acknowledged_at timestamptz,
  acknowledged_by text,
  resolved_at timestamptz,
  resolved_by text,
  resolution_note text,
  message_id uuid references messages (id),
  check (status = 'open' or acknowledged_at is not null),
  check (status <> 'resolved' or (resolved_at is not null and length(btrim(resolution_note)) > 0))
);`);
    this.addSql(
      `create index feedback_alert_unresolved on feedback_alert (due_at) where status <> 'resolved';`,
    );
    this.addSql(`create function feedback_alert_guard() returns trigger language plpgsql as $$
begin
  if NEW.status is distinct from OLD.status
     and not (OLD.status = 'open' and NEW.status = 'acknowledged')
     and not (OLD.status = 'acknowledged' and NEW.status = 'resolved') then
    raise exception 'alert % is %: it cannot become %', OLD.code, OLD.status, NEW.status using errcode = 'CRF02';
  end if;
  if OLD.status = 'resolved' then
    raise exception 'alert % is resolved: it cannot change', OLD.code using errcode = 'CRF02';
  end if;
  if (NEW.feedback_id, NEW.hospital_id, NEW.opened_at, NEW.due_at, NEW.reason, NEW.code)
     is distinct from (OLD.feedback_id, OLD.hospital_id, OLD.opened_at, OLD.due_at, OLD.reason, OLD.code) then
    raise exception 'alert % keeps what it was opened with', OLD.code using errcode = 'CRF02';
  end if;
  return NEW;
end $$;`);
    this.addSql(`create trigger feedback_alert_guard before update on feedback_alert
  for each row execute function feedback_alert_guard();`);

    this.addSql('create sequence feedback_suggestion_seq;');
    this.addSql(`create table feedback_suggestion (
  id uuid primary key default gen_random_uuid(),
  code text not null unique,
  feedback_id uuid not null unique references feedback (id),
  hospital_id uuid not null references hospital (id),
  text text not null check (length(btrim(text)) > 0 and length(text) <= 2000),
  status text not null default 'new' check (status in ('new', 'planned', 'done', 'declined')),
  note text,
  created_at timestamptz not null,
  status_changed_at timestamptz,
  status_changed_by text
);`);
    this.addSql('create index feedback_suggestion_hospital on feedback_suggestion (hospital_id, status);');
    this.addSql(`create function feedback_suggestion_guard() returns trigger language plpgsql as $$
begin
  if NEW.status is distinct from OLD.status
     and not (OLD.status = 'new' and NEW.status in ('planned', 'declined'))
     and not (OLD.status = 'planned' and NEW.status in ('done', 'declined')) then
    raise exception 'suggestion % is %: it cannot become %', OLD.code, OLD.status, NEW.status using errcode = 'CRF02';
  end if;
  return NEW;
end $$;`);
    this.addSql(`create trigger feedback_suggestion_guard before update on feedback_suggestion
  for each row execute function feedback_suggestion_guard();`);

    // The outbox sweep (send-queued.ts) looks for queued messages left `sending` or `unknown`.
    this.addSql(`create index messages_outbox_in_doubt on messages (send_started_at)
  where queued_at is not null and status in ('sending', 'unknown');`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index messages_outbox_in_doubt;');
    this.addSql('drop table feedback_suggestion;');
    this.addSql('drop function feedback_suggestion_guard();');
    this.addSql('drop sequence feedback_suggestion_seq;');
    this.addSql('drop table feedback_alert;');
    this.addSql('drop function feedback_alert_guard();');
    this.addSql('drop sequence feedback_alert_seq;');
    this.addSql('drop table feedback;');
    this.addSql('drop function feedback_guard();');
    this.addSql('drop sequence feedback_code_seq;');
  }
}
