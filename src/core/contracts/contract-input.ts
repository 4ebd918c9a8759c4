import { ValidationError } from '../errors.js';
import { FREQUENCIES, type Frequency } from './contract.entity.js';

/** The terms of a contract as typed (flags or prompts), for creating or editing it. */
export interface ContractInput {
  owner?: string;
  hospital?: string;
  /** Owner's revenue share in percent (`70`, `12.5`). */
  share?: string;
  /** Minimum guarantee per payout period, naira. */
  guarantee?: string;
  frequency?: string;
  /** Payment terms in days (default 30). */
  terms?: string | number;
  start?: string;
  /** Optional end date; `none` clears it when editing. */
  end?: string;
  notes?: string;
}

export function parseFrequency(value: string | undefined): Frequency {
  const v = (value ?? '').trim().toLowerCase();
  if (!(FREQUENCIES as readonly string[]).includes(v))
    throw new ValidationError('frequency', value, 'use monthly or quarterly');
  return v as Frequency;
}

/** Payment terms in whole days, 0 to 365; 30 when not given. */
export function parseTerms(value: string | number | undefined): number {
  if (value === undefined || value === '') return 30;
  const text = String(value).trim();
  if (!/^\d{1,3}$/.test(text) || Number(text) > 365)
    throw new ValidationError('terms', value, 'payment terms in whole days, 0 to 365');
  return Number(text);
}

export function checkDates(start: string, end: string | null): void {
  if (end !== null && end < start)
    throw new ValidationError('end', end, `must not be before the start date ${start}`);
}
