/** The set-based SQL of `payout export`: a period's payouts to pay, and marking them exported. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { execute, query } from '../db/sql.js';

/** One line of the bank file: a payout, its beneficiary's bank account and its hospital. */
export interface PayoutToPay {
  id: string;
  reference: string;
  status: string;
  ownerName: string;
  bankCode: string;
  accountNumber: string;
  hospitalCode: string;
  netKobo: bigint;
}

/**
 * The approved payouts of a period (and, with `includeExported`, the exported ones too) with
 * their owners' bank accounts, in contract number order, locked (FOR UPDATE) until the export
 * commits.
 */
export async function lockPayoutsToPay(
  em: EntityManager,
  period: string,
  includeExported: boolean,
): Promise<PayoutToPay[]> {
  const rows = await query<Omit<PayoutToPay, 'netKobo'> & { netKobo: string }>(
    em,
    // A payout exported before is written again with the details it was exported with; an
    // approved one with its owner's current details, which markExported then keeps on it.
    `select p.id, p.reference, p.status,
       case when p.status = 'approved' then o.name else p.paid_to_name end as "ownerName",
       case when p.status = 'approved' then o.bank_code else p.paid_to_bank_code end as "bankCode",
       case when p.status = 'approved' then o.account_number else p.paid_to_account_number end as "accountNumber",
       h.code as "hospitalCode", p.net_kobo::text as "netKobo"
     from payout p join contract c on c.id = p.contract_id join owner o on o.id = c.owner_id
       join hospital h on h.id = c.hospital_id
     where p.period = $1 and (p.status = 'approved' or ($2 and p.status = 'exported'))
     order by c.number
     for update of p`,
    [period, includeExported],
  );
  return rows.map((r) => ({ ...r, netKobo: BigInt(r.netKobo) }));
}

/**
 * Marks the given payouts that are still approved as exported in one batch, in one statement,
 * with the beneficiary and bank account they are exported to (their owner's, as read for the file): kept on the
 * payout from then on (trigger payout_guard), whatever later becomes of the owner's details.
 */
export async function markExported(
  em: EntityManager,
  rows: PayoutToPay[],
  exported: { at: string; batch: string },
): Promise<void> {
  // The details written to the bank file, as they were read for it.
  await execute(
    em,
    `update payout p set status = 'exported', exported_at = $2::timestamptz, export_batch = $3,
       paid_to_name = d.name, paid_to_bank_code = d.bank_code, paid_to_account_number = d.account
     from unnest($1::uuid[], $4::text[], $5::text[], $6::text[]) as d (id, name, bank_code, account)
     where p.id = d.id and p.status = 'approved'`,
    [
      rows.map((r) => r.id),
      exported.at,
      exported.batch,
      rows.map((r) => r.ownerName),
      rows.map((r) => r.bankCode),
      rows.map((r) => r.accountNumber),
    ],
  );
}

/**
 * Settles approved payouts of ₦0.00 at export: there is nothing to transfer, so they are `paid`
 * at the export's time, in its batch, with a note saying no transfer was made; the bank never
 * sees them and reconciliation has nothing to wait for.
 */
export async function markSettledWithoutTransfer(
  em: EntityManager,
  ids: string[],
  exported: { at: string; batch: string },
): Promise<void> {
  await execute(
    em,
    `update payout set status = 'paid', exported_at = $2::timestamptz, export_batch = $3,
       paid_at = $2::timestamptz, bank_note = 'zero amount: nothing to transfer, not in the bank file'
     where id = any($1::uuid[]) and status = 'approved' and net_kobo = 0`,
    [ids, exported.at, exported.batch],
  );
}
