import { loadMikroMigrations } from '../src/core/db/mikro-orm.js';

const { Migration } = loadMikroMigrations();

/** The group roles `crm db roles apply` creates (src/core/access/grants.ts says what each may do). */
const GROUPS = `array['crm_operator', 'crm_approver', 'crm_finance', 'crm_marketing', 'crm_admin']`;

/** Where the chain starts: the "previous hash" of the first audit row. */
const GENESIS = `sha256(convert_to('crm audit log', 'UTF8'))`;

/**
 * Access control in the database (docs/access-control.md):
 * - who is acting: `crm_identity()` is the connection's login when it is a person (a member of a
 *   crm_* group, neither superuser nor the schema owner), else the name the tool declares,
 *   normalised. Triggers stamp it into every operator column, so a person cannot write another
 *   name whatever SQL they send;
 * - the payout rules whoever calls: maker-checker on `payout_approvals` here; role, state and
 *   approver-count checks on `payout` in the states migration (triggers rather than SECURITY
 *   DEFINER functions: the payout run's set-based upsert keeps working, and a direct UPDATE meets
 *   the same rules);
 * - the `policy` table (dual-approval threshold, withholding-tax rates): changed by admins only,
 *   every change written to the audit log by the database itself;
 * - the audit log: `at` is the database's clock, and each row carries the hash of the one
 *   before it (`chain_seq`, `prev_hash`, `hash`), so a deleted or edited row breaks the chain;
 * - user management for admins who are not the schema owner (SECURITY DEFINER functions).
 */
export class Migration20261202100000_access_control extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function crm_normalize_operator(name text) returns text
  language sql immutable as $$ select lower(btrim(name)) $$;`);
    this.addSql(`create function crm_session_is_person() returns boolean language sql stable as $$
  select exists (
    select 1 from pg_auth_members m
      join pg_roles g on g.oid = m.roleid
      join pg_roles u on u.oid = m.member
     where u.rolname = session_user and not u.rolsuper
       and g.rolname = any (${GROUPS})
       and u.oid <> (select relowner from pg_class where oid = 'public.audit_log'::regclass))
$$;`);
    this.addSql(`create function crm_identity(declared text) returns text language sql stable as $$
  select case when crm_session_is_person() then session_user::text else crm_normalize_operator(declared) end
$$;`);
    this.addSql(`create function crm_may(role text) returns boolean language sql stable as $$
  select not crm_session_is_person() or pg_has_role(session_user, role, 'MEMBER')
$$;`);
    this.addSql(`create function crm_refuse(role text, action text) returns void language plpgsql as $$
begin
  raise exception '% may not %: it takes the % role', session_user, action, role
    using errcode = 'insufficient_privilege';
end $$;`);
    // Stamps crm_identity() into the operator column the trigger names (TG_ARGV[0]).
    this.addSql(`create function crm_stamp_operator() returns trigger language plpgsql as $$
begin
  NEW := jsonb_populate_record(NEW,
    jsonb_build_object(TG_ARGV[0], crm_identity(to_jsonb(NEW) ->> TG_ARGV[0])));
  return NEW;
end $$;`);
    for (const [table, column] of [
      ['patient_import', 'operator'],
      ['payout_run', 'operator'],
      ['owner_communications', 'operator'],
      ['owner_satisfaction', 'operator'],
      ['payout', 'calculated_by'],
    ]) {
      this.addSql(`create trigger ${table}_operator before insert or update of ${column} on ${table}
  for each row execute function crm_stamp_operator('${column}');`);
    }

    this.addSql(`
create table policy (
  name text primary key
    check (name in ('dual_approval_threshold_kobo', 'wht_company_bps', 'wht_individual_bps', 'wht_exempt_bps')),
  value bigint not null check (value >= 0 and value <= 100000000000000),
  changed_at timestamptz not null default clock_timestamp(),
  changed_by text not null,
  constraint policy_rate check (name not like 'wht\\_%' or value <= 10000)
);`);
    this.addSql(`insert into policy (name, value, changed_by) values
  ('dual_approval_threshold_kobo', 1000000000, 'migration'),
  ('wht_company_bps', 1000, 'migration'),
  ('wht_individual_bps', 500, 'migration'),
  ('wht_exempt_bps', 0, 'migration');`);
    this.addSql(`create function policy_guard() returns trigger language plpgsql as $$
begin
  if not crm_may('crm_admin') then
    perform crm_refuse('crm_admin', 'change the policy');
  end if;
  NEW.changed_by := crm_identity(NEW.changed_by);
  NEW.changed_at := clock_timestamp();
  return NEW;
end $$;`);
    this.addSql(`create trigger policy_guard before update on policy
  for each row execute function policy_guard();`);
    // The database writes the audit row of a policy change: no path changes it unaudited.
    this.addSql(`create function policy_audit() returns trigger language plpgsql as $$
begin
  insert into audit_log (operator, command, entity, entity_id, summary)
  values (NEW.changed_by, coalesce(nullif(current_setting('crm.command', true), ''), 'sql'), 'policy', NEW.name,
          jsonb_build_object('action', 'set', 'from', OLD.value::text, 'to', NEW.value::text));
  return null;
end $$;`);
    this.addSql(`create trigger policy_audit after update on policy
  for each row when (OLD.value is distinct from NEW.value) execute function policy_audit();`);
    this.addSql(`create function crm_required_approvals(payout_kobo bigint) returns integer
  language sql stable as $$
  select case when payout_kobo > (select value from policy where name = 'dual_approval_threshold_kobo')
              then 2 else 1 end
$$;`);

    this.addSql(`create function payout_approvals_guard() returns trigger language plpgsql as $$
declare
  p record;
begin
  NEW.operator := crm_identity(NEW.operator);
  NEW.decided_at := clock_timestamp();
  if not crm_may('crm_approver') then
    perform crm_refuse('crm_approver', 'approve or reject payouts');
  end if;
  select reference, period, revision into p from payout where id = NEW.payout_id;
  if NEW.revision <> p.revision then
    raise exception 'payout % is at revision %, not %: decide on what it is now', p.reference, p.revision, NEW.revision
      using errcode = 'CR005';
  end if;
  if NEW.decision = 'approve' and exists (
      select 1 from payout_run r
       where r.period = p.period and crm_normalize_operator(r.operator) = crm_normalize_operator(NEW.operator)) then
    raise exception 'maker-checker rule: % ran payout period % and cannot approve its payouts (%); another operator must approve',
      NEW.operator, p.period, p.reference using errcode = 'CR001';
  end if;
  if exists (select 1 from payout_approvals a
              where a.payout_id = NEW.payout_id and a.revision = NEW.revision
                and crm_normalize_operator(a.operator) = crm_normalize_operator(NEW.operator)) then
    raise exception 'dual approval rule: % already decided on %; a second approval must come from someone else',
      NEW.operator, p.reference using errcode = 'CR002';
  end if;
  return NEW;
end $$;`);
    this.addSql(`create trigger payout_approvals_guard before insert on payout_approvals
  for each row execute function payout_approvals_guard();`);

    // Who moves a payout to which state, and the dual-approval count: payout_guard, with the
    // states themselves (migration 20261202120000_payout_states).

    // Contracts: operators keep drafts; what commits money (activation, termination, changed
    // terms of a contract in force) takes an admin. Expiry by date stays with the daily job.
    this.addSql(`create function contract_guard() returns trigger language plpgsql as $$
begin
  if NEW.status is distinct from OLD.status and NEW.status in ('active', 'terminated')
     and not crm_may('crm_admin') then
    perform crm_refuse('crm_admin', case when NEW.status = 'active' then 'activate contracts' else 'terminate contracts' end);
  end if;
  if OLD.status <> 'draft'
     and row(NEW.share_bps, NEW.guarantee_kobo, NEW.frequency, NEW.payment_terms_days, NEW.start_date, NEW.end_date,
             NEW.owner_id, NEW.hospital_id)
         is distinct from
         row(OLD.share_bps, OLD.guarantee_kobo, OLD.frequency, OLD.payment_terms_days, OLD.start_date, OLD.end_date,
             OLD.owner_id, OLD.hospital_id)
     and not crm_may('crm_admin') then
    perform crm_refuse('crm_admin', 'change the terms of a contract in force');
  end if;
  return NEW;
end $$;`);
    this.addSql(`create trigger contract_guard before update on contract
  for each row execute function contract_guard();`);
    // The revenue rollup is kept by triggers on hospital_transaction; they write it with the
    // owner's rights, so that nobody needs (or gets) the right to write the rollup directly.
    for (const fn of ['insert', 'delete', 'update', 'truncate'])
      this.addSql(
        `alter function hospital_revenue_day_${fn}() security definer set search_path = public, pg_temp;`,
      );

    // The audit chain. Existing rows are chained in id order, then every insert extends it.
    this.addSql(`create function crm_audit_hash(prev bytea, seq bigint, at timestamptz, operator text,
  command text, entity text, entity_id text, summary jsonb) returns bytea language sql immutable as $$
  select sha256(convert_to(jsonb_build_array(encode(prev, 'hex'), seq,
    to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), operator, command, entity, entity_id,
    summary)::text, 'UTF8'))
$$;`);
    this.addSql(
      `alter table audit_log add column chain_seq bigint, add column prev_hash bytea, add column hash bytea;`,
    );
    this.addSql(`create table audit_chain_head (
  only_row boolean primary key default true check (only_row),
  seq bigint not null,
  hash bytea not null
);`);
    this.addSql('alter table audit_log disable trigger audit_log_append_only;');
    this.addSql(`do $$
declare
  r record;
  prev bytea := ${GENESIS};
  s bigint := 0;
begin
  for r in select * from audit_log order by id loop
    s := s + 1;
    update audit_log
       set chain_seq = s, prev_hash = prev,
           hash = crm_audit_hash(prev, s, r.at, r.operator, r.command, r.entity, r.entity_id, r.summary)
     where id = r.id
    returning hash into prev;
  end loop;
  insert into audit_chain_head (seq, hash) values (s, prev);
end $$;`);
    this.addSql('alter table audit_log enable trigger audit_log_append_only;');
    this.addSql(`alter table audit_log
  alter column chain_seq set not null, alter column prev_hash set not null, alter column hash set not null,
  add constraint audit_log_chain_seq unique (chain_seq);`);
    // SECURITY DEFINER: persons may insert audit rows but never write the head themselves. The
    // head's row lock orders concurrent writers; it is held to commit, so audit last.
    this.addSql(`create function audit_log_chain() returns trigger language plpgsql
  security definer set search_path = public, pg_temp as $$
declare
  head record;
begin
  NEW.operator := crm_identity(NEW.operator);
  NEW.at := clock_timestamp();
  select seq, hash into head from audit_chain_head for update;
  NEW.chain_seq := head.seq + 1;
  NEW.prev_hash := head.hash;
  NEW.hash := crm_audit_hash(NEW.prev_hash, NEW.chain_seq, NEW.at, NEW.operator, NEW.command, NEW.entity,
    NEW.entity_id, NEW.summary);
  update audit_chain_head set seq = NEW.chain_seq, hash = NEW.hash;
  return NEW;
end $$;`);
    this.addSql(`create trigger audit_log_chain before insert on audit_log
  for each row execute function audit_log_chain();`);

    // User management for admins who are persons (the schema owner may run them too). The owner
    // needs CREATEROLE for these to work.
    this.addSql(`create function crm_user_set(login text, groups text[], password_verifier text)
  returns void language plpgsql security definer set search_path = public, pg_temp as $$
declare
  g text;
begin
  if not crm_may('crm_admin') then
    perform crm_refuse('crm_admin', 'manage users');
  end if;
  if login !~ '^[a-z][a-z0-9_.-]{0,62}$' then
    raise exception 'login %: use lower-case letters, digits, ".", "-" and "_", starting with a letter', login
      using errcode = 'CR004';
  end if;
  if exists (select 1 from pg_roles where rolname = login) then
    if login = any (${GROUPS}) or exists (select 1 from pg_roles where rolname = login and (rolsuper or not rolcanlogin))
       or login = (select pg_get_userbyid(relowner) from pg_class where oid = 'public.audit_log'::regclass) then
      raise exception 'login %: that name belongs to a role crm does not manage', login using errcode = 'CR004';
    end if;
  else
    execute format('create role %I login', login);
  end if;
  if password_verifier is not null then
    execute format('alter role %I password %L', login, password_verifier);
  end if;
  foreach g in array ${GROUPS} loop
    if g = any (groups) then
      execute format('grant %I to %I', g, login);
    else
      execute format('revoke %I from %I', g, login);
    end if;
  end loop;
end $$;`);
    this.addSql(`create function crm_user_remove(login text) returns void language plpgsql
  security definer set search_path = public, pg_temp as $$
begin
  if not crm_may('crm_admin') then
    perform crm_refuse('crm_admin', 'manage users');
  end if;
  if login = session_user then
    raise exception 'login %: you cannot remove yourself', login using errcode = 'CR004';
  end if;
  if not exists (select 1 from pg_auth_members m join pg_roles g on g.oid = m.roleid
                  join pg_roles u on u.oid = m.member
                 where u.rolname = login and g.rolname = any (${GROUPS}) and not u.rolsuper) then
    raise exception 'login %: not a crm user', login using errcode = 'no_data_found';
  end if;
  execute format('drop role %I', login);
end $$;`);
    this.addSql(
      'revoke execute on function crm_user_set(text, text[], text), crm_user_remove(text) from public;',
    );
  }

  override async down(): Promise<void> {
    for (const fn of ['insert', 'delete', 'update', 'truncate'])
      this.addSql(`alter function hospital_revenue_day_${fn}() security invoker reset search_path;`);
    this.addSql('drop trigger contract_guard on contract; drop function contract_guard();');
    this.addSql(`drop function crm_user_remove(text); drop function crm_user_set(text, text[], text);
drop trigger audit_log_chain on audit_log; drop function audit_log_chain();
alter table audit_log disable trigger audit_log_append_only;
alter table audit_log drop column chain_seq, drop column prev_hash, drop column hash;
alter table audit_log enable trigger audit_log_append_only;
drop table audit_chain_head; drop function crm_audit_hash(bytea, bigint, timestamptz, text, text, text, text, jsonb);
drop trigger payout_approvals_guard on payout_approvals; drop function payout_approvals_guard();
drop function crm_required_approvals(bigint);
drop table policy; drop function policy_guard(); drop function policy_audit();
drop trigger patient_import_operator on patient_import; drop trigger payout_run_operator on payout_run;
drop trigger owner_communications_operator on owner_communications;
drop trigger owner_satisfaction_operator on owner_satisfaction; drop trigger payout_operator on payout;
drop function crm_stamp_operator(); drop function crm_refuse(text, text); drop function crm_may(text);
drop function crm_identity(text); drop function crm_session_is_person(); drop function crm_normalize_operator(text);`);
  }
}
