import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ConflictError, ValidationError } from '../errors.js';
import { hospitalRepository } from '../hospitals/hospital.repository.js';
import { Doctor } from './doctor.entity.js';
import { loadDoctorView } from './doctor.queries.js';
import { nextDoctorCode } from './doctor.sql.js';
import type { DoctorView } from './doctor.view.js';

export interface AddDoctorInput {
  hospital: string;
  name: string;
  department: string;
  /** Default: the next `DR-0001`-style code. */
  code?: string;
}

const CODE = /^[A-Z0-9][A-Z0-9-]{0,31}$/;

/** Adds a doctor to a hospital; a given code must be new (exit 5 otherwise). */
export async function addDoctor(ctx: ServiceContext, input: AddDoctorInput): Promise<DoctorView> {
  if (!input.name?.trim()) throw new ValidationError('name', input.name, 'is required');
  if (!input.department?.trim()) throw new ValidationError('department', input.department, 'is required');
  const code = input.code?.trim().toUpperCase();
  if (code !== undefined && !CODE.test(code))
    throw new ValidationError('code', input.code, 'use letters, digits and dashes, e.g. DR-0001');
  return ctx.em.transactional(async (em) => {
    const hospital = await hospitalRepository(em).getByRef(input.hospital);
    if (code && (await em.count(Doctor, { code })))
      throw new ConflictError('doctor_exists', `doctor ${code} already exists`);
    const doctor = em.create(Doctor, {
      code: code || (await nextDoctorCode(em)),
      hospital,
      name: input.name.trim(),
      department: input.department.trim().toLowerCase(),
    } as never);
    await em.flush();
    // No name: the audit log is kept forever; the entity id says which doctor.
    await recordAudit(em, ctx.actor, 'doctor', doctor.id, { code: doctor.code, hospital: hospital.code });
    return loadDoctorView(em, doctor);
  });
}
