/**
 * npm run bench:analytics [-- --patients 1000000 --transactions 5000000 --appointments 2000000 --runs 5]
 *                         [--demo-patients 2000 | --skip-demo]
 *
 * 1. On PostgreSQL (BENCH_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres; data in
 *    the database crm_bench_analytics, dropped first): 50 hospitals with active contracts, 500
 *    doctors, `--patients` patients registered over two years, `--transactions` transactions and
 *    `--appointments` appointments (completed, no-show, cancelled) over the last twelve months,
 *    generated set-wise with generate_series (not timed), then a payout run for the month timed
 *    against. Timed, the built binary with its process start, median of `--runs` runs:
 *    `crm analytics dashboard --period 2026-11 --json` and `crm analytics hospitals --period
 *    2026-11 --json`; target ≤ 2 s each.
 * 2. `crm demo` at its default size (or `--demo-patients`) on a new embedded database in a
 *    temporary folder, once; target ≤ 60 s.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { benchArgs, countOption } from './args.js';

const options = benchArgs({
  patients: { type: 'string', default: '1000000' },
  transactions: { type: 'string', default: '5000000' },
  appointments: { type: 'string', default: '2000000' },
  runs: { type: 'string', default: '5' },
  'demo-patients': { type: 'string', default: '2000' },
  'skip-demo': { type: 'boolean', default: false },
});
const patients = countOption('patients', options.patients);
const transactions = countOption('transactions', options.transactions);
const appointments = countOption('appointments', options.appointments);
const runs = countOption('runs', options.runs);
const demoPatients = countOption('demo-patients', options['demo-patients']);
const root = join(import.meta.dirname, '..');
const crmBin = join(root, 'bin', 'crm.js');
const adminUrl = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const benchUrl = adminUrl.replace(/\/[^/]*$/, '/crm_bench_analytics');
const NOW = '2026-12-02T10:00:00+01:00';
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: benchUrl,
  CRM_NOW: NOW,
  CRM_OPERATOR: 'bench',
  NO_COLOR: '1',
};

function psql(url: string, sql: string): void {
  const r = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

function crm(args: string[], extraEnv: NodeJS.ProcessEnv = env): { seconds: number; stdout: string } {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [crmBin, ...args], {
    env: extraEnv,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`crm ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { seconds: seconds(start), stdout: r.stdout };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Inserts `total` rows with `sql` ($1 = first g, $2 = last g), a million at a time. */
async function inSlices(client: pg.Client, total: number, sql: string): Promise<void> {
  const slice = 1_000_000;
  for (let from = 1; from <= total; from += slice)
    await client.query(sql, [from, Math.min(total, from + slice - 1)]);
}

async function seed(): Promise<number> {
  psql(adminUrl, 'drop database if exists crm_bench_analytics with (force)');
  psql(adminUrl, 'create database crm_bench_analytics');
  crm(['db', 'migrate']);
  const start = process.hrtime.bigint();
  const client = new pg.Client({ connectionString: benchUrl });
  await client.connect();
  try {
    await client.query(
      `insert into hospital (code, name, state, city)
       select 'H-' || lpad(i::text, 3, '0'), 'Hospital ' || i, 'Lagos', 'Lagos' from generate_series(1, 50) i`,
    );
    await client.query(
      `insert into owner (name, kind, email, tax_type, bank_code, account_number)
       select 'Owner ' || i, 'company', 'owner' || i || '@example.ng', 'company', '058', '0123456785'
       from generate_series(1, 50) i`,
    );
    await client.query(
      `insert into contract (number, owner_id, hospital_id, share_bps, guarantee_kobo, frequency, start_date,
         status, activated_at)
       select 'CT-2025-' || lpad(i::text, 4, '0'), o.id, h.id, 7000, 100000000, 'monthly', date '2025-01-01',
              'active', timestamptz '2025-01-01 00:00+01'
       from generate_series(1, 50) i
       join hospital h on h.code = 'H-' || lpad(i::text, 3, '0')
       join owner o on o.name = 'Owner ' || i`,
    );
    await client.query(
      `insert into doctor (code, hospital_id, name, department)
       select 'DR-' || lpad(i::text, 4, '0'), h.id, 'Dr ' || i, 'general practice'
       from generate_series(1, 500) i join hospital h on h.code = 'H-' || lpad((1 + i % 50)::text, 3, '0')`,
    );
    await inSlices(
      client,
      patients,
      `insert into patient (hospital_id, first_name, last_name, phone, preferred_language, consent_sms, created_at)
       select h.id, 'Bench', 'Patient ' || g, '+234803' || lpad(g::text, 7, '0'),
              (array['en','pcm','yo','ha','ig'])[1 + g % 5], g % 10 <> 0,
              timestamptz '${NOW}' - make_interval(mins => ((g::bigint * 7919) % (730 * 24 * 60))::int)
       from generate_series($1::int, $2::int) g
       join hospital h on h.code = 'H-' || lpad((1 + g % 50)::text, 3, '0')`,
    );
    await inSlices(
      client,
      transactions,
      `insert into hospital_transaction (reference, hospital_id, occurred_at, amount_kobo, kind)
       select 'B-' || g, h.id,
              timestamptz '${NOW}' - make_interval(mins => ((g::bigint * 7919) % (365 * 24 * 60))::int),
              (500000 + (g::bigint * 104729) % 20000000), case when g % 40 = 0 then 'refund' else 'payment' end
       from generate_series($1::int, $2::int) g
       join hospital h on h.code = 'H-' || lpad((1 + g % 50)::text, 3, '0')`,
    );
    // Patients by number, doctors of the patient's hospital; all past (no slot is held).
    await client.query(
      'create temporary table p_n as select id, hospital_id, row_number() over (order by id) as n from patient',
    );
    await client.query('create index on p_n (n)');
    await client.query(
      'create temporary table d_n as select id, hospital_id, row_number() over (partition by hospital_id order by code) as n from doctor',
    );
    await inSlices(
      client,
      appointments,
      `insert into appointment (code, patient_id, doctor_id, hospital_id, type, status, starts_at, ends_at, created_at)
       select 'AP-' || lpad(g::text, 7, '0'), p.id, d.id, p.hospital_id, 'consultation',
              case when g % 100 < 78 then 'completed' when g % 100 < 90 then 'no_show' else 'cancelled' end,
              s.at, s.at + interval '30 minutes', s.at - interval '3 days'
       from generate_series($1::int, $2::int) g
       cross join lateral (select timestamptz '${NOW}' - interval '1 hour'
                                  - make_interval(mins => ((g::bigint * 7919) % (365 * 24 * 60))::int) as at) s
       join p_n p on p.n = 1 + (g::bigint * 31) % ${patients}
       join d_n d on d.hospital_id = p.hospital_id and d.n = 1 + g % 10`,
    );
    await client.query('vacuum analyze');
  } finally {
    await client.end();
  }
  crm(['payout', 'run', '--period', '2026-11', '--operator', 'ada', '--json']);
  return seconds(start);
}

console.log(
  `seeding ${patients.toLocaleString()} patients, ${transactions.toLocaleString()} transactions, ${appointments.toLocaleString()} appointments…`,
);
const seeded = await seed();
console.log(`seeded in ${seeded.toFixed(1)} s`);

const dashboardArgs = ['analytics', 'dashboard', '--period', '2026-11', '--json'];
const hospitalsArgs = ['analytics', 'hospitals', '--period', '2026-11', '--json'];
const check = JSON.parse(crm(dashboardArgs).stdout);
if (check.patients.total.value <= 0) throw new Error('the dashboard counts no patients');
const status: number[] = [];
const dashboard: number[] = [];
const hospitals: number[] = [];
for (let i = 0; i < runs; i++) {
  status.push(crm(['db', 'status']).seconds);
  dashboard.push(crm(dashboardArgs).seconds);
  hospitals.push(crm(hospitalsArgs).seconds);
}
const verdict = (s: number, target: number) =>
  `${s.toFixed(2)} s (target ≤ ${target} s: ${s <= target ? 'meets' : 'MISSES'})`;
console.log(
  `\n${patients.toLocaleString()} patients, ${transactions.toLocaleString()} transactions, ${appointments.toLocaleString()} appointments; median of ${runs} runs (built binary, wall time):`,
);
console.log(`  crm db status (start-up floor)   ${median(status).toFixed(2)} s`);
console.log(`  crm analytics dashboard          ${verdict(median(dashboard), 2)}`);
console.log(`  crm analytics hospitals          ${verdict(median(hospitals), 2)}`);
psql(adminUrl, 'drop database if exists crm_bench_analytics with (force)');

if (!options['skip-demo']) {
  const dir = mkdtempSync(join(tmpdir(), 'crm-bench-demo-'));
  try {
    const demoEnv: NodeJS.ProcessEnv = { ...process.env, CRM_DATA_DIR: dir, NO_COLOR: '1' };
    delete demoEnv.DATABASE_URL;
    delete demoEnv.CRM_NOW;
    const demo = crm(['demo', '--patients', String(demoPatients), '--json'], demoEnv);
    const built = JSON.parse(demo.stdout);
    if (built.counts.patients !== demoPatients)
      throw new Error(`the demo built ${built.counts.patients} patients`);
    console.log(`  crm demo --patients ${demoPatients} (new embedded database) ${verdict(demo.seconds, 60)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
