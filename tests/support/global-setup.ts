import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../src/core/config.js';
import { openDatabase } from '../../src/core/db/database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    embeddedTemplateDir: string | null;
  }
}

/**
 * Without DATABASE_URL the suite runs on the embedded database. Creating and migrating a PGlite
 * cluster takes seconds, so it is done once here (restored from the build's database image,
 * dist/embedded-image.tar.gz, when there is one); each test file copies the folder.
 */
export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    project.provide('embeddedTemplateDir', null);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'crm-template-'));
  // Built in this process even when the suite runs through the service: each test file copies the
  // folder, which must then hold no service's socket or pid.
  const config = {
    ...loadConfig(process.env, { readDotEnv: false }),
    databaseUrl: undefined,
    dataDir: dir,
    embeddedService: false,
  };
  const db = await openDatabase(config, { command: 'test template', migrate: 'auto', create: true });
  await db.close();
  project.provide('embeddedTemplateDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
