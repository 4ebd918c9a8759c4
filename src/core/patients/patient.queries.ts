import type { FilterQuery } from '@mikro-orm/core';
import type { ServiceContext } from '../context.js';
import { mikroCore } from '../db/mikro-orm.js';
import { hospitalRepository } from '../hospitals/hospital.repository.js';
import { type LoyaltySummary, loyaltySummary } from '../loyalty/loyalty.queries.js';
import { NO_HOSPITAL, Patient } from './patient.entity.js';
import { patientRepository } from './patient.repository.js';
import { type PatientView, toPatientView } from './patient.view.js';

const { raw } = mikroCore;

/** One patient by id, phone (any written form) or MRN; several matches are a conflict. */
export async function showPatient(
  ctx: ServiceContext,
  ref: string,
): Promise<PatientView & { loyalty: LoyaltySummary }> {
  const patient = await patientRepository(ctx.em).getByRef(ref);
  const loyalty = await loyaltySummary(ctx.em, patient.id, ctx.config.loyalty.expiryMonths);
  return { ...toPatientView(patient), loyalty };
}

export interface ListPatientsInput {
  hospital?: string;
  inactiveDays?: number;
  limit?: number;
}

/**
 * Patients by name (then id), at most `limit` (default 100): of one home hospital, and/or without
 * a visit (or, never seen, a creation) in the last `inactiveDays` days.
 */
export async function listPatients(ctx: ServiceContext, input: ListPatientsInput): Promise<PatientView[]> {
  const where: FilterQuery<Patient>[] = [];
  if (input.hospital) {
    const hospital = await hospitalRepository(ctx.em).getByRef(input.hospital);
    // Written as the key of patient_hospital_external_id, the index that serves it.
    where.push({
      [raw((alias) => `coalesce(${alias}.hospital_id, ${NO_HOSPITAL}) = ?`, [hospital.id])]: [],
    } as never);
  }
  if (input.inactiveDays !== undefined) {
    const since = ctx.clock.now().minus({ days: input.inactiveDays }).toISO();
    where.push({
      [raw((alias) => `coalesce(${alias}.last_visit_at, ${alias}.created_at) < ?::timestamptz`, [since])]: [],
    } as never);
  }
  const patients = await ctx.em.find(Patient, where.length ? { $and: where } : {}, {
    populate: ['hospital'],
    orderBy: { lastName: 'asc', firstName: 'asc', id: 'asc' },
    limit: input.limit ?? 100,
  });
  return patients.map(toPatientView);
}
