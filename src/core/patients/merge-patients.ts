/**
 * `patient merge KEEP DUPLICATE`: one person recorded twice becomes one. In one transaction every
 * reference to the duplicate (PATIENT_REFERENCES in patient.sql.ts: appointments, messages,
 * referrals) is moved to the patient kept, the kept patient takes the duplicate's opt-outs (a
 * STOP given on either record stands) and the later last visit, and the duplicate's row is
 * deleted. Its details are not copied: correct the kept patient with `patient edit` first.
 * Refused (exit 5): the same patient twice, an erased patient, two live appointments of the two
 * records at overlapping times (the patient cannot be in two places; cancel one first), and a
 * duplicate with feedback, loyalty points or campaign deliveries: those histories have rules of
 * their own (an append-only ledger, one feedback per appointment, one delivery per campaign) and
 * are not moved yet — merge before they start, or keep both records.
 */
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { underDatabaseRules } from '../db/driver-errors.js';
import { ConflictError } from '../errors.js';
import { lockPatientForCorrection } from './lock-patient.js';
import {
  movePatientReferences,
  unlistedPatientReferences,
  unlistedReferencesHolding,
} from './patient.sql.js';
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
      // Feedback, loyalty and campaign history are not moved by a merge yet: a duplicate that has
      // some is refused (exit 5) rather than merged with it left behind or lost.
      const unlisted = await unlistedPatientReferences(em);
      const held = await unlistedReferencesHolding(em, unlisted, duplicate.id);
      if (held.length > 0)
        throw new ConflictError(
          'merge_history_unmovable',
          `cannot merge ${duplicateRef} into ${keepRef} yet: the duplicate has ${[...new Set(held.map((r) => r.split('.')[0]))].join(', ')} rows, which a merge does not move yet`,
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
