import { stringify } from 'csv-stringify/sync';
import { checkOutputFile, placeFile, writePrivateTemp } from '../output-files.js';
import type { HospitalScorecard } from './hospital-scorecards.js';

/** The scorecards as CSV for a spreadsheet: money in naira with kobo, shares as 0..1. */
export function scorecardsCsv(cards: HospitalScorecard[]): string {
  const naira = (kobo: number) => (kobo / 100).toFixed(2);
  const share = (v: number | null) => (v === null ? '' : String(v));
  return stringify(
    cards.map((c) => [
      c.hospital,
      c.name,
      naira(c.revenueKobo),
      naira(c.ownerShareKobo),
      naira(c.topUpKobo),
      c.newPatients,
      c.activePatients,
      c.appointments,
      share(c.noShowRate),
      share(c.reminderDelivery.sms),
      share(c.reminderDelivery.whatsapp),
      share(c.reminderDelivery.email),
      c.averageRating ?? '',
      c.feedbackResponses,
      c.nps ?? '',
      c.npsResponses,
      c.thinSample ? 'true' : 'false',
      c.openAlerts,
      c.overdueAlerts,
    ]),
    {
      header: true,
      columns: [
        'hospital',
        'name',
        'revenue',
        'owner_share',
        'top_up',
        'new_patients',
        'active_patients',
        'appointments',
        'no_show_rate',
        'sms_delivery_rate',
        'whatsapp_delivery_rate',
        'email_delivery_rate',
        'average_rating',
        'feedback_responses',
        'nps',
        'nps_responses',
        'thin_sample',
        'open_alerts',
        'overdue_alerts',
      ],
    },
  );
}

/** Checked before any work (exit 3 naming `--csv`), then written whole or not at all, 0600. */
export const checkScorecardsFile = (path: string) => checkOutputFile(path, '--csv', { atomic: true });

export function writeScorecardsFile(path: string, cards: HospitalScorecard[]): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writePrivateTemp(tmp, scorecardsCsv(cards), '--csv', path);
  placeFile(tmp, path);
}
