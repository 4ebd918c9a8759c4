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
  rounds: { type: 'string', default: '3' },
  lean: { type: 'boolean', default: false },
});
const count = countOption('patients', options.patients);
const rounds = countOption('rounds', options.rounds);
const adminUrl = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const benchUrl = adminUrl.replace(/\/[^/]*$/, '/crm_bench_snapshot');
const NOW = '2026-12-02T10:00:00+01:00';

const fake = await startFakeProvider();
const env: NodeJS.ProcessEnv = { ...process.env, ...fakeProviderEnv(fake), DATABASE_URL: benchUrl };
const config = { ...loadConfig(env, { readDotEnv: false }), databaseUrl: benchUrl, fixedNow: undefined };
const messaging = loadMessagingConfig(env);
const { db, svc } = await seedCampaignBench({
  adminUrl,
  dbName: 'crm_bench_snapshot',
  config,
  now: NOW,
  count,
});

const toFk = `drop trigger campaign_recipients_check_inserted on campaign_recipients;
  drop trigger campaign_recipients_guard_delete on patient;
  drop trigger campaign_recipients_guard_delete on campaign;
  drop trigger campaign_recipients_guard_delete on owner;
  alter table campaign_recipients
  add constraint campaign_recipients_campaign_id_fkey foreign key (campaign_id) references campaign (id),
  add constraint campaign_recipients_patient_id_fkey foreign key (patient_id) references patient (id),
  add constraint campaign_recipients_owner_id_fkey foreign key (owner_id) references owner (id);`;
const toStatement = `alter table campaign_recipients drop constraint campaign_recipients_campaign_id_fkey,
  drop constraint campaign_recipients_patient_id_fkey, drop constraint campaign_recipients_owner_id_fkey;
  create trigger campaign_recipients_check_inserted after insert on campaign_recipients
  referencing new table as campaign_recipients_new
  for each statement execute function campaign_recipients_check_inserted();
  create trigger campaign_recipients_guard_delete before delete on patient
  for each row execute function campaign_recipients_guard_delete();
  create trigger campaign_recipients_guard_delete before delete on campaign
  for each row execute function campaign_recipients_guard_delete();
  create trigger campaign_recipients_guard_delete before delete on owner
  for each row execute function campaign_recipients_guard_delete();`;

// --lean: also measure the statement checks with the null entries left out of two indexes
// (message_id and the owner's unique key are null for every patient row of a snapshot) and the
// identity's sequence cached (one buffer access per 1,000 ids instead of one per row).
const toLean = `drop index campaign_recipients_message;
  create index campaign_recipients_message on campaign_recipients (message_id) where message_id is not null;
  alter table campaign_recipients drop constraint campaign_recipients_owner;
  create unique index campaign_recipients_owner on campaign_recipients (campaign_id, owner_id) where owner_id is not null;
  alter table campaign_recipients alter column id set cache 1000;`;
const fromLean = `drop index campaign_recipients_message;
  create index campaign_recipients_message on campaign_recipients (message_id);
  drop index campaign_recipients_owner;
  alter table campaign_recipients add constraint campaign_recipients_owner unique (campaign_id, owner_id);
  alter table campaign_recipients alter column id set cache 1;`;
// Modes: `lean` is the migration as it is; `statement` the same without its index changes (the
// `--lean` comparison); `fk` the schema before it (the default comparison is fk against lean).
type Mode = 'fk' | 'statement' | 'lean';
const modes: Mode[] = options.lean ? ['statement', 'lean'] : ['fk', 'lean'];
const switchTo: Record<Mode, Partial<Record<Mode, string>>> = {
  lean: { statement: fromLean, fk: fromLean + toFk },
  statement: { fk: toFk, lean: toLean },
  fk: { statement: toStatement, lean: toStatement + toLean },
};
const times: Record<string, number[]> = Object.fromEntries(modes.map((m) => [m, []]));
let mode: Mode = 'lean';
let n = 0;
for (let round = 0; round < rounds; round++)
  for (const want of modes) {
    // A clean table and patient heap (the FK's row locks write the patient tuples) for every run.
    psql(benchUrl, 'truncate campaign_recipients');
    if (want !== mode) psql(benchUrl, switchTo[mode][want]!);
    mode = want;
    psql(benchUrl, 'vacuum analyze patient');
    psql(benchUrl, 'checkpoint');
    const c = await createCampaign(svc, {
      name: `Bench ${++n}`,
      segment: 'all-patients',
      channel: 'sms',
      templates: { en: 'Hello {{first_name}}, your checkup is due.' },
    });
    const t0 = process.hrtime.bigint();
    await startCampaignSend({ ...svc, em: db.em() }, messaging, c.slug, undefined);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    times[want].push(s);
    console.log(`round ${round + 1} ${want}: ${s.toFixed(2)} s`);
  }
await db.close();
await fake.close();
psql(adminUrl, 'drop database if exists crm_bench_snapshot with (force)');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`\npatients: ${count.toLocaleString()}`);
for (const [k, xs] of Object.entries(times))
  console.log(`${k}: median ${median(xs).toFixed(2)} s (${xs.map((x) => x.toFixed(2)).join(', ')})`);
const [a, b] = modes;
console.log(`ratio ${b}/${a}: ${(median(times[b]) / median(times[a])).toFixed(2)}`);
