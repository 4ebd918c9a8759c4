/**
 * npm run bench:loyalty [-- --patients 200000] [--entries 2000000] [--runs 20]
 *
 * On PostgreSQL (BENCH_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres; the data goes
 * to the database BENCH_DATABASE, default crm_bench_loyalty, dropped first). Data is generated
 * with SQL, not timed: `--patients` patients and `--entries` earning entries (with their lots)
 * spread over the last 24 months, so about half of them are due to expire.
 * Timed, the built binary with its process start:
 * 1. `crm db status`, `crm loyalty show`, `crm loyalty award` (each a different patient), median
 *    of `--runs` runs each, interleaved; target show and award ≤ 1.3× db status.
 * 2. `crm loyalty expire --yes` over the whole set; target ≤ 30 s.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { benchArgs, countOption } from './args.js';

const options = benchArgs({
  patients: { type: 'string', default: '200000' },
  entries: { type: 'string', default: '2000000' },
  runs: { type: 'string', default: '20' },
});
const patients = countOption('patients', options.patients);
const entries = countOption('entries', options.entries);
const runs = countOption('runs', options.runs);
const root = join(import.meta.dirname, '..');
const adminUrl = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const benchDatabase = process.env.BENCH_DATABASE ?? 'crm_bench_loyalty';
if (!/^[a-z_][a-z0-9_]*$/.test(benchDatabase))
  throw new Error(`BENCH_DATABASE: not a plain name: ${benchDatabase}`);
const benchUrl = adminUrl.replace(/\/[^/]*$/, `/${benchDatabase}`);
const crmBin = join(root, 'bin', 'crm.js');
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: benchUrl,
  CRM_OPERATOR: 'bench',
  NO_COLOR: '1',
  CRM_NOW: '2026-12-02T10:00:00+01:00',
};

function psql(url: string, sql: string): void {
  const r = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
}

async function timed(argv: string[]): Promise<{ seconds: number; stdout: string }> {
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, [crmBin, ...argv], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  const code: number = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  if (code !== 0) throw new Error(`crm ${argv.join(' ')} exited ${code}`);
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, stdout };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function setUp(client: pg.Client): Promise<void> {
  const setupStart = Date.now();
  psql(adminUrl, `drop database if exists ${benchDatabase} with (force)`);
  psql(adminUrl, `create database ${benchDatabase}`);
  spawnSync(process.execPath, [crmBin, 'db', 'migrate'], { env, stdio: 'inherit' });
  await client.connect();
  await client.query(
    `insert into hospital (code, name, state, city)
     select 'B-' || lpad(g::text, 3, '0'), 'Bench Hospital ' || g, 'Lagos', 'Lagos' from generate_series(1, 20) g`,
  );
  await client.query(
    `insert into patient (first_name, last_name, phone, hospital_id, external_id)
     select 'Bench', 'Patient ' || g, '+23480' || lpad(g::text, 8, '0'),
            (select id from hospital where code = 'B-' || lpad((1 + g % 20)::text, 3, '0')), 'MRN-' || g
     from generate_series(1, $1) g`,
    [patients],
  );
  // Earnings spread over the last 24 months (one statement: the ledger trigger updates each
  // account once), then their lots.
  await client.query(
    `insert into loyalty_transactions (patient_id, points, kind, reason, source_key, created_at)
     select p.id, 10 + (g % 50), 'earn', 'bench', 'bench:' || g,
            timestamptz '2026-12-02 09:00+01' - make_interval(mins => ((g::bigint * 7919) % (730 * 24 * 60))::int)
     from generate_series(1, $1) g
     join (select id, row_number() over (order by id) as n from patient) p on p.n = 1 + g % $2`,
    [entries, patients],
  );
  await client.query(
    `insert into loyalty_lot (transaction_id, patient_id, points, remaining, earned_at)
     select id, patient_id, points, points, created_at from loyalty_transactions`,
  );
  await client.query('vacuum analyze');
  console.log(`set up in ${((Date.now() - setupStart) / 1000).toFixed(0)} s`);
}

console.log(
  `setting up ${patients.toLocaleString()} patients and ${entries.toLocaleString()} ledger entries (not timed)…`,
);
const client = new pg.Client({ connectionString: benchUrl });
// BENCH_REUSE=1: time the commands on the data a previous run generated (setup takes minutes).
if (process.env.BENCH_REUSE !== '1') await setUp(client);
else await client.connect();
// By id: not every generated number is a valid Nigerian mobile, and a phone that is not reads as an MRN.
const sample = await client.query<{ phone: string }>(
  `select id::text as phone from patient order by id limit $1`,
  [runs * 2],
);
await client.end();

const status: number[] = [];
const show: number[] = [];
const award: number[] = [];
for (let i = 0; i < runs; i++) {
  status.push((await timed(['db', 'status'])).seconds);
  show.push((await timed(['loyalty', 'show', sample.rows[i].phone, '--json'])).seconds);
  award.push(
    (
      await timed([
        'loyalty',
        'award',
        sample.rows[runs + i].phone,
        '--points',
        '5',
        '--reason',
        'bench',
        '--json',
      ])
    ).seconds,
  );
}
const base = median(status);
console.log(`db status       median ${base.toFixed(3)} s`);
console.log(
  `loyalty show    median ${median(show).toFixed(3)} s  (${(median(show) / base).toFixed(2)}× db status; target ≤ 1.3×)`,
);
console.log(
  `loyalty award   median ${median(award).toFixed(3)} s  (${(median(award) / base).toFixed(2)}× db status; target ≤ 1.3×)`,
);
const expire = await timed(['loyalty', 'expire', '--yes', '--json']);
console.log(
  `loyalty expire  ${expire.seconds.toFixed(1)} s (target ≤ 30 s): ${expire.stdout.replace(/\s+/g, ' ')}`,
);
