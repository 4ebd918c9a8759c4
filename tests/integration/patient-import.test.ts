import { mkdirSync, readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/database.js';
import { query } from '../../src/core/db/sql.js';
import { TooManyErrorsError } from '../../src/core/errors.js';
import { importPatients, type PatientImportInput } from '../../src/core/patients/patient-import.service.js';
import { fixedClock } from '../../src/core/time.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { makeHospital } from '../support/factories.js';
import { tempPath, writeTempFile } from '../support/files.js';
import { services } from '../support/services.js';

const clock = fixedClock(DateTime.fromISO('2026-11-25T10:00:00+01:00'));
const actor = { operator: 'tester', command: 'crm patient import' };
let tdb: TestDatabase;
let db: Database;

async function run(file: string, options: Partial<PatientImportInput> = {}) {
  return importPatients(services(db, { actor, clock }), { file, ...options });
}

async function patients() {
  return query<Record<string, unknown>>(
    db.em(),
    `select p.external_id, p.first_name, p.last_name, p.phone, p.email, to_char(p.date_of_birth, 'YYYY-MM-DD') as dob,
       p.gender, p.preferred_language, p.consent_sms, h.code as hospital, r.first_name as referrer
     from patient p left join hospital h on h.id = p.hospital_id left join patient r on r.id = p.referred_by
     order by p.last_name, p.first_name, h.code, p.external_id`,
  );
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await tdb.open();
  for (const code of ['LAG-001', 'ABJ-001']) {
    await makeHospital(services(db, { actor: actor }), { code, name: code });
  }
});

afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});

beforeEach(async () => {
  await query(db.em(), 'update patient set referred_by = null');
  await query(db.em(), 'delete from patient');
  await query(db.em(), 'delete from patient_import');
});

describe('patient import', () => {
  it('reads BOM, CRLF, semicolons and quoted fields with delimiters and newlines', async () => {
    const file = writeTempFile(
      '\uFEFFFirst Name;Surname;Phone Number;Address;DOB\r\n' +
        'Adaeze;Okafor;0803 123 4567;"12 Allen Avenue; Ikeja\r\nLagos";14/03/1988\r\n' +
        '"Babatunde";"Adeyemi";+234 805 987 6543;"Plot 5, ""Green"" Estate";1975-11-02\r\n',
    );
    const result = await run(file);
    expect(result).toMatchObject({
      inserted: 2,
      updated: 0,
      unchanged: 0,
      rejected: 0,
      errorsFile: null,
      rows: 2,
    });
    const rows = await query<{ address: string; dob: string }>(
      db.em(),
      "select address, to_char(date_of_birth, 'YYYY-MM-DD') as dob from patient order by first_name",
    );
    expect(rows).toEqual([
      { address: '12 Allen Avenue; Ikeja Lagos', dob: '1988-03-14' },
      { address: 'Plot 5, "Green" Estate', dob: '1975-11-02' },
    ]);
  });

  it('stores every value as written: names in any script, dates around 2000-01-01, hospitals, consents', async () => {
    const file = writeTempFile(
      'mrn,hospital,first name,last name,phone,email,dob,address,sms consent,whatsapp consent\n' +
        'Ọ-1,LAG-001,Ọláyínká,Àdèbáyọ̀,0803 123 4567,,1999-12-31,"Ẹ̀kọ́ Hotel, V/I \\ 🏥",yes,\n' +
        'Ɗ-2,ABJ-001,Ɗanjuma,Ƙwairanga,,dan@example.ng,01/01/2000,"Wuse II\tAbuja",no,yes\n' +
        'N-3,,Ngozi,Nwankwọ,0805 987 6543,,1900-01-01,,,\n' +
        'N-4,ABJ-001,Chiọma,Eze,0807 000 0000,,29/02/2024,,,\n',
    );
    expect(await run(file)).toMatchObject({ inserted: 4, rejected: 0 });
    const rows = await query<Record<string, unknown>>(
      db.em(),
      `select p.external_id, h.code as hospital, p.first_name, p.last_name, p.phone, p.email,
         to_char(p.date_of_birth, 'YYYY-MM-DD') as dob, p.address, p.consent_sms, p.consent_whatsapp
       from patient p left join hospital h on h.id = p.hospital_id order by p.external_id collate "C"`,
    );
    expect(rows).toEqual([
      {
        external_id: 'N-3',
        hospital: null,
        first_name: 'Ngozi',
        last_name: 'Nwankwọ',
        phone: '+2348059876543',
        email: null,
        dob: '1900-01-01',
        address: null,
        consent_sms: false,
        consent_whatsapp: false,
      },
      {
        external_id: 'N-4',
        hospital: 'ABJ-001',
        first_name: 'Chiọma',
        last_name: 'Eze',
        phone: '+2348070000000',
        email: null,
        dob: '2024-02-29',
        address: null,
        consent_sms: false,
        consent_whatsapp: false,
      },
      {
        external_id: 'Ɗ-2',
        hospital: 'ABJ-001',
        first_name: 'Ɗanjuma',
        last_name: 'Ƙwairanga',
        phone: null,
        email: 'dan@example.ng',
        dob: '2000-01-01',
        address: 'Wuse II Abuja',
        consent_sms: false,
        consent_whatsapp: true,
      },
      {
        external_id: 'Ọ-1',
        hospital: 'LAG-001',
        first_name: 'Ọláyínká',
        last_name: 'Àdèbáyọ̀',
        phone: '+2348031234567',
        email: null,
        dob: '1999-12-31',
        address: 'Ẹ̀kọ́ Hotel, V/I \\ 🏥',
        consent_sms: true,
        consent_whatsapp: false,
      },
    ]);
  });

  it('normalises every phone form to E.164 and rejects bad rows into the errors file', async () => {
    const errorsFile = tempPath('rejected.csv');
    const file = writeTempFile(
      [
        'first_name,last_name,phone,email',
        'A,One,08031234567,',
        'B,Two,2348031234568,',
        'C,Three,+234 803 123 4569,',
        'D,Four,0803-123-4570,',
        'E,Five,+234(0)8031234571,',
        'F,Six,0803123,',
        'G,Seven,,not-an-email',
        'H,Eight,=HYPERLINK("x"),',
        'I,Nine',
      ].join('\n'),
    );
    const result = await run(file, { errorsFile });
    expect(result).toMatchObject({ inserted: 5, rejected: 4, errorsFile });
    expect((await patients()).map((p) => p.phone)).toEqual([
      '+2348031234571',
      '+2348031234570',
      '+2348031234567',
      '+2348031234569',
      '+2348031234568',
    ]);
    const errors = readFileSync(errorsFile, 'utf8');
    expect(errors.charCodeAt(0)).toBe(0xfeff);
    const lines = errors.slice(1).trim().split('\n');
    expect(lines[0]).toBe('row,column,value,reason,first_name,last_name,phone,email');
    expect(lines[1]).toBe('7,phone,0803123,phone: too short,F,Six,0803123,');
    expect(lines[2]).toBe('8,email,not-an-email,email: not an e-mail address,G,Seven,,not-an-email');
    // Formula injection: the cell is made text for spreadsheet programs.
    expect(lines[3]).toContain(`'=HYPERLINK`);
    expect(lines[4]).toBe('10,*,,"*: has 2 fields, the header has 4",I,Nine');
  });

  it('de-duplicates within the file and against the database; updates only non-empty new values', async () => {
    await run(
      writeTempFile(
        'mrn,first name,last name,phone,email,language\nM1,Ada,Obi,08031234567,ada@x.ng,ig\nM2,Bola,Ade,08051234567,,\n',
      ),
      { hospitalCode: 'LAG-001' },
    );
    const second = writeTempFile(
      [
        'mrn,first name,last name,phone,email,language,hospital',
        'M1,Ada,Obi,,ada@x.ng,yo,', // same MRN: language changes, the empty phone leaves theirs
        ',BOLA,ADE,08051234567,bola@x.ng,,', // no MRN: same phone + name (any case) → updates e-mail and name case
        'M3,Chi,Eze,08071234567,,,', // new
        'M3,Chi,Eze,08071234567,,,', // repeated in the file: merged, counted unchanged
        'M1,Ada,Obi,08031234567,,,ABJ-001', // same MRN at another hospital: another patient
      ].join('\n'),
    );
    const result = await run(second, { hospitalCode: 'LAG-001' });
    expect(result).toMatchObject({ inserted: 2, updated: 2, unchanged: 1, rejected: 0 });
    const rows = await patients();
    expect(
      rows.map((r) => [r.external_id, r.first_name, r.phone, r.email, r.preferred_language, r.hospital]),
    ).toEqual([
      ['M2', 'BOLA', '+2348051234567', 'bola@x.ng', 'en', 'LAG-001'],
      ['M3', 'Chi', '+2348071234567', null, 'en', 'LAG-001'],
      ['M1', 'Ada', '+2348031234567', null, 'en', 'ABJ-001'],
      ['M1', 'Ada', '+2348031234567', 'ada@x.ng', 'yo', 'LAG-001'],
    ]);
    // Re-importing the same file changes nothing.
    const again = await run(second, { hospitalCode: 'LAG-001' });
    expect(again).toMatchObject({ inserted: 0, updated: 0, rejected: 0 });
    expect(await patients()).toEqual(rows);
  });

  it('links referrals by phone or MRN and reports unknown referrers without rejecting the row', async () => {
    const warnings: string[] = [];
    const file = writeTempFile(
      'mrn,first,last,phone,referred by\nR1,Ada,Obi,08031234567,\nR2,Bola,Ade,08051234567,0803 123 4567\nR3,Chi,Eze,08071234567,R1\nR4,Dan,Uko,08091234567,08000000000\n',
    );
    const result = await run(file, { onWarning: (m) => warnings.push(m) });
    expect(result).toMatchObject({ inserted: 4, rejected: 0, unknownReferrers: 1 });
    expect((await patients()).map((p) => [p.first_name, p.referrer])).toEqual([
      ['Bola', 'Ada'],
      ['Chi', 'Ada'],
      ['Ada', null],
      ['Dan', null],
    ]);
    expect(warnings.join('\n')).toMatch(/row 5: referred_by "08000000000" is not a known patient/);
  });

  it('--dry-run counts exactly what a real run would do and writes nothing', async () => {
    const file = writeTempFile(
      'first,last,phone\nA,One,08031234567\nA,One,08031234567\nB,Two,08051234567\nC,Three,123\n',
    );
    const dry = await run(file, { dryRun: true, batchSize: 2 });
    expect(dry).toMatchObject({ inserted: 2, updated: 0, unchanged: 1, rejected: 1, dryRun: true });
    expect(await patients()).toEqual([]);
    expect(await query(db.em(), 'select * from patient_import')).toEqual([]);
    const real = await run(file, { batchSize: 2 });
    expect(real).toMatchObject({ inserted: 2, updated: 0, unchanged: 1, rejected: 1 });
  });

  it('finds a patient written by the batch just before, one row per batch (batches overlap on PostgreSQL)', async () => {
    const lines = ['mrn,first,last,phone,email'];
    for (let i = 0; i < 12; i++) {
      // Each patient twice in a row (MRN, then phone + name without MRN, then e-mail + name):
      // with one row per batch the repeat is always in the next batch.
      lines.push(`M${i},P${i},X,080312345${String(i).padStart(2, '0')},`);
      if (i % 3 === 0) lines.push(`M${i},P${i},X,,p${i}@example.ng`);
      else if (i % 3 === 1) lines.push(`,p${i},x,080312345${String(i).padStart(2, '0')},p${i}@example.ng`);
      else lines.push(`M${i},P${i},X,080312345${String(i).padStart(2, '0')},`);
    }
    const file = writeTempFile(`${lines.join('\n')}\n`);
    const dry = await run(file, { dryRun: true, batchSize: 1 });
    const real = await run(file, { batchSize: 1 });
    expect(real).toMatchObject({ inserted: 12, updated: 8, unchanged: 4, rejected: 0 });
    expect(dry).toMatchObject({ inserted: 12, updated: 8, unchanged: 4, rejected: 0 });
    const rows = await query<{ external_id: string; email: string | null; first_name: string }>(
      db.em(),
      'select external_id, email, first_name from patient order by external_id',
    );
    expect(rows).toHaveLength(12);
    expect(rows.find((r) => r.external_id === 'M0')).toMatchObject({ email: 'p0@example.ng' });
    // A later row's non-empty values win, the name's spelling included.
    expect(rows.find((r) => r.external_id === 'M1')).toMatchObject({
      email: 'p1@example.ng',
      first_name: 'p1',
    });
  });

  it('--max-errors stops before writing the batch in which it is exceeded', async () => {
    const lines = ['first,last,phone'];
    for (let i = 0; i < 10; i++) lines.push(`P${i},X,080312345${String(i).padStart(2, '0')}`);
    lines.push('Bad,One,1', 'Bad,Two,2', 'Bad,Three,3');
    for (let i = 10; i < 15; i++) lines.push(`P${i},X,080312345${String(i).padStart(2, '0')}`);
    const error = await run(writeTempFile(lines.join('\n')), { maxErrors: 2, batchSize: 5 }).catch((e) => e);
    expect(error).toBeInstanceOf(TooManyErrorsError);
    expect(error.exitCode).toBe(3);
    expect(error.message).toMatch(/more than 2 rows rejected; stopped at row 14/);
    // Batches [1-5] and [6-10] were written; the batch of row 14 (rows 11-15) and later were not.
    expect((await patients()).length).toBe(10);
  });

  it('refuses an unknown --hospital and unknown hospital codes in rows', async () => {
    await expect(
      run(writeTempFile('first,last,phone\nA,B,08031234567\n'), { hospitalCode: 'NOPE-1' }),
    ).rejects.toThrow('hospital not found: NOPE-1');
    const result = await run(
      writeTempFile('first,last,phone,hospital\nA,B,08031234567,XYZ-9\nC,D,08051234567,abj-001\n'),
    );
    expect(result).toMatchObject({ inserted: 1, rejected: 1 });
  });

  it('resumes after an interruption from the last committed batch, ending as one clean run would', async () => {
    const lines = ['mrn,first,last,phone'];
    for (let i = 0; i < 50; i++)
      lines.push(`K${i},Name${i},Family,0803${String(1000000 + i).padStart(7, '0')}`);
    const file = writeTempFile(lines.join('\n'));
    // Simulate a crash in the third batch (the first batch of a file is split: rows 1-2, 3-10,
    // 11-20): the checkpoint says 20 rows are committed.
    let batches = 0;
    const interrupted = await run(file, {
      batchSize: 10,
      onProgress: () => {
        batches++;
        if (batches === 3) throw new Error('simulated crash');
      },
    }).catch((e) => e);
    expect(interrupted.message).toBe('simulated crash');
    const [checkpoint] = await query<{ rows_committed: number }>(
      db.em(),
      'select rows_committed from patient_import',
    );
    expect(checkpoint.rows_committed).toBeGreaterThanOrEqual(20);
    const resumed = await run(file, { batchSize: 10 });
    expect(resumed).toMatchObject({ inserted: 50, updated: 0, unchanged: 0, rejected: 0 });
    expect(resumed.resumedRows).toBe(checkpoint.rows_committed);
    expect((await patients()).length).toBe(50);
    // One audit row per committed batch (2, 10, 20, 30, 40, 50 rows), none twice.
    const audit = await query<{ n: number }>(
      db.em(),
      "select count(*)::int as n from audit_log where entity = 'patient_import' and entity_id = (select id::text from patient_import)",
    );
    expect(audit[0].n).toBe(6);
  });

  it('refuses files without the required columns (exit 3) and empty files', async () => {
    await expect(run(writeTempFile('name,phone\nAda Obi,08031234567\n'))).rejects.toMatchObject({
      exitCode: 3,
    });
    await expect(run(writeTempFile(''))).rejects.toMatchObject({ exitCode: 3 });
    await expect(run('/no/such/file.csv')).rejects.toMatchObject({ exitCode: 4 });
    // A path through a file names nothing either (ENOTDIR, not ENOENT).
    await expect(run(`${writeTempFile('x')}/patients.csv`)).rejects.toMatchObject({ exitCode: 4 });
  });

  it('refuses a directory, spreadsheet workbooks and an --errors file it cannot write, writing nothing', async () => {
    const directory = tempPath('a-folder');
    mkdirSync(directory);
    await expect(run(directory)).rejects.toMatchObject({
      exitCode: 3,
      message: `file: is a directory, not a CSV file (got ${JSON.stringify(directory)})`,
    });
    // The first bytes of an .xlsx (a ZIP archive) and of an .xls (an OLE2 compound file).
    for (const head of ['504b0304140006000800', 'd0cf11e0a1b11ae10000']) {
      const workbook = writeTempFile(
        Buffer.concat([Buffer.from(head, 'hex'), Buffer.from('\nChi,Eze,08051234567\n')]),
      );
      await expect(run(workbook)).rejects.toMatchObject({
        exitCode: 3,
        code: 'import_not_csv',
      });
    }
    // --errors that cannot be written is refused before anything is read, not at the first bad row.
    const good = writeTempFile('First Name,Surname,Mobile\nChi,Eze,08051234567\nBad,Row,12\n');
    for (const [errorsFile, problem] of [
      [`${directory}/missing/errors.csv`, `there is no folder ${directory}/missing`],
      [directory, 'it is a folder'],
      [`${good}/errors.csv`, `there is no folder ${good}`], // a path through a file (ENOTDIR)
    ]) {
      await expect(run(good, { errorsFile })).rejects.toMatchObject({
        exitCode: 3,
        message: `--errors: cannot be written: ${problem} (got ${JSON.stringify(errorsFile)})`,
      });
    }
    expect(await patients()).toEqual([]);
    expect(await query(db.em(), 'select 1 from patient_import')).toEqual([]);
  });

  it('stops at a quote that is never closed (exit 3, naming the row); batches before it stay imported', async () => {
    // Ten rows per batch: the first batches are written before the reader meets the open quote.
    const rows = Array.from({ length: 25 }, (_, i) => `Ada${i},Obi,0803123${String(4500 + i)}`);
    rows[21] = `"${rows[21]}`;
    const file = writeTempFile(`First Name,Surname,Mobile\n${rows.join('\n')}\n`);
    await expect(run(file, { batchSize: 10 })).rejects.toMatchObject({
      exitCode: 3,
      code: 'import_malformed_csv',
      message: `file: row 23 opens a quoted field that is never closed (the file ends inside the quotes); close it and import the file again (got ${JSON.stringify(file)})`,
    });
    expect((await patients()).length).toBe(20);
  });

  it('rejects the cells of a file that is not UTF-8 (saved as Windows-1252), importing the rest as written', async () => {
    const windows1252 = Buffer.concat([
      Buffer.from('First Name,Surname,Mobile\nJos', 'latin1'),
      Buffer.from([0xe9]), // é in Windows-1252; not UTF-8 on its own
      Buffer.from(',Okafor,08031234501\nAda,Obi,08031234502\n', 'latin1'),
    ]);
    const errorsFile = tempPath('not-utf8-errors.csv');
    const result = await run(writeTempFile(windows1252), { errorsFile });
    expect([result.inserted, result.rejected]).toEqual([1, 1]);
    expect((await patients()).map((p) => p.first_name)).toEqual(['Ada']);
    const [, rejected] = readFileSync(errorsFile, 'utf8').trim().split('\n');
    expect(rejected).toMatch(/^2,first_name,Jos\uFFFD,"first_name: is not UTF-8 text \(/);
  });
});
