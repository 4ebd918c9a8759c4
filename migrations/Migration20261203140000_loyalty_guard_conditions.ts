import { loadMikroMigrations } from '../src/core/db/mikro-orm.js';

const { Migration } = loadMikroMigrations();

/**
 * The two loyalty row guards decide in their trigger's WHEN clause, which PostgreSQL evaluates
 * without calling PL/pgSQL: an expiry run updates a million lots and a few hundred thousand
 * accounts, and calling a PL/pgSQL function for each row that is allowed anyway cost ~2 s of a
 * 20 s run (BENCHMARKS.md, loyalty expire). Same rules as before:
 * - a lot only shrinks (only `remaining` changes, and only downwards);
 * - an account's figures change only from the ledger's trigger. In a WHEN clause
 *   pg_trigger_depth() is the depth of the updating statement (0 for a direct update, 1 inside
 *   loyalty_ledger_apply); inside the trigger function it was one more, hence `< 1` for `< 2`.
 */
export class Migration20261203140000_loyalty_guard_conditions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop trigger loyalty_lot_guard on loyalty_lot;`);
    this.addSql(`
create trigger loyalty_lot_guard before update on loyalty_lot
  for each row
  when (NEW.remaining > OLD.remaining
        or (NEW.transaction_id, NEW.patient_id, NEW.points, NEW.earned_at)
           is distinct from (OLD.transaction_id, OLD.patient_id, OLD.points, OLD.earned_at))
  execute function loyalty_lot_guard();`);
    this.addSql(`drop trigger loyalty_account_guard on loyalty_account;`);
    this.addSql(`
create trigger loyalty_account_guard before update on loyalty_account
  for each row
  when (pg_trigger_depth() < 1
        and (NEW.balance, NEW.lifetime_points, NEW.tier) is distinct from (OLD.balance, OLD.lifetime_points, OLD.tier))
  execute function loyalty_account_guard();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger loyalty_lot_guard on loyalty_lot;`);
    this.addSql(
      `create trigger loyalty_lot_guard before update on loyalty_lot for each row execute function loyalty_lot_guard();`,
    );
    this.addSql(`drop trigger loyalty_account_guard on loyalty_account;`);
    this.addSql(
      `create trigger loyalty_account_guard before update on loyalty_account for each row execute function loyalty_account_guard();`,
    );
  }
}
