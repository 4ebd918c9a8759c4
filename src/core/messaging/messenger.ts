/**
 * Sending with our own policy on top of a provider: per-channel rate limits, and retries of
 * transient errors (429, 5xx, timeouts, network) with exponential backoff and full jitter. The SDKs
 * retry nothing useful themselves (Twilio's autoRetry covers 429 only, SendGrid nothing).
 *
 * A try whose outcome is in doubt (the connection dropped or timed out after the request may have
 * arrived) is not simply sent again: for SMS and WhatsApp, Twilio's message list is asked first,
 * and a message found there is the outcome; when Twilio cannot be asked, or for an e-mail (SendGrid
 * has no lookup), the outcome stays in doubt and the caller leaves it to the recovery sweep.
 */
import type { Channel } from '../patients/patient.entity.js';
import type { MessagingConfig } from './messaging.config.js';
import type {
  BatchEmail,
  DeliveryStatus,
  FoundMessage,
  InboundMessage,
  MessageProvider,
  OutgoingMessage,
  ProviderResult,
} from './providers.js';

export type SendOutcome = ProviderResult & {
  tries: number;
  /** The message was found at the provider after a try in doubt, not sent again. */
  foundByLookup?: boolean;
};

export interface SendOptions {
  /**
   * Whether another message already holds this provider id (the same text to the same number can
   * be sent twice on purpose): a lookup takes only a message nobody holds.
   */
  isTaken?: (providerMessageId: string) => Promise<boolean>;
}

export interface Messenger {
  send(message: OutgoingMessage, options?: SendOptions): Promise<SendOutcome>;
  /**
   * Sends up to 1,000 e-mails in one SendGrid request, retrying transient errors like `send` (the
   * caller paces; an answer in doubt is returned as such: SendGrid has no lookup).
   */
  sendEmailBatch(emails: BatchEmail[]): Promise<SendOutcome>;
  fetchStatus(channel: Channel, providerMessageId: string): Promise<DeliveryStatus | undefined>;
  /** Replies recipients sent us since `since` (empty when the provider cannot list them). */
  listInbound(since: Date): Promise<InboundMessage[]>;
  findSent(message: OutgoingMessage, since: Date): Promise<FoundMessage[]>;
}

export type Sleep = (ms: number) => Promise<void>;
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Exponential backoff with full jitter: a random wait in [0, min(max, base·2^(try-1))]. */
export function backoffDelay(tryNumber: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, tryNumber - 1));
  return Math.round(random() * ceiling);
}

/** A per-channel pacer: at most `rate` sends per second from this process (0 = unlimited). */
export function createRateLimiter(rates: Record<Channel, number>, sleep: Sleep = realSleep) {
  const next: Record<Channel, number> = { sms: 0, whatsapp: 0, email: 0 };
  return async function take(channel: Channel): Promise<void> {
    const rate = rates[channel];
    if (!rate) return;
    const interval = 1000 / rate;
    const now = Date.now();
    const at = Math.max(now, next[channel]);
    next[channel] = at + interval;
    if (at > now) await sleep(at - now);
  };
}

export function createMessenger(
  provider: MessageProvider,
  config: MessagingConfig,
  { sleep = realSleep, random = Math.random }: { sleep?: Sleep; random?: () => number } = {},
): Messenger {
  const take = createRateLimiter(config.ratePerSecond, sleep);
  return {
    async send(message, options = {}) {
      let tries = 0;
      for (;;) {
        tries++;
        await take(message.channel);
        const started = new Date();
        const result = await provider.send(message);
        if (!result.ok && result.inDoubt) {
          const settled = await settleInDoubt(provider, message, started, options);
          if (settled === 'not sent') {
            if (tries >= config.maxTries) return { ...result, inDoubt: false, tries };
          } else return { ...(settled ?? result), tries };
        }
        if (result.ok || !result.transient || tries >= config.maxTries) return { ...result, tries };
        const wait = Math.min(
          config.backoffMaxMs,
          Math.max(
            result.retryAfterMs ?? 0,
            backoffDelay(tries, config.backoffBaseMs, config.backoffMaxMs, random),
          ),
        );
        await sleep(wait);
      }
    },
    async sendEmailBatch(emails) {
      if (!provider.sendEmailBatch) throw new Error('this provider cannot send e-mail batches');
      let tries = 0;
      for (;;) {
        tries++;
        const result = await provider.sendEmailBatch(emails);
        if (result.ok || !result.transient || result.inDoubt || tries >= config.maxTries)
          return { ...result, tries };
        await sleep(
          Math.min(
            config.backoffMaxMs,
            Math.max(
              result.retryAfterMs ?? 0,
              backoffDelay(tries, config.backoffBaseMs, config.backoffMaxMs, random),
            ),
          ),
        );
      }
    },
    fetchStatus: (channel, id) => provider.fetchStatus(channel, id),
    listInbound: async (since) => (provider.listInbound ? provider.listInbound(since) : []),
    findSent: (message, since) => provider.findSent(message, since),
  };
}

/**
 * After a try in doubt: the message Twilio holds for it (an outcome), `not sent` (Twilio has no
 * such message: safe to try again), or undefined (cannot tell: stays in doubt).
 */
async function settleInDoubt(
  provider: MessageProvider,
  message: OutgoingMessage,
  started: Date,
  options: SendOptions,
): Promise<(ProviderResult & { foundByLookup?: boolean }) | 'not sent' | undefined> {
  if (message.channel === 'email') return undefined;
  let found: Awaited<ReturnType<MessageProvider['findSent']>>;
  try {
    found = await provider.findSent(message, started);
  } catch {
    return undefined;
  }
  for (const f of found)
    if (!(await options.isTaken?.(f.providerMessageId)))
      return {
        ok: true,
        providerMessageId: f.providerMessageId,
        status: f.status === 'queued' || f.status === 'accepted' ? 'queued' : 'sent',
        foundByLookup: true,
      };
  return 'not sent';
}
