/**
 * Opt-out by reply: a patient or an owner who answers an SMS or WhatsApp message with STOP (or a word of the
 * same meaning in Pidgin, Yoruba, Hausa or Igbo) is opted out of that channel. `crm message sync`
 * reads the replies from Twilio's message list (docs/campaigns.md, "Opt-out by reply").
 *
 * A reply counts when its whole text, trimmed, case-folded, without diacritics and trailing
 * punctuation, is one of these (as carriers treat STOP: a sentence that merely contains "stop" is
 * not an opt-out):
 * - English (the carriers' standard words): STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT;
 * - Pidgin: COMOT, STOP AM, NO SEND AGAIN, I NO WANT AGAIN;
 * - Yoruba: DURO ("stop"), DAWO DURO, MA FI RANSE MO ("do not send it any more");
 * - Hausa: TSAYA ("stop"), DAINA ("quit"), A DAINA;
 * - Igbo: KWUSI ("stop"), KWUSI YA, EZIGHACHILA ("do not send again").
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { optOut } from './message.sql.js';
import type { InboundMessage } from './providers.js';

export const OPT_OUT_WORDS: Record<string, string[]> = {
  en: ['stop', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit'],
  pcm: ['comot', 'stop am', 'no send again', 'i no want again'],
  yo: ['duro', 'dawo duro', 'ma fi ranse mo'],
  ha: ['tsaya', 'daina', 'a daina'],
  ig: ['kwusi', 'kwusi ya', 'ezighachila'],
};

const ALL_WORDS = new Set(Object.values(OPT_OUT_WORDS).flat());

/** The reply's text as compared: case-folded, diacritics and surrounding punctuation removed. */
export function normaliseReply(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Whether a reply is an opt-out. */
export function isOptOutReply(text: string): boolean {
  return ALL_WORDS.has(normaliseReply(text));
}

/**
 * Opts out, of the reply's channel, every patient and every owner whose number sent an opt-out
 * reply; returns how many patients (`optOuts`) and owners (`ownerOptOuts`) were newly opted out
 * (one already opted out is not counted again).
 */
export async function applyOptOutReplies(
  em: EntityManager,
  replies: InboundMessage[],
  now: string,
): Promise<{ replies: number; optOuts: number; ownerOptOuts: number }> {
  const stops = replies.filter((r) => isOptOutReply(r.body));
  let optOuts = 0;
  let ownerOptOuts = 0;
  for (const channel of ['sms', 'whatsapp'] as const) {
    const phones = [...new Set(stops.filter((s) => s.channel === channel).map((s) => s.from))];
    if (!phones.length) continue;
    optOuts += (await optOut(em, { table: 'patient', by: 'phone' }, channel, phones, now)).length;
    // Owners receive campaigns too (segment all-owners).
    ownerOptOuts += (await optOut(em, { table: 'owner', by: 'phone' }, channel, phones, now)).length;
  }
  return { replies: stops.length, optOuts, ownerOptOuts };
}
