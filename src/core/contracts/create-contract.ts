import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ValidationError } from '../errors.js';
import { hospitalRepository } from '../hospitals/hospital.repository.js';
import { parseNaira, parsePercentToBasisPoints } from '../money.js';
import { ownerRepository } from '../owners/owner.repository.js';
import { requireCalendarDate } from '../time.js';
import { Contract } from './contract.entity.js';
import { nextContractNumber } from './contract.sql.js';
import { type ContractView, toContractView } from './contract.view.js';
import { type ContractInput, checkDates, parseFrequency, parseTerms } from './contract-input.js';

/** Creates a draft contract; its number is CT-<year>-<sequence>, the year being the year of creation. */
export async function createContract(ctx: ServiceContext, input: ContractInput): Promise<ContractView> {
  for (const field of ['owner', 'hospital', 'share', 'guarantee', 'frequency', 'start'] as const) {
    if (!input[field]?.trim()) throw new ValidationError(field, input[field], 'is required');
  }
  const shareBps = parsePercentToBasisPoints(input.share!, 'share');
  const guarantee = parseNaira(input.guarantee!, 'guarantee');
  const frequency = parseFrequency(input.frequency);
  const terms = parseTerms(input.terms);
  const start = requireCalendarDate(input.start!, 'start');
  const end = input.end?.trim() ? requireCalendarDate(input.end, 'end') : null;
  checkDates(start, end);
  const year = ctx.clock.now().year;
  return ctx.em.transactional(async (em) => {
    const owner = await ownerRepository(em).getByRef(input.owner!);
    const hospital = await hospitalRepository(em).getByRef(input.hospital!);
    const number = await nextContractNumber(em, year);
    const now = ctx.clock.now().toISO()!;
    const contract = em.create(Contract, {
      number,
      ownerId: owner.id,
      hospital,
      shareBps,
      guaranteeKobo: guarantee,
      frequency,
      paymentTermsDays: terms,
      startDate: start,
      endDate: end,
      notes: input.notes?.trim() || null,
      status: 'draft',
      createdAt: new Date(now),
      updatedAt: new Date(now),
    });
    await em.flush();
    await recordAudit(em, ctx.actor, 'contract', contract.id, {
      action: 'create',
      number,
      owner: owner.id,
      hospital: hospital.code,
      shareBps,
      guarantee,
      frequency,
      start,
      end,
    });
    return toContractView(contract, owner.name);
  });
}
