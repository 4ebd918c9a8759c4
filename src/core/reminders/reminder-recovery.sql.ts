/**
 * The statements of the recovery sweep (recover-interrupted-sends.ts): reminders whose lease ran
 * out without an outcome recorded — their runner died or hung between the claim and the record.
 * A finished attempt always clears the lease (record, close), so `claimed_until` set and in the
 * past means exactly that; the partial index `reminder_lease_ended` holds only those rows.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../db/sql.js';
import type { Channel } from '../patients/patient.entity.js';

/** A reminder whose lease ended without an outcome, with its message's last known state. */
export interface EndedLeaseRow {
  reminder_id: string;
  message_id: string | null;
  message_status: string | null;
  channel: Channel | null;
  recipient: string | null;
  body: string | null;
  content_sid: string | null;
  send_started_at: Date | null;
  starts_at: Date | string;
  appointment_status: string;
}

/** Up to `limit` reminders whose lease has ended, locked (SKIP LOCKED: one sweeper per row). */
export function selectEndedLeases(em: EntityManager, limit: number): Promise<EndedLeaseRow[]> {
  return query<EndedLeaseRow>(
    em,
    `with ended as (
      select r.id from reminder r
      where r.status = 'pending' and r.claimed_until is not null and r.claimed_until < clock_timestamp()
      order by r.claimed_until
      limit $1 for update skip locked)
    select r.id as reminder_id, m.id as message_id, m.status as message_status, m.channel, m.recipient, m.body,
      m.content_sid, m.send_started_at, a.starts_at, a.status as appointment_status
    from ended join reminder r on r.id = ended.id join appointment a on a.id = r.appointment_id
    left join messages m on m.id = r.message_id
    order by r.claimed_until`,
    [limit],
  );
}

/** How the sweep leaves a reminder. */
export interface SettledReminder {
  id: string;
  /** `pending`: due again for the next claim (or, with `keepEnded`, for the next sweep). */
  status: 'pending' | 'sent' | 'expired' | 'cancelled';
  note: string | null;
  /** The attempt never called the provider: it does not count against the reminder's attempts. */
  uncount: boolean;
  /** The outcome is still unknown: the lease stays ended so that the next sweep looks again. */
  keepEnded: boolean;
}

/** Applies the sweep's verdicts to reminders in one statement. */
export async function settleReminders(
  em: EntityManager,
  settled: SettledReminder[],
  now: string,
): Promise<void> {
  if (settled.length === 0) return;
  await query(
    em,
    `update reminder r set status = t.status, last_error = coalesce(t.note, r.last_error),
       attempts = case when t.uncount then greatest(r.attempts - 1, 0) else r.attempts end,
       sent_at = case when t.status = 'sent' then $6::timestamptz else r.sent_at end,
       claimed_by = null, claimed_until = case when t.keep_ended then clock_timestamp() end,
       updated_at = $6::timestamptz
     from unnest($1::uuid[], $2::text[], $3::text[], $4::boolean[], $5::boolean[])
       as t(id, status, note, uncount, keep_ended)
     where r.id = t.id`,
    [
      settled.map((s) => s.id),
      settled.map((s) => s.status),
      settled.map((s) => s.note),
      settled.map((s) => s.uncount),
      settled.map((s) => s.keepEnded),
      now,
    ],
  );
}

/** Leases reminders to this sweeper while their provider lookups run. */
export async function leaseForLookup(
  em: EntityManager,
  ids: string[],
  runnerId: string,
  leaseSeconds: number,
): Promise<void> {
  if (ids.length === 0) return;
  await query(
    em,
    `update reminder set claimed_by = $2, claimed_until = clock_timestamp() + make_interval(secs => $3)
     where id = any($1::uuid[])`,
    [ids, runnerId, leaseSeconds],
  );
}
