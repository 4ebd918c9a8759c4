import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from './audit/audit.js';
import type { Config } from './config.js';
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

/** The same context on another EntityManager (a transaction's, or a fresh fork). */
export function withEntityManager(ctx: ServiceContext, em: EntityManager): ServiceContext {
  return { ...ctx, em };
}
