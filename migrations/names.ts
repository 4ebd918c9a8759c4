/**
 * Every migration's name, in order: what `mikro_orm_migrations` holds once all are applied.
 * Apart from the classes (migrations/index.ts) so that opening an up-to-date database can check
 * for pending migrations without loading them or @mikro-orm/migrations.
 */
export const migrationNames = [
  'Migration20261125000000_foundation',
  'Migration20261125100000_owner_crm',
  'Migration20261125110000_messaging_appointments',
  'Migration20261125120000_revenue_rollup',
  'Migration20261125130000_transaction_copy',
  'Migration20261125140000_patient_keys_bytewise',
  'Migration20261126000000_patient_checks_per_statement',
  'Migration20261126100000_patient_contact_hash_indexes',
  'Migration20261126110000_patient_update_check_linear',
  'Migration20261202100000_access_control',
  'Migration20261202110000_money_bounds',
  'Migration20261202120000_payout_states',
  'Migration20261202130000_message_outcomes',
  'Migration20261202140000_payout_adjustments',
  'Migration20261203090000_message_outbox',
  'Migration20261203100000_feedback',
  'Migration20261203110000_loyalty',
  'Migration20261203120000_campaigns',
  'Migration20261203130000_corrections',
  'Migration20261203140000_loyalty_guard_conditions',
  'Migration20261204150000_campaign_recipients_statement_checks',
  'Migration20261204152000_campaign_content_sids',
  'Migration20261205090000_campaign_send_checks',
  'Migration20261205100000_owner_opt_outs',
  'Migration20261206090000_messages_patient_checks',
] as const;

export type MigrationName = (typeof migrationNames)[number];
