import { describe, expect, it } from 'vitest';
import { toGroup } from '../../src/core/feedback/feedback-nps.js';
import { countAnswers, isThinSample, netPromoterScore } from '../../src/core/feedback/nps.calculator.js';

const nps = (answers: Array<number | null>) => netPromoterScore(countAnswers(answers));

describe('Net Promoter Score on hand-worked sets', () => {
  it('all promoters = 100', () => expect(nps([9, 10, 10, 9])).toBe(100));
  it('all detractors = −100', () => expect(nps([0, 3, 6, 6])).toBe(-100));
  it('passives only = 0 (not −0)', () => expect(Object.is(nps([7, 8, 8]), 0)).toBe(true));
  it('no answers = no score (null), not 0', () => {
    expect(nps([])).toBeNull();
    expect(nps([null, null])).toBeNull();
  });
  it('the borders: 6 detracts, 7 and 8 are passive, 9 promotes', () =>
    expect(countAnswers([6, 7, 8, 9])).toEqual({ promoters: 1, passives: 2, detractors: 1 }));
  it('a mixed set: 3 promoters, 1 passive, 1 detractor = 40; unanswered feedback does not count', () =>
    expect(nps([10, 9, 9, 8, 3, null])).toBe(40));
  it('rounds to one decimal: 1 promoter of 3 answers = 33.3', () => expect(nps([10, 7, 7])).toBe(33.3));
  it('a thin sample is fewer than 30 answers', () => {
    expect(isThinSample(29)).toBe(true);
    expect(isThinSample(30)).toBe(false);
  });
  it('a report group with no answers has no score and is a thin sample', () =>
    expect(
      toGroup({
        key: 'all',
        label: 'all',
        responses: 4,
        promoters: 0,
        passives: 0,
        detractors: 0,
        avg_rating: 3.25,
        avg_doctor: null,
        avg_nursing: 4.333333,
        avg_wait_time: null,
        avg_cleanliness: null,
        avg_billing: null,
        avg_facilities: null,
      }),
    ).toMatchObject({
      nps: null,
      npsResponses: 0,
      thinSample: true,
      averageRating: 3.25,
      categories: { nursing: 4.33 },
    }));
});
