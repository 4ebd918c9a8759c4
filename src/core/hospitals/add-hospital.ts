import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ConflictError, ValidationError } from '../errors.js';
import { Hospital } from './hospital.entity.js';
import { type HospitalView, toHospitalView } from './hospital.view.js';
import { canonicalState } from './nigerian-states.js';

export interface AddHospitalInput {
  code: string;
  name: string;
  state: string;
  city: string;
  address?: string;
  managerEmail?: string;
}

/** A hospital code as stored (upper case): letters, digits and dashes, e.g. LAG-001. */
export const HOSPITAL_CODE = /^[A-Z0-9][A-Z0-9-]{0,31}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Adds a partner hospital; its code must be new (exit 5 otherwise). */
export async function addHospital(ctx: ServiceContext, input: AddHospitalInput): Promise<HospitalView> {
  const code = input.code.trim().toUpperCase();
  if (!HOSPITAL_CODE.test(code))
    throw new ValidationError('code', input.code, 'use letters, digits and dashes, e.g. LAG-001');
  for (const field of ['name', 'state', 'city'] as const) {
    if (!input[field]?.trim()) throw new ValidationError(field, input[field], 'is required');
  }
  const state = canonicalState(input.state);
  if (!state)
    throw new ValidationError(
      'state',
      input.state,
      'not a Nigerian state (e.g. Lagos, Kano, FCT, Akwa Ibom)',
    );
  if (input.managerEmail && !EMAIL.test(input.managerEmail.trim())) {
    throw new ValidationError('manager-email', input.managerEmail, 'not an e-mail address');
  }
  return ctx.em.transactional(async (em) => {
    const existing = await em.findOne(Hospital, { code });
    if (existing)
      throw new ConflictError('hospital_exists', `hospital ${code} already exists (${existing.name})`);
    const hospital = em.create(Hospital, {
      code,
      name: input.name.trim(),
      state,
      city: input.city.trim(),
      address: input.address?.trim() || null,
      managerEmail: input.managerEmail?.trim().toLowerCase() || null,
    } as never);
    await em.flush();
    await recordAudit(em, ctx.actor, 'hospital', hospital.id, { code, name: hospital.name });
    return toHospitalView(hospital);
  });
}
