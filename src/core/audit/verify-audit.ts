/**
 * `audit verify`: walks the hash chain of the audit log. A row deleted or edited — even by the
 * schema owner with the triggers disabled — breaks it at that row; the head hash printed on
 * success is what an operator can write down elsewhere (a payout report, a ticket) so that a
 * rewrite of the whole chain from there on would show too.
 */
import type { ServiceContext } from '../context.js';
import { ConflictError } from '../errors.js';
import { type ChainSummary, chainSummary, firstChainBreak } from './audit.sql.js';

const PROBLEMS = {
  missing: 'a row before it is missing (deleted)',
  altered: 'its content does not match its hash (edited)',
  relinked: 'it does not follow the row before it (re-chained or moved)',
  head: 'the chain head does not name the last row (rows deleted from the end, or the head edited)',
} as const;

export async function verifyAudit(ctx: ServiceContext): Promise<ChainSummary> {
  const broken = await firstChainBreak(ctx.em);
  if (broken)
    throw new ConflictError(
      'audit_chain_broken',
      `the audit log's chain is broken at position ${broken.seq}${broken.id ? ` (row id ${broken.id})` : ''}: ${PROBLEMS[broken.problem]}`,
    );
  return chainSummary(ctx.em);
}
