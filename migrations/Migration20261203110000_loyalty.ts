import { loadMikroMigrations } from '../src/core/db/mikro-orm.js';

const { Migration } = loadMikroMigrations();

/**
 * The loyalty programme (docs/loyalty.md, docs/decisions.md "Loyalty ledger"):
 * - `loyalty_transactions`: the append-only points ledger. One row per event, unique `source_key`
 *   (`appointment:<id>`, `feedback:…`, `referral:<patientId>`, `manual:<key>`, `redemption:<id>`,
 *   `expire:<lotId>`, `reversal:<key>`), so an event is booked once even when two processes try
 *   at once. UPDATE, DELETE and TRUNCATE are refused by triggers.
 * - `loyalty_account`: one row per patient with the balance, lifetime earned points and tier,
 *   kept by the ledger's statement trigger in the same statement as the insert. `check (balance
 *   >= 0)` makes an entry that would overdraw fail with its statement: the database, not the
 *   code, keeps the balance at or above zero. Tiers never go down.
 * - `loyalty_lot`: what is left of each earning and when it was earned, so that redemptions and
 *   expiries consume the oldest points first and each point's expiry date (earned_at plus the
 *   configured period, CRM_LOYALTY_EXPIRY_MONTHS) is known.
 * - `loyalty_tier_changes`, `loyalty_reward`, `loyalty_redemption`, `loyalty_expiry_notice`
 *   (one "points expiring soon" notice per patient and expiry date).
 */
export class Migration20261203110000_loyalty extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create function loyalty_tier_of(points bigint) returns text language sql immutable as $$
  select case when points >= 10000 then 'platinum' when points >= 5000 then 'gold'
              when points >= 2000 then 'silver' else 'bronze' end
$$;`);
    this.addSql(`
create function loyalty_tier_rank(tier text) returns int language sql immutable as $$
  select array_position(array['bronze', 'silver', 'gold', 'platinum'], tier)
$$;`);
    this.addSql(`
create table loyalty_account (
  patient_id uuid primary key references patient (id),
  balance bigint not null default 0 check (balance >= 0),
  lifetime_points bigint not null default 0 check (lifetime_points >= 0),
  tier text not null default 'bronze' check (tier in ('bronze', 'silver', 'gold', 'platinum')),
  updated_at timestamptz not null default now()
);`);
    this.addSql(`create index loyalty_account_tier on loyalty_account (tier);`);
    this.addSql(`
create table loyalty_transactions (
  id uuid primary key default gen_random_uuid(),
  seq bigint generated always as identity,
  patient_id uuid not null references patient (id),
  points bigint not null,
  kind text not null check (kind in ('earn', 'redeem', 'expire', 'adjust', 'reversal')),
  reason text not null check (length(btrim(reason)) > 0),
  source_key text not null unique check (length(source_key) <= 200),
  shortfall bigint not null default 0 check (shortfall >= 0),
  created_at timestamptz not null default now(),
  constraint loyalty_transactions_sign check (
    (kind = 'earn' and points > 0) or (kind in ('redeem', 'expire', 'adjust') and points < 0)
    or (kind = 'reversal' and points <= 0)),
  constraint loyalty_transactions_shortfall check (shortfall = 0 or kind = 'reversal')
);`);
    this.addSql(
      `create index loyalty_transactions_patient on loyalty_transactions (patient_id, created_at desc, seq desc);`,
    );
    this.addSql(`
create table loyalty_lot (
  transaction_id uuid primary key references loyalty_transactions (id),
  patient_id uuid not null references patient (id),
  points bigint not null check (points > 0),
  remaining bigint not null check (remaining >= 0 and remaining <= points),
  earned_at timestamptz not null
);`);
    this.addSql(
      `create index loyalty_lot_open on loyalty_lot (patient_id, earned_at, transaction_id) where remaining > 0;`,
    );
    this.addSql(`create index loyalty_lot_expiring on loyalty_lot (earned_at) where remaining > 0;`);
    this.addSql(`
create table loyalty_tier_changes (
  id uuid primary key default gen_random_uuid(),
  patient_id uuid not null references patient (id),
  from_tier text not null check (from_tier in ('bronze', 'silver', 'gold', 'platinum')),
  to_tier text not null check (to_tier in ('bronze', 'silver', 'gold', 'platinum')),
  lifetime_points bigint not null,
  transaction_id uuid not null references loyalty_transactions (id),
  changed_at timestamptz not null default now(),
  check (loyalty_tier_rank(to_tier) > loyalty_tier_rank(from_tier))
);`);
    this.addSql(
      `create index loyalty_tier_changes_patient on loyalty_tier_changes (patient_id, changed_at);`,
    );
    this.addSql(`create sequence loyalty_reward_code_seq;`);
    this.addSql(`
create table loyalty_reward (
  id uuid primary key default gen_random_uuid(),
  code text not null unique default ('RW-' || lpad(nextval('loyalty_reward_code_seq')::text, 4, '0')),
  name text not null check (length(btrim(name)) > 0),
  cost bigint not null check (cost > 0),
  min_tier text not null check (min_tier in ('bronze', 'silver', 'gold', 'platinum')),
  stock integer check (stock >= 0),
  disabled_at timestamptz,
  created_at timestamptz not null default now()
);`);
    this.addSql(`
create table loyalty_redemption (
  id uuid primary key default gen_random_uuid(),
  patient_id uuid not null references patient (id),
  reward_id uuid not null references loyalty_reward (id),
  points bigint not null check (points > 0),
  transaction_id uuid not null unique references loyalty_transactions (id),
  created_at timestamptz not null default now()
);`);
    this.addSql(`create index loyalty_redemption_patient on loyalty_redemption (patient_id);`);
    this.addSql(`
create table loyalty_expiry_notice (
  patient_id uuid not null references patient (id),
  expires_on date not null,
  points bigint not null check (points > 0),
  created_at timestamptz not null default now(),
  primary key (patient_id, expires_on)
);`);

    // The ledger keeps the accounts: one grouped update per statement (an expiry run of a
    // million entries is one update per patient, not a million). The check on balance fails
    // the inserting statement when an entry would overdraw.
    this.addSql(`
create function loyalty_ledger_apply() returns trigger language plpgsql
  security definer set search_path = public, pg_temp as $$
begin
  insert into loyalty_account (patient_id)
    select distinct patient_id from new_rows on conflict (patient_id) do nothing;
  update loyalty_account a
     set balance = a.balance + d.points,
         lifetime_points = a.lifetime_points + d.earned,
         tier = case when loyalty_tier_rank(loyalty_tier_of(a.lifetime_points + d.earned)) > loyalty_tier_rank(a.tier)
                     then loyalty_tier_of(a.lifetime_points + d.earned) else a.tier end,
         updated_at = now()
    from (select patient_id, sum(points)::bigint as points,
                 coalesce(sum(case when kind = 'earn' then points
                                   when kind = 'reversal' then points - shortfall else 0 end), 0)::bigint as earned
            from new_rows group by patient_id) d
   where a.patient_id = d.patient_id;
  return null;
end $$;`);
    this.addSql(`
create trigger loyalty_ledger_apply after insert on loyalty_transactions
  referencing new table as new_rows for each statement execute function loyalty_ledger_apply();`);
    this.addSql(`
create function loyalty_ledger_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'loyalty_transactions is append-only: correct with a compensating entry'
    using errcode = 'insufficient_privilege';
end $$;`);
    this.addSql(`
create trigger loyalty_ledger_no_change before update or delete on loyalty_transactions
  for each row execute function loyalty_ledger_append_only();`);
    this.addSql(`
create trigger loyalty_ledger_no_truncate before truncate on loyalty_transactions
  for each statement execute function loyalty_ledger_append_only();`);
    // The account's figures change only through the ledger (its trigger runs one level deeper).
    this.addSql(`
create function loyalty_account_guard() returns trigger language plpgsql as $$
begin
  if pg_trigger_depth() < 2 and (NEW.balance, NEW.lifetime_points, NEW.tier)
       is distinct from (OLD.balance, OLD.lifetime_points, OLD.tier) then
    raise exception 'loyalty_account % is kept by the ledger: insert into loyalty_transactions instead', OLD.patient_id
      using errcode = 'insufficient_privilege';
  end if;
  return NEW;
end $$;`);
    this.addSql(`
create trigger loyalty_account_guard before update on loyalty_account
  for each row execute function loyalty_account_guard();`);
    // A lot only shrinks.
    this.addSql(`
create function loyalty_lot_guard() returns trigger language plpgsql as $$
begin
  if NEW.remaining > OLD.remaining or (NEW.transaction_id, NEW.patient_id, NEW.points, NEW.earned_at)
       is distinct from (OLD.transaction_id, OLD.patient_id, OLD.points, OLD.earned_at) then
    raise exception 'loyalty_lot %: only its remaining points go down', OLD.transaction_id
      using errcode = 'insufficient_privilege';
  end if;
  return NEW;
end $$;`);
    this.addSql(`
create trigger loyalty_lot_guard before update on loyalty_lot
  for each row execute function loyalty_lot_guard();`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table loyalty_expiry_notice;');
    this.addSql('drop table loyalty_redemption;');
    this.addSql('drop table loyalty_reward;');
    this.addSql('drop sequence loyalty_reward_code_seq;');
    this.addSql('drop table loyalty_tier_changes;');
    this.addSql('drop table loyalty_lot;');
    this.addSql('drop table loyalty_transactions;');
    this.addSql('drop table loyalty_account;');
    this.addSql('drop function loyalty_lot_guard();');
    this.addSql('drop function loyalty_account_guard();');
    this.addSql('drop function loyalty_ledger_append_only();');
    this.addSql('drop function loyalty_ledger_apply();');
    this.addSql('drop function loyalty_tier_rank(text);');
    this.addSql('drop function loyalty_tier_of(bigint);');
  }
}
