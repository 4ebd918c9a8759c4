import { loadMikroMigrations } from '../src/core/db/mikro-orm.js';

const { Migration } = loadMikroMigrations();

/** ₦1,000,000,000,000.00 in kobo: MAX_AMOUNT_KOBO of src/core/money.ts, fixed here as written. */
const MAX_KOBO = '100000000000000';

/** The money columns an operator or a file fills in, each bounded by MAX_KOBO. */
const BOUNDS = [
  ['hospital_transaction', 'hospital_transaction_amount_bound', 'amount_kobo'],
  ['contract', 'contract_guarantee_bound', 'guarantee_kobo'],
  ['payout', 'payout_full_guarantee_bound', 'full_guarantee_kobo'],
] as const;

/**
 * The database's side of the input bound on money (docs/payouts.md, "Bounds"): a transaction's
 * amount and a guarantee are at most ₦10^12, so that no writer — a later command, a script, a
 * hand-typed INSERT — can store the ₦10^15 transaction that made every payout run of its period
 * fail. Payout totals are sums and stay unbounded here; the bound on their parts keeps them far
 * inside bigint.
 *
 * Each check is added NOT VALID and then validated: the scan of existing rows (millions of
 * transactions) then blocks no reads or writes. A database holding a larger amount fails this
 * migration naming the constraint; such a row was never a real transaction.
 */
export class Migration20261202110000_money_bounds extends Migration {
  override async up(): Promise<void> {
    for (const [table, name, column] of BOUNDS) {
      // Re-runnable: a database whose migration row was lost gets the same checks again.
      this.addSql(`alter table ${table} drop constraint if exists ${name};`);
      this.addSql(`alter table ${table} add constraint ${name} check (${column} <= ${MAX_KOBO}) not valid;`);
      this.addSql(`alter table ${table} validate constraint ${name};`);
    }
  }

  override async down(): Promise<void> {
    for (const [table, name] of BOUNDS) this.addSql(`alter table ${table} drop constraint ${name};`);
  }
}
