/**
 * The money rules that are policy (the `policy` table): the dual-approval threshold and the
 * withholding-tax rates. Read by the operations that apply them; changed only by `crm policy set`
 * as an admin — the database refuses anyone else and writes the audit row itself. No environment
 * variable changes them.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ServiceContext } from '../context.js';
import { execute } from '../db/sql.js';
import { NotFoundError } from '../errors.js';
import { formatNaira, parseNaira, parsePercentToBasisPoints } from '../money.js';
import { Policy, type PolicyName } from './policy.entity.js';

export type PolicyValues = Record<PolicyName, bigint>;

export async function readPolicy(em: EntityManager): Promise<PolicyValues> {
  const rows = await em.find(Policy, {});
  return Object.fromEntries(rows.map((r) => [r.name, BigInt(r.value)])) as PolicyValues;
}

/** How many different approvers a payout of this amount needs under the policy. */
export function requiredApprovals(policy: PolicyValues, payoutKobo: bigint): number {
  return payoutKobo > policy.dual_approval_threshold_kobo ? 2 : 1;
}

/** The withholding-tax rate of an owner's tax type, in basis points. */
export function withholdingTaxBps(
  policy: PolicyValues,
  taxType: 'company' | 'individual' | 'exempt',
): number {
  return Number(policy[`wht_${taxType}_bps`]);
}

/** What operators type (`dual-approval-threshold`, `wht-company`) for each rule, and its unit. */
const SETTINGS: Record<string, { name: PolicyName; unit: 'naira' | 'percent' }> = {
  'dual-approval-threshold': { name: 'dual_approval_threshold_kobo', unit: 'naira' },
  'wht-company': { name: 'wht_company_bps', unit: 'percent' },
  'wht-individual': { name: 'wht_individual_bps', unit: 'percent' },
  'wht-exempt': { name: 'wht_exempt_bps', unit: 'percent' },
};

export interface PolicyView {
  setting: string;
  value: string;
  changedAt: string;
  changedBy: string;
}

function display(name: PolicyName, value: bigint): string {
  return name.endsWith('_kobo') ? formatNaira(value) : `${Number(value) / 100}%`;
}

function settingOf(name: PolicyName): string {
  return Object.entries(SETTINGS).find(([, s]) => s.name === name)![0];
}

/** `policy list`: every rule, its value, and who changed it last. */
export async function listPolicy(ctx: ServiceContext): Promise<PolicyView[]> {
  const rows = await ctx.em.find(Policy, {}, { orderBy: { name: 'asc' } });
  return rows.map((r) => ({
    setting: settingOf(r.name),
    value: display(r.name, BigInt(r.value)),
    changedAt: r.changedAt.toISOString(),
    changedBy: r.changedBy,
  }));
}

/**
 * `policy set SETTING VALUE`: one rule changed, in one transaction with the audit row the
 * database writes (trigger policy_audit, which takes the command line from `crm.command`).
 */
export async function setPolicy(ctx: ServiceContext, setting: string, text: string): Promise<PolicyView> {
  const target = SETTINGS[setting.trim().toLowerCase()];
  if (!target) throw new NotFoundError('policy setting', setting);
  const value =
    target.unit === 'naira' ? parseNaira(text, setting) : BigInt(parsePercentToBasisPoints(text, setting));
  return ctx.em.transactional(async (em) => {
    await execute(em, "select set_config('crm.command', $1, true)", [ctx.actor.command]);
    const row = await em.findOneOrFail(Policy, { name: target.name });
    row.value = value.toString() as never;
    row.changedBy = ctx.actor.operator;
    await em.flush();
    await em.refresh(row);
    return {
      setting: settingOf(row.name),
      value: display(row.name, BigInt(row.value)),
      changedAt: row.changedAt.toISOString(),
      changedBy: row.changedBy,
    };
  });
}
