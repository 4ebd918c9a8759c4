/**
 * The HTML report in a real browser: `crm analytics dashboard --html` (the built binary) on a
 * small hand-built network, opened from disk in headless Chromium (Debian's `chromium` package,
 * never a downloaded browser). Checks that every chart rendered as SVG with the series and bars
 * the data give, that text from the database is shown as text, that the page logs no error and
 * asks for nothing over the network, and keeps a screenshot in test-output/ for a person to look at.
 *
 * Without /usr/bin/chromium the test is skipped with a message, except under CI=true, where it
 * fails: .ci/run installs the package, and a report nobody opened is not tested.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeAppointmentStatus } from '../../src/core/appointments/appointment-transitions.js';
import { recordFeedback } from '../../src/core/feedback/record-feedback.js';
import { awardPoints } from '../../src/core/loyalty/award-points.js';
import { fixedClock } from '../../src/core/time.js';
import { ROOT, runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import {
  importTransactionRows,
  makeAppointment,
  makeDoctor,
  makeHospital,
  makePatient,
} from '../support/factories.js';
import { tempPath } from '../support/files.js';
import { services } from '../support/services.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';
if (!haveChromium && !inCi)
  console.warn(`skipping the HTML report browser test: no ${CHROMIUM} (apt-get install chromium)`);

const at = (iso: string) => fixedClock(DateTime.fromISO(iso, { zone: 'Africa/Lagos' }));
const NAME = 'Ikeja <Clinic> & "Sons"';
let tdb: TestDatabase;

beforeAll(async () => {
  if (!haveChromium) return;
  tdb = await createTestDatabase();
  const db = await tdb.open();
  try {
    const nov = services(db, { clock: at('2026-11-02T09:00') });
    const now = services(db, { clock: at('2026-11-20T12:00') });
    const lag = (await makeHospital(nov, { code: 'LAG-200', name: NAME })).code;
    await makeHospital(nov, { code: 'ABJ-200', state: 'FCT', city: 'Abuja' });
    const doctor = (await makeDoctor(nov, { hospital: lag })).code;
    const patients = [];
    for (let i = 0; i < 4; i++) patients.push((await makePatient(nov, { hospital: lag })).phone!);
    // November: two completed visits, one no-show, one cancelled.
    const codes = [];
    for (let i = 0; i < 4; i++)
      codes.push(
        (await makeAppointment(nov, { at: `2026-11-0${3 + i} 10:00`, patient: patients[i], doctor })).code,
      );
    await changeAppointmentStatus(now, codes[0], 'complete');
    await changeAppointmentStatus(now, codes[1], 'complete');
    await changeAppointmentStatus(now, codes[2], 'no-show');
    await changeAppointmentStatus(now, codes[3], 'cancel', { reason: 'travelling' });
    await recordFeedback(now, { patient: patients[0], appointment: codes[0], rating: 5, nps: 9 });
    // Tiers: the two with visits bronze, one silver (2,000 points), one gold (5,000).
    await awardPoints(now, { patient: patients[2], points: 2000, reason: 'welcome' });
    await awardPoints(now, { patient: patients[3], points: 5000, reason: 'welcome' });
    await importTransactionRows(now, [{ hospital: lag, at: '2026-11-03 10:00', amount: '250000.00' }]);
  } finally {
    await db.close();
  }
}, 240_000);
afterAll(() => tdb?.drop());

describe('the HTML report in headless Chromium', () => {
  it.skipIf(!haveChromium && !inCi)(
    'renders every chart as SVG, with no script, no error and no request',
    async () => {
      expect(haveChromium, `${CHROMIUM} is missing: CI must install Debian's chromium (.ci/run)`).toBe(true);
      const file = tempPath('report.html');
      const r = await runCli(['analytics', 'dashboard', '--period', '2026-11', '--html', file], {
        ...tdb.env,
        CRM_NOW: '2026-11-20T12:00:00+01:00',
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`wrote the 2026-11 report to ${file}\n`);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const html = readFileSync(file, 'utf8');
      expect(html).not.toMatch(/<script/i);
      expect(html).toContain('Ikeja &#60;Clinic&#62; &#38; &#34;Sons&#34;');

      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({ executablePath: CHROMIUM });
      try {
        const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
        const problems: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
        });
        page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
        const url = pathToFileURL(file).href;
        page.on('request', (req) => {
          if (req.url() !== url) problems.push(`request: ${req.url()}`);
        });
        await page.goto(url, { waitUntil: 'load' });

        const charts = await page.$$eval('figure.chart', (figures) =>
          figures.map((f) => {
            const svg = f.querySelector('svg');
            const marks = [...(svg?.querySelectorAll('[ecmeta_ssr_type="chart"]') ?? [])];
            const bySeries: Record<string, { index: number; height: number }[]> = {};
            for (const m of marks) {
              const s = m.getAttribute('ecmeta_series_index')!;
              bySeries[s] ??= [];
              bySeries[s].push({
                index: Number(m.getAttribute('ecmeta_data_index')),
                height:
                  Math.round((m as unknown as { getBBox(): { height: number } }).getBBox().height * 10) / 10,
              });
            }
            return {
              id: f.getAttribute('data-chart'),
              series: f.getAttribute('data-series'),
              visible: svg ? svg.getBoundingClientRect().width > 100 : false,
              legend: [...(svg?.querySelectorAll('text') ?? [])].map((t) => t.textContent),
              bySeries,
            };
          }),
        );
        expect(charts.map((c) => c.id)).toEqual([
          'revenue',
          'top-ups',
          'nps',
          'tiers',
          'appointments',
          'campaigns',
        ]);
        for (const c of charts) {
          expect(c.visible, c.id!).toBe(true);
          // Each series is named in the chart's legend, as the figure says it should be.
          for (const name of c.series!.split('|')) expect(c.legend, `${c.id}: ${name}`).toContain(name);
        }
        const chart = (id: string) => charts.find((c) => c.id === id)!;
        // Twelve months of bars per series (empty months are bars of height 0).
        expect(chart('revenue').bySeries['0']).toHaveLength(12);
        expect(chart('revenue').bySeries['1']).toHaveLength(12);
        // Revenue only in November, the last month: one bar standing.
        expect(
          chart('revenue')
            .bySeries['0'].filter((b) => b.height > 0)
            .map((b) => b.index),
        ).toEqual([11]);
        // Tiers: bronze 2, silver 1, gold 1, platinum 0.
        const tiers = chart('tiers')
          .bySeries['0'].sort((a, b) => a.index - b.index)
          .map((b) => b.height);
        expect(chart('tiers').legend).toEqual(
          expect.arrayContaining(['bronze', 'silver', 'gold', 'platinum']),
        );
        expect(tiers).toHaveLength(4);
        expect(tiers[0]).toBeCloseTo(tiers[1] * 2, 0);
        expect(tiers[1]).toBe(tiers[2]);
        expect(tiers[3]).toBe(0);
        // Appointment outcomes, stacked: November's column holds one of each, equal heights.
        const nov = ['0', '1', '2'].map(
          (s) => chart('appointments').bySeries[s].find((b) => b.index === 11)!.height,
        );
        expect(nov[0]).toBeGreaterThan(0);
        expect(nov[0]).toBeCloseTo(nov[1] * 2, 0);
        expect(nov[1]).toBe(nov[2]);
        // NPS: one point, November's (a month without answers is a gap, not a zero).
        expect(chart('nps').bySeries['0'].map((b) => b.index)).toEqual([11]);

        // The scorecards: one row per hospital, the name shown as the text it is.
        const rows = await page.$$eval('#scorecards tbody tr', (trs) =>
          trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
        );
        expect(rows.map((row) => row.slice(0, 2))).toEqual([
          ['ABJ-200', 'Hospital ABJ-200'],
          ['LAG-200', NAME],
        ]);
        expect(rows[1][2]).toBe('₦250,000.00');
        expect(await page.locator('script').count()).toBe(0);
        expect(await page.title()).toBe('crm dashboard — All hospitals — 2026-11');

        const out = join(ROOT, 'test-output');
        mkdirSync(out, { recursive: true });
        await page.screenshot({ path: join(out, 'analytics-report.png'), fullPage: true });
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    180_000,
  );
});
