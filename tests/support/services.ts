import type { Actor } from '../../src/core/audit/audit.js';
import type { Config } from '../../src/core/config.js';
import type { BulkServiceContext } from '../../src/core/context.js';
import type { Database } from '../../src/core/db/database.js';
import { type Clock, systemClock } from '../../src/core/time.js';

/** The operator tests act as unless they say otherwise. */
export const ada: Actor = { operator: 'ada', command: 'test' };

/**
 * A ServiceContext on a fresh EntityManager of `db`, as a command builds it: the system clock,
 * the database's own config and the operator `ada` unless given, and `db` itself (for bulk
 * operations such as the imports).
 */
export function services(
  db: Database,
  options: { config?: Config; clock?: Clock; actor?: Actor } = {},
): BulkServiceContext {
  return {
    em: db.em(),
    clock: options.clock ?? systemClock,
    config: options.config ?? db.config,
    actor: options.actor ?? ada,
    db,
  };
}
