import { describe, expect, it } from 'vitest';
import { planMilestones } from '../../src/core/contracts/milestone.planner.js';

describe('planMilestones', () => {
  it('plans quarterly and annual reviews up to the end date', () => {
    expect(planMilestones('2026-01-15', '2027-01-15')).toEqual([
      { kind: 'quarterly_review', dueDate: '2026-04-15' },
      { kind: 'quarterly_review', dueDate: '2026-07-15' },
      { kind: 'quarterly_review', dueDate: '2026-10-15' },
      { kind: 'annual_review', dueDate: '2027-01-15' },
      { kind: 'quarterly_review', dueDate: '2027-01-15' },
    ]);
  });

  it('plans 3 years ahead for an open-ended contract', () => {
    const plan = planMilestones('2026-01-01', null);
    expect(plan.filter((m) => m.kind === 'quarterly_review')).toHaveLength(12);
    expect(plan.filter((m) => m.kind === 'annual_review').map((m) => m.dueDate)).toEqual([
      '2027-01-01',
      '2028-01-01',
      '2029-01-01',
    ]);
  });

  it('counts from the start date, so month ends do not drift', () => {
    expect(planMilestones('2026-08-31', '2027-03-31').map((m) => m.dueDate)).toEqual([
      '2026-11-30',
      '2027-02-28',
    ]);
  });

  it('plans nothing for a contract shorter than a quarter', () => {
    expect(planMilestones('2026-01-01', '2026-03-31')).toEqual([]);
  });
});
