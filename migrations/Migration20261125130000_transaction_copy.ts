import { loadMikroMigrations } from '../src/core/db/mikro-orm.js';

const { Migration } = loadMikroMigrations();

/**
 * Makes `crm transaction import`'s direct COPY cheaper per row without giving up a guarantee
 * (BENCHMARKS.md has the numbers: per 200,000 rows the foreign key cost 0.56 s, the reference
 * index compared under the database's locale another ~0.2 s).
 *
 * - The foreign key hospital_transaction.hospital_id → hospital is checked by a trigger per row.
 *   The same guarantee now comes from the daily rollup: every transaction adds to its
 *   (hospital, day) row of hospital_revenue_day in the same statement, and that table's foreign
 *   key to hospital is checked once per day and hospital instead of once per transaction. A
 *   transaction naming an unknown hospital fails its statement; a hospital with transactions
 *   cannot be deleted or renumbered (its rollup rows reference it). Only TRUNCATE … CASCADE
 *   followed foreign keys without triggers: a hospital's TRUNCATE now empties the transactions
 *   first, as the cascade did.
 * - References are identifiers, not words: compared bytewise (`collate "C"`), the unique index
 *   costs less per insert and per lookup.
 */
export class Migration20261125130000_transaction_copy extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table hospital_transaction drop constraint hospital_transaction_hospital_id_fkey;');
    this.addSql('alter table hospital_transaction alter column reference type text collate "C";');
    this.addSql(`
create function hospital_truncate_transactions() returns trigger language plpgsql as $$
begin
  -- A DELETE, not a TRUNCATE: the rollup's triggers follow it (a TRUNCATE inside this statement is refused).
  delete from hospital_transaction;
  return null;
end $$;`);
    this.addSql(`
create trigger hospital_truncate_transactions before truncate on hospital
  for each statement execute function hospital_truncate_transactions();`);
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger hospital_truncate_transactions on hospital;');
    this.addSql('drop function hospital_truncate_transactions();');
    this.addSql('alter table hospital_transaction alter column reference type text collate "default";');
    this.addSql(
      'alter table hospital_transaction add constraint hospital_transaction_hospital_id_fkey foreign key (hospital_id) references hospital (id);',
    );
  }
}
