import { loadMikroMigrations } from '../src/core/db/mikro-orm.js';

const { Migration } = loadMikroMigrations();

/**
 * The payout's states as a machine the database enforces (docs/payouts.md):
 *   calculated → approved | rejected | void
 *   approved   → exported | void | paid   (paid: a ₦0.00 payout, settled by the export with no transfer)
 *   exported   → paid | failed
 *   failed     → approved            (`crm payout retry`, after the bank refused the transfer: the
 *                                     next `payout export` writes it again)
 * `void`: a payout a re-run found without an active contract day in its period (the contract was
 * terminated or ended after the payout was calculated); it is never exported. `failed` replaces
 * "exported with bank_status failed", so a failed transfer can no longer be marked paid or exported
 * by accident. payout_guard also says who may make each move (a group of the access-control
 * migration), that a payout moves to `approved` only with the approvers the policy demands, and
 * that its amounts change only while it is `calculated` (a re-run).
 */
export class Migration20261202120000_payout_states extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table payout drop constraint payout_status_check;`);
    this.addSql(`alter table payout add constraint payout_status_check
  check (status in ('calculated', 'approved', 'exported', 'paid', 'failed', 'rejected', 'void'));`);
    this.addSql(`update payout set status = 'failed' where status = 'exported' and bank_status = 'failed';`);
    this.addSql(`create function payout_guard() returns trigger language plpgsql as $$
declare
  approvers integer;
  required integer;
  mover text;
begin
  if TG_OP = 'INSERT' then
    if crm_session_is_person() and NEW.status <> 'calculated' then
      raise exception 'a payout is created calculated, not %', NEW.status using errcode = 'CR003';
    end if;
    return NEW;
  end if;
  if row(NEW.share_bps, NEW.full_guarantee_kobo, NEW.tax_bps, NEW.gross_revenue_kobo, NEW.owner_share_kobo,
         NEW.platform_share_kobo, NEW.guarantee_kobo, NEW.top_up_kobo, NEW.payout_kobo, NEW.tax_kobo,
         NEW.net_kobo, NEW.active_days, NEW.revision, NEW.contract_id, NEW.period)
     is distinct from
     row(OLD.share_bps, OLD.full_guarantee_kobo, OLD.tax_bps, OLD.gross_revenue_kobo, OLD.owner_share_kobo,
         OLD.platform_share_kobo, OLD.guarantee_kobo, OLD.top_up_kobo, OLD.payout_kobo, OLD.tax_kobo,
         OLD.net_kobo, OLD.active_days, OLD.revision, OLD.contract_id, OLD.period) then
    if OLD.status <> 'calculated' or NEW.status <> 'calculated' then
      raise exception 'payout % is %: its amounts are fixed', OLD.reference, OLD.status using errcode = 'CR003';
    end if;
    if not crm_may('crm_operator') then
      perform crm_refuse('crm_operator', 'calculate payouts');
    end if;
  end if;
  if NEW.status is distinct from OLD.status then
    -- The moves there are, and the group whose members may make each (a single user makes all).
    mover := case OLD.status || ' > ' || NEW.status
      when 'calculated > approved' then 'crm_approver'
      when 'calculated > rejected' then 'crm_approver'
      when 'calculated > void' then 'crm_operator'
      when 'approved > void' then 'crm_operator'
      when 'approved > exported' then 'crm_finance'
      when 'approved > paid' then 'crm_finance'
      when 'exported > paid' then 'crm_finance'
      when 'exported > failed' then 'crm_finance'
      when 'failed > approved' then 'crm_finance'
    end;
    if mover is null then
      raise exception 'payout % is %: it cannot become %', OLD.reference, OLD.status, NEW.status
        using errcode = 'CR003';
    end if;
    if not crm_may(mover) then
      perform crm_refuse(mover, format('move payouts from %s to %s', OLD.status, NEW.status));
    end if;
    if NEW.status = 'approved' and OLD.status = 'calculated' then
      required := crm_required_approvals(NEW.payout_kobo);
      select count(distinct crm_normalize_operator(a.operator)) into approvers
        from payout_approvals a
       where a.payout_id = NEW.id and a.revision = NEW.revision and a.decision = 'approve';
      if approvers < required then
        raise exception 'dual approval rule: payout % needs % different approvers, has %',
          NEW.reference, required, approvers using errcode = 'CR002';
      end if;
      NEW.approved_at := clock_timestamp();
    end if;
  end if;
  return NEW;
end $$;`);
    this.addSql(`create trigger payout_guard before insert or update on payout
  for each row execute function payout_guard();`);
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger payout_guard on payout; drop function payout_guard();');
    this.addSql(`update payout set status = 'exported', bank_status = 'failed' where status = 'failed';`);
    this.addSql(`update payout set status = 'rejected', rejection_reason = 'void' where status = 'void';`);
    this.addSql(`alter table payout drop constraint payout_status_check;`);
    this.addSql(`alter table payout add constraint payout_status_check
  check (status in ('calculated', 'approved', 'exported', 'paid', 'rejected'));`);
  }
}
