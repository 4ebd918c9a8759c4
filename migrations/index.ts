import { Migration20261125000000_foundation } from './Migration20261125000000_foundation.js';
import { Migration20261125100000_owner_crm } from './Migration20261125100000_owner_crm.js';
import { Migration20261125110000_messaging_appointments } from './Migration20261125110000_messaging_appointments.js';
import { Migration20261125120000_revenue_rollup } from './Migration20261125120000_revenue_rollup.js';
import { Migration20261125130000_transaction_copy } from './Migration20261125130000_transaction_copy.js';
import { Migration20261125140000_patient_keys_bytewise } from './Migration20261125140000_patient_keys_bytewise.js';
import { Migration20261126000000_patient_checks_per_statement } from './Migration20261126000000_patient_checks_per_statement.js';
import { Migration20261126100000_patient_contact_hash_indexes } from './Migration20261126100000_patient_contact_hash_indexes.js';
import { Migration20261126110000_patient_update_check_linear } from './Migration20261126110000_patient_update_check_linear.js';
import { Migration20261202100000_access_control } from './Migration20261202100000_access_control.js';
import { Migration20261202110000_money_bounds } from './Migration20261202110000_money_bounds.js';
import { Migration20261202120000_payout_states } from './Migration20261202120000_payout_states.js';
import { Migration20261202130000_message_outcomes } from './Migration20261202130000_message_outcomes.js';
import { Migration20261202140000_payout_adjustments } from './Migration20261202140000_payout_adjustments.js';
import { Migration20261203090000_message_outbox } from './Migration20261203090000_message_outbox.js';
import { Migration20261203100000_feedback } from './Migration20261203100000_feedback.js';
import { Migration20261203110000_loyalty } from './Migration20261203110000_loyalty.js';
import { Migration20261203120000_campaigns } from './Migration20261203120000_campaigns.js';
import { Migration20261203130000_corrections } from './Migration20261203130000_corrections.js';
import { Migration20261203140000_loyalty_guard_conditions } from './Migration20261203140000_loyalty_guard_conditions.js';
import { Migration20261204150000_campaign_recipients_statement_checks } from './Migration20261204150000_campaign_recipients_statement_checks.js';
import { Migration20261204152000_campaign_content_sids } from './Migration20261204152000_campaign_content_sids.js';
import { Migration20261205090000_campaign_send_checks } from './Migration20261205090000_campaign_send_checks.js';
import { Migration20261205100000_owner_opt_outs } from './Migration20261205100000_owner_opt_outs.js';
import { Migration20261206090000_messages_patient_checks } from './Migration20261206090000_messages_patient_checks.js';
import { type MigrationName, migrationNames } from './names.js';

/**
 * Each migration's class under its name. `satisfies` makes the compiler refuse a name of
 * names.ts without a class here, or a class whose name is not there.
 */
const classes = {
  Migration20261125000000_foundation,
  Migration20261125100000_owner_crm,
  Migration20261125110000_messaging_appointments,
  Migration20261125120000_revenue_rollup,
  Migration20261125130000_transaction_copy,
  Migration20261125140000_patient_keys_bytewise,
  Migration20261126000000_patient_checks_per_statement,
  Migration20261126100000_patient_contact_hash_indexes,
  Migration20261126110000_patient_update_check_linear,
  Migration20261202100000_access_control,
  Migration20261202110000_money_bounds,
  Migration20261202120000_payout_states,
  Migration20261202130000_message_outcomes,
  Migration20261202140000_payout_adjustments,
  Migration20261203090000_message_outbox,
  Migration20261203100000_feedback,
  Migration20261203110000_loyalty,
  Migration20261203120000_campaigns,
  Migration20261203130000_corrections,
  Migration20261203140000_loyalty_guard_conditions,
  Migration20261204150000_campaign_recipients_statement_checks,
  Migration20261204152000_campaign_content_sids,
  Migration20261205090000_campaign_send_checks,
  Migration20261205100000_owner_opt_outs,
  Migration20261206090000_messages_patient_checks,
} satisfies Record<MigrationName, unknown>;

/**
 * Every migration, in the order of names.ts. Listed explicitly (MikroORM's `migrationsList`) so
 * that the same list works from TypeScript under vitest and from the compiled dist/ without
 * folder discovery.
 */
export const migrationsList = migrationNames.map((name) => ({ name, class: classes[name] }));
