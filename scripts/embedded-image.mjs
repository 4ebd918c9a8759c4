/**
 * The third part of `npm run build`: dist/embedded-image.tar.gz, the migrated embedded database a
 * new data folder starts as (src/core/db/embedded-image.ts says why and how it is restored).
 *
 * Made by the built CLI itself — `crm db migrate` on a new folder, in process, without an image
 * (the old one is removed first) — so the image is exactly what a first command used to create.
 * Rebuilt only when what it is made from changes: the migrations, PGlite, MikroORM, the layout
 * (the key below); otherwise this costs a hash of the migrations. Takes ~5–20 s when it runs. A
 * failure is a warning, not a failed build: crm falls back to initdb and the migrations.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  IMAGE_FILE,
  IMAGE_FORMAT,
  packImage,
  pgliteVersion,
  readImageMeta,
} from '../dist/src/core/db/embedded-image.js';
import { writeFileManifest } from '../dist/src/core/db/embedded-manifest.js';
import { openPGlite } from '../dist/src/core/db/embedded-pglite.js';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'dist', IMAGE_FILE);

const hash = createHash('sha256');
hash.update(`format ${IMAGE_FORMAT}\npglite ${pgliteVersion()}\n`);
hash.update(
  `mikro-orm ${JSON.parse(readFileSync(join(root, 'node_modules/@mikro-orm/core/package.json'), 'utf8')).version}\n`,
);
const migrations = join(root, 'dist', 'migrations');
for (const name of readdirSync(migrations)
  .filter((n) => n.endsWith('.js'))
  .sort())
  hash.update(`${name}\n`).update(readFileSync(join(migrations, name)));
const key = hash.digest('hex');

if (readImageMeta(out)?.key === key) process.exit(0);

rmSync(out, { force: true });
const work = mkdtempSync(join(tmpdir(), 'crm-image-'));
try {
  const dir = join(work, 'db');
  const env = { ...process.env, CRM_DATA_DIR: dir, CRM_EMBEDDED_SERVICE: '0', NO_COLOR: '1' };
  delete env.DATABASE_URL;
  // From an empty folder: no .env of the checkout is read.
  const run = spawnSync(process.execPath, [join(root, 'bin', 'crm.js'), 'db', 'migrate'], {
    cwd: work,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`crm db migrate failed (exit ${run.status}): ${run.stderr}`);
  await dropTemplateDatabases(dir);
  packImage(dir, out, { format: IMAGE_FORMAT, pglite: pgliteVersion(), key });
} catch (error) {
  // Without the image crm still works (a new folder runs initdb and every migration): the build
  // says so rather than failing an install.
  console.warn(
    `warning: ${IMAGE_FILE} not built (${error.message.split('\n')[0]}); new embedded databases will be created without it`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

/**
 * initdb makes three databases: template0, template1 and postgres; crm uses only postgres (PGlite
 * connects to it) and never creates a database in its folder. The two templates are half the
 * image's files (600 of 1,190), and creating files is most of a restore on an ordinary disk:
 * without them the first command on a fresh folder took ~15% less (BENCHMARKS.md, session 13).
 * They are dropped the way PostgreSQL allows (not a template any more, then DROP DATABASE), so
 * pg_database lists only postgres; the close's checkpoint and a new manifest follow.
 */
async function dropTemplateDatabases(dir) {
  const pglite = await openPGlite(join(dir, 'pgdata'), { sharedBuffers: '32MB' });
  try {
    for (const template of ['template0', 'template1']) {
      await pglite.query(`alter database ${template} is_template false`);
      // Not inside a transaction: DROP DATABASE refuses one.
      await pglite.query(`drop database ${template}`);
    }
  } finally {
    await pglite.close();
  }
  writeFileManifest(dir);
}
