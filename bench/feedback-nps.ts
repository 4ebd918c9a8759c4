/**
 * npm run bench:feedback [-- --feedback 1000000 --runs 5]
 *
 * 1,000,000 feedback rows on PostgreSQL (50 hospitals, 500 doctors, 20,000 patients; generated
 * set-wise with generate_series, a year of submissions, about 70% with an NPS answer, some
 * category scores), then times the built binary: `crm feedback nps --by hospital` (target ≤ 2 s)
 * and, for scale, `--by doctor`, `--by month` and `crm db status` (the start-up floor), each the
 * median of --runs runs.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '../src/core/config.js';
import { openDatabase } from '../src/core/db/database.js';
import { query } from '../src/core/db/sql.js';
import { feedbackNps } from '../src/core/feedback/feedback-nps.js';
import { systemClock } from '../src/core/time.js';
import { benchArgs, countOption } from './args.js';

const options = benchArgs({
  feedback: { type: 'string', default: '1000000' },
  runs: { type: 'string', default: '5' },
});
const count = countOption('feedback', options.feedback);
const runs = countOption('runs', options.runs);
const root = join(import.meta.dirname, '..');
const adminUrl = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const benchUrl = adminUrl.replace(/\/[^/]*$/, '/crm_bench_feedback');
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: benchUrl,
  CRM_NOW: '2026-12-31T12:00:00+01:00',
  CRM_OPERATOR: 'bench',
  NO_COLOR: '1',
};

function psql(url: string, sql: string): void {
  const r = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

async function seed(): Promise<number> {
  psql(adminUrl, 'drop database if exists crm_bench_feedback with (force)');
  psql(adminUrl, 'create database crm_bench_feedback');
  const config = { ...loadConfig(env, { readDotEnv: false }), databaseUrl: benchUrl, fixedNow: undefined };
  const db = await openDatabase(config, { command: 'bench', migrate: 'auto', create: true });
  const start = process.hrtime.bigint();
  try {
    const em = db.em();
    await query(
      em,
      `insert into hospital (code, name, state, city)
       select 'H-' || lpad(i::text, 3, '0'), 'Hospital ' || i, 'Lagos', 'Lagos' from generate_series(1, 50) i`,
    );
    await query(
      em,
      `insert into doctor (code, hospital_id, name, department)
       select 'DR-' || lpad(i::text, 4, '0'), h.id, 'Dr ' || i, 'General Practice'
       from generate_series(1, 500) i join hospital h on h.code = 'H-' || lpad((1 + i % 50)::text, 3, '0')`,
    );
    await query(
      em,
      `insert into patient (hospital_id, first_name, last_name, phone)
       select h.id, 'Bench', 'Patient' || i, '+234803' || lpad(i::text, 7, '0')
       from generate_series(1, 20000) i join hospital h on h.code = 'H-' || lpad((1 + i % 50)::text, 3, '0')`,
    );
    // Each feedback: a patient and one of its hospital's doctors; scores skewed towards the top.
    await query(
      em,
      `with p as (select id, hospital_id, row_number() over (order by id) as n from patient),
        d as (select id, hospital_id, row_number() over (partition by hospital_id order by code) as n from doctor)
       insert into feedback (code, patient_id, hospital_id, doctor_id, rating, nps, score_doctor, score_wait_time,
         score_cleanliness, submitted_at)
       select 'FB-' || lpad(g::text, 7, '0'), p.id, p.hospital_id, d.id,
         1 + (g * 7 % 5), case when g % 10 < 7 then g * 13 % 11 end,
         case when g % 3 = 0 then 1 + (g * 11 % 5) end, case when g % 4 = 0 then 1 + (g * 17 % 5) end,
         case when g % 5 = 0 then 1 + (g * 19 % 5) end,
         timestamptz '2026-01-01 00:00+01' + (g % 525600) * interval '1 minute'
       from generate_series(1, $1::int) g
       join p on p.n = 1 + g % 20000
       join d on d.hospital_id = p.hospital_id and d.n = 1 + g % 10`,
      [count],
    );
    await query(em, 'analyze');
  } finally {
    await db.close();
  }
  return seconds(start);
}

function time(args: string[]): { seconds: number; stdout: string } {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(root, 'bin/crm.js'), ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`crm ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { seconds: seconds(start), stdout: r.stdout };
}

function median(args: string[]): number {
  const times = Array.from({ length: runs }, () => time(args).seconds).sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

console.log(`seeding ${count.toLocaleString()} feedback rows…`);
const seeded = await seed();
console.log(`seeded in ${seeded.toFixed(1)} s`);
const check = JSON.parse(time(['feedback', 'nps', '--by', 'hospital', '--json']).stdout);
const total = check.groups.reduce((s: number, g: { responses: number }) => s + g.responses, 0);
if (total !== count) throw new Error(`the report counts ${total} responses, expected ${count}`);
const results = [
  ['crm db status', median(['db', 'status'])],
  ['crm feedback nps --by hospital', median(['feedback', 'nps', '--by', 'hospital', '--json'])],
  ['crm feedback nps --by doctor', median(['feedback', 'nps', '--by', 'doctor', '--json'])],
  ['crm feedback nps --by month', median(['feedback', 'nps', '--by', 'month', '--json'])],
  [
    'crm feedback nps --hospital H-001 --period 2026-Q2',
    median(['feedback', 'nps', '--hospital', 'H-001', '--period', '2026-Q2', '--json']),
  ],
] as const;
// The report's own time, in process (no process start): what the query costs on a loaded machine.
async function inProcess(by: string): Promise<number> {
  const config = { ...loadConfig(env, { readDotEnv: false }), databaseUrl: benchUrl };
  const db = await openDatabase(config, { command: 'bench', migrate: 'check' });
  try {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint();
      await feedbackNps(
        { em: db.em(), clock: systemClock, config, actor: { operator: 'bench', command: 'bench' } },
        { by },
      );
      times.push(seconds(start));
    }
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
  } finally {
    await db.close();
  }
}
const inProcessHospital = await inProcess('hospital');
const inProcessDoctor = await inProcess('doctor');
console.log(`\n${count.toLocaleString()} feedback rows, median of ${runs} runs (wall time, built binary):`);
for (const [name, s] of results) console.log(`  ${name.padEnd(52)} ${s.toFixed(2)} s`);
console.log(
  `  feedbackNps --by hospital, in process (query + scoring)        ${inProcessHospital.toFixed(2)} s`,
);
console.log(`  feedbackNps --by doctor, in process                          ${inProcessDoctor.toFixed(2)} s`);
const nps = results[1][1];
console.log(`\nnps --by hospital ${nps <= 2 ? 'meets' : 'MISSES'} the 2 s target`);
psql(adminUrl, 'drop database if exists crm_bench_feedback with (force)');
