import type { InferEntity } from '@mikro-orm/core';
import { Appointment } from '../appointments/appointment.entity.js';
import { mikroCore } from '../db/mikro-orm.js';
import { Doctor } from '../doctors/doctor.entity.js';
import { Hospital } from '../hospitals/hospital.entity.js';
import { Patient } from '../patients/patient.entity.js';
import { FeedbackRepository } from './feedback.repository.js';

const { defineEntity } = mikroCore;

/** The categories a patient may score 1–5 besides the overall rating. */
export const FEEDBACK_CATEGORIES = [
  'doctor',
  'nursing',
  'wait_time',
  'cleanliness',
  'billing',
  'facilities',
] as const;
export type FeedbackCategory = (typeof FEEDBACK_CATEGORIES)[number];

/**
 * One patient's feedback (`FB-000001`): the overall rating, the NPS answer and a column per
 * category score. Trigger `feedback_guard` (migrations/Migration20261203100000_feedback.ts) holds
 * an appointment's feedback to that appointment; deletion is soft (`deletedAt`, `deleteReason`).
 */
export const Feedback = defineEntity({
  name: 'Feedback',
  tableName: 'feedback',
  repository: () => FeedbackRepository,
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    code: p.text().unique(),
    patient: p.manyToOne(Patient),
    hospital: p.manyToOne(Hospital),
    appointment: p.manyToOne(Appointment).nullable(),
    doctor: p.manyToOne(Doctor).nullable(),
    rating: p.smallint(),
    nps: p.smallint().nullable(),
    scoreDoctor: p.smallint().nullable(),
    scoreNursing: p.smallint().nullable(),
    scoreWaitTime: p.smallint().nullable(),
    scoreCleanliness: p.smallint().nullable(),
    scoreBilling: p.smallint().nullable(),
    scoreFacilities: p.smallint().nullable(),
    comment: p.text().nullable(),
    submittedAt: p.datetime(),
    deletedAt: p.datetime().nullable(),
    deletedBy: p.text().nullable(),
    deleteReason: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
  }),
});
export type Feedback = InferEntity<typeof Feedback>;

/** The entity property of each category's score column. */
export const SCORE_PROPERTY = {
  doctor: 'scoreDoctor',
  nursing: 'scoreNursing',
  wait_time: 'scoreWaitTime',
  cleanliness: 'scoreCleanliness',
  billing: 'scoreBilling',
  facilities: 'scoreFacilities',
} as const satisfies Record<FeedbackCategory, keyof Feedback>;
