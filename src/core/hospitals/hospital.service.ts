import type { EntityManager } from '@mikro-orm/postgresql';
import { type Actor, recordAudit } from '../audit/audit.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { Hospital } from './hospital.entity.js';
import { canonicalState } from './nigerian-states.js';

export interface AddHospitalInput {
  code: string;
  name: string;
  state: string;
  city: string;
  address?: string;
  managerEmail?: string;
}

export interface HospitalView {
  id: string;
  code: string;
  name: string;
  state: string;
  city: string;
  address: string | null;
  managerEmail: string | null;
  patients?: number;
}

const CODE = /^[A-Z0-9][A-Z0-9-]{0,31}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function toHospitalView(h: Hospital): HospitalView {
  return {
    id: h.id,
    code: h.code,
    name: h.name,
    state: h.state,
    city: h.city,
    address: h.address ?? null,
    managerEmail: h.managerEmail ?? null,
  };
}

export async function addHospital(
  em: EntityManager,
  input: AddHospitalInput,
  actor: Actor,
): Promise<HospitalView> {
  const code = input.code.trim().toUpperCase();
  if (!CODE.test(code))
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
  return em.transactional(async (tem) => {
    const existing = await tem.findOne(Hospital, { code });
    if (existing)
      throw new ConflictError('hospital_exists', `hospital ${code} already exists (${existing.name})`);
    const hospital = tem.create(Hospital, {
      code,
      name: input.name.trim(),
      state,
      city: input.city.trim(),
      address: input.address?.trim() || null,
      managerEmail: input.managerEmail?.trim().toLowerCase() || null,
    } as never);
    await tem.flush();
    await recordAudit(tem as EntityManager, actor, 'hospital', hospital.id, { code, name: hospital.name });
    return toHospitalView(hospital);
  });
}

/** Finds a hospital by code (`LAG-001`) or id. */
export async function findHospital(em: EntityManager, ref: string): Promise<Hospital> {
  const where = UUID.test(ref) ? { id: ref } : { code: ref.trim().toUpperCase() };
  const hospital = await em.findOne(Hospital, where);
  if (!hospital) throw new NotFoundError('hospital', ref);
  return hospital;
}

export async function listHospitals(em: EntityManager): Promise<HospitalView[]> {
  const rows = await em
    .getConnection()
    .execute<{ id: string; patients: string }[]>(
      'select hospital_id as id, count(*) as patients from patient where hospital_id is not null group by hospital_id',
    );
  const counts = new Map(rows.map((r) => [r.id, Number(r.patients)]));
  const hospitals = await em.find(Hospital, {}, { orderBy: { code: 'asc' } });
  return hospitals.map((h) => ({ ...toHospitalView(h), patients: counts.get(h.id) ?? 0 }));
}
