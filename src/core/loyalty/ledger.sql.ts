/**
 * The points ledger's SQL: account locks, entries, lots. Every write of the ledger goes through
 * here, inside the caller's transaction; the account row's figures follow from the ledger's
 * insert trigger (migrations/Migration20261203110000_loyalty.ts).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { execute, query, queryOne } from '../db/sql.js';
import type { OpenLot } from './fifo.js';
import type { LedgerKind, Tier } from './loyalty.entity.js';

export interface AccountFigures {
  balance: number;
  lifetimePoints: number;
  tier: Tier;
}

interface AccountRow {
  balance: string;
  lifetime_points: string;
  tier: Tier;
}

const figures = (r: AccountRow): AccountFigures => ({
  balance: Number(r.balance),
  lifetimePoints: Number(r.lifetime_points),
  tier: r.tier,
});

/**
 * Creates the patient's account when it does not exist and locks it (FOR UPDATE) for the rest of
 * the transaction: every change of one patient's points runs one at a time from here on, so a
 * check of balance, tier or an existing source key holds until the commit.
 */
export async function lockAccount(em: EntityManager, patientId: string): Promise<AccountFigures> {
  await execute(
    em,
    'insert into loyalty_account (patient_id) values ($1) on conflict (patient_id) do nothing',
    [patientId],
  );
  const row = await queryOne<AccountRow>(
    em,
    'select balance, lifetime_points, tier from loyalty_account where patient_id = $1 for update',
    [patientId],
  );
  return figures(row!);
}

/** The account as it is now (after this transaction's entries). */
export async function readAccount(em: EntityManager, patientId: string): Promise<AccountFigures> {
  const row = await queryOne<AccountRow>(
    em,
    'select balance, lifetime_points, tier from loyalty_account where patient_id = $1',
    [patientId],
  );
  return row ? figures(row) : { balance: 0, lifetimePoints: 0, tier: 'bronze' };
}

export interface LedgerEntry {
  id: string;
  patient_id: string;
  points: string;
  kind: LedgerKind;
  reason: string;
  source_key: string;
  shortfall: string;
  created_at: Date;
}

export async function findEntry(em: EntityManager, sourceKey: string): Promise<LedgerEntry | undefined> {
  return queryOne<LedgerEntry>(em, 'select * from loyalty_transactions where source_key = $1', [sourceKey]);
}

/**
 * Books an earning and its lot in one statement; null when the source key is already booked
 * (`on conflict do nothing`: a second process with the same key waits for the first to commit,
 * then books nothing).
 */
export async function insertEarning(
  em: EntityManager,
  e: { patientId: string; points: number; reason: string; sourceKey: string; at: Date },
): Promise<string | null> {
  const row = await queryOne<{ id: string }>(
    em,
    `with entry as (
       insert into loyalty_transactions (patient_id, points, kind, reason, source_key, created_at)
       values ($1, $2, 'earn', $3, $4, $5)
       on conflict (source_key) do nothing
       returning id, patient_id, points, created_at)
     insert into loyalty_lot (transaction_id, patient_id, points, remaining, earned_at)
     select id, patient_id, points, points, created_at from entry
     returning transaction_id as id`,
    [e.patientId, e.points, e.reason, e.sourceKey, e.at],
  );
  return row?.id ?? null;
}

/** Books a debit (`points` < 0, or 0 for a reversal that found nothing left); null on a booked key. */
export async function insertDebit(
  em: EntityManager,
  e: {
    patientId: string;
    points: number;
    kind: LedgerKind;
    reason: string;
    sourceKey: string;
    shortfall?: number;
    at: Date;
  },
): Promise<string | null> {
  const row = await queryOne<{ id: string }>(
    em,
    `insert into loyalty_transactions (patient_id, points, kind, reason, source_key, shortfall, created_at)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (source_key) do nothing
     returning id`,
    [e.patientId, e.points, e.kind, e.reason, e.sourceKey, e.shortfall ?? 0, e.at],
  );
  return row?.id ?? null;
}

/** The patient's lots with points left, oldest first, locked. */
export async function openLots(em: EntityManager, patientId: string): Promise<OpenLot[]> {
  const rows = await query<{ id: string; remaining: string }>(
    em,
    `select transaction_id as id, remaining from loyalty_lot
     where patient_id = $1 and remaining > 0
     order by earned_at, transaction_id
     for update`,
    [patientId],
  );
  return rows.map((r) => ({ id: r.id, remaining: Number(r.remaining) }));
}

/** Takes points from lots (one statement for all of them). */
export async function takeFromLots(em: EntityManager, takes: { id: string; take: number }[]): Promise<void> {
  if (takes.length === 0) return;
  await execute(
    em,
    `update loyalty_lot l set remaining = l.remaining - t.take
     from unnest($1::uuid[], $2::bigint[]) as t(id, take)
     where l.transaction_id = t.id`,
    [takes.map((t) => t.id), takes.map((t) => t.take)],
  );
}

/** Has the patient completed an appointment other than `exceptId`? */
export async function hasOtherCompletedAppointment(
  em: EntityManager,
  patientId: string,
  exceptId: string,
): Promise<boolean> {
  const row = await queryOne<{ found: boolean }>(
    em,
    `select exists (select 1 from appointment where patient_id = $1 and status = 'completed' and id <> $2) as found`,
    [patientId, exceptId],
  );
  return Boolean(row?.found);
}
