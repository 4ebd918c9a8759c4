/**
 * npm run bench:reminders [-- --reminders 100000]
 *
 * 100,000 due reminders on PostgreSQL, sent through the fake Twilio (answering at once) by 1 and
 * then by 4 concurrent `crm reminder send` processes (the built binary). Reports reminders/s, peak
 * RSS per runner, and the per-message overhead of our code: runner time per message minus the
 * time the real twilio SDK alone needs per message against the same fake, at the same concurrency.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import twilio from 'twilio';
import { loadConfig } from '../src/core/config.js';
import { openDatabase } from '../src/core/db/database.js';
import { query } from '../src/core/db/sql.js';
import { FAKE_TWILIO, startFakeProvider } from '../tests/support/fake-provider.js';
import { fakeProviderEnv, seedDueReminders } from '../tests/support/reminders-seed.js';
import { benchArgs, countOption } from './args.js';

// Runners start the way the documented crontab line starts them (docs/reminders.md); pass
// --runner-node-options "" to measure Node's default heap sizing instead.
const options = benchArgs({
  reminders: { type: 'string', default: '100000' },
  'runner-node-options': { type: 'string', default: '--max-old-space-size=64' },
});
const count = countOption('reminders', options.reminders);
const runnerNodeOptions = String(options['runner-node-options']);
const root = join(import.meta.dirname, '..');
const adminUrl = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const benchUrl = adminUrl.replace(/\/[^/]*$/, '/crm_bench_reminders');
const NOW = '2026-11-24T10:00:00+01:00';
const CONCURRENCY = 16;

function psql(url: string, sql: string): void {
  const r = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
}

/** Runs the binary, sampling its peak RSS (VmHWM) from /proc. */
function runner(env: NodeJS.ProcessEnv): Promise<{ seconds: number; peakRssMb: number; stdout: string }> {
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, [join(root, 'bin/crm.js'), 'reminder', 'send', '--json'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]));
    } catch {}
  }, 50);
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => {
      clearInterval(timer);
      if (code !== 0) reject(new Error(`crm reminder send exited ${code}: ${stderr}`));
      resolve({ seconds: Number(process.hrtime.bigint() - start) / 1e9, peakRssMb: peak / 1024, stdout });
    }),
  );
}

const fake = await startFakeProvider();
const env: NodeJS.ProcessEnv = {
  ...process.env,
  ...fakeProviderEnv(fake),
  DATABASE_URL: benchUrl,
  CRM_NOW: NOW,
  CRM_OPERATOR: 'bench',
  NO_COLOR: '1',
  NODE_OPTIONS: runnerNodeOptions,
};
const config = { ...loadConfig(env, { readDotEnv: false }), databaseUrl: benchUrl, fixedNow: undefined };

async function freshQueue(): Promise<void> {
  psql(adminUrl, 'drop database if exists crm_bench_reminders with (force)');
  psql(adminUrl, 'create database crm_bench_reminders');
  const db = await openDatabase(config, { command: 'bench', migrate: 'auto', create: true });
  try {
    await seedDueReminders(db.em(), {
      count,
      dueAt: '2026-11-24T09:00:00+01:00',
      startsAt: '2026-12-01T00:00:00+01:00',
    });
    await query(db.em(), 'analyze');
  } finally {
    await db.close();
  }
  fake.reset();
}

async function sdkBaseline(n: number): Promise<number> {
  const client = twilio(FAKE_TWILIO.accountSid, FAKE_TWILIO.authToken, { autoRetry: false });
  client.api.baseUrl = fake.twilioBaseUrl;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i += CONCURRENCY) {
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, n - i) }, (_, j) =>
        client.messages.create({
          to: `+234805${String(i + j).padStart(7, '0')}`,
          from: '+15005550006',
          body: 'x'.repeat(150),
        }),
      ),
    );
  }
  fake.reset();
  return Number(process.hrtime.bigint() - start) / 1e9 / n;
}

console.log(`twilio SDK alone against the fake (concurrency ${CONCURRENCY})…`);
const baseline = await sdkBaseline(5000);
const results: { runners: number; seconds: number; rate: number; peak: number; perMessageMs: number }[] = [];
for (const runners of [1, 4]) {
  console.log(`seeding ${count.toLocaleString()} due reminders…`);
  await freshQueue();
  console.log(`${runners} runner(s)…`);
  const start = process.hrtime.bigint();
  const runs = await Promise.all(Array.from({ length: runners }, () => runner(env)));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const sent = runs.reduce((s, r) => s + JSON.parse(r.stdout).sent, 0);
  const atFake = fake.requestsFor('twilio.messages.create').length;
  if (sent !== count || atFake !== count)
    throw new Error(`sent ${sent}, fake saw ${atFake}, expected ${count}`);
  // Each runner's time per message, summed over runners: what one message costs a runner.
  const perMessageMs = (runs.reduce((s, r) => s + r.seconds, 0) / count) * 1000;
  results.push({
    runners,
    seconds,
    rate: count / seconds,
    peak: Math.max(...runs.map((r) => r.peakRssMb)),
    perMessageMs,
  });
}
await fake.close();
psql(adminUrl, 'drop database if exists crm_bench_reminders with (force)');

console.log('');
console.log(
  `reminders: ${count.toLocaleString()} (PostgreSQL, fake Twilio on 127.0.0.1, ${CONCURRENCY} in flight per runner)`,
);
console.log(`twilio SDK alone: ${(baseline * 1000).toFixed(3)} ms/message`);
for (const r of results) {
  console.log(
    `${r.runners} runner(s): ${r.seconds.toFixed(1)} s, ${Math.round(r.rate).toLocaleString()} reminders/s, ` +
      `runner time ${r.perMessageMs.toFixed(3)} ms/message (overhead over the SDK ${(r.perMessageMs - baseline * 1000).toFixed(3)} ms), ` +
      `peak RSS ${r.peak.toFixed(0)} MB per runner`,
  );
}
console.log(`runners' NODE_OPTIONS: ${runnerNodeOptions || '(none)'}`);
console.log('target: ≥ 1,000 reminders/s with 4 runners, peak RSS ≤ 200 MB per runner');
