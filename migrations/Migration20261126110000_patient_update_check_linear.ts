import { loadMikroMigrations } from '../src/core/db/mikro-orm.js';
import { REFERENCE_CHECK } from './Migration20261126000000_patient_checks_per_statement.js';

const { Migration } = loadMikroMigrations();

/** The statement-level reference check of `patient` (migration 20261126000000), its UPDATE test given. */
const checkReferences = (referencesChanged: string) => `
create or replace function patient_check_references() returns trigger language plpgsql as $$
declare
  ids uuid[];
  missing uuid;
begin
  if TG_OP = 'UPDATE' then
    -- Only rows whose references changed need a check (a foreign key skips the others too).
    if not exists (${referencesChanged}) then
      return null;
    end if;
  end if;
${REFERENCE_CHECK('hospital_id', 'hospital')}
${REFERENCE_CHECK('referred_by', 'patient')}
  return null;
end $$;`;

/**
 * An UPDATE of many patients found the rows whose references changed by joining the statement's
 * new and old rows on id. Transition tables have no index, and the import runs its batches with
 * hash and merge joins off (see patient-import.service.ts), so that join was a nested loop over
 * both: a re-import of 200,000 changed patients took 138 s instead of ~4 s. A patient's id never
 * changes (trigger patient_id_is_fixed), so "some row's references changed" is "some new
 * (id, hospital_id, referred_by) is not among the old ones": an EXCEPT, hashed or sorted whatever
 * the join settings — linear. NULLs compare as equal in it, as `is distinct from` did.
 */
export class Migration20261126110000_patient_update_check_linear extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      checkReferences(`select n.id, n.hospital_id, n.referred_by from new_rows n
        except select o.id, o.hospital_id, o.referred_by from old_rows o`),
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      checkReferences(`select 1 from new_rows n join old_rows o on o.id = n.id
                   where n.hospital_id is distinct from o.hospital_id
                      or n.referred_by is distinct from o.referred_by`),
    );
  }
}
