import type { EntityManager } from '@mikro-orm/postgresql';
import type { ServiceContext } from '../context.js';
import { hospitalRepository } from '../hospitals/hospital.repository.js';
import { Doctor, DoctorAvailability, DoctorTimeOff } from './doctor.entity.js';
import { doctorRepository } from './doctor.repository.js';
import { countWindowsPerDoctor } from './doctor.sql.js';
import { type DoctorListItem, type DoctorView, toDoctorView } from './doctor.view.js';

/** One doctor by code or id, with weekly windows and days off. */
export async function showDoctor(ctx: ServiceContext, ref: string): Promise<DoctorView> {
  return loadDoctorView(ctx.em, await doctorRepository(ctx.em).getByRef(ref));
}

/**
 * The view of a doctor (hospital loaded) as the database has it now: windows and days off are
 * read afresh, also after raw SQL wrote them in the same transaction.
 */
export async function loadDoctorView(em: EntityManager, doctor: Doctor): Promise<DoctorView> {
  const windows = await em.find(
    DoctorAvailability,
    { doctor: doctor.id },
    { orderBy: { weekday: 'asc', starts: 'asc' }, refresh: true },
  );
  const timeOff = await em.find(
    DoctorTimeOff,
    { doctor: doctor.id },
    { orderBy: { day: 'asc' }, refresh: true },
  );
  return toDoctorView(doctor, windows, timeOff);
}

export interface ListDoctorsInput {
  hospital?: string;
  department?: string;
}

/** Doctors by hospital code and doctor code, with how many weekly windows each has. */
export async function listDoctors(ctx: ServiceContext, input: ListDoctorsInput): Promise<DoctorListItem[]> {
  const where: { hospital?: string; department?: string } = {};
  if (input.hospital) where.hospital = (await hospitalRepository(ctx.em).getByRef(input.hospital)).id;
  if (input.department) where.department = input.department.trim().toLowerCase();
  const doctors = await ctx.em.find(Doctor, where, {
    populate: ['hospital'],
    orderBy: { hospital: { code: 'asc' }, code: 'asc' },
  });
  const windows = await countWindowsPerDoctor(
    ctx.em,
    doctors.map((d) => d.id),
  );
  return doctors.map((d) => ({
    id: d.id,
    code: d.code,
    name: d.name,
    department: d.department,
    hospital: d.hospital.code,
    windows: windows.get(d.id) ?? 0,
  }));
}
