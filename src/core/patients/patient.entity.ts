import type { InferEntity } from '@mikro-orm/core';
import { mikroCore } from '../db/mikro-orm.js';
import { Hospital } from '../hospitals/hospital.entity.js';
import { PatientRepository } from './patient.repository.js';

const { defineEntity } = mikroCore;

export const CHANNELS = ['sms', 'whatsapp', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];
export const LANGUAGES = ['en', 'pcm', 'yo', 'ha', 'ig'] as const;
export type Language = (typeof LANGUAGES)[number];
export const GENDERS = ['female', 'male', 'other'] as const;
export type Gender = (typeof GENDERS)[number];

export { NO_HOSPITAL } from './patient-list.sql.js';

/** Indexes and checks live in migrations/ (expression indexes that MikroORM does not model). */
export const Patient = defineEntity({
  name: 'Patient',
  tableName: 'patient',
  repository: () => PatientRepository,
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    hospital: p.manyToOne(Hospital).nullable(),
    externalId: p.text().nullable(),
    firstName: p.text(),
    lastName: p.text(),
    phone: p.text().nullable(),
    email: p.text().nullable(),
    dateOfBirth: p.date().nullable(),
    gender: p.text().$type<Gender>().nullable(),
    address: p.text().nullable(),
    preferredChannel: p.text().$type<Channel>().default('sms'),
    preferredLanguage: p.text().$type<Language>().default('en'),
    consentSms: p.boolean().default(false),
    consentWhatsapp: p.boolean().default(false),
    consentEmail: p.boolean().default(false),
    optedOutSms: p.boolean().default(false),
    optedOutWhatsapp: p.boolean().default(false),
    optedOutEmail: p.boolean().default(false),
    /** The referring patient's id (a plain column: a referral is shown, never navigated). */
    referredBy: p.uuid().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
    lastVisitAt: p.datetime().nullable(),
    /** When the patient's personal data was erased (`crm patient erase`); final. */
    erasedAt: p.datetime().nullable(),
  }),
});
export type Patient = InferEntity<typeof Patient>;
