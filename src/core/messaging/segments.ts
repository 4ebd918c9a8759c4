/**
 * SMS segment counting (GSM 03.38 7-bit default alphabet vs UCS-2), as used by SMS previews.
 *
 * Rules:
 * - A message made only of GSM-7 characters is sent as GSM-7. Basic-table characters cost 1 septet,
 *   extension-table characters (`^ { } \ [ ~ ] | €` and form feed) cost 2 (escape + character).
 *   One segment holds 160 septets; a concatenated message holds 153 per segment (the rest is the UDH).
 * - Any other character (`₦`, emoji, Yoruba/Igbo/Hausa diacritics such as `ẹ`, curly quotes…) makes the
 *   WHOLE message UCS-2: 70 UTF-16 code units in one segment, 67 per concatenated segment. Characters
 *   outside the BMP (most emoji) are surrogate pairs and count 2.
 * - When a message is concatenated, an escape sequence (2 septets) or a surrogate pair is never split
 *   between two segments, so a segment may carry one unit less than the maximum. This matches what
 *   carriers and Twilio's segment calculator do.
 * - The empty string is 0 segments (nothing would be sent).
 *
 * The text is counted as given: no "smart encoding" substitution (e.g. `’` → `'`) is assumed.
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentCount {
  encoding: SmsEncoding;
  /** Units counted against the limits: septets for GSM-7, UTF-16 code units for UCS-2. */
  characters: number;
  segments: number;
  /** Capacity of one segment for this message: 160/153 (GSM-7) or 70/67 (UCS-2); 160 when empty. */
  perSegment: number;
}

export const GSM7_SINGLE_SEGMENT = 160;
export const GSM7_CONCATENATED_SEGMENT = 153;
export const UCS2_SINGLE_SEGMENT = 70;
export const UCS2_CONCATENATED_SEGMENT = 67;

// GSM 03.38 basic character set (the escape code 0x1B itself is not a printable character).
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);

// GSM 03.38 extension table: each costs 2 septets (ESC + character).
const GSM7_EXTENSION = new Set('^{}\\[~]|€\f');

/** Septets a character costs in GSM-7, or `undefined` if it is not representable. */
function gsmCost(char: string): 1 | 2 | undefined {
  if (GSM7_BASIC.has(char)) return 1;
  if (GSM7_EXTENSION.has(char)) return 2;
  return undefined;
}

/** True when every character of `text` is in the GSM-7 basic or extension table. */
export function isGsm7(text: string): boolean {
  for (const char of text) {
    if (gsmCost(char) === undefined) return false;
  }
  return true;
}

/**
 * Packs indivisible units (cost 1 or 2) into segments of `capacity`, never splitting a unit.
 */
function pack(costs: number[], capacity: number): number {
  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > capacity) {
      segments += 1;
      used = 0;
    }
    used += cost;
  }
  return segments;
}

export function countSegments(text: string): SegmentCount {
  if (text.length === 0) {
    return { encoding: 'GSM-7', characters: 0, segments: 0, perSegment: GSM7_SINGLE_SEGMENT };
  }

  // Iterating a string yields code points: a surrogate pair comes as one 2-unit string.
  const gsmCosts: number[] = [];
  let gsm = true;
  for (const char of text) {
    const cost = gsmCost(char);
    if (cost === undefined) {
      gsm = false;
      break;
    }
    gsmCosts.push(cost);
  }

  if (gsm) {
    const septets = gsmCosts.reduce((sum, cost) => sum + cost, 0);
    if (septets <= GSM7_SINGLE_SEGMENT) {
      return { encoding: 'GSM-7', characters: septets, segments: 1, perSegment: GSM7_SINGLE_SEGMENT };
    }
    return {
      encoding: 'GSM-7',
      characters: septets,
      segments: pack(gsmCosts, GSM7_CONCATENATED_SEGMENT),
      perSegment: GSM7_CONCATENATED_SEGMENT,
    };
  }

  const units = text.length; // UTF-16 code units
  if (units <= UCS2_SINGLE_SEGMENT) {
    return { encoding: 'UCS-2', characters: units, segments: 1, perSegment: UCS2_SINGLE_SEGMENT };
  }
  const ucsCosts = Array.from(text, (char) => char.length);
  return {
    encoding: 'UCS-2',
    characters: units,
    segments: pack(ucsCosts, UCS2_CONCATENATED_SEGMENT),
    perSegment: UCS2_CONCATENATED_SEGMENT,
  };
}
