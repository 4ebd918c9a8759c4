/**
 * npm run bench:payout [-- --hospitals 2000] [--transactions 5000000] [--import-rows 1000000]
 *
 * On PostgreSQL (BENCH_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres; the data goes
 * to the database BENCH_DATABASE, default crm_bench_payout, dropped first):
 * 1. `crm payout run --period 2026-10` (the built binary, process start included) over
 *    `--hospitals` hospitals with active monthly contracts and `--transactions` transactions in
 *    October, against the hand-written `select hospital_id, sum(amount_kobo) … group by
 *    hospital_id` over the same period, in the same run. Data is generated with SQL, not timed.
 * 2. `crm transaction import` of `--import-rows` new rows against `psql \copy` of the same file
 *    into `tx_ref (id bigserial primary key, reference text unique, …)`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { benchArgs, countOption } from './args.js';

const options = benchArgs({
  hospitals: { type: 'string', default: '2000' },
  transactions: { type: 'string', default: '5000000' },
  'import-rows': { type: 'string', default: '1000000' },
});
const hospitals = countOption('hospitals', options.hospitals);
const transactions = countOption('transactions', options.transactions);
const importRows = countOption('import-rows', options['import-rows']);
const root = join(import.meta.dirname, '..');
const dataDir = join(root, 'bench', 'data');
mkdirSync(dataDir, { recursive: true });
const adminUrl = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// BENCH_DATABASE names the (dropped and re-created) database, for runs side by side.
const benchDatabase = process.env.BENCH_DATABASE ?? 'crm_bench_payout';
if (!/^[a-z_][a-z0-9_]*$/.test(benchDatabase))
  throw new Error(`BENCH_DATABASE: not a plain name: ${benchDatabase}`);
const benchUrl = adminUrl.replace(/\/[^/]*$/, `/${benchDatabase}`);
const crmBin = join(root, 'bin', 'crm.js');
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: benchUrl,
  CRM_OPERATOR: 'bench',
  NO_COLOR: '1',
  // After the November rows the import adds: transactions dated after now + 1 day are rejected.
  CRM_NOW: '2026-12-01T09:00:00+01:00',
};

function psql(url: string, sql: string): void {
  const r = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
}

async function timed(cmd: string, argv: string[]): Promise<{ seconds: number; stdout: string }> {
  const start = process.hrtime.bigint();
  const child = spawn(cmd, argv, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  const code: number = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  if (code !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited ${code}`);
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, stdout };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(
  `setting up ${hospitals} hospitals and ${transactions.toLocaleString()} transactions (not timed)…`,
);
psql(adminUrl, `drop database if exists ${benchDatabase} with (force)`);
psql(adminUrl, `create database ${benchDatabase}`);
spawnSync(process.execPath, [crmBin, 'db', 'migrate'], { env, stdio: 'inherit' });
const client = new pg.Client({ connectionString: benchUrl });
await client.connect();
await client.query(
  `insert into hospital (code, name, state, city)
   select 'B-' || lpad(g::text, 5, '0'), 'Bench Hospital ' || g, 'Lagos', 'Lagos' from generate_series(1, $1) g`,
  [hospitals],
);
await client.query(
  `insert into owner (name, tax_type, bank_code, account_number)
   select 'Owner ' || lpad(g::text, 5, '0'), (array['company', 'individual', 'exempt'])[1 + g % 3], '058', '0123456785'
   from generate_series(1, $1) g`,
  [hospitals],
);
// Every 10th contract starts mid-October (prorated guarantee); the rest run all month.
await client.query(
  `insert into contract (number, owner_id, hospital_id, share_bps, guarantee_kobo, frequency, start_date, status, activated_at)
   select 'CT-2026-' || lpad(h.n::text, 5, '0'), o.id, h.id, 6000 + (h.n % 20) * 100, 100000000 * (h.n % 5), 'monthly',
     case when h.n % 10 = 0 then date '2026-10-10' else date '2026-01-01' end, 'active', now()
   from (select id, row_number() over (order by code) as n from hospital) h
   join (select id, row_number() over (order by name) as n from owner) o on o.n = h.n`,
);
const t0 = Date.now();
await client.query(
  `insert into hospital_transaction (reference, hospital_id, occurred_at, amount_kobo, kind)
   select 'TX-' || g, ids[1 + g % $2], timestamptz '2026-10-01 00:00+01' + ((g::bigint * 7919) % 2678400) * interval '1 second',
     1000 + (g::bigint * 31) % 5000000, case when g % 20 = 0 then 'refund' else 'payment' end
   from (select array_agg(id order by code) as ids from hospital) h, generate_series(1, $1) g`,
  [transactions, hospitals],
);
await client.query('vacuum analyze hospital_transaction');
console.log(`generated in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

// The reference: one hand-written grouped query over the same period.
const referenceSql = `select hospital_id, sum(amount_kobo) from hospital_transaction
  where occurred_at >= timestamptz '2026-10-01 00:00+01' and occurred_at < timestamptz '2026-11-01 00:00+01'
  group by hospital_id`;
const refTimes: number[] = [];
for (let i = 0; i < 3; i++) {
  const s = process.hrtime.bigint();
  await client.query(referenceSql);
  refTimes.push(Number(process.hrtime.bigint() - s) / 1e9);
}
const firstRun = await timed(process.execPath, [crmBin, 'payout', 'run', '--period', '2026-10', '--json']);
const summary = JSON.parse(firstRun.stdout);
const rerun = await timed(process.execPath, [crmBin, 'payout', 'run', '--period', '2026-10', '--json']);
const dry = await timed(process.execPath, [
  crmBin,
  'payout',
  'run',
  '--period',
  '2026-10',
  '--dry-run',
  '--json',
]);
const startup = await timed(process.execPath, [crmBin, 'payout', 'list', '--period', '2099-01', '--json']);
for (let i = 0; i < 2; i++) {
  const s = process.hrtime.bigint();
  await client.query(referenceSql);
  refTimes.push(Number(process.hrtime.bigint() - s) / 1e9);
}
const ref = median(refTimes);

// The import: new references into the same (now 5M-row) table.
const file = join(dataDir, `transactions-${importRows}.csv`);
console.log(`writing ${importRows.toLocaleString()} import rows (not timed)…`);
await new Promise<void>((resolve, reject) => {
  const out = createWriteStream(file);
  out.on('error', reject);
  out.write('hospital,reference,occurred_at,amount,kind\n');
  let i = 0;
  const write = () => {
    let ok = true;
    while (i < importRows && ok) {
      const h = `B-${String(1 + (i % hospitals)).padStart(5, '0')}`;
      const day = String(1 + (i % 30)).padStart(2, '0');
      const sec = i % 86400;
      const time = `${String(Math.floor(sec / 3600)).padStart(2, '0')}:${String(Math.floor(sec / 60) % 60).padStart(2, '0')}:${String(sec % 60).padStart(2, '0')}`;
      const amount = `${1 + (i % 250000)}.${String(i % 100).padStart(2, '0')}`;
      ok = out.write(
        `${h},IMP-${i},2026-11-${day} ${time},${amount},${i % 25 === 0 ? 'refund' : 'payment'}\n`,
      );
      i++;
    }
    if (i < importRows) out.once('drain', write);
    else out.end(resolve);
  };
  write();
});
console.log(`file: ${(statSync(file).size / 1e6).toFixed(1)} MB`);
const imp = await timed(process.execPath, [crmBin, 'transaction', 'import', file, '--json']);
psql(benchUrl, 'drop table if exists tx_ref');
psql(
  benchUrl,
  'create table tx_ref (id bigserial primary key, reference text unique, hospital text, occurred_at text, amount text, kind text)',
);
const copy = await timed('bash', [
  '-c',
  `psql '${benchUrl}' -v ON_ERROR_STOP=1 -q -c "\\copy tx_ref (hospital, reference, occurred_at, amount, kind) from '${file}' with (format csv, header true)"`,
]);
await client.end();

console.log('');
console.log(
  `contracts paid:                 ${summary.totals.count.toLocaleString()} (net ₦${(summary.totals.netKobo / 100).toLocaleString('en-NG')})`,
);
console.log(`reference GROUP BY query:       ${(ref * 1000).toFixed(0)} ms (median of ${refTimes.length})`);
console.log(
  `crm payout run (first, creates): ${(firstRun.seconds * 1000).toFixed(0)} ms wall, process start included`,
);
console.log(`crm payout run (re-run):        ${(rerun.seconds * 1000).toFixed(0)} ms wall`);
console.log(`crm payout run --dry-run:       ${(dry.seconds * 1000).toFixed(0)} ms wall`);
console.log(
  `crm start + connect + 1 query:  ${(startup.seconds * 1000).toFixed(0)} ms wall (crm payout list of an empty period)`,
);
console.log(
  `ratio payout run / query:       ${(firstRun.seconds / ref).toFixed(2)} wall; ${((firstRun.seconds - startup.seconds) / ref).toFixed(2)} without process start (target ≤ 2)`,
);
console.log(
  `crm transaction import:         ${imp.seconds.toFixed(2)} s, ${Math.round(importRows / imp.seconds).toLocaleString()} rows/s ${imp.stdout.replace(/\s+/g, ' ').trim()}`,
);
console.log(
  `psql \\copy into tx_ref:         ${copy.seconds.toFixed(2)} s, ${Math.round(importRows / copy.seconds).toLocaleString()} rows/s`,
);
console.log(`ratio import / \\copy:           ${(copy.seconds / imp.seconds).toFixed(2)} (target ≥ 0.50)`);
