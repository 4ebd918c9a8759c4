/**
 * The two providers behind the messaging layer: Twilio (SMS, WhatsApp) and SendGrid (e-mail),
 * through their official SDKs, loaded only when a message is really sent. Every provider answer
 * is turned into a ProviderResult: accepted, or a classified error (transient or permanent).
 *
 * Provider error texts quote the recipient ("The 'To' number +234… is not valid"); they are masked
 * here (`maskText`), where they enter crm, so that `messages.error_message`, reminders' errors and
 * printed errors never hold a full number or address.
 */
import { maskText } from '../audit/redact.js';
import type { Channel } from '../patients/patient.entity.js';
import { type MessagingConfig, requireCredentials, requireSafeBaseUrls } from './messaging.config.js';

export interface OutgoingMessage {
  channel: Channel;
  /** E.164 phone for sms/whatsapp (without the `whatsapp:` prefix), an address for e-mail. */
  to: string;
  body: string;
  subject?: string | null;
  /** WhatsApp business-initiated: the approved template and its numbered variables. */
  contentSid?: string | null;
  contentVariables?: Record<string, string> | null;
}

export type ProviderResult =
  | { ok: true; providerMessageId: string; status: 'queued' | 'sent' }
  | {
      ok: false;
      transient: boolean;
      /** Twilio error code (`21610`), `http_<status>` or a network code (`ECONNREFUSED`). */
      errorCode: string;
      errorMessage: string;
      /** When the provider said how long to wait (Retry-After), in ms. */
      retryAfterMs?: number;
      /**
       * The request may have reached the provider (a connection reset or a timeout after it was
       * sent): the message may have gone out. Never blindly sent again (see messenger.ts).
       */
      inDoubt?: boolean;
    };

export interface DeliveryStatus {
  status: string;
  errorCode: string | null;
  errorMessage: string | null;
}

/** A message the provider holds (found by `findSent`). */
export interface FoundMessage {
  providerMessageId: string;
  /** The provider's status word (Twilio: queued, sent, delivered, failed, …). */
  status: string;
}

/** One e-mail of a batch: its own address, subject and text (SendGrid personalizations). */
export interface BatchEmail {
  to: string;
  subject: string;
  body: string;
}

/** At most this many personalizations in one SendGrid request (SendGrid's limit). */
export const SENDGRID_MAX_PERSONALIZATIONS = 1000;

/** A message a recipient sent us (Twilio's message list, direction inbound). */
export interface InboundMessage {
  providerMessageId: string;
  channel: 'sms' | 'whatsapp';
  /** E.164, without the `whatsapp:` prefix. */
  from: string;
  body: string;
}

export interface MessageProvider {
  /** One try: no retries here (see sendWithRetry). */
  send(message: OutgoingMessage): Promise<ProviderResult>;
  /**
   * One try of one SendGrid request carrying up to 1,000 e-mails, each its own personalization
   * (its address, subject, and text through a substitution); no address may appear twice. The
   * whole request is accepted or refused: one result for all of them.
   */
  sendEmailBatch?(emails: BatchEmail[]): Promise<ProviderResult>;
  /**
   * Twilio only: the messages recipients sent to our SMS and WhatsApp senders since `since` (their
   * replies), oldest first. Throws when Twilio cannot be asked.
   */
  listInbound?(since: Date): Promise<InboundMessage[]>;
  /** The provider's current view of a message (Twilio only; undefined when it cannot tell). */
  fetchStatus(channel: Channel, providerMessageId: string): Promise<DeliveryStatus | undefined>;
  /**
   * Twilio only: the messages the provider accepted since `since` that could be `message` (same
   * recipient, same text), oldest first. Throws when it cannot tell (network, credentials, an
   * e-mail: SendGrid has no lookup).
   */
  findSent(message: OutgoingMessage, since: Date): Promise<FoundMessage[]>;
}

/**
 * How far before a send's recorded start (our database's clock) a lookup reaches, for the
 * difference between our clock and Twilio's.
 */
const LOOKUP_CLOCK_SKEW_MS = 5 * 60_000;
/** Messages to one recipient since the send started that a lookup reads (newest first). */
const LOOKUP_LIMIT = 200;

/** Twilio codes that mean "do not try again": the number, the recipient or the content is wrong. */
const TWILIO_PERMANENT = new Set([
  21211, 21408, 21610, 21612, 21614, 21617, 63016, 63024, 20003, 21602, 21603,
]);
/** Twilio codes that mean "later": queue full, rate limits. */
const TWILIO_TRANSIENT = new Set([20429, 21611, 63017, 20500, 20503]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'ERR_NETWORK',
  'ERR_BAD_RESPONSE',
]);

function retryAfter(headers: any): number | undefined {
  const raw = headers?.['retry-after'] ?? headers?.['Retry-After'];
  if (raw === undefined) return undefined;
  const s = Number(raw);
  return Number.isFinite(s) && s >= 0 ? s * 1000 : undefined;
}

/** Classifies anything the Twilio SDK throws. */
export function classifyTwilioError(error: any): ProviderResult & { ok: false } {
  const status: number | undefined = typeof error?.status === 'number' ? error.status : undefined;
  const code: number | undefined = typeof error?.code === 'number' ? error.code : undefined;
  const message = maskText(String(error?.message ?? error).split('\n')[0]);
  if (status !== undefined) {
    const transient =
      code !== undefined && TWILIO_PERMANENT.has(code)
        ? false
        : status === 429 || status >= 500 || (code !== undefined && TWILIO_TRANSIENT.has(code));
    return {
      ok: false,
      transient,
      errorCode: code !== undefined ? String(code) : `http_${status}`,
      errorMessage: message,
      retryAfterMs: retryAfter(error?.headers),
    };
  }
  return networkError(error, message);
}

/** Network failures that happen before a request reaches the provider: nothing can have gone out. */
const NEVER_REACHED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

function networkError(error: any, message: string): ProviderResult & { ok: false } {
  const code = typeof error?.code === 'string' ? error.code : undefined;
  // A network failure, a timeout, a dropped connection: transient. Unless the connection was never
  // made, the message may or may not have left: in doubt.
  const transient = code === undefined || NETWORK_CODES.has(code) || /timeout|socket hang up/i.test(message);
  const inDoubt = transient && !(code !== undefined && NEVER_REACHED.has(code));
  return { ok: false, transient, errorCode: code ?? 'network', errorMessage: message, inDoubt };
}

/** Classifies anything @sendgrid/mail throws: 429 and 5xx are transient, other 4xx permanent. */
export function classifySendgridError(error: any): ProviderResult & { ok: false } {
  const status: number | undefined =
    typeof error?.code === 'number' ? error.code : (error?.response?.statusCode ?? undefined);
  if (typeof status === 'number') {
    const body = error?.response?.body;
    const detail =
      body && typeof body === 'object' && Array.isArray(body.errors)
        ? body.errors.map((e: any) => e.message).join('; ')
        : String(error?.message ?? `HTTP ${status}`);
    return {
      ok: false,
      transient: status === 429 || status >= 500,
      errorCode: `http_${status}`,
      errorMessage: maskText(detail.split('\n')[0]),
      retryAfterMs: retryAfter(error?.response?.headers),
    };
  }
  return networkError(error, maskText(String(error?.message ?? error).split('\n')[0]));
}

/**
 * Builds the real providers. Only the SDKs of channels in `channels` are loaded; credentials for
 * them must be present (exit 7 naming the missing variables otherwise).
 */
export async function createProvider(config: MessagingConfig, channels: Channel[]): Promise<MessageProvider> {
  requireCredentials(config, channels);
  // Before any SDK holds a credential: plain http:// only to this machine.
  requireSafeBaseUrls(config, channels);
  const needTwilio = channels.some((c) => c !== 'email');
  const needSendgrid = channels.includes('email');
  let twilioClient: any;
  let sgMail: any;
  let sgClient: any;
  let sgFrom: unknown;
  if (needTwilio) {
    const { default: twilio } = await import('twilio');
    twilioClient = twilio(config.twilio.accountSid!, config.twilio.authToken!, {
      timeout: config.timeoutMs,
      autoRetry: false,
    });
    if (config.twilio.baseUrl) twilioClient.api.baseUrl = config.twilio.baseUrl;
  }
  if (needSendgrid) {
    const [clientModule, mailModule, addressModule] = await Promise.all([
      import('@sendgrid/client'),
      import('@sendgrid/mail'),
      import('@sendgrid/helpers/classes/email-address.js'),
    ]);
    // CommonJS packages: their classes hang off the default export at run time.
    const client = new (clientModule as any).Client();
    client.setApiKey(config.sendgrid.apiKey!); // first: it resets the base URL
    if (config.sendgrid.baseUrl) client.setDefaultRequest('baseUrl', config.sendgrid.baseUrl);
    sgMail = new (mailModule as any).MailService();
    sgMail.setClient(client);
    sgMail.setTimeout(config.timeoutMs);
    sgClient = client;
    // "Name <address>" or an address, read by the SDK's own helper once.
    sgFrom = new (addressModule as any).default(config.sendgrid.from!).toJSON();
  }
  return {
    async send(message) {
      if (message.channel === 'email') {
        if (!sgMail) requireCredentials(config, ['email']);
        try {
          const [response] = await sgMail.send({
            to: message.to,
            from: config.sendgrid.from!,
            subject: message.subject ?? '',
            text: message.body,
          });
          const id = response?.headers?.['x-message-id'] ?? response?.headers?.['X-Message-Id'];
          return { ok: true, providerMessageId: String(id ?? ''), status: 'queued' };
        } catch (error) {
          return classifySendgridError(error);
        }
      }
      if (!twilioClient) requireCredentials(config, [message.channel]);
      const params: Record<string, unknown> = {};
      if (message.channel === 'whatsapp') {
        params.to = twilioAddress(message);
        params.from = config.twilio.whatsappFrom!.startsWith('whatsapp:')
          ? config.twilio.whatsappFrom
          : `whatsapp:${config.twilio.whatsappFrom}`;
        if (message.contentSid) {
          params.contentSid = message.contentSid;
          params.contentVariables = JSON.stringify(message.contentVariables ?? {});
        } else params.body = message.body;
      } else {
        params.to = message.to;
        if (config.twilio.messagingServiceSid) params.messagingServiceSid = config.twilio.messagingServiceSid;
        else params.from = config.twilio.smsFrom;
        params.body = message.body;
      }
      try {
        const created = await twilioClient.messages.create(params);
        return {
          ok: true,
          providerMessageId: created.sid,
          status: created.status === 'sent' ? 'sent' : 'queued',
        };
      } catch (error) {
        return classifyTwilioError(error);
      }
    },
    async sendEmailBatch(emails) {
      if (!sgClient) requireCredentials(config, ['email']);
      if (emails.length === 0 || emails.length > SENDGRID_MAX_PERSONALIZATIONS)
        throw new Error(`a SendGrid request holds 1 to ${SENDGRID_MAX_PERSONALIZATIONS} personalizations`);
      try {
        // The v3 body as SendGrid documents it, through the SDK's own client: the mail helper
        // would copy a 1,000-personalization request twice (JSON round trips) and rename every
        // key twice on the way to the same bytes — a third of a sender's CPU in a campaign.
        const [response] = await sgClient.request({
          method: 'POST',
          url: '/v3/mail/send',
          body: {
            from: sgFrom,
            // Each personalization's `{{body}}` is replaced by its own text.
            content: [{ type: 'text/plain', value: '{{body}}' }],
            personalizations: emails.map((e) => ({
              to: [{ email: e.to }],
              subject: e.subject,
              substitutions: { '{{body}}': e.body },
            })),
          },
        });
        const id = response?.headers?.['x-message-id'] ?? response?.headers?.['X-Message-Id'];
        return { ok: true, providerMessageId: String(id ?? ''), status: 'queued' };
      } catch (error) {
        return classifySendgridError(error);
      }
    },
    async listInbound(since) {
      if (!twilioClient) requireCredentials(config, ['sms']);
      const senders = [
        config.twilio.smsFrom,
        config.twilio.whatsappFrom &&
          (config.twilio.whatsappFrom.startsWith('whatsapp:')
            ? config.twilio.whatsappFrom
            : `whatsapp:${config.twilio.whatsappFrom}`),
      ].filter((s): s is string => Boolean(s));
      // Filtered by our numbers (To) where known, so the list is the replies, not our own sends.
      const lists = await Promise.all(
        (senders.length ? senders : [undefined]).map((to) =>
          twilioClient.messages.list({ ...(to ? { to } : {}), dateSentAfter: since, limit: 10_000 }),
        ),
      );
      return (lists.flat() as any[])
        .filter((m) => String(m.direction ?? '') === 'inbound')
        .map((m) => {
          const from = String(m.from ?? '');
          const whatsapp = from.startsWith('whatsapp:');
          return {
            providerMessageId: String(m.sid),
            channel: whatsapp ? ('whatsapp' as const) : ('sms' as const),
            from: whatsapp ? from.slice('whatsapp:'.length) : from,
            body: String(m.body ?? ''),
          };
        })
        .reverse();
    },
    async fetchStatus(channel, providerMessageId) {
      if (channel === 'email' || !twilioClient) return undefined;
      const m = await twilioClient.messages(providerMessageId).fetch();
      return {
        status: m.status,
        errorCode: m.errorCode === null || m.errorCode === undefined ? null : String(m.errorCode),
        errorMessage: m.errorMessage == null ? null : maskText(m.errorMessage),
      };
    },
    async findSent(message, since) {
      if (message.channel === 'email') throw new Error('SendGrid offers no lookup of sent mail');
      if (!twilioClient) requireCredentials(config, [message.channel]);
      const after = new Date(since.getTime() - LOOKUP_CLOCK_SKEW_MS);
      // Twilio's list filters by recipient and send date; the text is compared here. A WhatsApp
      // template's text is rendered by Twilio, so there the recipient and the time must do.
      const list: any[] = await twilioClient.messages.list({
        to: twilioAddress(message),
        dateSentAfter: after,
        limit: LOOKUP_LIMIT,
      });
      return list
        .filter(
          (m) =>
            String(m.direction ?? '').startsWith('outbound') &&
            (message.contentSid ? true : m.body === message.body) &&
            !(m.dateCreated instanceof Date && m.dateCreated < after),
        )
        .reverse()
        .map((m) => ({ providerMessageId: String(m.sid), status: String(m.status) }));
    },
  };
}

/** The `To` Twilio gets for a message: the number, `whatsapp:`-prefixed for WhatsApp. */
function twilioAddress(message: OutgoingMessage): string {
  return message.channel === 'whatsapp' ? `whatsapp:${message.to}` : message.to;
}
