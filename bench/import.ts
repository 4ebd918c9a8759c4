/**
 * npm run bench:import [-- --rows 1000000] [--embedded]
 *
 * Times `crm patient import` (the built binary) against `psql \copy` of the same file into a table
 * that carries the keys an import needs (the reference of the issue), in the same run. 10% of the
 * file's rows repeat patients already in the database (seeded first, not timed).
 *
 * With --embedded the target is an absolute rate (≥ 40,000 rows/s), but this machine's
 * speed changes by a factor of two to three from one day to the next. So the run also times the
 * same reference on PGlite (its COPY of the same columns into import_ref, with PGlite's start and
 * close), which tells how fast today's machine is; the ratio to it compares code across days.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { benchArgs, countOption } from './args.js';
import { generatePatientsCsv } from './generate-patients.js';

const options = benchArgs({
  rows: { type: 'string', default: '1000000' },
  embedded: { type: 'boolean', default: false },
});
const rows = countOption('rows', options.rows);
const embedded = options.embedded === true;
const root = join(import.meta.dirname, '..');
const dataDir = join(root, 'bench', 'data');
mkdirSync(dataDir, { recursive: true });
const adminUrl = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const benchUrl = adminUrl.replace(/\/[^/]*$/, '/crm_bench');

function psql(url: string, sql: string): void {
  const r = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
}

/** Runs a command, sampling its peak RSS (VmHWM) from /proc while it runs. */
async function timed(
  cmd: string,
  argv: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ seconds: number; peakRssMb: number; stdout: string }> {
  const start = process.hrtime.bigint();
  const child = spawn(cmd, argv, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  let peak = 0;
  const sample = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]));
    } catch {}
  };
  const timer = setInterval(sample, 25);
  const code: number = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  clearInterval(timer);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (code !== 0 && code !== 6) throw new Error(`${cmd} exited ${code}`);
  return { seconds, peakRssMb: peak / 1024, stdout };
}

const IMPORT_REF_TABLE =
  'create table import_ref (id bigserial primary key, external_id text unique, first_name text, last_name text, phone text, email text, date_of_birth text, gender text, created_at timestamptz not null default now()); create index on import_ref (phone);';
// The reference loads the same columns (language and consent are left out: the table has none).
const IMPORT_REF_COLUMNS = '(external_id, first_name, last_name, phone, email, date_of_birth, gender)';

/**
 * The reference on the embedded database: PGlite opens a database holding an empty import_ref,
 * COPYs the file's first seven columns into it and closes (initdb and the cut of the columns are
 * not timed). In this process: a child would add a TypeScript loader's start to the time.
 */
async function embeddedReference(csv: string): Promise<number> {
  const dir = join(dataDir, 'embedded-ref');
  const columns = join(dataDir, 'embedded-ref.csv');
  rmSync(dir, { recursive: true, force: true });
  writeFileSync(columns, spawnSync('cut', ['-d,', '-f1-7', csv], { maxBuffer: 1 << 30 }).stdout);
  const init = await PGlite.create({ dataDir: dir });
  await init.exec(IMPORT_REF_TABLE);
  await init.close();
  const start = process.hrtime.bigint();
  const db = await PGlite.create({ dataDir: dir });
  await db.query(
    `copy import_ref ${IMPORT_REF_COLUMNS} from '/dev/blob' with (format csv, header true)`,
    [],
    {
      blob: new Blob([readFileSync(columns)]),
    },
  );
  await db.close();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  rmSync(columns);
  return seconds;
}

const file = join(dataDir, `patients-${rows}.csv`);
const seedFile = join(dataDir, `patients-seed-${rows}.csv`);
console.log(`generating ${rows.toLocaleString()} rows…`);
await generatePatientsCsv({ path: file, rows, firstIndex: 0, seed: 1 });
// The seed holds every 10th patient of the file: the timed import finds them already known.
await generatePatientsCsv({
  path: seedFile,
  rows: Math.floor(rows / 10),
  firstIndex: 0,
  seed: 1,
  invalidShare: 0,
});
console.log(`file: ${(statSync(file).size / 1e6).toFixed(1)} MB`);

const env: NodeJS.ProcessEnv = { ...process.env, CRM_OPERATOR: 'bench', NO_COLOR: '1' };
let target: string;
if (embedded) {
  const dir = join(dataDir, 'embedded');
  rmSync(dir, { recursive: true, force: true });
  env.CRM_DATA_DIR = dir;
  delete env.DATABASE_URL;
  target = 'embedded PGlite';
} else {
  psql(adminUrl, 'drop database if exists crm_bench with (force)');
  psql(adminUrl, 'create database crm_bench');
  env.DATABASE_URL = benchUrl;
  spawnSync(process.execPath, [join(root, 'bin/crm.js'), 'db', 'migrate'], { env, stdio: 'inherit' });
  target = 'PostgreSQL';
}
await timed(process.execPath, [join(root, 'bin/crm.js'), 'patient', 'import', seedFile, '--json'], env);

const crm = await timed(
  process.execPath,
  [join(root, 'bin/crm.js'), 'patient', 'import', file, '--json'],
  env,
);
console.log(`crm patient import (${target}): ${crm.stdout.replace(/\s+/g, ' ').trim()}`);
const crmRate = rows / crm.seconds;

let refRate: number;
if (embedded) {
  const seconds = await embeddedReference(file);
  refRate = rows / seconds;
  console.log(`PGlite COPY into import_ref: ${seconds.toFixed(2)} s`);
} else {
  psql(benchUrl, 'drop table if exists import_ref');
  psql(benchUrl, IMPORT_REF_TABLE);
  const ref = await timed(
    'bash',
    [
      '-c',
      `cut -d, -f1-7 '${file}' | psql '${benchUrl}' -v ON_ERROR_STOP=1 -q -c "\\copy import_ref ${IMPORT_REF_COLUMNS} from stdin with (format csv, header true)"`,
    ],
    env,
  );
  refRate = rows / ref.seconds;
  console.log(`psql \\copy into import_ref: ${ref.seconds.toFixed(2)} s`);
}

console.log('');
console.log(`rows:                 ${rows.toLocaleString()}`);
console.log(
  `crm patient import:   ${crm.seconds.toFixed(2)} s, ${Math.round(crmRate).toLocaleString()} rows/s, peak RSS ${crm.peakRssMb.toFixed(0)} MB`,
);
const ratio = (crmRate / refRate).toFixed(2);
if (embedded) {
  console.log(
    `PGlite COPY reference: ${Math.round(refRate).toLocaleString()} rows/s (how fast this machine is today)`,
  );
  console.log(`ratio crm / reference: ${ratio}`);
  console.log('target on the embedded database: ≥ 40,000 rows/s');
} else {
  console.log(`psql \\copy reference: ${Math.round(refRate).toLocaleString()} rows/s`);
  console.log(`ratio crm / reference: ${ratio} (target ≥ 0.50)`);
}
