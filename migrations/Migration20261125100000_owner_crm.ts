import { loadMikroMigrations } from '../src/core/db/mikro-orm.js';

const { Migration } = loadMikroMigrations();

/**
 * Owner CRM (SPEC §1): owners, contracts and their review milestones, hospital transactions,
 * period payouts with their approvals and runs, owner communications and satisfaction.
 * The database guards what code cannot: non-negative amounts, valid states, one payout per
 * contract and period, one transaction per reference, and no two contracts in force for one
 * hospital on the same day (an exclusion constraint over a daterange).
 */
export class Migration20261125100000_owner_crm extends Migration {
  override async up(): Promise<void> {
    // btree_gist lets an exclusion constraint mix `=` on uuid with `&&` on daterange.
    this.addSql('create extension if not exists btree_gist;');
    this.addSql(`
create table owner (
  id uuid primary key default gen_random_uuid(),
  name text not null check (btrim(name) <> ''),
  kind text not null default 'company' check (kind in ('person', 'company')),
  email text check (email like '%_@_%'),
  phone text check (phone ~ '^\\+[1-9][0-9]{6,14}$'),
  tax_type text not null check (tax_type in ('company', 'individual', 'exempt')),
  bank_name text,
  bank_code text not null check (bank_code ~ '^([0-9]{3}|[0-9]{5,6})$'),
  account_number text not null check (account_number ~ '^[0-9]{10}$'),
  created_at timestamptz not null default now()
);`);
    this.addSql('create unique index owner_email_unique on owner (lower(email)) where email is not null;');
    this.addSql(`
create table contract (
  id uuid primary key default gen_random_uuid(),
  number text not null constraint contract_number_unique unique
    constraint contract_number_format check (number ~ '^CT-[0-9]{4}-[0-9]{4,}$'),
  owner_id uuid not null references owner (id),
  hospital_id uuid not null references hospital (id),
  share_bps integer not null check (share_bps between 0 and 10000),
  guarantee_kobo bigint not null check (guarantee_kobo >= 0),
  frequency text not null check (frequency in ('monthly', 'quarterly')),
  payment_terms_days integer not null default 30 check (payment_terms_days between 0 and 365),
  start_date date not null,
  end_date date,
  notes text,
  status text not null default 'draft' check (status in ('draft', 'active', 'expired', 'terminated')),
  termination_reason text,
  -- Last day the contract was in force when terminated (inclusive); the day before start when
  -- it was terminated before it began.
  terminated_on date,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  activated_at timestamptz,
  expired_at timestamptz,
  terminated_at timestamptz,
  constraint contract_dates check (end_date is null or end_date >= start_date),
  constraint contract_terminated check (
    (status = 'terminated') = (termination_reason is not null and terminated_on is not null)),
  constraint contract_terminated_on check (terminated_on is null or terminated_on >= start_date - 1)
);`);
    // No two contracts in force for one hospital on the same Lagos calendar day. A contract is in
    // force from its start to the earlier of its end date and its termination day.
    this.addSql(`alter table contract add constraint contract_no_overlap exclude using gist (
  hospital_id with =,
  (daterange(start_date, least(end_date, terminated_on), '[]')) with &&
) where (status in ('active', 'expired') or (status = 'terminated' and terminated_on >= start_date));`);
    this.addSql('create index contract_owner on contract (owner_id);');
    this.addSql(`
create table contract_milestone (
  id uuid primary key default gen_random_uuid(),
  contract_id uuid not null references contract (id),
  kind text not null check (kind in ('quarterly_review', 'annual_review')),
  due_date date not null,
  status text not null default 'pending' check (status in ('pending', 'completed', 'cancelled')),
  completed_at timestamptz,
  completed_by text,
  notes text,
  constraint contract_milestone_unique unique (contract_id, kind, due_date),
  constraint contract_milestone_completed check ((status = 'completed') = (completed_at is not null and completed_by is not null))
);`);
    this.addSql(
      "create index contract_milestone_due on contract_milestone (due_date) where status = 'pending';",
    );
    this.addSql(`
create table hospital_transaction (
  id bigint generated always as identity primary key,
  reference text not null constraint hospital_transaction_reference_unique unique
    check (btrim(reference) <> ''),
  hospital_id uuid not null references hospital (id),
  occurred_at timestamptz not null,
  amount_kobo bigint not null check (amount_kobo > 0),
  kind text not null check (kind in ('payment', 'refund')),
  imported_at timestamptz not null default now()
);`);
    // The payout aggregation reads a hospital's transactions in a time range: an index-only scan.
    this.addSql(
      'create index hospital_transaction_period on hospital_transaction (hospital_id, occurred_at) include (amount_kobo, kind);',
    );
    this.addSql(`
create table payout_run (
  id uuid primary key default gen_random_uuid(),
  period text not null,
  operator text not null,
  ran_at timestamptz not null default now(),
  calculated integer not null check (calculated >= 0),
  kept integer not null check (kept >= 0)
);`);
    this.addSql('create index payout_run_period on payout_run (period, operator);');
    this.addSql(`
create table payout (
  id uuid primary key default gen_random_uuid(),
  reference text not null constraint payout_reference_unique unique,
  contract_id uuid not null references contract (id),
  period text not null check (period ~ '^[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])$'),
  period_start date not null,
  period_end date not null,
  period_days integer not null check (period_days between 28 and 92),
  active_days integer not null check (active_days between 1 and 92 and active_days <= period_days),
  share_bps integer not null check (share_bps between 0 and 10000),
  full_guarantee_kobo bigint not null check (full_guarantee_kobo >= 0),
  tax_bps integer not null check (tax_bps between 0 and 10000),
  gross_revenue_kobo bigint not null,
  owner_share_kobo bigint not null check (owner_share_kobo >= 0),
  platform_share_kobo bigint not null,
  guarantee_kobo bigint not null check (guarantee_kobo >= 0 and guarantee_kobo <= full_guarantee_kobo),
  top_up_kobo bigint not null check (top_up_kobo >= 0),
  payout_kobo bigint not null check (payout_kobo >= 0),
  tax_kobo bigint not null check (tax_kobo >= 0),
  net_kobo bigint not null check (net_kobo >= 0),
  due_date date not null,
  status text not null default 'calculated'
    check (status in ('calculated', 'approved', 'exported', 'paid', 'rejected')),
  -- Bumped whenever a re-run changes the amounts: approvals count only for the current revision.
  revision integer not null default 1 check (revision >= 1),
  calculated_by text not null,
  calculated_at timestamptz not null,
  rejection_reason text,
  approved_at timestamptz,
  exported_at timestamptz,
  export_batch uuid,
  paid_at timestamptz,
  bank_status text,
  bank_note text,
  constraint payout_contract_period unique (contract_id, period),
  constraint payout_split check (owner_share_kobo + platform_share_kobo = gross_revenue_kobo),
  constraint payout_top_up check (payout_kobo = owner_share_kobo + top_up_kobo and payout_kobo >= guarantee_kobo),
  constraint payout_net check (net_kobo = payout_kobo - tax_kobo),
  constraint payout_rejected check ((status = 'rejected') = (rejection_reason is not null)),
  constraint payout_paid check ((status = 'paid') = (paid_at is not null))
);`);
    this.addSql('create index payout_period_status on payout (period, status);');
    this.addSql(`
create table payout_approvals (
  id uuid primary key default gen_random_uuid(),
  payout_id uuid not null references payout (id),
  revision integer not null,
  decision text not null check (decision in ('approve', 'reject')),
  operator text not null check (btrim(operator) <> ''),
  reason text,
  decided_at timestamptz not null default now(),
  constraint payout_approvals_once unique (payout_id, revision, operator),
  constraint payout_approvals_reason check (decision = 'approve' or reason is not null)
);`);
    this.addSql(`
create table owner_communications (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null references owner (id),
  channel text not null check (channel in ('call', 'meeting', 'email', 'sms', 'whatsapp')),
  direction text not null default 'outbound' check (direction in ('inbound', 'outbound')),
  subject text,
  body text,
  attachments jsonb not null default '[]'::jsonb,
  operator text not null,
  occurred_at timestamptz not null default now(),
  -- 'logged' for contacts made outside the tool; message statuses for sends (messaging layer).
  delivery_status text not null default 'logged',
  message_id uuid
);`);
    this.addSql('create index owner_communications_owner on owner_communications (owner_id, occurred_at);');
    this.addSql(`
create table owner_satisfaction (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null references owner (id),
  category text not null check (category in ('service', 'payment', 'support', 'platform')),
  rating smallint not null check (rating between 1 and 5),
  would_recommend boolean,
  comment text,
  operator text not null,
  recorded_at timestamptz not null default now()
);`);
    this.addSql('create index owner_satisfaction_owner on owner_satisfaction (owner_id, recorded_at);');
  }
}
