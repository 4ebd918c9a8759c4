import { loadMikroMigrations } from '../src/core/db/mikro-orm.js';

const { Migration } = loadMikroMigrations();

/** payout_guard of the payout-states migration, with the corrections' moves and the bank snapshot. */
const PAYOUT_GUARD = (
  withCorrections: boolean,
) => `create or replace function payout_guard() returns trigger language plpgsql as $$
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
         OLD.net_kobo, OLD.active_days, OLD.revision, OLD.contract_id, OLD.period)${
           withCorrections
             ? `
     -- Un-approving or reopening starts a new revision (earlier approvals no longer count) and
     -- changes nothing else.
     and not (OLD.status in ('approved', 'rejected') and NEW.status = 'calculated'
              and NEW.revision = OLD.revision + 1
              and row(NEW.share_bps, NEW.full_guarantee_kobo, NEW.tax_bps, NEW.gross_revenue_kobo,
                      NEW.owner_share_kobo, NEW.platform_share_kobo, NEW.guarantee_kobo, NEW.top_up_kobo,
                      NEW.payout_kobo, NEW.tax_kobo, NEW.net_kobo, NEW.active_days, NEW.contract_id, NEW.period)
                  is not distinct from
                  row(OLD.share_bps, OLD.full_guarantee_kobo, OLD.tax_bps, OLD.gross_revenue_kobo,
                      OLD.owner_share_kobo, OLD.platform_share_kobo, OLD.guarantee_kobo, OLD.top_up_kobo,
                      OLD.payout_kobo, OLD.tax_kobo, OLD.net_kobo, OLD.active_days, OLD.contract_id, OLD.period))`
             : ''
         } then
    if OLD.status <> 'calculated' or NEW.status <> 'calculated' then
      raise exception 'payout % is %: its amounts are fixed', OLD.reference, OLD.status using errcode = 'CR003';
    end if;
    if not crm_may('crm_operator') then
      perform crm_refuse('crm_operator', 'calculate payouts');
    end if;
  end if;${
    withCorrections
      ? `
  -- The bank details a payout was exported with are written by the export and kept.
  if row(NEW.paid_to_name, NEW.paid_to_bank_code, NEW.paid_to_account_number)
     is distinct from row(OLD.paid_to_name, OLD.paid_to_bank_code, OLD.paid_to_account_number)
     and not (OLD.status = 'approved' and NEW.status = 'exported') then
    raise exception 'payout % is %: the bank details it was exported with are kept', OLD.reference, OLD.status
      using errcode = 'CR003';
  end if;`
      : ''
  }
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
      when 'failed > approved' then 'crm_finance'${
        withCorrections
          ? `
      when 'approved > calculated' then 'crm_approver'
      when 'rejected > calculated' then 'crm_approver'`
          : ''
      }
    end;
    if mover is null then
      raise exception 'payout % is %: it cannot become %', OLD.reference, OLD.status, NEW.status
        using errcode = 'CR003';
    end if;
    if not crm_may(mover) then
      perform crm_refuse(mover, format('move payouts from %s to %s', OLD.status, NEW.status));
    end if;${
      withCorrections
        ? `
    if NEW.status = 'calculated' and NEW.revision <> OLD.revision + 1 then
      raise exception 'payout % back to calculated needs a new revision', OLD.reference using errcode = 'CR003';
    end if;
    if NEW.status = 'calculated' then
      NEW.approved_at := null;
    end if;`
        : ''
    }
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
end $$;`;

/**
 * Corrections (docs/corrections.md): what the database keeps true while operators fix mistakes.
 * - payout: the beneficiary and bank account a payout was exported with (`paid_to_*`), written by
 *   the export and never changed after, so an owner's corrected bank details reach only payouts
 *   exported later (existing exported payouts get their owner's current details);
 *   `payout unapprove` (approved → calculated, before export) and `payout reopen` (rejected →
 *   calculated), both by an approver, both starting a new revision so that earlier approvals no
 *   longer count.
 * - hospital_transaction: a void is a compensating row (`voids_id`, `void_reason`): the opposite
 *   kind, the same amount, hospital and time as the row it voids; a row is voided at most once and
 *   a void is not voided.
 * - patient: `erased_at`, the time of an erasure; an erased patient has no personal field again
 *   (and no phone or e-mail: patient_has_contact allows that for an erased patient only).
 */
export class Migration20261203130000_corrections extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table payout add column paid_to_name text, add column paid_to_bank_code text,
  add column paid_to_account_number text;`);
    this.addSql(`update payout p set paid_to_name = o.name, paid_to_bank_code = o.bank_code,
    paid_to_account_number = o.account_number
  from contract c join owner o on o.id = c.owner_id
  where c.id = p.contract_id and p.export_batch is not null and p.net_kobo <> 0
    and p.status in ('exported', 'paid', 'failed', 'approved');`);
    this.addSql(`alter table payout add constraint payout_paid_to check (
  (paid_to_name is null) = (paid_to_account_number is null)
  and (paid_to_bank_code is null) = (paid_to_account_number is null)
  and (status not in ('exported', 'failed') or paid_to_account_number is not null));`);
    this.addSql(PAYOUT_GUARD(true));

    this.addSql(`alter table hospital_transaction add column voids_id bigint
    constraint hospital_transaction_voids_unique unique references hospital_transaction (id),
  add column void_reason text,
  add constraint hospital_transaction_void check ((voids_id is null) = (void_reason is null)
    and (void_reason is null or btrim(void_reason) <> ''));`);
    this.addSql(`create function hospital_transaction_void_guard() returns trigger language plpgsql as $$
declare
  voided hospital_transaction;
begin
  if TG_OP = 'UPDATE' then
    if row(NEW.voids_id, NEW.void_reason) is distinct from row(OLD.voids_id, OLD.void_reason) then
      raise exception 'transaction %: a void is recorded as a new row', OLD.reference using errcode = 'CR003';
    end if;
    return NEW;
  end if;
  select * into voided from hospital_transaction where id = NEW.voids_id;
  if voided.voids_id is not null then
    raise exception 'transaction % is a void: it is not voided', voided.reference using errcode = 'CR003';
  end if;
  if NEW.kind = voided.kind or NEW.amount_kobo <> voided.amount_kobo or NEW.hospital_id <> voided.hospital_id
     or NEW.occurred_at <> voided.occurred_at then
    raise exception 'transaction %: a void has the opposite kind and the same amount, hospital and time',
      voided.reference using errcode = 'CR003';
  end if;
  return NEW;
end $$;`);
    this.addSql(`create trigger hospital_transaction_void_guard before insert on hospital_transaction
  for each row when (NEW.voids_id is not null) execute function hospital_transaction_void_guard();`);
    this.addSql(`create trigger hospital_transaction_void_kept before update of voids_id, void_reason
  on hospital_transaction for each row execute function hospital_transaction_void_guard();`);

    this.addSql('alter table patient add column erased_at timestamptz;');
    // A patient has a phone or an e-mail, until erased.
    this.addSql(`alter table patient drop constraint patient_has_contact,
  add constraint patient_has_contact check (phone is not null or email is not null or erased_at is not null);`);
    this.addSql(`alter table patient add constraint patient_erased check (erased_at is null or (
  phone is null and email is null and date_of_birth is null and gender is null and address is null
  and external_id is null and referred_by is null));`);
    this.addSql(`create function patient_erasure_kept() returns trigger language plpgsql as $$
begin
  if OLD.erased_at is not null and NEW.erased_at is distinct from OLD.erased_at then
    raise exception 'patient % was erased on %: an erasure is final', OLD.id, OLD.erased_at using errcode = 'CR003';
  end if;
  return NEW;
end $$;`);
    this.addSql(`create trigger patient_erasure_kept before update of erased_at on patient
  for each row execute function patient_erasure_kept();`);
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger patient_erasure_kept on patient; drop function patient_erasure_kept();');
    this.addSql('alter table patient drop constraint patient_erased;');
    this.addSql(`alter table patient drop constraint patient_has_contact,
  add constraint patient_has_contact check (phone is not null or email is not null) not valid;`);
    this.addSql('alter table patient drop column erased_at;');
    this.addSql(`drop trigger hospital_transaction_void_kept on hospital_transaction;
drop trigger hospital_transaction_void_guard on hospital_transaction; drop function hospital_transaction_void_guard();`);
    this.addSql('alter table hospital_transaction drop column void_reason, drop column voids_id;');
    this.addSql(PAYOUT_GUARD(false));
    this.addSql(`alter table payout drop constraint payout_paid_to, drop column paid_to_name,
  drop column paid_to_bank_code, drop column paid_to_account_number;`);
  }
}
