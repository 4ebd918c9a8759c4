/**
 * `hospital edit`: corrects a hospital's name, place and manager e-mail, validated as `hospital
 * add` validates them. Its code is not edited: transactions, contracts, payouts' bank narrations
 * and operators' scripts name the hospital by it.
 */
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ValidationError } from '../errors.js';
import type { AddHospitalInput } from './add-hospital.js';
import { hospitalRepository } from './hospital.repository.js';
import { type HospitalView, toHospitalView } from './hospital.view.js';
import { canonicalState } from './nigerian-states.js';

export type EditHospitalInput = Partial<Omit<AddHospitalInput, 'code'>>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface EditHospitalResult {
  hospital: HospitalView;
  changed: string[];
}

/** Applies the given fields; an empty address or manager e-mail removes it. */
export async function editHospital(
  ctx: ServiceContext,
  ref: string,
  input: EditHospitalInput,
): Promise<EditHospitalResult> {
  const next: Record<string, string | null> = {};
  for (const field of ['name', 'city'] as const) {
    const value = input[field];
    if (value === undefined) continue;
    if (!value.trim()) throw new ValidationError(field, value, 'is required');
    next[field] = value.trim();
  }
  if (input.state !== undefined) {
    const state = canonicalState(input.state);
    if (!state)
      throw new ValidationError(
        'state',
        input.state,
        'not a Nigerian state (e.g. Lagos, Kano, FCT, Akwa Ibom)',
      );
    next.state = state;
  }
  if (input.address !== undefined) next.address = input.address.trim() || null;
  if (input.managerEmail !== undefined) {
    const email = input.managerEmail.trim().toLowerCase();
    if (email && !EMAIL.test(email))
      throw new ValidationError('manager-email', input.managerEmail, 'not an e-mail address');
    next.managerEmail = email || null;
  }
  if (Object.keys(next).length === 0)
    throw new ValidationError(
      'hospital',
      ref,
      'name at least one field to change (see crm hospital edit --help)',
    );
  return ctx.em.transactional(async (em) => {
    const hospital = await hospitalRepository(em).getByRef(ref, { lock: true });
    const changed = Object.keys(next).filter(
      (k) => (hospital[k as keyof typeof hospital] ?? null) !== next[k],
    );
    if (changed.length === 0) return { hospital: toHospitalView(hospital), changed };
    Object.assign(hospital, next);
    await em.flush();
    await recordAudit(em, ctx.actor, 'hospital', hospital.id, {
      action: 'edit',
      code: hospital.code,
      changed,
      ...(changed.includes('name') ? { name: hospital.name } : {}),
    });
    return { hospital: toHospitalView(hospital), changed };
  });
}
