import type { InferEntity } from '@mikro-orm/core';
import { mikroCore } from '../db/mikro-orm.js';
import { Owner } from './owner.entity.js';

const { defineEntity } = mikroCore;

export const LOG_CHANNELS = ['call', 'meeting', 'email', 'sms', 'whatsapp'] as const;
export type LogChannel = (typeof LOG_CHANNELS)[number];
export const DIRECTIONS = ['inbound', 'outbound'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/**
 * One contact with an owner: logged by hand (`crm owner log`, delivery status 'logged') or sent
 * through the messaging layer (`crm owner message`, with its message's status and id). Checks and
 * the index by (owner, time) live in migrations/Migration20261125100000_owner_crm.ts.
 */
export const OwnerCommunication = defineEntity({
  name: 'OwnerCommunication',
  tableName: 'owner_communications',
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    owner: p.manyToOne(Owner),
    channel: p.text().$type<LogChannel>(),
    direction: p.text().$type<Direction>().default('outbound'),
    subject: p.text().nullable(),
    body: p.text().nullable(),
    attachments: p.json<string[]>().defaultRaw(`'[]'::jsonb`),
    operator: p.text(),
    occurredAt: p.datetime().defaultRaw('now()'),
    /** 'logged' for contacts made outside the tool; the message's status for sends. */
    deliveryStatus: p.text().default('logged'),
    /** The `messages` row of a send (messaging layer). */
    messageId: p.uuid().nullable(),
  }),
});
export type OwnerCommunication = InferEntity<typeof OwnerCommunication>;
