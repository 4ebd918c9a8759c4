/**
 * npm run bench:startup — start-up costs, medians of alternating runs in the same run:
 * - `crm --help` against `node -e 0` (target: ≤ 2×; it must not load MikroORM, twilio or SendGrid);
 * - with `--baseline DIR` (another checkout, built) and PostgreSQL (DATABASE_URL or the local
 *   server): one-entity reads, `crm contract show` and `crm payout show`, of this build against
 *   the baseline's, alternating, on one database both builds can read (target: within 10%);
 * - the embedded database's service (issue 18), as ratios to `node -e 0` in the same run: a read
 *   with the service running (target ≤ 4×), the same read opening the database in process, and on
 *   a PostgreSQL server; a command that has to start the service on an existing folder (≤ 12×);
 *   the first command on a fresh folder, service start and schema creation (≤ 20×).
 *   `--service-runs N` (default 5) sets its runs; `--no-service` skips it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { benchArgs, countOption } from './args.js';

const args = benchArgs({
  baseline: { type: 'string' },
  runs: { type: 'string', default: '15' },
  'service-runs': { type: 'string', default: '5' },
  'no-service': { type: 'boolean', default: false },
});
const runs = countOption('runs', args.runs);
const bin = join(import.meta.dirname, '..', 'bin', 'crm.js');
/** The migrated database a new folder starts as (src/core/db/embedded-image.ts). */
const image = join(import.meta.dirname, '..', 'dist', 'embedded-image.tar.gz');

function time(argv: string[], env: NodeJS.ProcessEnv = process.env): number {
  const t = process.hrtime.bigint();
  const result = spawnSync(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'], env });
  if (result.status !== 0) throw new Error(`${argv.join(' ')} failed: ${result.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const median = (times: number[]) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];

/** Medians of each command, run in turn `runs` times (alternating, so drift hits all alike). */
function alternating(commands: Record<string, () => number>): Record<string, number> {
  return alternatingN(runs, commands);
}

function alternatingN(runs: number, commands: Record<string, () => number>): Record<string, number> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) for (const [name, run] of Object.entries(commands)) times[name].push(run());
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

/** The machine's load, printed with the ratios: they are comparable only on a like machine. */
const load = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')}`;
console.log(load());
const help = alternating({
  'node -e 0': () => time(['-e', '0']),
  'crm --help': () => time([bin, '--help']),
});
console.log(`node -e 0:  ${help['node -e 0'].toFixed(0)} ms`);
console.log(`crm --help: ${help['crm --help'].toFixed(0)} ms`);
console.log(`ratio: ${(help['crm --help'] / help['node -e 0']).toFixed(2)} (target ≤ 2)`);

if (args.baseline) await compareReads(join(args.baseline, 'bin', 'crm.js'));
if (!args['no-service']) await embeddedService(countOption('service-runs', args['service-runs']));

/** The embedded database through its service, against in process and PostgreSQL, same run. */
async function embeddedService(serviceRuns: number): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'crm-bench-svc-'));
  // No CRM_NOW here: operators do not run with the rehearsal clock, and setting it makes every
  // command load the Africa/Lagos zone from ICU (~25 ms, a tenth of a read: session 13).
  const base: NodeJS.ProcessEnv = { ...process.env, CRM_EMBEDDED_SERVICE: '1' };
  delete base.DATABASE_URL;
  delete base.CRM_NOW;
  const dir = join(root, 'db');
  const svc = { ...base, CRM_DATA_DIR: dir };
  const inProcess = { ...svc, CRM_EMBEDDED_SERVICE: '0' };
  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `crm_bench_svc_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const onServer = { ...base, DATABASE_URL: url.toString() };
  try {
    time([bin, 'db', 'migrate'], onServer);
    time([bin, 'db', 'migrate'], svc);
    for (const env of [svc, onServer])
      time(
        [
          bin,
          'hospital',
          'add',
          '--code',
          'LAG-001',
          '--name',
          'Lagos Island',
          '--state',
          'Lagos',
          '--city',
          'Lagos',
        ],
        env,
      );
    time([bin, 'db', 'stop'], svc);
    if (!existsSync(image)) throw new Error(`${image} is missing: run npm run build`);
    let fresh = 0;
    // Each sample starts on a settled disk, as an operator's first command on an idle machine
    // does: without this, the writes and deletions of the previous samples (a 42 MB folder
    // restored, another created by initdb, both removed) are flushed during the next sample and
    // the fresh-folder times measure this loop's own churn (0.5 s of 1.6 s, session 13).
    const settled = (run: () => number) => () => {
      spawnSync('sync');
      return run();
    };
    const cold = alternatingN(serviceRuns, {
      'node -e 0': settled(() => time(['-e', '0'])),
      'first command on a fresh folder (db migrate)': settled(() => {
        const env = { ...base, CRM_DATA_DIR: join(root, `fresh-${++fresh}`) };
        const ms = time([bin, 'db', 'migrate'], env);
        time([bin, 'db', 'stop'], env);
        rmSync(env.CRM_DATA_DIR!, { recursive: true, force: true });
        return ms;
      }),
      // The same without the package's database image (initdb and every migration): moved aside
      // for the run, so both are measured in the same run (issue 18, session 10).
      'first command on a fresh folder, no image (initdb + migrations)': settled(() => {
        const env = { ...base, CRM_DATA_DIR: join(root, `fresh-${++fresh}`) };
        renameSync(image, `${image}.aside`);
        try {
          return time([bin, 'db', 'migrate'], env);
        } finally {
          renameSync(`${image}.aside`, image);
          time([bin, 'db', 'stop'], env);
          rmSync(env.CRM_DATA_DIR!, { recursive: true, force: true });
        }
      }),
      'hospital list, starting the service': settled(() => {
        const ms = time([bin, 'hospital', 'list'], svc);
        time([bin, 'db', 'stop'], svc);
        return ms;
      }),
      'hospital list, in process': settled(() => time([bin, 'hospital', 'list'], inProcess)),
    });
    time([bin, 'hospital', 'list'], svc);
    const warm = alternatingN(serviceRuns * 2, {
      'node -e 0': () => time(['-e', '0']),
      'hospital list, service running': () => time([bin, 'hospital', 'list'], svc),
      'patient list --limit 1, service running': () => time([bin, 'patient', 'list', '--limit', '1'], svc),
      'hospital list, PostgreSQL server': () => time([bin, 'hospital', 'list'], onServer),
    });
    const targets: Record<string, number> = {
      'first command on a fresh folder (db migrate)': 20,
      'hospital list, starting the service': 12,
      'hospital list, service running': 4,
      'patient list --limit 1, service running': 4,
    };
    console.log(load());
    for (const [group, results] of [
      ['service stopped', cold],
      ['service running', warm],
    ] as const) {
      console.log(
        `-- embedded service, ${group} (medians of ${group === 'service stopped' ? serviceRuns : serviceRuns * 2})`,
      );
      for (const [label, ms] of Object.entries(results)) {
        const ratio = ms / results['node -e 0']!;
        const target = targets[label] ? ` (target ≤ ${targets[label]}×)` : '';
        console.log(`${label}: ${ms.toFixed(0)} ms, ${ratio.toFixed(1)}× node -e 0${target}`);
      }
    }
  } finally {
    spawnSync(process.execPath, [bin, 'db', 'stop'], { env: svc });
    rmSync(root, { recursive: true, force: true });
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

/** One-entity reads on PostgreSQL, this build against the baseline's. */
async function compareReads(baselineBin: string): Promise<void> {
  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `crm_bench_startup_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const env = { ...process.env, DATABASE_URL: url.toString(), CRM_NOW: '2026-11-05T10:00:00+01:00' };
  const crm = (...argv: string[]) => time([bin, ...argv], env);
  try {
    crm('db', 'migrate');
    crm(
      'hospital',
      'add',
      '--code',
      'LAG-001',
      '--name',
      'Lagos Island',
      '--state',
      'Lagos',
      '--city',
      'Lagos',
    );
    // A valid NUBAN for bank 058 (the check digit matches).
    crm(
      'owner',
      'add',
      '--name',
      'Adebayo Holdings Ltd',
      '--email',
      'ops@adebayo.ng',
      '--tax-type',
      'company',
      '--bank-code',
      '058',
      '--account-number',
      '0123456785',
    );
    crm(
      'contract',
      'create',
      '--owner',
      'ops@adebayo.ng',
      '--hospital',
      'LAG-001',
      '--share',
      '70',
      '--guarantee',
      '500000',
      '--frequency',
      'monthly',
      '--start',
      '2026-01-01',
    );
    crm('contract', 'activate', 'CT-2026-0001');
    const dir = mkdtempSync(join(tmpdir(), 'crm-bench-startup-'));
    const file = join(dir, 'october.csv');
    writeFileSync(
      file,
      'hospital,reference,occurred_at,amount,kind\nLAG-001,P-1,2026-10-01 00:15,600000,payment\n',
    );
    crm('transaction', 'import', file);
    crm('payout', 'run', '--period', '2026-10', '--operator', 'ada');
    const reads = alternating({
      'contract show (this build)': () => crm('contract', 'show', 'CT-2026-0001', '--json'),
      'contract show (baseline)': () =>
        time([baselineBin, 'contract', 'show', 'CT-2026-0001', '--json'], env),
      'payout show (this build)': () => crm('payout', 'show', 'CT-2026-0001-2026-10', '--json'),
      'payout show (baseline)': () =>
        time([baselineBin, 'payout', 'show', 'CT-2026-0001-2026-10', '--json'], env),
    });
    for (const [label, ms] of Object.entries(reads)) console.log(`${label}: ${ms.toFixed(0)} ms`);
    for (const what of ['contract show', 'payout show'])
      console.log(
        `${what}: ${(reads[`${what} (this build)`] / reads[`${what} (baseline)`]).toFixed(2)}× the baseline (target ≤ 1.10)`,
      );
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
