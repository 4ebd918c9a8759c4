import type { EntityManager } from '@mikro-orm/postgresql';
import { mikroCore, mikroPostgres } from '../db/mikro-orm.js';
import { NotFoundError } from '../errors.js';
import type { LoyaltyAccount, LoyaltyReward } from './loyalty.entity.js';

/** Patients' points accounts. */
export class LoyaltyAccountRepository extends mikroPostgres.EntityRepository<LoyaltyAccount> {
  /** The patient's account, or the empty account of a patient who never earned (not stored). */
  async ofPatient(patientId: string): Promise<Pick<LoyaltyAccount, 'balance' | 'lifetimePoints' | 'tier'>> {
    const account = await this.findOne({ patientId });
    return account ?? { balance: 0, lifetimePoints: 0, tier: 'bronze' };
  }
}

/** Rewards, by the short code operators type (`RW-0001`). */
export class LoyaltyRewardRepository extends mikroPostgres.EntityRepository<LoyaltyReward> {
  async getByCode(code: string, options: { lock?: boolean } = {}): Promise<LoyaltyReward> {
    const reward = await this.findOne(
      { code: code.trim().toUpperCase() },
      options.lock ? { lockMode: mikroCore.LockMode.PESSIMISTIC_WRITE } : {},
    );
    if (!reward) throw new NotFoundError('reward', code);
    return reward;
  }
}

export function loyaltyAccountRepository(em: EntityManager): LoyaltyAccountRepository {
  return em.getRepository<LoyaltyAccount>('LoyaltyAccount') as unknown as LoyaltyAccountRepository;
}

export function loyaltyRewardRepository(em: EntityManager): LoyaltyRewardRepository {
  return em.getRepository<LoyaltyReward>('LoyaltyReward') as unknown as LoyaltyRewardRepository;
}
