import { describe, expect, it } from 'vitest';
import { sparkline } from '../../src/commands/_shared/sparkline.js';

describe('sparkline', () => {
  it('draws zero as the lowest block and the largest value as the highest', () => {
    expect(sparkline([0, 7, 14, 3.5, 10.5])).toBe('▁▅█▃▆');
  });
  it('scales from the lowest value when one is negative (NPS)', () => {
    expect(sparkline([-100, 0, 100])).toBe('▁▅█');
  });
  it('shows a missing value as a gap and an all-missing series as gaps only', () => {
    expect(sparkline([5, null, 10])).toBe('▅·█');
    expect(sparkline([null, null])).toBe('··');
  });
  it('a flat series is a flat line', () => {
    expect(sparkline([0, 0, 0])).toBe('▁▁▁');
    expect(sparkline([4, 4])).toBe('██');
  });
});

describe('the terminal dashboard trends', () => {
  it('one sparkline a figure over the months, with the latest month beside it', async () => {
    const { trendRows } = await import('../../src/commands/analytics/dashboard.js');
    const months = ['2026-09', '2026-10', '2026-11'];
    const rows = trendRows({
      months,
      money: [
        { month: '2026-09', revenueKobo: 0, netKobo: 0, topUpKobo: 0 },
        { month: '2026-10', revenueKobo: 100_000_00, netKobo: 60_000_00, topUpKobo: 0 },
        { month: '2026-11', revenueKobo: 200_000_00, netKobo: 120_000_00, topUpKobo: 5_000_00 },
      ],
      outcomes: months.map((month, i) => ({ month, completed: i * 7, noShows: 1, cancelled: 0 })),
      nps: [
        { month: '2026-09', responses: 0, npsResponses: 0, nps: null },
        { month: '2026-10', responses: 4, npsResponses: 4, nps: -50 },
        { month: '2026-11', responses: 2, npsResponses: 2, nps: 100 },
      ],
      campaigns: months.map((month) => ({ month, sent: 0, delivered: 0, failed: 0 })),
    });
    const by = Object.fromEntries(rows.map((r) => [r.figure, r]));
    expect(by.revenue).toEqual({ figure: 'revenue', line: '▁▅█', latest: '₦200,000.00' });
    expect(by['net to owners'].latest).toBe('₦120,000.00');
    expect(by['guarantee top-ups'].line).toBe('▁▁█');
    expect(by['completed appointments']).toMatchObject({ line: '▁▅█', latest: '14' });
    expect(by['no-shows'].line).toBe('███');
    expect(by.NPS).toMatchObject({ line: '·▁█', latest: '100' });
    expect(by['campaign messages sent']).toMatchObject({ line: '▁▁▁', latest: '0' });
  });
});
