import type { InferEntity } from '@mikro-orm/core';
import { mikroCore } from '../db/mikro-orm.js';
import { OwnerRepository } from './owner.repository.js';

const { defineEntity } = mikroCore;

export const TAX_TYPES = ['company', 'individual', 'exempt'] as const;
export type OwnerTaxType = (typeof TAX_TYPES)[number];
export const OWNER_KINDS = ['person', 'company'] as const;
export type OwnerKind = (typeof OWNER_KINDS)[number];

/**
 * A hospital owner (a person or a company): who is paid under a contract, with their tax type and
 * bank details (SPEC §1). Checks and the unique index on `lower(email)` live in
 * migrations/Migration20261125100000_owner_crm.ts (an expression index MikroORM does not model).
 */
export const Owner = defineEntity({
  name: 'Owner',
  tableName: 'owner',
  repository: () => OwnerRepository,
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    name: p.text(),
    kind: p.text().$type<OwnerKind>().default('company'),
    email: p.text().nullable(),
    phone: p.text().nullable(),
    taxType: p.text().$type<OwnerTaxType>(),
    bankName: p.text().nullable(),
    bankCode: p.text(),
    accountNumber: p.text(),
    /** Opted out of the channel (STOP reply, Twilio 21610, `owner edit --opt-out`): no campaigns on it. */
    optedOutSms: p.boolean().default(false),
    optedOutWhatsapp: p.boolean().default(false),
    optedOutEmail: p.boolean().default(false),
    createdAt: p.datetime().defaultRaw('now()'),
  }),
});
export type Owner = InferEntity<typeof Owner>;
