import { loadMikroMigrations } from '../src/core/db/mikro-orm.js';

const { Migration } = loadMikroMigrations();

/**
 * Patients are looked up by phone and by e-mail only for equality (`patient show PHONE`,
 * `opt-out`, the import's phone/e-mail + name de-duplication, referrers), never by range or in
 * their order. A hash index answers equality from one bucket page; a btree must descend three
 * levels comparing text at every step, and a hospital's export arrives in MRN order, which is
 * random order for phones and e-mails: measured per 880,000 new patients, the btree on phone cost
 * 2.7 s of an 8.4 s insert and the one on e-mail 0.75 s; as hash indexes both together cost ~1 s
 * less (docs/decisions.md). Hash indexes are crash-safe and replicated since PostgreSQL 10 (SPEC
 * asks for 13+). Many patients sharing one phone (a family's) share a bucket, which is what a
 * lookup wants anyway.
 *
 * The partial `patient_*_without_mrn` indexes stay btrees: they hold only patients recorded
 * without an MRN (none, for the usual MRN-keyed files), and a btree — unlike a hash index — can
 * also answer "is there any such patient?" without a value to look up, which the import asks for
 * every batch.
 */
const INDEXES = [
  ['patient_phone', 'phone', ''],
  ['patient_email', 'email', 'where email is not null'],
] as const;

export class Migration20261126100000_patient_contact_hash_indexes extends Migration {
  override async up(): Promise<void> {
    for (const [name, column, where] of INDEXES) {
      this.addSql(`drop index ${name};`);
      this.addSql(`create index ${name} on patient using hash (${column}) ${where};`);
    }
  }

  override async down(): Promise<void> {
    for (const [name, column, where] of INDEXES) {
      this.addSql(`drop index ${name};`);
      this.addSql(`create index ${name} on patient (${column}) ${where};`);
    }
  }
}
