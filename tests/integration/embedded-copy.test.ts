/**
 * copyFromBytes hands PGlite the bytes of a COPY without copying them (embedded-driver.ts): only
 * the bytes of the view go in, whatever else shares its buffer, and text arrives as UTF-8. Runs on
 * an in-memory PGlite whichever database the suite is on.
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { copyFromBytes } from '../../src/core/db/embedded-driver.js';

let db: PGlite;

beforeAll(async () => {
  db = await PGlite.create();
  await db.exec('create table t (n int, name text)');
});

afterAll(async () => {
  await db.close();
});

beforeEach(async () => {
  await db.exec('truncate t');
});

async function rows(): Promise<{ n: number; name: string }[]> {
  return (await db.query<{ n: number; name: string }>('select n, name from t order by n')).rows;
}

describe('copyFromBytes', () => {
  it('loads only the bytes of a view into a larger buffer', async () => {
    const whole = Buffer.from('9\tbefore\n1\tAdé\n2\tỌlá\n8\tafter\n', 'utf8');
    const start = whole.indexOf('1\t');
    const end = whole.indexOf('8\t');
    const view = new Uint8Array(whole.buffer, whole.byteOffset + start, end - start);
    await copyFromBytes(db, `copy t (n, name) from '/dev/blob'`, view);
    expect(await rows()).toEqual([
      { n: 1, name: 'Adé' },
      { n: 2, name: 'Ọlá' },
    ]);
  });

  it('loads a whole buffer as it is, and a string as UTF-8', async () => {
    const bytes = new Uint8Array(Buffer.from('3\tChidi\n', 'utf8'));
    expect(bytes.byteOffset).toBe(0);
    await copyFromBytes(db, `copy t (n, name) from '/dev/blob'`, bytes);
    await copyFromBytes(db, `copy t (n, name) from '/dev/blob'`, '4\tỌmọ́wùmí\n');
    expect(await rows()).toEqual([
      { n: 3, name: 'Chidi' },
      { n: 4, name: 'Ọmọ́wùmí' },
    ]);
  });
});
