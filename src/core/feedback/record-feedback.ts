/**
 * `crm feedback record`: one patient's feedback, in one transaction with what it causes: a
 * low rating (overall or any category ≤ 2) opens an alert due in CRM_FEEDBACK_ALERT_HOURS and
 * queues an e-mail to the hospital's service manager (outbox: sent by `crm message send`); a
 * suggestion is tracked for the hospital. Any refusal writes nothing.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { appointmentRepository } from '../appointments/appointment.repository.js';
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { underDatabaseRules } from '../db/driver-errors.js';
import { ConflictError, ValidationError } from '../errors.js';
import { Hospital } from '../hospitals/hospital.entity.js';
import { hospitalRepository } from '../hospitals/hospital.repository.js';
import { awardFeedbackPoints } from '../loyalty/earning-rules.js';
import type { Message } from '../messaging/message.entity.js';
import { queueMessage } from '../messaging/outbox.js';
import { patientRepository } from '../patients/patient.repository.js';
import { toIsoLagos } from '../time.js';
import { Feedback, SCORE_PROPERTY } from './feedback.entity.js';
import { nextAlertCode, nextFeedbackCode, nextSuggestionCode } from './feedback.sql.js';
import { type FeedbackView, toFeedbackView } from './feedback.view.js';
import { FeedbackAlert } from './feedback-alert.entity.js';
import {
  isLowRating,
  lowRatingReason,
  type RecordFeedbackInput,
  type ValidFeedback,
  validateFeedback,
} from './feedback-input.js';
import { FeedbackSuggestion } from './feedback-suggestion.entity.js';

/** What `feedback record` returns: the feedback, and the loyalty points it earned (50, or 0 when its key had earned already). */
export type RecordedFeedback = FeedbackView & { loyaltyPoints: number };

export async function recordFeedback(
  ctx: ServiceContext,
  input: RecordFeedbackInput,
): Promise<RecordedFeedback> {
  const valid = validateFeedback(input);
  if (input.appointment && input.hospital)
    throw new ValidationError(
      '--hospital',
      input.hospital,
      'not with --appointment (the appointment names it)',
    );
  return underDatabaseRules(
    ctx.em.transactional(async (t) => {
      const em = t as EntityManager;
      const now = ctx.clock.now();
      const patient = await patientRepository(em).getByRef(input.patient);
      let hospital: Hospital;
      let appointment = null;
      if (input.appointment) {
        // Locked: a second feedback for the appointment waits here and then sees the first.
        appointment = await appointmentRepository(em).getByRef(input.appointment, { lock: true });
        if (appointment.patient.id !== patient.id)
          throw new ValidationError('--appointment', input.appointment, "is not this patient's appointment");
        if (appointment.status !== 'completed')
          throw new ValidationError(
            '--appointment',
            input.appointment,
            `is ${appointment.status}, not completed: feedback is on a completed visit`,
          );
        const existing = await em.findOne(Feedback, { appointment: appointment.id });
        if (existing)
          throw new ConflictError(
            'feedback_exists',
            `appointment ${appointment.code} already has feedback ${existing.code}; one feedback per appointment`,
          );
        hospital = await em.findOneOrFail(Hospital, appointment.hospital.id);
      } else if (input.hospital) {
        hospital = await hospitalRepository(em).getByRef(input.hospital);
      } else if (patient.hospital) {
        hospital = await em.findOneOrFail(Hospital, patient.hospital.id);
      } else {
        throw new ValidationError(
          '--hospital',
          undefined,
          'the patient has no hospital: give --appointment or --hospital',
        );
      }
      const feedback = em.create(Feedback, {
        code: await nextFeedbackCode(em),
        patient,
        hospital,
        appointment,
        doctor: appointment?.doctor ?? null,
        rating: valid.rating,
        nps: valid.nps,
        ...scoreColumns(valid),
        comment: valid.comment,
        submittedAt: now.toJSDate(),
      } as never);
      let alert: FeedbackAlert | null = null;
      if (isLowRating(valid)) alert = await openAlert(ctx, em, feedback, hospital, valid);
      let suggestion: FeedbackSuggestion | null = null;
      if (valid.suggestion)
        suggestion = em.create(FeedbackSuggestion, {
          code: await nextSuggestionCode(em),
          feedback,
          hospital,
          text: valid.suggestion,
          status: 'new',
          createdAt: now.toJSDate(),
        } as never);
      await em.flush();
      // +50 loyalty points whatever the rating: once per appointment, else once per Lagos day.
      const points = await awardFeedbackPoints(em, {
        feedbackId: feedback.id,
        patientId: patient.id,
        appointmentId: appointment?.id ?? null,
        at: now.toJSDate(),
      });
      if (appointment) await em.populate(feedback, ['appointment', 'doctor']);
      if (alert)
        await recordAudit(em, ctx.actor, 'feedback_alert', alert.id, {
          code: alert.code,
          status: 'open',
          feedback: feedback.code,
          dueAt: toIsoLagos(alert.dueAt),
          emailQueued: Boolean(alert.message),
        });
      await recordAudit(em, ctx.actor, 'feedback', feedback.id, {
        code: feedback.code,
        patient: patient.id,
        hospital: hospital.code,
        appointment: appointment?.code ?? null,
        rating: valid.rating,
        nps: valid.nps,
        categories: valid.scores,
        alert: alert?.code ?? null,
        suggestion: suggestion?.code ?? null,
      });
      return { ...toFeedbackView(feedback, alert, suggestion, now.toJSDate()), loyaltyPoints: points.points };
    }),
  );
}

function scoreColumns(valid: ValidFeedback): Record<string, number | null> {
  const columns: Record<string, number | null> = {};
  for (const [category, property] of Object.entries(SCORE_PROPERTY))
    columns[property] = valid.scores[category as keyof typeof SCORE_PROPERTY] ?? null;
  return columns;
}

/** Opens the alert of a low rating and queues its e-mail to the service manager (if any). */
async function openAlert(
  ctx: ServiceContext,
  em: EntityManager,
  feedback: Feedback,
  hospital: Hospital,
  valid: ValidFeedback,
): Promise<FeedbackAlert> {
  const now = ctx.clock.now();
  const due = now.plus({ hours: ctx.config.feedbackAlertHours });
  const code = await nextAlertCode(em, now.year);
  const reason = lowRatingReason(valid);
  let message: Message | null = null;
  if (hospital.managerEmail) {
    const patient = feedback.patient;
    const lines = [
      `A patient gave low feedback at ${hospital.name} (${hospital.code}): ${reason}.`,
      '',
      `Alert: ${code}, due ${toIsoLagos(due)} (${ctx.config.feedbackAlertHours} hours).`,
      `Feedback: ${feedback.code}, overall rating ${valid.rating}/5${valid.nps === null ? '' : `, NPS answer ${valid.nps}/10`}.`,
      `Patient: ${patient.firstName} ${patient.lastName} (${patient.id}).`,
    ];
    if (valid.comment) lines.push('', `Comment: ${valid.comment}`);
    lines.push(
      '',
      `Follow up, then: crm feedback acknowledge ${code}; crm feedback resolve ${code} --note "…"`,
    );
    message = queueMessage(
      em,
      {
        channel: 'email',
        to: hospital.managerEmail,
        subject: `Feedback alert ${code}: ${reason} at ${hospital.name}`,
        body: lines.join('\n'),
        purpose: 'alert',
        reference: `alert:${code}`,
      },
      now.toJSDate(),
    );
  }
  return em.create(FeedbackAlert, {
    code,
    feedback,
    hospital,
    status: 'open',
    reason,
    openedAt: now.toJSDate(),
    dueAt: due.toJSDate(),
    message,
  } as never);
}
