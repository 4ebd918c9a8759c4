import { DateTime } from 'luxon';
import type { PendingMessage } from '../messaging/message.types.js';
import type { MessagingConfig } from '../messaging/messaging.config.js';
import { quietPeriodEnd } from '../messaging/quiet-hours.js';
import { pickVariant, renderTemplate, type TemplateVariant } from '../messaging/template.js';
import type { Channel } from '../patients/patient.entity.js';
import { formatAppointmentTime, LAGOS } from '../time.js';
import type { DueReminderRow } from './reminder-claim.sql.js';

export interface PlannedReminder {
  reminderId: string;
  /** The appointment's code and the reminder's kind (7d, 1d, 2h): how a person names a reminder. */
  appointment: string;
  kind: string;
  /** The patient's name and the appointment's start, Lagos time (ISO 8601). */
  patient: string;
  startsAt: string;
  action: 'send' | 'defer' | 'expire' | 'cancel' | 'fail';
  channel?: Channel;
  /** Masked recipient, for dry-run output. */
  body?: string;
  reason?: string;
  deferUntil?: string;
}

/** What to do with one due reminder now, and for `send` the message to send. */
export interface Decision {
  row: DueReminderRow;
  action: PlannedReminder['action'];
  reason?: string;
  deferUntil?: DateTime;
  message?: PendingMessage;
}

const CHANNEL_ORDER: Channel[] = ['sms', 'whatsapp', 'email'];

/** The end of the quiet period `now` is in (memoised: every row of a batch shares `now`). */
let quietMemo: { at: number; config: MessagingConfig; end: DateTime | undefined } | undefined;
function quietEndOf(now: DateTime, config: MessagingConfig): DateTime | undefined {
  if (quietMemo?.at !== now.toMillis() || quietMemo.config !== config)
    quietMemo = { at: now.toMillis(), config, end: quietPeriodEnd(now, config.quietHours) };
  return quietMemo.end;
}

/**
 * Decides a due reminder: cancel (appointment no longer on), expire (already started), fail (out
 * of attempts, no template, no channel), defer (quiet hours end before the appointment), or send
 * (the patient's channel if they can receive it, else the first one they can, in their language).
 */
export function decide(
  row: DueReminderRow,
  now: DateTime,
  config: MessagingConfig,
  variants: TemplateVariant[],
  maxAttempts: number,
): Decision {
  const startsAt = DateTime.fromJSDate(
    row.starts_at instanceof Date ? row.starts_at : new Date(row.starts_at),
  ).setZone(LAGOS);
  if (row.status !== 'scheduled' && row.status !== 'confirmed')
    return { row, action: 'cancel', reason: `appointment ${row.status}` };
  if (startsAt <= now) return { row, action: 'expire', reason: 'appointment already started' };
  if (row.attempts >= maxAttempts)
    return { row, action: 'fail', reason: `gave up after ${row.attempts} attempts` };
  const quietEnd = quietEndOf(now, config);
  // In quiet hours: wait for the morning when that is still before the appointment, else send now.
  if (quietEnd && quietEnd < startsAt) return { row, action: 'defer', deferUntil: quietEnd };
  const variant = pickVariant(variants, row.preferred_language);
  if (!variant) return { row, action: 'fail', reason: 'no reminder template' };
  const whatsappSid = variant.contentSid ?? config.whatsappReminderContentSid;
  const can = (c: Channel) => {
    if (row[`opted_out_${c}`]) return false;
    if (c === 'email') return Boolean(row.email);
    // A reminder starts a WhatsApp conversation: only with an approved template (Content SID).
    if (c === 'whatsapp') return Boolean(row.phone && whatsappSid);
    return Boolean(row.phone);
  };
  const channel = [row.preferred_channel, ...CHANNEL_ORDER].find(can);
  if (!channel) return { row, action: 'fail', reason: 'no channel the patient can receive' };
  const values = {
    first_name: row.first_name,
    last_name: row.last_name,
    hospital_name: row.hospital_name,
    doctor_name: row.doctor_name,
    appointment_time: formatAppointmentTime(startsAt),
  };
  const body = renderTemplate(variant.body, values);
  const message: PendingMessage = {
    channel,
    to: channel === 'email' ? row.email! : row.phone!,
    body,
    subject: channel === 'email' ? renderTemplate(variant.subject ?? 'Appointment reminder', values) : null,
    purpose: 'reminder',
    patientId: row.patient_id,
    reference: `reminder:${row.id}`,
  };
  if (channel === 'whatsapp') {
    message.contentSid = whatsappSid;
    message.contentVariables = {
      1: values.first_name,
      2: values.appointment_time,
      3: values.doctor_name,
      4: values.hospital_name,
    };
  }
  return { row, action: 'send', message };
}
