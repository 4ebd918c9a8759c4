/**
 * `patient merge KEEP DUPLICATE`: one person recorded twice becomes one. In one transaction every
 * reference to the duplicate (PATIENT_REFERENCES in patient.sql.ts: appointments, messages,
 * referrals) is moved to the patient kept, the kept patient takes the duplicate's opt-outs (a
 * STOP given on either record stands) and the later last visit, and the duplicate's row is
 * deleted. Its details are not copied: correct the kept patient with `patient edit` first.
 * Refused (exit 5): the same patient twice, an erased patient, two live appointments of the two
 * records at overlapping times (the patient cannot be in two places; cancel one first).
 */
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { underDatabaseRules } from '../db/driver-errors.js';
import { ConflictError, CrmError, ExitCode } from '../errors.js';
import { lockPatientForCorrection } from './lock-patient.js';
import { movePatientReferences, unlistedPatientReferences } from './patient.sql.js';
import { type PatientView, toPatientView } from './patient.view.js';

export interface MergeResult {
  patient: PatientView;
  /** The duplicate's id, now deleted. */
  merged: string;
  /** Rows moved, per table. */
  moved: Record<string, number>;
}

export async function mergePatients(
  ctx: ServiceContext,
  keepRef: string,
  duplicateRef: string,
): Promise<MergeResult> {
  return underDatabaseRules(
    ctx.em.transactional(async (em) => {
      const keep = await lockPatientForCorrection(em, keepRef);
      const duplicate = await lockPatientForCorrection(em, duplicateRef);
      if (keep.id === duplicate.id)
        throw new ConflictError(
          'patient_same',
          `${keepRef} and ${duplicateRef} are the same patient (${keep.id})`,
        );
      const unlisted = await unlistedPatientReferences(em);
      if (unlisted.length > 0)
        throw new CrmError(
          'merge_references_unlisted',
          `patient merge does not know the patient reference(s) ${unlisted.join(', ')}: add them to PATIENT_REFERENCES (src/core/patients/patient.sql.ts)`,
          ExitCode.unexpected,
        );
      // A referral of the kept patient by the duplicate would become a self-referral.
      if (keep.referredBy === duplicate.id) keep.referredBy = null;
      await em.flush();
      const moved = await movePatientReferences(em, duplicate.id, keep.id);
      keep.optedOutSms ||= duplicate.optedOutSms;
      keep.optedOutWhatsapp ||= duplicate.optedOutWhatsapp;
      keep.optedOutEmail ||= duplicate.optedOutEmail;
      if (duplicate.lastVisitAt && (!keep.lastVisitAt || duplicate.lastVisitAt > keep.lastVisitAt))
        keep.lastVisitAt = duplicate.lastVisitAt;
      keep.updatedAt = new Date(ctx.clock.now().toISO()!);
      em.remove(duplicate);
      await em.flush();
      // Ids and counts only: no names or contacts in the audit log.
      await recordAudit(em, ctx.actor, 'patient', keep.id, { action: 'merge', merged: duplicate.id, moved });
      return { patient: toPatientView(keep), merged: duplicate.id, moved };
    }),
  );
}
