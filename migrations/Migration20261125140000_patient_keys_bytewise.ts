import { loadMikroMigrations } from '../src/core/db/mikro-orm.js';

const { Migration } = loadMikroMigrations();

/**
 * A patient's MRN, phone (E.164) and e-mail (lower-cased at import) are identifiers, not words:
 * they are compared bytewise (`collate "C"`). Under the database's locale every comparison in
 * their indexes went through strcoll — a `perf` profile of a 1M-row import spent about a quarter
 * of PostgreSQL's time in btree text comparisons. Equality means the same thing under both for
 * these values; only the order of a listing sorted by them changes (bytewise, as they are stored).
 * The import's staging table declares the same collation for the columns compared with these.
 */
export class Migration20261125140000_patient_keys_bytewise extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table patient
  alter column external_id type text collate "C",
  alter column phone type text collate "C",
  alter column email type text collate "C";`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table patient
  alter column external_id type text collate "default",
  alter column phone type text collate "default",
  alter column email type text collate "default";`);
  }
}
