import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from './audit/audit.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { Clock } from './time.js';

/**
 * What every core operation gets besides its typed input: the unit of work's EntityManager (a
 * fork of its own), the clock ("now" is CRM_NOW in rehearsals and tests), the validated
 * configuration, and who is acting (for the audit log). Built once per command by
 * `CommandContext.withServices`, and by tests through `tests/support/services.ts`.
 */
export interface ServiceContext {
  readonly em: EntityManager;
  readonly clock: Clock;
  readonly config: Config;
  readonly actor: Actor;
}

/**
 * A ServiceContext for bulk operations (the CSV imports) that open their own units of work per
 * batch: they also need the database itself (its kind, its raw COPY support, fresh
 * EntityManagers).
 */
export interface BulkServiceContext extends ServiceContext {
  readonly db: Database;
}
