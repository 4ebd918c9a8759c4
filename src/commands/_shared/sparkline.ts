/**
 * A sparkline: one block character per value, ▁ for the lowest and █ for the highest, `·` for a
 * missing value (a month without NPS answers). Hand-written rather than the `sparkly` package:
 * that pulls in chalk 4 beside our chalk 5 for eight characters of output, and it has no way to
 * show a gap.
 *
 * The scale starts at zero unless a value is below it (counts and amounts read from an empty
 * month up; NPS, which can be negative, from its lowest month).
 */
const BLOCKS = '▁▂▃▄▅▆▇█';

export function sparkline(values: readonly (number | null)[]): string {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (!present.length) return values.map(() => '·').join('');
  const low = Math.min(0, ...present);
  const high = Math.max(...present);
  return values
    .map((v) => {
      if (v === null || !Number.isFinite(v)) return '·';
      if (high === low) return BLOCKS[0];
      return BLOCKS[Math.round(((v - low) / (high - low)) * (BLOCKS.length - 1))];
    })
    .join('');
}
