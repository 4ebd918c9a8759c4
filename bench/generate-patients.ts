/**
 * Generates a patients CSV the way hospitals send them: Nigerian names, phones in every common
 * written form, about 2% invalid rows, and (optionally) a share of rows that repeat patients
 * already known. Deterministic for a given seed.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

const FIRST = [
  'Adaeze',
  'Babatunde',
  'Chukwuemeka',
  'Funmilayo',
  'Hauwa',
  'Ibrahim',
  'Ngozi',
  'Oluwaseun',
  'Aisha',
  'Emeka',
  'Yetunde',
  'Musa',
  'Chiamaka',
  'Tunde',
  'Zainab',
  'Obinna',
  'Kemi',
  'Usman',
  'Ifeoma',
  'Segun',
];
const LAST = [
  'Okafor',
  'Adeyemi',
  'Bello',
  'Nwosu',
  'Ogunleye',
  'Musa',
  'Eze',
  'Balogun',
  'Abubakar',
  'Okonkwo',
  'Adebayo',
  'Danjuma',
  'Obi',
  'Oyelaran',
  'Lawal',
  'Chukwu',
  'Afolabi',
  'Garba',
  'Nnamdi',
  'Olawale',
];
const PREFIXES = [
  '803',
  '805',
  '806',
  '807',
  '808',
  '810',
  '813',
  '814',
  '816',
  '703',
  '706',
  '802',
  '808',
  '812',
  '901',
  '902',
  '903',
  '906',
  '915',
  '916',
];
const LANGS = ['en', 'pcm', 'yo', 'ha', 'ig'];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function phoneForms(national: string, r: number): string {
  // national: 10 digits without the trunk zero, e.g. 8031234567
  switch (Math.floor(r * 5)) {
    case 0:
      return `0${national}`;
    case 1:
      return `234${national}`;
    case 2:
      return `+234 ${national.slice(0, 3)} ${national.slice(3, 6)} ${national.slice(6)}`;
    case 3:
      return `0${national.slice(0, 3)}-${national.slice(3, 6)}-${national.slice(6)}`;
    default:
      return `+234(0)${national}`;
  }
}

export interface GenerateOptions {
  path: string;
  rows: number;
  /** Index of the first patient (rows from `firstIndex` repeat the same patients in another run). */
  firstIndex?: number;
  invalidShare?: number;
  seed?: number;
}

/** Patient i always has the same MRN, name and phone, so two files can share patients. */
export function patientRow(i: number, random: () => number, invalid: boolean): string {
  const national = `${PREFIXES[i % PREFIXES.length]}${String(1_000_000 + ((i * 7919) % 9_000_000)).padStart(7, '0')}`;
  const first = FIRST[i % FIRST.length];
  const last = LAST[Math.floor(i / FIRST.length) % LAST.length];
  const phone = invalid ? `0${national.slice(0, 6)}` : phoneForms(national, random());
  const day = 1 + (i % 28);
  const month = 1 + (i % 12);
  const year = 1950 + (i % 60);
  const dob =
    i % 2
      ? `${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/${year}`
      : `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const email = i % 3 === 0 ? `${first}.${last}${i}@example.ng`.toLowerCase() : '';
  return `MRN-${i},${first},${last},${phone},${email},${dob},${i % 2 ? 'F' : 'M'},${LANGS[i % 5]},${i % 4 ? 'yes' : 'no'}`;
}

export async function generatePatientsCsv(options: GenerateOptions): Promise<void> {
  const random = rng(options.seed ?? 42);
  const out = createWriteStream(options.path);
  out.write('MRN,First Name,Surname,Phone Number,Email,DOB,Sex,Language,SMS Consent\n');
  const first = options.firstIndex ?? 0;
  let chunk: string[] = [];
  for (let n = 0; n < options.rows; n++) {
    const invalid = random() < (options.invalidShare ?? 0.02);
    chunk.push(patientRow(first + n, random, invalid));
    if (chunk.length === 10_000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
      chunk = [];
    }
  }
  if (chunk.length) out.write(`${chunk.join('\n')}\n`);
  out.end();
  await once(out, 'finish');
}
