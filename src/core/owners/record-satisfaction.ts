import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ValidationError } from '../errors.js';
import { oneOf } from './one-of.js';
import { ownerRepository } from './owner.repository.js';
import { satisfactionSummary } from './owner.sql.js';
import type { SatisfactionSummary } from './owner.view.js';
import { OwnerSatisfaction, SATISFACTION_CATEGORIES } from './owner-satisfaction.entity.js';

export interface SatisfactionInput {
  owner: string;
  category: string;
  rating: string | number;
  wouldRecommend?: string;
  comment?: string;
}

/** Records one satisfaction rating and returns the owner's updated summary. */
export async function recordSatisfaction(
  ctx: ServiceContext,
  input: SatisfactionInput,
): Promise<{ owner: string; category: string; rating: number; summary: SatisfactionSummary }> {
  const category = oneOf(SATISFACTION_CATEGORIES, input.category, 'category');
  const rating = Number(input.rating);
  if (!/^[1-5]$/.test(String(input.rating).trim()))
    throw new ValidationError('rating', input.rating, 'a whole number from 1 to 5');
  let wouldRecommend: boolean | null = null;
  if (input.wouldRecommend !== undefined) {
    const v = input.wouldRecommend.trim().toLowerCase();
    if (['yes', 'y', 'true', '1'].includes(v)) wouldRecommend = true;
    else if (['no', 'n', 'false', '0'].includes(v)) wouldRecommend = false;
    else throw new ValidationError('would-recommend', input.wouldRecommend, 'use yes or no');
  }
  return ctx.em.transactional(async (em) => {
    const owner = await ownerRepository(em).getByRef(input.owner);
    const at = ctx.clock.now().toISO()!;
    const entry = em.create(OwnerSatisfaction, {
      owner,
      category,
      rating,
      wouldRecommend,
      comment: input.comment?.trim() || null,
      operator: ctx.actor.operator,
      recordedAt: new Date(at),
    } as never);
    await em.flush();
    await recordAudit(em, ctx.actor, 'owner_satisfaction', entry.id, { owner: owner.id, category, rating });
    return { owner: owner.id, category, rating, summary: await satisfactionSummary(em, owner.id) };
  });
}
