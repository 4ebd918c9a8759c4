import type { Channel } from '../patients/patient.entity.js';
import type { MessagingConfig } from './messaging.config.js';
import { createMessenger, type Messenger } from './messenger.js';
import { createProvider } from './providers.js';

/**
 * A factory of messengers over the real providers; SDKs load on first use, only for the channels
 * asked for, and a channel without credentials fails there (exit 7 naming the variables).
 */
export function realMessengers(config: MessagingConfig): (channels: Channel[]) => Promise<Messenger> {
  return async (channels) => createMessenger(await createProvider(config, channels), config);
}
