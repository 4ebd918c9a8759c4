import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ConflictError, ValidationError } from '../errors.js';
import { hospitalRepository } from '../hospitals/hospital.repository.js';
import { parseNaira, parsePercentToBasisPoints } from '../money.js';
import { ownerRepository } from '../owners/owner.repository.js';
import { requireCalendarDate } from '../time.js';
import { contractView } from './contract.queries.js';
import { contractRepository } from './contract.repository.js';
import { type ContractView, toContractView } from './contract.view.js';
import { type ContractInput, checkDates, parseFrequency, parseTerms } from './contract-input.js';

/** Changes a draft; any other state is a conflict (exit 5). */
export async function editContract(
  ctx: ServiceContext,
  ref: string,
  input: ContractInput,
): Promise<ContractView> {
  return ctx.em.transactional(async (em) => {
    const c = await contractRepository(em).getByRef(ref, { lock: true });
    if (c.status !== 'draft')
      throw new ConflictError(
        'contract_not_draft',
        `contract ${c.number} is ${c.status}: only a draft can be edited`,
      );
    // What the audit log records: each given field by its column, with its new value.
    const changes: Record<string, unknown> = {};
    let ownerName: string | undefined;
    if (input.owner) {
      const owner = await ownerRepository(em).getByRef(input.owner);
      c.ownerId = changes.owner_id = owner.id;
      ownerName = owner.name;
    }
    if (input.hospital) {
      c.hospital = await hospitalRepository(em).getByRef(input.hospital);
      changes.hospital_id = c.hospital.id;
    }
    if (input.share) c.shareBps = changes.share_bps = parsePercentToBasisPoints(input.share, 'share');
    if (input.guarantee) {
      c.guaranteeKobo = parseNaira(input.guarantee, 'guarantee');
      changes.guarantee_kobo = c.guaranteeKobo.toString();
    }
    if (input.frequency) c.frequency = changes.frequency = parseFrequency(input.frequency);
    if (input.terms !== undefined && input.terms !== '')
      c.paymentTermsDays = changes.payment_terms_days = parseTerms(input.terms);
    const start = input.start ? requireCalendarDate(input.start, 'start') : c.startDate;
    let end = c.endDate ?? null;
    if (input.end !== undefined && input.end !== '')
      end = input.end.trim().toLowerCase() === 'none' ? null : requireCalendarDate(input.end, 'end');
    checkDates(start, end);
    if (start !== c.startDate) c.startDate = changes.start_date = start;
    if (end !== (c.endDate ?? null)) c.endDate = changes.end_date = end;
    if (input.notes !== undefined) c.notes = changes.notes = input.notes.trim() || null;
    if (Object.keys(changes).length === 0)
      throw new ValidationError('flags', undefined, 'nothing to change: pass at least one field');
    const now = ctx.clock.now().toISO()!;
    c.updatedAt = new Date(now);
    await em.flush();
    await recordAudit(em, ctx.actor, 'contract', c.id, { action: 'edit', number: c.number, ...changes });
    return ownerName === undefined ? contractView(em, c) : toContractView(c, ownerName);
  });
}
