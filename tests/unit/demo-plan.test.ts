import { describe, expect, it } from 'vitest';
import { DEMO_HOSPITALS } from '../../src/core/demo/demo-names.js';
import { planDemo } from '../../src/core/demo/demo-plan.js';
import { mulberry32 } from '../../src/core/demo/prng.js';
import { CBN_BANKS } from '../../src/core/owners/banks.js';
import { validateNuban } from '../../src/core/owners/nuban.js';

const NOW = new Date('2026-12-02T09:00:00Z');

describe('the demo plan', () => {
  it('is the same for the same seed, patients and day, and differs for another seed', () => {
    const a = planDemo({ seed: 7, patients: 500, now: NOW });
    const b = planDemo({ seed: 7, patients: 500, now: NOW });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const c = planDemo({ seed: 8, patients: 500, now: NOW });
    expect(c.patients.map((p) => p.phone)).not.toEqual(a.patients.map((p) => p.phone));
  });

  it('mulberry32 gives the same sequence for a seed on every run', () => {
    const r = mulberry32(2026);
    const first = [r.next(), r.next(), r.next()];
    const again = mulberry32(2026);
    expect([again.next(), again.next(), again.next()]).toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  const plan = planDemo({ seed: 2026, patients: 2000, now: NOW });

  it('has hospitals in Lagos, Abuja, Port Harcourt, Kano and Ibadan, each with a contract and doctors', () => {
    expect(new Set(plan.hospitals.map((h) => h.city))).toEqual(
      new Set(['Lagos', 'Ikeja', 'Lekki', 'Abuja', 'Port Harcourt', 'Kano', 'Ibadan']),
    );
    expect(plan.contracts.map((c) => c.hospital).sort()).toEqual(DEMO_HOSPITALS.map((h) => h.code).sort());
    for (const h of plan.hospitals) expect(plan.doctors.some((d) => d.hospital === h.code)).toBe(true);
  });

  it('pays owners to valid NUBANs at CBN-listed banks', () => {
    for (const o of plan.owners) {
      expect(CBN_BANKS[o.bankCode], o.bankCode).toBeDefined();
      expect(validateNuban(o.bankCode, o.accountNumber)).toEqual({ ok: true });
    }
  });

  it('gives patients distinct +234 mobile numbers, local names and the five languages', () => {
    const phones = plan.patients.map((p) => p.phone);
    expect(new Set(phones).size).toBe(phones.length);
    for (const phone of phones) expect(phone).toMatch(/^\+234[789]\d{9}$/);
    expect(new Set(plan.patients.map((p) => p.language))).toEqual(new Set(['en', 'pcm', 'yo', 'ha', 'ig']));
    const kano = plan.patients.filter((p) => p.hospital === 'KAN-001');
    expect(kano.filter((p) => p.language === 'ha').length / kano.length).toBeGreaterThan(0.4);
  });

  it('keeps history in the past, six whole months of it, and bookings in the future, one per patient', () => {
    expect(plan.months).toEqual(['2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11']);
    for (const t of plan.transactions) expect(Date.parse(t.occurredAt)).toBeLessThan(NOW.getTime());
    for (const a of plan.appointments) expect(Date.parse(a.endsAt)).toBeLessThan(NOW.getTime());
    for (const f of plan.feedback) {
      expect(plan.appointments[f.appointment].status).toBe('completed');
      expect(Date.parse(f.submittedAt)).toBeLessThan(NOW.getTime());
    }
    const booked = plan.bookings.map((b) => b.patient);
    expect(new Set(booked).size).toBe(booked.length);
    const slots = plan.bookings.map((b) => `${b.doctor} ${b.at}`);
    expect(new Set(slots).size).toBe(slots.length);
    // Each patient's past appointments start at distinct times (feedback finds its appointment by them).
    const starts = plan.appointments.map((a) => `${a.patient} ${a.startsAt}`);
    expect(new Set(starts).size).toBe(starts.length);
  });
});
