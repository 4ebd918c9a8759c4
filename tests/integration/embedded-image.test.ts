import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { migrationNames } from '../../migrations/names.js';
import { loadConfig } from '../../src/core/config.js';
import { openDatabase } from '../../src/core/db/database.js';
import {
  IMAGE_FORMAT,
  packImage,
  pgliteVersion,
  readImageMeta,
  restoreImage,
} from '../../src/core/db/embedded-image.js';
import { onPostgres } from '../support/db.js';

/**
 * The package's migrated database image (issue 18): a new folder restored from it is the
 * migrated database, private, with nothing of the restore left behind; a damaged image, or one
 * of another PGlite, is never restored (the caller then runs initdb and the migrations).
 */
describe.skipIf(onPostgres)('embedded database image', () => {
  const root = mkdtempSync(join(tmpdir(), 'crm-image-test-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** An image of the migrated test template, packed by the build's own function. */
  function imageOf(name: string, change?: (dir: string) => void, pglite = pgliteVersion()): string {
    const dir = join(root, `${name}-src`);
    cpSync(inject('embeddedTemplateDir')!, dir, { recursive: true });
    change?.(dir);
    const image = join(root, `${name}.tar.gz`);
    packImage(dir, image, { format: IMAGE_FORMAT, pglite, key: name });
    return image;
  }

  it('restores a migrated, private database that opens with nothing pending', async () => {
    const image = imageOf('good');
    expect(readImageMeta(image)).toEqual({ format: IMAGE_FORMAT, pglite: pgliteVersion(), key: 'good' });
    const dir = join(root, 'good');
    mkdirSync(dir, { mode: 0o700 });
    expect(restoreImage(dir, image)).toBe(true);
    // The image's manifest was checked and removed; the restore's own folder is gone.
    expect(readdirSync(dir)).toEqual(['pgdata']);
    for (const file of ['pgdata/PG_VERSION', 'pgdata/global/pg_control'])
      expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'pgdata', 'base')).mode & 0o777).toBe(0o700);
    const config = {
      ...loadConfig(process.env, { readDotEnv: false }),
      databaseUrl: undefined,
      dataDir: dir,
      embeddedService: false,
    };
    const db = await openDatabase(config, { command: 'test', migrate: 'never' });
    try {
      const rows = await db.orm.em
        .getConnection()
        .execute<{ name: string }[]>('select name from mikro_orm_migrations');
      expect(rows.map((r: { name: string }) => r.name).sort()).toEqual([...migrationNames].sort());
      // The build drops initdb's template databases (half the image's files; crm never uses them).
      const databases = await db.orm.em
        .getConnection()
        .execute<{ datname: string }[]>('select datname from pg_database');
      expect(databases.map((d: { datname: string }) => d.datname)).toEqual(['postgres']);
    } finally {
      await db.close();
    }
  });

  it('refuses an image whose files differ from its manifest, leaving the folder empty', () => {
    const image = imageOf('damaged', (dir) => {
      // The manifest says pg_class's file is a page longer than the file packed.
      const manifest = join(dir, 'pgdata.sizes');
      const lines = readFileSync(manifest, 'utf8').split('\n');
      const at = lines.findIndex((line) => line.endsWith(' global/1262'));
      const [size, file] = lines[at]!.split(' ');
      lines[at] = `${Number(size) + 8192} ${file}`;
      writeFileSync(manifest, lines.join('\n'));
    });
    const dir = join(root, 'damaged');
    mkdirSync(dir, { mode: 0o700 });
    expect(restoreImage(dir, image)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses an image built by another PGlite', () => {
    const image = imageOf('other', undefined, '0.0.1');
    const dir = join(root, 'other');
    mkdirSync(dir, { mode: 0o700 });
    expect(restoreImage(dir, image)).toBe(false);
    expect(existsSync(join(dir, 'pgdata'))).toBe(false);
  });

  it('finds no image where there is none', () => {
    const dir = join(root, 'none');
    mkdirSync(dir, { mode: 0o700 });
    expect(restoreImage(dir, join(root, 'missing.tar.gz'))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});
