/**
 * `doctor edit`: corrects a doctor's name and department, and moves a doctor without
 * appointments to another hospital. A doctor with appointments keeps their hospital: each
 * appointment records where it took place, and a move would contradict them (add the doctor at
 * the new hospital instead). The code is not edited: operators and appointments name doctors by it.
 */
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ConflictError, ValidationError } from '../errors.js';
import { hospitalRepository } from '../hospitals/hospital.repository.js';
import { loadDoctorView } from './doctor.queries.js';
import { doctorRepository } from './doctor.repository.js';
import { countAppointmentsOfDoctor } from './doctor.sql.js';
import type { DoctorView } from './doctor.view.js';

export interface EditDoctorInput {
  name?: string;
  department?: string;
  /** Another hospital's code or id. */
  hospital?: string;
}

export interface EditDoctorResult {
  doctor: DoctorView;
  changed: string[];
}

export async function editDoctor(
  ctx: ServiceContext,
  ref: string,
  input: EditDoctorInput,
): Promise<EditDoctorResult> {
  for (const field of ['name', 'department', 'hospital'] as const)
    if (input[field] !== undefined && !input[field]!.trim())
      throw new ValidationError(field, input[field], 'must not be empty');
  if (input.name === undefined && input.department === undefined && input.hospital === undefined)
    throw new ValidationError(
      'doctor',
      ref,
      'name at least one field to change (see crm doctor edit --help)',
    );
  return ctx.em.transactional(async (em) => {
    const doctor = await doctorRepository(em).getByRef(ref, { lock: true });
    const changed: string[] = [];
    const name = input.name?.trim();
    if (name !== undefined && name !== doctor.name) {
      doctor.name = name;
      changed.push('name');
    }
    const department = input.department?.trim().toLowerCase();
    if (department !== undefined && department !== doctor.department) {
      doctor.department = department;
      changed.push('department');
    }
    const from = doctor.hospital.code;
    if (input.hospital !== undefined) {
      const hospital = await hospitalRepository(em).getByRef(input.hospital);
      if (hospital.id !== doctor.hospital.id) {
        const appointments = await countAppointmentsOfDoctor(em, doctor.id);
        if (appointments > 0)
          throw new ConflictError(
            'doctor_has_appointments',
            `${doctor.code} has ${appointments} appointment(s) at ${from}: a doctor with appointments stays at their hospital; add them at ${hospital.code} with crm doctor add`,
          );
        doctor.hospital = hospital;
        changed.push('hospital');
      }
    }
    if (changed.length > 0) {
      await em.flush();
      // No name: the audit log is kept forever; the entity id says which doctor.
      await recordAudit(em, ctx.actor, 'doctor', doctor.id, {
        action: 'edit',
        code: doctor.code,
        changed,
        ...(changed.includes('department') ? { department: doctor.department } : {}),
        ...(changed.includes('hospital') ? { hospital: { from, to: doctor.hospital.code } } : {}),
      });
    }
    return { doctor: await loadDoctorView(em, doctor), changed };
  });
}
