import type { ServiceContext } from '../context.js';
import { type LoyaltySummary, loyaltySummary } from '../loyalty/loyalty.queries.js';
import { patientRepository } from './patient.repository.js';
import { type PatientView, toPatientView } from './patient.view.js';

/** One patient by id, phone (any written form) or MRN; several matches are a conflict. */
export async function showPatient(
  ctx: ServiceContext,
  ref: string,
): Promise<PatientView & { loyalty: LoyaltySummary }> {
  const patient = await patientRepository(ctx.em).getByRef(ref);
  const loyalty = await loyaltySummary(ctx.em, patient.id, ctx.config.loyalty.expiryMonths);
  return { ...toPatientView(patient), loyalty };
}
