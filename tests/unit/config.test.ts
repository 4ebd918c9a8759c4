import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import { ExitCode, ValidationError } from '../../src/core/errors.js';

/** Settings of the embedded database's service, validated once in config.ts. */
describe('CRM_EMBEDDED_SHARED_BUFFERS', () => {
  const load = (value?: string) =>
    loadConfig(value === undefined ? {} : { CRM_EMBEDDED_SHARED_BUFFERS: value }, { readDotEnv: false });

  it('is 32MB by default (unset or blank)', () => {
    expect(load().embeddedSharedBuffers).toBe('32MB');
    expect(load('  ').embeddedSharedBuffers).toBe('32MB');
  });

  it.each(['64MB', '128kB', '1GB', ' 48MB '])('takes a PostgreSQL size: %j', (value) => {
    expect(load(value).embeddedSharedBuffers).toBe(value.trim());
  });

  it.each(['64', '64mb', '64 MB', '-1MB', '0MB', '64kB', '1.5GB', 'lots'])(
    'refuses %j with exit 3, one line naming the variable and the value',
    (value) => {
      let error: unknown;
      try {
        load(value);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).exitCode).toBe(ExitCode.invalid);
      expect((error as Error).message).toBe(
        `CRM_EMBEDDED_SHARED_BUFFERS: expected a PostgreSQL size of at least 128kB, in kB, MB or GB, e.g. 64MB (got ${JSON.stringify(value)})`,
      );
    },
  );
});
