import { loadMikroMigrations } from '../src/core/db/mikro-orm.js';

const { Migration } = loadMikroMigrations();

/** ₦10^12 in kobo: the bound of every money amount (README, "Bounds"). */
const BOUND = '100000000000000';

/**
 * Adjustments (docs/payouts.md): when a re-run finds that a payout already approved, exported,
 * paid or failed would now come out differently (late revenue, a refund, a contract that ended),
 * it records the difference as a `payout_adjustment` instead of changing money that is decided or
 * sent. The contract's next payout still being calculated carries the open adjustments as a line of
 * its own (`payout.adjustment_kobo`), taxed with it: net = payout + adjustment − tax.
 */
export class Migration20261202140000_payout_adjustments extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table payout add column adjustment_kobo bigint not null default 0
  check (adjustment_kobo between -${BOUND} and ${BOUND});`);
    this.addSql('alter table payout drop constraint payout_net;');
    this.addSql(`alter table payout add constraint payout_net
  check (net_kobo = payout_kobo + adjustment_kobo - tax_kobo);`);
    this.addSql(`create table payout_adjustment (
  id uuid primary key default gen_random_uuid(),
  contract_id uuid not null references contract (id),
  -- The payout whose period changed after it was decided.
  source_payout_id uuid not null references payout (id),
  -- What that payout (with the adjustments recorded for it before) was, and what the re-run found.
  was_payout_kobo bigint not null,
  now_payout_kobo bigint not null check (now_payout_kobo >= 0),
  amount_kobo bigint not null check (amount_kobo <> 0 and amount_kobo between -${BOUND} and ${BOUND}),
  payout_run_id uuid not null references payout_run (id),
  detected_at timestamptz not null default clock_timestamp(),
  detected_by text not null,
  -- The later payout that pays (or takes back) it; null while open.
  carried_by_payout_id uuid references payout (id),
  constraint payout_adjustment_difference check (amount_kobo = now_payout_kobo - was_payout_kobo)
);`);
    this.addSql(
      'create index payout_adjustment_open on payout_adjustment (contract_id) where carried_by_payout_id is null;',
    );
    this.addSql('create index payout_adjustment_source on payout_adjustment (source_payout_id);');
    this.addSql('create index payout_adjustment_carrier on payout_adjustment (carried_by_payout_id);');
    this.addSql(`create trigger payout_adjustment_operator before insert on payout_adjustment
  for each row execute function crm_stamp_operator('detected_by');`);
    // An adjustment is a fact: only which payout carries it may change, and only between payouts
    // still being calculated (a decided payout's amounts are fixed, its adjustments with them).
    this.addSql(`create function payout_adjustment_guard() returns trigger language plpgsql as $$
begin
  if row(NEW.contract_id, NEW.source_payout_id, NEW.was_payout_kobo, NEW.now_payout_kobo, NEW.amount_kobo,
         NEW.payout_run_id, NEW.detected_at, NEW.detected_by)
     is distinct from
     row(OLD.contract_id, OLD.source_payout_id, OLD.was_payout_kobo, OLD.now_payout_kobo, OLD.amount_kobo,
         OLD.payout_run_id, OLD.detected_at, OLD.detected_by) then
    raise exception 'an adjustment is not changed once recorded' using errcode = 'CR003';
  end if;
  if NEW.carried_by_payout_id is distinct from OLD.carried_by_payout_id and exists (
      select 1 from payout p where p.id in (OLD.carried_by_payout_id, NEW.carried_by_payout_id)
         and p.status <> 'calculated') then
    raise exception 'adjustment % is carried by a payout that is no longer calculated', OLD.id
      using errcode = 'CR003';
  end if;
  return NEW;
end $$;`);
    this.addSql(`create trigger payout_adjustment_guard before update on payout_adjustment
  for each row execute function payout_adjustment_guard();`);
    this.addSql(`create function payout_adjustment_kept() returns trigger language plpgsql as $$
begin
  raise exception 'adjustments are kept: an adjustment is not deleted' using errcode = 'insufficient_privilege';
end $$;`);
    this.addSql(`create trigger payout_adjustment_kept before delete on payout_adjustment
  for each row execute function payout_adjustment_kept();`);
    // The carried amount is one of the payout's amounts: fixed once it is decided.
    this.addSql(`create or replace function payout_amounts_fixed() returns trigger language plpgsql as $$
begin
  if NEW.adjustment_kobo is distinct from OLD.adjustment_kobo
     and (OLD.status <> 'calculated' or NEW.status <> 'calculated') then
    raise exception 'payout % is %: its amounts are fixed', OLD.reference, OLD.status using errcode = 'CR003';
  end if;
  return NEW;
end $$;`);
    this.addSql(`create trigger payout_amounts_fixed before update of adjustment_kobo on payout
  for each row execute function payout_amounts_fixed();`);
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger payout_amounts_fixed on payout; drop function payout_amounts_fixed();');
    this.addSql(
      'drop table payout_adjustment; drop function payout_adjustment_guard(); drop function payout_adjustment_kept();',
    );
    this.addSql('alter table payout drop constraint payout_net;');
    this.addSql('alter table payout add constraint payout_net check (net_kobo = payout_kobo - tax_kobo);');
    this.addSql('alter table payout drop column adjustment_kobo;');
  }
}
