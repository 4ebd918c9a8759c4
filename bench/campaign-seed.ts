/**
 * What bench/campaign.ts and bench/campaign-snapshot.ts share: a fresh bench database, migrated,
 * with `count` patients who all consented to SMS and e-mail (languages spread over the five).
 */
import { spawnSync } from 'node:child_process';
import { DateTime } from 'luxon';
import type { Config } from '../src/core/config.js';
import { type Database, openDatabase } from '../src/core/db/database.js';
import { query } from '../src/core/db/sql.js';
import { fixedClock } from '../src/core/time.js';

export function psql(url: string, sql: string): void {
  const r = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
}

export async function seedCampaignBench(options: {
  adminUrl: string;
  dbName: string;
  config: Config;
  now: string;
  count: number;
}): Promise<{
  db: Database;
  svc: Parameters<typeof import('../src/core/campaigns/create-campaign.js').createCampaign>[0];
}> {
  psql(options.adminUrl, `drop database if exists ${options.dbName} with (force)`);
  psql(options.adminUrl, `create database ${options.dbName}`);
  const db = await openDatabase(options.config, { command: 'bench', migrate: 'auto', create: true });
  const svc = {
    em: db.em(),
    clock: fixedClock(DateTime.fromISO(options.now)),
    config: options.config,
    actor: { operator: 'bench', command: 'bench' },
  };
  console.log(`seeding ${options.count.toLocaleString()} patients…`);
  await query(
    db.em(),
    `insert into patient (first_name, last_name, phone, email, preferred_language, consent_sms, consent_email)
     select 'P' || i, 'Bench', '+234803' || lpad(i::text, 7, '0'), 'p' || i || '@example.ng',
       (array['en','pcm','yo','ha','ig'])[1 + i % 5], true, true
     from generate_series(1, $1::int) i`,
    [options.count],
  );
  await query(db.em(), 'vacuum analyze patient');
  // A base imported earlier, as an operator's is: the seed's million rows are written out before
  // the timed snapshot, not by a checkpoint in the middle of it (session 13: 10.4-11.8 s with the
  // seed's checkpoint running meanwhile).
  await query(db.em(), 'checkpoint');
  return { db, svc };
}
