import type { ServiceContext } from '../context.js';
import { hospitalRepository } from './hospital.repository.js';
import { type HospitalView, toHospitalView } from './hospital.view.js';

/** One hospital by code or id. */
export async function showHospital(ctx: ServiceContext, ref: string): Promise<HospitalView> {
  return toHospitalView(await hospitalRepository(ctx.em).getByRef(ref));
}
