import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedFailure } from '../../src/core/db/embedded-folder.js';
import { UnavailableError } from '../../src/core/errors.js';

const dir = join(tmpdir(), 'crm-missing-folder', 'crm');

describe('embeddedFailure', () => {
  it('a full disk (SQLSTATE 53100, ENOSPC) is exit 7 naming the folder and the free space', () => {
    const pgError = Object.assign(
      new Error('could not extend file "base/5/16412": No space left on device'),
      {
        code: '53100',
      },
    );
    const mapped = embeddedFailure(pgError, dir)!;
    expect(mapped).toBeInstanceOf(UnavailableError);
    expect(mapped.exitCode).toBe(7);
    expect(mapped.code).toBe('embedded_database_disk_full');
    // The folder need not exist: the free space is that of its nearest existing parent.
    expect(mapped.message).toMatch(
      new RegExp(
        `^the disk of the embedded database in ${dir} is full \\(\\d+(\\.\\d)? [kMG]B free\\): could not extend file`,
      ),
    );
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    expect(embeddedFailure(enospc, dir)?.code).toBe('embedded_database_disk_full');
  });

  it("PGlite's aborts are exit 7 too", () => {
    const aborted = new Error('Aborted(). Build with -sASSERTIONS for more info.');
    aborted.name = 'RuntimeError';
    for (const error of [aborted, new Error('PGlite failed to initialize properly')]) {
      const mapped = embeddedFailure(error, dir)!;
      expect(mapped.exitCode).toBe(7);
      expect(mapped.message).toMatch(
        new RegExp(`^the embedded database in ${dir} stopped \\(.* free on its disk\\)`),
      );
    }
  });

  it('other errors are left alone', () => {
    expect(
      embeddedFailure(Object.assign(new Error('duplicate key'), { code: '23505' }), dir),
    ).toBeUndefined();
    expect(embeddedFailure(new UnavailableError('x', 'no database at …'), dir)).toBeUndefined();
  });
});
