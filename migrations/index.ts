import { Migration20261125000000_foundation } from './Migration20261125000000_foundation.js';
import { Migration20261125100000_owner_crm } from './Migration20261125100000_owner_crm.js';
import { Migration20261125110000_messaging_appointments } from './Migration20261125110000_messaging_appointments.js';
import { Migration20261125120000_revenue_rollup } from './Migration20261125120000_revenue_rollup.js';
import { Migration20261125130000_transaction_copy } from './Migration20261125130000_transaction_copy.js';
import { Migration20261125140000_patient_keys_bytewise } from './Migration20261125140000_patient_keys_bytewise.js';
import { Migration20261126000000_patient_checks_per_statement } from './Migration20261126000000_patient_checks_per_statement.js';
import { Migration20261126100000_patient_contact_hash_indexes } from './Migration20261126100000_patient_contact_hash_indexes.js';

/**
 * Every migration, in order. Listed explicitly (MikroORM's `migrationsList`) so that the same
 * list works from TypeScript under vitest and from the compiled dist/ without folder discovery.
 */
export const migrationsList = [
  { name: 'Migration20261125000000_foundation', class: Migration20261125000000_foundation },
  { name: 'Migration20261125100000_owner_crm', class: Migration20261125100000_owner_crm },
  {
    name: 'Migration20261125110000_messaging_appointments',
    class: Migration20261125110000_messaging_appointments,
  },
  { name: 'Migration20261125120000_revenue_rollup', class: Migration20261125120000_revenue_rollup },
  { name: 'Migration20261125130000_transaction_copy', class: Migration20261125130000_transaction_copy },
  {
    name: 'Migration20261125140000_patient_keys_bytewise',
    class: Migration20261125140000_patient_keys_bytewise,
  },
  {
    name: 'Migration20261126000000_patient_checks_per_statement',
    class: Migration20261126000000_patient_checks_per_statement,
  },
  {
    name: 'Migration20261126100000_patient_contact_hash_indexes',
    class: Migration20261126100000_patient_contact_hash_indexes,
  },
];
