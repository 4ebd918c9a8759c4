/**
 * npm run bench:campaign [-- --patients 1000000 --senders 2 --email-senders 1 --channels sms,email
 *                           --snapshot-only]
 *
 * A patient base on PostgreSQL, one SMS campaign and one e-mail campaign to all of it, sent
 * through the fake Twilio/SendGrid (answering at once, no rate limit) by the built binary.
 * Reports the time to snapshot each audience (one INSERT … SELECT), messages/s (SMS with
 * `--senders` concurrent `crm campaign send` processes, e-mail with one), and each sender's
 * peak RSS (VmHWM).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCampaign } from '../src/core/campaigns/create-campaign.js';
import { startCampaignSend } from '../src/core/campaigns/start-campaign-send.js';
import { loadConfig } from '../src/core/config.js';
import { loadMessagingConfig } from '../src/core/messaging/messaging.config.js';
import { startFakeProvider } from '../tests/support/fake-provider.js';
import { fakeProviderEnv } from '../tests/support/reminders-seed.js';
import { benchArgs, countOption } from './args.js';
import { psql, seedCampaignBench } from './campaign-seed.js';

const options = benchArgs({
  patients: { type: 'string', default: '1000000' },
  senders: { type: 'string', default: '2' },
  'email-senders': { type: 'string', default: '1' },
  channels: { type: 'string', default: 'sms,email' },
  // Only the audience snapshots are timed (no sends): the 1,000,000-patient snapshot target
  // without the hour of sending.
  'snapshot-only': { type: 'boolean', default: false },
});
const emailSenders = countOption('email-senders', options['email-senders']);
const channels = options.channels.split(',').map((c) => {
  if (c !== 'sms' && c !== 'email') throw new Error(`--channels: sms or email, not ${c}`);
  return c;
});
const count = countOption('patients', options.patients);
const senders = countOption('senders', options.senders);
const root = join(import.meta.dirname, '..');
const adminUrl = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// BENCH_DB: another database name, so that two benches can run side by side on one server.
const dbName = process.env.BENCH_DB ?? 'crm_bench_campaign';
const benchUrl = adminUrl.replace(/\/[^/]*$/, `/${dbName}`);
// BENCH_CRM_ROOT: the checkout whose built binary sends (an A/B against another build, with the
// same seeding and the same fake).
const crmRoot = process.env.BENCH_CRM_ROOT ?? root;
const NOW = '2026-12-02T10:00:00+01:00';

/** Runs `crm campaign send SLUG`, sampling its peak RSS from /proc. */
function sender(
  env: NodeJS.ProcessEnv,
  slug: string,
): Promise<{ seconds: number; peakRssMb: number; stdout: string }> {
  const start = process.hrtime.bigint();
  const child = spawn(
    process.execPath,
    // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles each sender.
    [
      ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      join(crmRoot, 'bin/crm.js'),
      'campaign',
      'send',
      slug,
      '--yes',
      '--json',
    ],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
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
  }, 100);
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => {
      clearInterval(timer);
      if (code !== 0) reject(new Error(`crm campaign send exited ${code}: ${stderr}`));
      resolve({ seconds: Number(process.hrtime.bigint() - start) / 1e9, peakRssMb: peak / 1024, stdout });
    }),
  );
}

// The fake keeps every request; counted here and forgotten every second so that a million
// requests do not fill this process's memory.
let smsAtFake = 0;
let mailsAtFake = 0;
const fake = await startFakeProvider({
  onRequest: (r) => {
    if (r.operation === 'twilio.messages.create' && r.responseStatus === 201) smsAtFake++;
    if (r.operation === 'sendgrid.mail.send' && r.responseStatus === 202)
      mailsAtFake += (r.json as { personalizations: unknown[] }).personalizations.length;
  },
});
const forget = setInterval(() => fake.reset(), 1000);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  ...fakeProviderEnv(fake),
  DATABASE_URL: benchUrl,
  CRM_NOW: NOW,
  CRM_OPERATOR: 'bench',
  NO_COLOR: '1',
  CRM_QUIET_HOURS: 'off',
};
const config = { ...loadConfig(env, { readDotEnv: false }), databaseUrl: benchUrl, fixedNow: undefined };
const messaging = loadMessagingConfig(env);

const { db, svc } = await seedCampaignBench({ adminUrl, dbName: dbName, config, now: NOW, count });

const results: string[] = [];
for (const channel of channels) {
  const c = await createCampaign(svc, {
    name: `Bench ${channel}`,
    segment: 'all-patients',
    channel,
    subject: channel === 'email' ? 'News for {{first_name}}' : undefined,
    templates: {
      en: 'Hello {{first_name}}, your checkup is due.',
      pcm: 'How far {{first_name}}, time don reach.',
    },
  });
  const t0 = process.hrtime.bigint();
  await startCampaignSend({ ...svc, em: db.em() }, messaging, c.slug, undefined);
  const snapshot = Number(process.hrtime.bigint() - t0) / 1e9;
  if (options['snapshot-only']) {
    results.push(`${channel}: snapshot ${snapshot.toFixed(2)} s`);
    continue;
  }
  const n = channel === 'sms' ? senders : emailSenders;
  const start = process.hrtime.bigint();
  const runs = await Promise.all(Array.from({ length: n }, () => sender(env, c.slug)));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const last = JSON.parse(runs[runs.length - 1].stdout);
  const atFake = channel === 'sms' ? smsAtFake : mailsAtFake;
  if (atFake !== count) throw new Error(`${channel}: the fake accepted ${atFake}, expected ${count}`);
  results.push(
    `${channel}: snapshot ${snapshot.toFixed(2)} s; ${n} sender(s) ${seconds.toFixed(1)} s = ${Math.round(count / seconds).toLocaleString()} messages/s; peak RSS ${Math.max(...runs.map((r) => r.peakRssMb)).toFixed(0)} MB per sender; ${JSON.stringify(last)}`,
  );
}
clearInterval(forget);
await db.close();
await fake.close();
psql(adminUrl, `drop database if exists ${dbName} with (force)`);
console.log('');
console.log(
  `patients: ${count.toLocaleString()} (PostgreSQL, fake Twilio/SendGrid on 127.0.0.1, no rate limit)`,
);
for (const r of results) console.log(r);
