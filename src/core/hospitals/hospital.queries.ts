import type { ServiceContext } from '../context.js';
import { Hospital } from './hospital.entity.js';
import { hospitalRepository } from './hospital.repository.js';
import { countPatientsPerHospital } from './hospital.sql.js';
import { type HospitalView, toHospitalView } from './hospital.view.js';

/** Every hospital by code, with how many patients call it home. */
export async function listHospitals(ctx: ServiceContext): Promise<HospitalView[]> {
  const counts = await countPatientsPerHospital(ctx.em);
  const hospitals = await ctx.em.find(Hospital, {}, { orderBy: { code: 'asc' } });
  return hospitals.map((h) => ({ ...toHospitalView(h), patients: counts.get(h.id) ?? 0 }));
}

/** One hospital by code or id. */
export async function showHospital(ctx: ServiceContext, ref: string): Promise<HospitalView> {
  return toHospitalView(await hospitalRepository(ctx.em).getByRef(ref));
}
