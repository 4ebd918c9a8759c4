/**
 * `crm db roles apply`: the group roles and what each may do, applied by the schema owner after
 * `crm db migrate`. Idempotent and convergent: every run revokes what the groups hold and grants
 * this table again, in one transaction. No group owns a table; the rules that grants cannot
 * express (maker-checker, dual approval, who moves a payout or a contract to which state) are
 * triggers of the access-control migration, and the audit log takes inserts only.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query, sqlIdentifier } from '../db/sql.js';
import { UsageError } from '../errors.js';

export const GROUPS = ['crm_operator', 'crm_approver', 'crm_finance', 'crm_marketing', 'crm_admin'] as const;
export type Group = (typeof GROUPS)[number];

type Privilege = 'insert' | 'update' | 'delete';

/** Day-to-day records an operator creates and corrects. */
const OPERATIONS: Privilege[] = ['insert', 'update', 'delete'];

/**
 * Beyond SELECT (every group reads every table) and INSERT on audit_log (every group audits):
 * who may write what. Every table of the schema is named, even with nothing to grant, so that a
 * new table is a decision (tests/integration/access-control.test.ts checks the list is complete).
 */
export const TABLE_GRANTS: Record<string, Partial<Record<Exclude<Group, 'crm_admin'>, Privilege[]>>> = {
  hospital: { crm_operator: OPERATIONS },
  patient: { crm_operator: OPERATIONS },
  patient_import: { crm_operator: OPERATIONS },
  doctor: { crm_operator: OPERATIONS },
  doctor_availability: { crm_operator: OPERATIONS },
  doctor_time_off: { crm_operator: OPERATIONS },
  appointment: { crm_operator: OPERATIONS },
  reminder: { crm_operator: OPERATIONS },
  messages: { crm_operator: OPERATIONS, crm_marketing: ['insert', 'update'] },
  message_template: { crm_operator: OPERATIONS, crm_marketing: OPERATIONS },
  owner: { crm_operator: OPERATIONS },
  owner_communications: { crm_operator: ['insert'] },
  owner_satisfaction: { crm_operator: ['insert'] },
  contract: { crm_operator: ['insert', 'update'] },
  contract_milestone: { crm_operator: OPERATIONS },
  // Revenue comes in, never goes out by hand: corrections are compensating rows.
  hospital_transaction: { crm_operator: ['insert'] },
  // Kept by the transaction triggers (SECURITY DEFINER).
  hospital_revenue_day: {},
  payout_run: { crm_operator: ['insert'] },
  // Rows are created by the run; trigger payout_guard decides which change each group may make.
  payout: { crm_operator: ['insert', 'update'], crm_approver: ['update'], crm_finance: ['update'] },
  payout_approvals: { crm_approver: ['insert'] },
  // Recorded and carried by the run; trigger payout_adjustment_guard keeps them as recorded.
  payout_adjustment: { crm_operator: ['insert', 'update'] },
  // Feedback is recorded and soft-deleted (trigger feedback_guard keeps it as given); alerts and
  // suggestions move through their states (triggers feedback_alert_guard, feedback_suggestion_guard).
  feedback: { crm_operator: ['insert', 'update'] },
  feedback_alert: { crm_operator: ['insert', 'update'] },
  feedback_suggestion: { crm_operator: ['insert', 'update'] },
  // Campaigns are marketing's: they create, send, pause and cancel them; operators may too.
  campaign: { crm_operator: ['insert', 'update'], crm_marketing: ['insert', 'update'] },
  campaign_recipients: { crm_operator: ['insert', 'update'], crm_marketing: ['insert', 'update'] },
  // Updated by admins only (trigger policy_guard), see below.
  policy: {},
  // Inserts only, for every group; the chain's head is written by the insert trigger alone.
  audit_log: {},
  audit_chain_head: {},
  // Loyalty: the ledger takes inserts only (triggers refuse update and delete); the accounts are
  // kept by the ledger's trigger (SECURITY DEFINER), operators only create and lock them; lots
  // only shrink (trigger loyalty_lot_guard).
  loyalty_transactions: { crm_operator: ['insert'] },
  loyalty_account: { crm_operator: ['insert', 'update'] },
  loyalty_lot: { crm_operator: ['insert', 'update'] },
  loyalty_tier_changes: { crm_operator: ['insert'] },
  loyalty_reward: { crm_operator: ['insert', 'update'], crm_marketing: ['insert', 'update'] },
  loyalty_redemption: { crm_operator: ['insert'] },
  loyalty_expiry_notice: { crm_operator: ['insert'] },
  mikro_orm_migrations: {},
};

/** Tables of the schema (the migrations' bookkeeping included). */
async function schemaTables(em: EntityManager): Promise<string[]> {
  const rows = await query<{ name: string }>(
    em,
    `select tablename as name from pg_tables where schemaname = current_schema() order by 1`,
  );
  return rows.map((r) => r.name);
}

/** The statements that bring the groups to TABLE_GRANTS from whatever they held. */
export function grantStatements(tables: string[]): string[] {
  const groups = GROUPS.map(sqlIdentifier).join(', ');
  const statements: string[] = [];
  for (const group of GROUPS)
    statements.push(
      `do $$ begin create role ${group} nologin; exception when duplicate_object or unique_violation then null; end $$`,
    );
  statements.push(`grant crm_operator, crm_approver, crm_finance, crm_marketing to crm_admin`);
  statements.push(`revoke all on all tables in schema public from ${groups}`);
  statements.push(`revoke all on all sequences in schema public from ${groups}`);
  statements.push(`grant usage on schema public to ${groups}`);
  statements.push(`grant usage, select on all sequences in schema public to ${groups}`);
  for (const table of tables) {
    statements.push(`grant select on ${sqlIdentifier(table)} to ${groups}`);
    const grants = TABLE_GRANTS[table] ?? {};
    for (const [group, privileges] of Object.entries(grants))
      if (privileges.length > 0)
        statements.push(`grant ${privileges.join(', ')} on ${sqlIdentifier(table)} to ${group}`);
  }
  statements.push(`grant insert on audit_log to ${groups}`);
  statements.push(`grant update on policy to crm_admin`);
  statements.push(
    `grant execute on function crm_user_set(text, text[], text), crm_user_remove(text) to crm_admin`,
  );
  return statements;
}

export interface RolesApplied {
  groups: string[];
  tables: number;
}

/**
 * Creates the groups and applies the grants, in one transaction. Refuses a table this module does
 * not know: granting nothing to a new table would be a silent decision.
 */
export async function applyRoles(em: EntityManager): Promise<RolesApplied> {
  return em.transactional(async (tx) => {
    const tables = await schemaTables(tx);
    const unknown = tables.filter((t) => !(t in TABLE_GRANTS));
    if (unknown.length > 0)
      throw new UsageError(
        `no grants are decided for table(s) ${unknown.join(', ')}: add them to src/core/access/roles.ts`,
      );
    for (const statement of grantStatements(tables)) await query(tx, statement);
    return { groups: [...GROUPS], tables: tables.length };
  });
}
