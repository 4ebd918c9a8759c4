import type { InferEntity } from '@mikro-orm/core';
import { mikroCore } from '../db/mikro-orm.js';
import { HospitalRepository } from './hospital.repository.js';

const { defineEntity } = mikroCore;

/** A partner hospital. Its human code (`LAG-001`) is how operators name it. */
export const Hospital = defineEntity({
  name: 'Hospital',
  tableName: 'hospital',
  repository: () => HospitalRepository,
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    code: p.text().unique(),
    name: p.text(),
    state: p.text(),
    city: p.text(),
    address: p.text().nullable(),
    managerEmail: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
  }),
});
export type Hospital = InferEntity<typeof Hospital>;
