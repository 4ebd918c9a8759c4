/**
 * Net Promoter Score from the 0–10 answers: promoters answer 9–10, passives 7–8, detractors 0–6;
 * NPS = % promoters − % detractors, from −100 to 100. Feedback without an NPS answer does not
 * count. With no answers there is no score (null), not 0.
 */

/** Below this many NPS answers a group's score is flagged as a thin sample. */
export const THIN_SAMPLE_BELOW = 30;

export interface NpsCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

/** The score, rounded to one decimal; null when nobody answered. */
export function netPromoterScore({ promoters, passives, detractors }: NpsCounts): number | null {
  const answers = promoters + passives + detractors;
  if (answers === 0) return null;
  const score = ((promoters - detractors) * 100) / answers;
  return Math.round(score * 10) / 10 + 0; // + 0: never -0
}

/** Counts of a list of 0–10 answers (undefined/null: not answered). */
export function countAnswers(answers: Array<number | null | undefined>): NpsCounts {
  const counts = { promoters: 0, passives: 0, detractors: 0 };
  for (const a of answers) {
    if (a === null || a === undefined) continue;
    if (a >= 9) counts.promoters++;
    else if (a >= 7) counts.passives++;
    else counts.detractors++;
  }
  return counts;
}

export const isThinSample = (answers: number) => answers < THIN_SAMPLE_BELOW;
