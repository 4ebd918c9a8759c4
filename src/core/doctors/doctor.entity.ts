import type { InferEntity } from '@mikro-orm/core';
import { mikroCore } from '../db/mikro-orm.js';
import { Hospital } from '../hospitals/hospital.entity.js';
import { DoctorRepository } from './doctor.repository.js';

const { defineEntity } = mikroCore;

/**
 * A doctor of a partner hospital; `code` (`DR-0001`) is how operators name them. The code's
 * format check and the sequence that numbers codes live in migrations/.
 */
export const Doctor = defineEntity({
  name: 'Doctor',
  tableName: 'doctor',
  repository: () => DoctorRepository,
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    code: p.text().unique(),
    hospital: p.manyToOne(Hospital),
    name: p.text(),
    department: p.text(),
    createdAt: p.datetime().defaultRaw('now()'),
  }),
});
export type Doctor = InferEntity<typeof Doctor>;

/**
 * A weekly window in Lagos time (`weekday` 1 = Monday … 7 = Sunday). `starts`/`ends` hydrate as
 * PostgreSQL prints a time (`09:00:00`). The unique index and the order check live in migrations/.
 */
export const DoctorAvailability = defineEntity({
  name: 'DoctorAvailability',
  tableName: 'doctor_availability',
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    doctor: p.manyToOne(Doctor).deleteRule('cascade'),
    weekday: p.smallint(),
    starts: p.time(),
    ends: p.time(),
  }),
});
export type DoctorAvailability = InferEntity<typeof DoctorAvailability>;

/** A Lagos calendar day off (`day` hydrates as `YYYY-MM-DD`); unique per doctor and day. */
export const DoctorTimeOff = defineEntity({
  name: 'DoctorTimeOff',
  tableName: 'doctor_time_off',
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    doctor: p.manyToOne(Doctor).deleteRule('cascade'),
    day: p.date(),
    reason: p.text().nullable(),
  }),
});
export type DoctorTimeOff = InferEntity<typeof DoctorTimeOff>;
