/**
 * Sending with our own policy on top of a provider: per-channel rate limits, and retries of
 * transient errors (429, 5xx, timeouts, network) with exponential backoff and full jitter. The SDKs
 * retry nothing useful themselves (Twilio's autoRetry covers 429 only, SendGrid nothing).
 */
import type { Channel } from '../patients/patient.entity.js';
import type { MessagingConfig } from './messaging.config.js';
import type {
  DeliveryStatus,
  FoundMessage,
  MessageProvider,
  OutgoingMessage,
  ProviderResult,
} from './providers.js';

export type SendOutcome = ProviderResult & { tries: number };

export interface Messenger {
  send(message: OutgoingMessage): Promise<SendOutcome>;
  fetchStatus(channel: Channel, providerMessageId: string): Promise<DeliveryStatus | undefined>;
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
    async send(message) {
      let tries = 0;
      for (;;) {
        tries++;
        await take(message.channel);
        const result = await provider.send(message);
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
    fetchStatus: (channel, id) => provider.fetchStatus(channel, id),
    findSent: (message, since) => provider.findSent(message, since),
  };
}
