import { loadMikroMigrations } from '../src/core/db/mikro-orm.js';

const { Migration } = loadMikroMigrations();

/** A hospital's transactions of one Lagos calendar day, grouped by kind. */
const GROUPED = (rows: string) => `
  select t.hospital_id, (t.occurred_at at time zone 'Africa/Lagos')::date as day,
    coalesce(sum(t.amount_kobo) filter (where t.kind = 'payment'), 0) as payments_kobo,
    coalesce(sum(t.amount_kobo) filter (where t.kind = 'refund'), 0) as refunds_kobo,
    count(*) filter (where t.kind = 'payment') as payment_count,
    count(*) filter (where t.kind = 'refund') as refund_count
  from ${rows} t
  group by 1, 2`;

/** Adds the grouped rows of `rows` to the rollup, creating the days it does not have yet. */
const ADD = (rows: string) => `
  insert into hospital_revenue_day as d (hospital_id, day, payments_kobo, refunds_kobo, payment_count, refund_count)
  ${GROUPED(rows)}
  order by 1, 2
  on conflict (hospital_id, day) do update set
    payments_kobo = d.payments_kobo + excluded.payments_kobo,
    refunds_kobo = d.refunds_kobo + excluded.refunds_kobo,
    payment_count = d.payment_count + excluded.payment_count,
    refund_count = d.refund_count + excluded.refund_count;`;

/** Locks the rollup rows of the days of `keys` (a select of hospital_id, day) in key order. */
const LOCK = (keys: string) => `
  perform 1 from hospital_revenue_day d
  where (d.hospital_id, d.day) in (${keys})
  order by d.hospital_id, d.day
  for update;`;

const KEYS = (rows: string) =>
  `select t.hospital_id, (t.occurred_at at time zone 'Africa/Lagos')::date from ${rows} t`;

/** Subtracts the grouped rows of `rows` from the rollup (their days exist: they were added). */
const SUBTRACT = (rows: string) => `
  update hospital_revenue_day d set
    payments_kobo = d.payments_kobo - o.payments_kobo,
    refunds_kobo = d.refunds_kobo - o.refunds_kobo,
    payment_count = d.payment_count - o.payment_count,
    refund_count = d.refund_count - o.refund_count
  from (${GROUPED(rows)}) o
  where d.hospital_id = o.hospital_id and d.day = o.day;`;

/** Removes the days of `rows` left without any transaction, so the rollup has no empty days. */
const PRUNE = (rows: string) => `
  delete from hospital_revenue_day d
  using (${KEYS(rows)}) o (hospital_id, day)
  where d.hospital_id = o.hospital_id and d.day = o.day and d.payment_count = 0 and d.refund_count = 0;`;

/**
 * Daily revenue rollup (SPEC §1 payouts; docs/decisions.md "Payouts read a daily revenue rollup
 * kept by the database"). `hospital_revenue_day` holds, per hospital and Lagos calendar day, the
 * sums and counts of its payments and refunds, so that a payout run reads ~31 rows per hospital
 * instead of every transaction of the period.
 *
 * The database itself guards the invariant rollup = transactions grouped by (hospital, Lagos day):
 * statement-level triggers with transition tables on hospital_transaction apply every INSERT,
 * UPDATE, DELETE and TRUNCATE, in the same transaction, whichever SQL writes the transactions
 * (the importer's INSERT … SELECT, plain SQL in tests and benchmarks, an operator's psql). A day
 * left with no transaction is deleted, so the rollup has exactly the days that have transactions.
 * Rows are inserted and locked in (hospital_id, day) order so that concurrent writers (two
 * imports) take the rollup's row locks in the same order and do not deadlock on each other.
 *
 * The (hospital_id, occurred_at) index served only the payout's range scans: dropped, which also
 * makes every import cheaper.
 */
export class Migration20261125120000_revenue_rollup extends Migration {
  override async up(): Promise<void> {
    // No write may slip between the backfill and the triggers.
    this.addSql('lock table hospital_transaction in share row exclusive mode;');
    // Every import updates the rows of the days it touches, often many times: half-empty pages let
    // those updates stay on their page (HOT) instead of adding primary-key entries each time.
    this.addSql(`
create table hospital_revenue_day (
  hospital_id uuid not null references hospital (id),
  day date not null,
  payments_kobo bigint not null default 0 check (payments_kobo >= 0),
  refunds_kobo bigint not null default 0 check (refunds_kobo >= 0),
  payment_count integer not null default 0 check (payment_count >= 0),
  refund_count integer not null default 0 check (refund_count >= 0),
  primary key (hospital_id, day)
) with (fillfactor = 50);`);
    this.addSql(`
create function hospital_revenue_day_insert() returns trigger language plpgsql as $$
begin
  ${ADD('new_rows')}
  return null;
end $$;`);
    this.addSql(`
create function hospital_revenue_day_delete() returns trigger language plpgsql as $$
begin
  ${LOCK(KEYS('old_rows'))}
  ${SUBTRACT('old_rows')}
  ${PRUNE('old_rows')}
  return null;
end $$;`);
    this.addSql(`
create function hospital_revenue_day_update() returns trigger language plpgsql as $$
begin
  ${LOCK(`${KEYS('old_rows')} union ${KEYS('new_rows')}`)}
  ${SUBTRACT('old_rows')}
  ${ADD('new_rows')}
  ${PRUNE('old_rows')}
  return null;
end $$;`);
    // TRUNCATE may cascade from hospital to both tables; a TRUNCATE of the rollup from inside
    // that statement is refused, a DELETE is not.
    this.addSql(`
create function hospital_revenue_day_truncate() returns trigger language plpgsql as $$
begin
  delete from hospital_revenue_day;
  return null;
end $$;`);
    this.addSql(`
create trigger hospital_revenue_day_insert after insert on hospital_transaction
  referencing new table as new_rows for each statement execute function hospital_revenue_day_insert();`);
    this.addSql(`
create trigger hospital_revenue_day_delete after delete on hospital_transaction
  referencing old table as old_rows for each statement execute function hospital_revenue_day_delete();`);
    this.addSql(`
create trigger hospital_revenue_day_update after update on hospital_transaction
  referencing old table as old_rows new table as new_rows
  for each statement execute function hospital_revenue_day_update();`);
    this.addSql(`
create trigger hospital_revenue_day_truncate after truncate on hospital_transaction
  for each statement execute function hospital_revenue_day_truncate();`);
    this.addSql(`
insert into hospital_revenue_day (hospital_id, day, payments_kobo, refunds_kobo, payment_count, refund_count)
${GROUPED('hospital_transaction')};`);
    this.addSql('drop index hospital_transaction_period;');
  }

  override async down(): Promise<void> {
    this.addSql(
      'create index hospital_transaction_period on hospital_transaction (hospital_id, occurred_at) include (amount_kobo, kind);',
    );
    for (const event of ['insert', 'delete', 'update', 'truncate']) {
      this.addSql(`drop trigger hospital_revenue_day_${event} on hospital_transaction;`);
      this.addSql(`drop function hospital_revenue_day_${event}();`);
    }
    this.addSql('drop table hospital_revenue_day;');
  }
}
