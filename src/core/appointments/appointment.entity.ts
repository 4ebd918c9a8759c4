import type { InferEntity } from '@mikro-orm/core';
import { mikroCore } from '../db/mikro-orm.js';
import { Doctor } from '../doctors/doctor.entity.js';
import { Hospital } from '../hospitals/hospital.entity.js';
import { Patient } from '../patients/patient.entity.js';
import { AppointmentRepository } from './appointment.repository.js';

const { defineEntity } = mikroCore;

export const APPOINTMENT_TYPES = ['consultation', 'follow-up', 'procedure', 'emergency'] as const;
export type AppointmentType = (typeof APPOINTMENT_TYPES)[number];
export const DEFAULT_DURATION: Record<AppointmentType, number> = {
  consultation: 30,
  'follow-up': 15,
  procedure: 60,
  emergency: 30,
};
export const APPOINTMENT_STATUSES = ['scheduled', 'confirmed', 'completed', 'no_show', 'cancelled'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];
/** The statuses in which an appointment holds its time (and may not overlap another). */
export const LIVE_STATUSES: AppointmentStatus[] = ['scheduled', 'confirmed'];

/**
 * A booked appointment; `code` (`AP-000001`) comes from the `appointment_code_seq` sequence.
 * The guarantee that live appointments of a doctor (or of a patient) never overlap is two
 * exclusion constraints over the expression `tstzrange(starts_at, ends_at, '[)')` (no column of
 * its own, so nothing to map here); they, the checks and the indexes live in migrations/. A
 * violation reaches the code as SQLSTATE 23P01.
 */
export const Appointment = defineEntity({
  name: 'Appointment',
  tableName: 'appointment',
  repository: () => AppointmentRepository,
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    code: p.text().unique(),
    patient: p.manyToOne(Patient),
    doctor: p.manyToOne(Doctor),
    hospital: p.manyToOne(Hospital),
    type: p.enum([...APPOINTMENT_TYPES]),
    status: p.enum([...APPOINTMENT_STATUSES]).default('scheduled'),
    startsAt: p.datetime(),
    endsAt: p.datetime(),
    cancelReason: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  }),
});
export type Appointment = InferEntity<typeof Appointment>;
