/**
 * A local fake of the two provider HTTP APIs the messaging layer uses, close enough for the REAL
 * `twilio` and `@sendgrid/mail` SDKs to accept its answers:
 *
 * - Twilio  `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` (form-encoded, HTTP Basic auth)
 *           `GET  /2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}.json`
 *           `GET  /2010-04-01/Accounts/{AccountSid}/Messages.json?To=…&DateSent>=…` (the message
 *           list, filtered and paged as the SDK's `messages.list` expects)
 * - SendGrid `POST /v3/mail/send` (JSON, `Authorization: Bearer <key>`)
 *
 * It records every request and can be scripted per request (429/5xx, Twilio error codes, SendGrid
 * 400/413, delays, dropped connections, asynchronous WhatsApp failures that show up on fetch, and
 * a message accepted whose answer never arrives: `accept-then-drop` / `accept-then-hang`).
 *
 * Point the SDKs at it:
 *   const client = twilio(FAKE_TWILIO.accountSid, FAKE_TWILIO.authToken);
 *   client.api.baseUrl = fake.twilioBaseUrl;
 *   const sg = new Client(); sg.setApiKey(FAKE_SENDGRID_KEY);              // setApiKey FIRST
 *   sg.setDefaultRequest('baseUrl', fake.sendgridBaseUrl); sgMail.setClient(sg);
 *
 * Standalone demo: `npm run fake-provider -- --port N` (docs/reminders.md) prints the URL and the
 * environment to use, logs each request and runs until Ctrl-C.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { countSegments } from '../../src/core/messaging/segments.js';

export const FAKE_TWILIO = {
  accountSid: 'AC0123456789abcdef0123456789abcdef',
  authToken: 'fake-twilio-auth-token-0123456789',
} as const;

export const FAKE_SENDGRID_KEY = 'SG.fake-sendgrid-key.0123456789abcdef';

export type FakeOperation =
  | 'twilio.messages.create'
  | 'twilio.messages.fetch'
  | 'twilio.messages.list'
  | 'sendgrid.mail.send'
  | 'unknown';
export type FakeProviderName = 'twilio' | 'sendgrid' | 'unknown';

export type FormBody = Record<string, string | string[]>;

export interface RecordedRequest {
  /** 1-based, in arrival order. */
  seq: number;
  provider: FakeProviderName;
  operation: FakeOperation;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** Form fields (Twilio; a repeated field such as `MediaUrl` becomes an array) or parsed JSON (SendGrid). */
  body: unknown;
  /** Same as `body` for form-encoded requests, else undefined. */
  form?: FormBody;
  /** Same as `body` for JSON requests, else undefined. */
  json?: any;
  receivedAt: Date;
  /** HTTP status answered (undefined while pending, or when the connection was dropped). */
  responseStatus?: number;
  /** True when a planned response (rather than the default behaviour) answered this request. */
  planned: boolean;
}

/** Fields of a planned response that every kind accepts. */
interface PlannedBase {
  /** Wait this long before answering (to provoke client timeouts). */
  delayMs?: number;
}

/**
 * A plain HTTP answer. Without `body`, a provider-shaped error body is generated: Twilio
 * `{code, message, more_info, status}` (code 20429 for 429, 20500 for 5xx…) or SendGrid `{errors: [...]}`.
 * A string `body` is sent verbatim (use `contentType` to label it).
 */
export interface PlannedHttp extends PlannedBase {
  kind?: 'http';
  status: number;
  /** Seconds, sent as `Retry-After`. */
  retryAfter?: number;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/** An immediate Twilio API error (e.g. 21211, 21610, 21611, 20429, 63017). */
export interface PlannedTwilioError extends PlannedBase {
  kind: 'twilio-error';
  code: number;
  /** Defaults to the code's usual HTTP status (400 for most). */
  status?: number;
  message?: string;
}

/**
 * Create succeeds (201, queued) but the message later fails: a fetch returns `status` (default
 * 'failed') with `error_code` — e.g. 63016 (WhatsApp free-form outside the 24-hour window).
 */
export interface PlannedTwilioAsyncFailure extends PlannedBase {
  kind: 'twilio-async-failure';
  errorCode: number;
  errorMessage?: string;
  status?: 'failed' | 'undelivered';
}

/** A SendGrid error with a JSON `errors[]` body. */
export interface PlannedSendgridError extends PlannedBase {
  kind: 'sendgrid-error';
  status: number;
  errors?: Array<{ message: string; field?: string | null; help?: string | null }>;
  retryAfter?: number;
}

/** An HTML error page (what a proxy/load balancer answers, e.g. SendGrid's 413). */
export interface PlannedHtml extends PlannedBase {
  kind: 'html';
  status: number;
  html?: string;
}

/** The default (successful) behaviour, possibly delayed. Useful inside a sequence. */
export interface PlannedSuccess extends PlannedBase {
  kind: 'success';
}

/** Destroy the socket without answering: the SDK sees a network error (ECONNRESET / socket hang up). */
export interface PlannedDrop {
  kind: 'drop';
}

/** Never answer (until the fake is closed or reset): the SDK times out. */
export interface PlannedHang {
  kind: 'hang';
}

/**
 * Accept the message (Twilio: it is created and listed; SendGrid: the mail is recorded), then
 * destroy the socket (`drop`: the SDK sees a network error) or never answer (`hang`: the SDK
 * waits for its timeout): "sent, but the answer never arrived".
 */
export interface PlannedAcceptThenLose {
  kind: 'accept-then-drop' | 'accept-then-hang';
}

export type PlannedResponse =
  | PlannedAcceptThenLose
  | PlannedHttp
  | PlannedTwilioError
  | PlannedTwilioAsyncFailure
  | PlannedSendgridError
  | PlannedHtml
  | PlannedSuccess
  | PlannedDrop
  | PlannedHang;

/** A response, or a function choosing one per request (`undefined` → default behaviour). */
export type PlannedResponder = PlannedResponse | ((req: RecordedRequest) => PlannedResponse | undefined);

/**
 * Which requests a plan applies to: a provider, an operation, a predicate, or an object whose
 * fields must all match (`to` compares Twilio's `To` or any SendGrid personalization `to` e-mail).
 */
export type RequestMatcher =
  | 'any'
  | FakeProviderName
  | FakeOperation
  | ((req: RecordedRequest) => boolean)
  | { provider?: FakeProviderName; operation?: FakeOperation; to?: string };

export interface PlanHandle {
  /** How many requests this plan has answered so far. */
  readonly used: number;
  /** How many more it will answer (Infinity for a persistent plan). */
  readonly remaining: number;
  cancel(): void;
}

export type TwilioMessageStatus =
  | 'queued'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'undelivered'
  | 'failed'
  | 'accepted'
  | 'scheduled'
  | 'read'
  | 'canceled'
  | 'received';

/** A message resource as Twilio serialises it (snake_case). */
export interface TwilioMessageResource {
  account_sid: string;
  api_version: string;
  body: string;
  date_created: string;
  date_sent: string | null;
  date_updated: string;
  direction: string;
  error_code: number | null;
  error_message: string | null;
  from: string | null;
  messaging_service_sid: string | null;
  num_media: string;
  num_segments: string;
  price: string | null;
  price_unit: string;
  sid: string;
  status: TwilioMessageStatus;
  subresource_uris: { media: string; feedback: string };
  to: string;
  uri: string;
}

export interface FakeTwilioMessage {
  sid: string;
  /** The form fields the SDK sent. */
  params: FormBody;
  /** The resource as it would be fetched now. */
  resource: TwilioMessageResource;
  /** What a fetch will turn the message into (the default fetch status, or a planned async failure). */
  outcome: { status: TwilioMessageStatus; errorCode: number | null; errorMessage: string | null };
}

export interface FakeSendgridMail {
  messageId: string;
  /** The JSON body the SDK sent (snake_case). */
  body: any;
  receivedAt: Date;
}

export interface FakeProviderOptions {
  /** Default 0 (random free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  twilio?: { accountSid: string; authToken: string };
  sendgridApiKey?: string;
  /**
   * Status a successfully created message has when fetched (simulated delivery). Default
   * 'delivered'. Use 'queued' to make fetches show no progress.
   */
  fetchStatus?: TwilioMessageStatus;
  /** Reject `To` values that are not E.164 (optionally `whatsapp:`-prefixed) with 21211. Default true. */
  validateNumbers?: boolean;
  /** Called after each request is answered (the demo uses it to log). */
  onRequest?: (req: RecordedRequest) => void;
}

export interface FakeProvider {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** For `client.api.baseUrl` / `CRM_TWILIO_BASE_URL`. */
  readonly twilioBaseUrl: string;
  /** For `setDefaultRequest('baseUrl', …)` / `CRM_SENDGRID_BASE_URL` (with a trailing slash). */
  readonly sendgridBaseUrl: string;
  readonly credentials: { twilio: { accountSid: string; authToken: string }; sendgridApiKey: string };
  /** Every request received, in order (including rejected ones). */
  readonly requests: RecordedRequest[];
  /** Requests for one operation. */
  requestsFor(operation: FakeOperation): RecordedRequest[];
  /** Messages the fake accepted (201), in order. */
  twilioMessages(): FakeTwilioMessage[];
  twilioMessage(sid: string): FakeTwilioMessage | undefined;
  /** Change what a later fetch of `sid` returns. */
  setTwilioMessageStatus(sid: string, status: TwilioMessageStatus, errorCode?: number | null): void;
  /** Mails the fake accepted (202), in order. */
  sendgridMails(): FakeSendgridMail[];
  /**
   * A message a patient sent us (a reply such as `STOP`): served by the message list with
   * `direction: inbound`, `status: received`, `To` our number. `from` is `+234…` or `whatsapp:+234…`.
   */
  receiveInbound(inbound: { from: string; to: string; body: string; at?: Date }): string;
  /**
   * Answer the next `times` (default 1; Infinity = until cancelled) matching requests with `response`.
   * Plans are tried in the order they were added; the first matching one with uses left answers.
   */
  plan(matcher: RequestMatcher, response: PlannedResponder, times?: number): PlanHandle;
  /** Answer the next matching requests one by one with these responses. */
  planSequence(matcher: RequestMatcher, responses: PlannedResponse[]): PlanHandle;
  /** Shorthand for `plan(matcher, response, n)`. */
  failNext(n: number, response: PlannedResponse, matcher?: RequestMatcher): PlanHandle;
  /** Resolves when at least `count` requests (optionally of one operation) have been received. */
  waitForRequests(count: number, operation?: FakeOperation, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Forget requests, messages, mails and plans; answer pending `hang`s with 503. */
  reset(): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------

const TWILIO_API_VERSION = '2010-04-01';
const TWILIO_CREATE_RE = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const TWILIO_FETCH_RE = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\.json$/;
/** Page size of the message list when the request names none (Twilio's default is 50). */
const TWILIO_LIST_PAGE_SIZE = 50;
const SENDGRID_SEND_PATH = '/v3/mail/send';
const E164_RE = /^(whatsapp:)?\+[1-9]\d{6,14}$/;

/** Usual HTTP status and message of the Twilio error codes the CRM cares about. */
export const TWILIO_ERRORS: Record<number, { status: number; message: string }> = {
  20003: { status: 401, message: 'Authenticate' },
  20404: { status: 404, message: 'The requested resource was not found' },
  20429: { status: 429, message: 'Too Many Requests' },
  20500: { status: 500, message: 'Internal Server Error' },
  20503: { status: 503, message: 'Service Unavailable' },
  21211: { status: 400, message: "The 'To' number is not a valid phone number." },
  21602: { status: 400, message: 'Message body is required.' },
  21603: { status: 400, message: "A 'From' phone number is required." },
  21604: { status: 400, message: "A 'To' phone number is required." },
  21610: { status: 400, message: 'Attempt to send to unsubscribed recipient' },
  21611: { status: 400, message: "This 'From' number has exceeded the maximum number of queued messages" },
  63016: {
    status: 400,
    message:
      'Failed to send freeform message because you are outside the allowed window. ' +
      'If you are using WhatsApp, please use a Message Template.',
  },
  63017: { status: 429, message: 'Rate limit exceeded' },
};

function twilioErrorBody(code: number, status: number, message?: string) {
  return {
    code,
    message: message ?? TWILIO_ERRORS[code]?.message ?? `Error ${code}`,
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  };
}

function twilioCodeForStatus(status: number): number {
  if (status === 401) return 20003;
  if (status === 404) return 20404;
  if (status === 429) return 20429;
  if (status === 503) return 20503;
  if (status >= 500) return 20500;
  return 20001;
}

function sendgridErrorBody(status: number) {
  const message =
    status === 401
      ? 'The provided authorization grant is invalid, expired, or revoked'
      : status === 403
        ? 'access forbidden'
        : status === 429
          ? 'too many requests'
          : status >= 500
            ? 'internal server error'
            : 'bad request';
  return { errors: [{ message, field: null, help: null }] };
}

const DEFAULT_413_HTML =
  '<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n' +
  '<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

function defaultHtml(status: number): string {
  if (status === 413) return DEFAULT_413_HTML;
  return `<html>\r\n<head><title>${status}</title></head>\r\n<body><center><h1>${status}</h1></center></body>\r\n</html>\r\n`;
}

/** RFC 2822 date as Twilio writes it: `Thu, 24 Aug 2023 05:01:45 +0000`. */
function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

function parseForm(raw: string): FormBody {
  const out: FormBody = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[key] = [prev, value];
  }
  return out;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function classify(method: string, path: string): { provider: FakeProviderName; operation: FakeOperation } {
  if (method === 'POST' && TWILIO_CREATE_RE.test(path)) {
    return { provider: 'twilio', operation: 'twilio.messages.create' };
  }
  if (method === 'GET' && TWILIO_CREATE_RE.test(path)) {
    return { provider: 'twilio', operation: 'twilio.messages.list' };
  }
  if (method === 'GET' && TWILIO_FETCH_RE.test(path)) {
    return { provider: 'twilio', operation: 'twilio.messages.fetch' };
  }
  if (method === 'POST' && path === SENDGRID_SEND_PATH) {
    return { provider: 'sendgrid', operation: 'sendgrid.mail.send' };
  }
  if (path.startsWith('/2010-04-01/')) return { provider: 'twilio', operation: 'unknown' };
  if (path.startsWith('/v3/')) return { provider: 'sendgrid', operation: 'unknown' };
  return { provider: 'unknown', operation: 'unknown' };
}

function sendgridRecipients(body: any): string[] {
  const out: string[] = [];
  if (body && Array.isArray(body.personalizations)) {
    for (const p of body.personalizations) {
      for (const field of ['to', 'cc', 'bcc']) {
        if (Array.isArray(p?.[field])) {
          for (const r of p[field]) if (typeof r?.email === 'string') out.push(r.email);
        }
      }
    }
  }
  return out;
}

function matches(matcher: RequestMatcher, req: RecordedRequest): boolean {
  if (typeof matcher === 'function') return matcher(req);
  if (typeof matcher === 'string') {
    return matcher === 'any' || matcher === req.provider || matcher === req.operation;
  }
  if (matcher.provider && matcher.provider !== req.provider) return false;
  if (matcher.operation && matcher.operation !== req.operation) return false;
  if (matcher.to !== undefined) {
    const to = matcher.to.toLowerCase();
    if (req.provider === 'twilio') return single(req.form?.To)?.toLowerCase() === to;
    return sendgridRecipients(req.json).some((email) => email.toLowerCase() === to);
  }
  return true;
}

interface Plan {
  matcher: RequestMatcher;
  responder: PlannedResponder | PlannedResponse[];
  remaining: number;
  used: number;
}

export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const creds = options.twilio ?? { accountSid: FAKE_TWILIO.accountSid, authToken: FAKE_TWILIO.authToken };
  const sendgridKey = options.sendgridApiKey ?? FAKE_SENDGRID_KEY;
  const fetchStatus = options.fetchStatus ?? 'delivered';
  const validateNumbers = options.validateNumbers ?? true;

  const requests: RecordedRequest[] = [];
  const messages = new Map<string, FakeTwilioMessage>();
  const mails: FakeSendgridMail[] = [];
  let plans: Plan[] = [];
  let hanging: ServerResponse[] = [];
  let waiters: Array<() => void> = [];
  let seq = 0;

  function takePlan(req: RecordedRequest): PlannedResponse | undefined {
    for (const plan of plans) {
      if (plan.remaining <= 0 || !matches(plan.matcher, req)) continue;
      let response: PlannedResponse | undefined;
      if (Array.isArray(plan.responder)) response = plan.responder[plan.used];
      else if (typeof plan.responder === 'function') response = plan.responder(req);
      else response = plan.responder;
      plan.remaining -= 1;
      plan.used += 1;
      if (response) return response;
      // A function plan that declines still counts as used; fall through to the default behaviour.
      return undefined;
    }
    return undefined;
  }

  function send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    const isString = typeof body === 'string';
    const payload = body === undefined ? '' : isString ? body : JSON.stringify(body);
    const h: Record<string, string> = { ...headers };
    if (payload.length > 0 && !Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) {
      h['Content-Type'] = isString ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
    }
    h['Content-Length'] = String(Buffer.byteLength(payload));
    res.writeHead(status, h);
    res.end(payload);
  }

  function twilioError(res: ServerResponse, code: number, status?: number, message?: string): void {
    const s = status ?? TWILIO_ERRORS[code]?.status ?? 400;
    send(res, s, twilioErrorBody(code, s, message));
  }

  function sendgridError(
    res: ServerResponse,
    status: number,
    errors: PlannedSendgridError['errors'],
    headers: Record<string, string> = {},
  ): void {
    const body = errors
      ? { errors: errors.map((e) => ({ message: e.message, field: e.field ?? null, help: e.help ?? null })) }
      : sendgridErrorBody(status);
    send(res, status, body, headers);
  }

  function resourceUri(sid: string): string {
    return `/${TWILIO_API_VERSION}/Accounts/${creds.accountSid}/Messages/${sid}.json`;
  }

  // --- Twilio -------------------------------------------------------------------------------------------

  function twilioCreate(
    req: RecordedRequest,
    res: ServerResponse,
    asyncFailure?: PlannedTwilioAsyncFailure,
    lose?: PlannedAcceptThenLose['kind'],
  ) {
    const form = req.form ?? {};
    const to = single(form.To);
    const from = single(form.From);
    const serviceSid = single(form.MessagingServiceSid);
    const body = single(form.Body);
    const contentSid = single(form.ContentSid);
    const media = form.MediaUrl === undefined ? [] : ([] as string[]).concat(form.MediaUrl);

    if (!to) return twilioError(res, 21604);
    if (!from && !serviceSid) return twilioError(res, 21603);
    if (!body && !contentSid && media.length === 0) return twilioError(res, 21602);
    if (validateNumbers && !E164_RE.test(to)) {
      return twilioError(res, 21211, 400, `The 'To' number ${to} is not a valid phone number.`);
    }
    if (contentSid && !/^HX[0-9a-f]{32}$/i.test(contentSid)) {
      return twilioError(res, 21656, 400, 'The ContentSid is Invalid.');
    }
    const variables = single(form.ContentVariables);
    if (variables !== undefined) {
      try {
        JSON.parse(variables);
      } catch {
        return twilioError(res, 21656, 400, 'The ContentVariables Parameter is invalid.');
      }
    }

    const now = new Date();
    const sid = `SM${hex(16)}`;
    const text = body ?? '';
    const isWhatsapp = to.startsWith('whatsapp:');
    const resource: TwilioMessageResource = {
      account_sid: creds.accountSid,
      api_version: TWILIO_API_VERSION,
      body: text,
      date_created: rfc2822(now),
      date_sent: null,
      date_updated: rfc2822(now),
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: serviceSid && !from ? null : (from ?? null),
      messaging_service_sid: serviceSid ?? null,
      num_media: String(media.length),
      num_segments: serviceSid ? '0' : isWhatsapp ? '1' : String(Math.max(1, countSegments(text).segments)),
      price: null,
      price_unit: 'USD',
      sid,
      status: serviceSid ? 'accepted' : 'queued',
      subresource_uris: {
        media: `/${TWILIO_API_VERSION}/Accounts/${creds.accountSid}/Messages/${sid}/Media.json`,
        feedback: `/${TWILIO_API_VERSION}/Accounts/${creds.accountSid}/Messages/${sid}/Feedback.json`,
      },
      to,
      uri: resourceUri(sid),
    };
    const outcome = asyncFailure
      ? {
          status: asyncFailure.status ?? 'failed',
          errorCode: asyncFailure.errorCode,
          errorMessage: asyncFailure.errorMessage ?? TWILIO_ERRORS[asyncFailure.errorCode]?.message ?? null,
        }
      : { status: fetchStatus, errorCode: null, errorMessage: null };
    messages.set(sid, { sid, params: form, resource, outcome });
    if (lose) return loseAnswer(req, res, lose);
    send(res, 201, resource);
  }

  /** The request was accepted; its answer is lost (socket destroyed, or never answered). */
  function loseAnswer(req: RecordedRequest, res: ServerResponse, lose: PlannedAcceptThenLose['kind']) {
    if (lose === 'accept-then-hang') return void hanging.push(res);
    req.responseStatus = undefined;
    res.socket?.destroy();
  }

  /**
   * The message list (`client.messages.list`): newest first, filtered by `To`, `From` and
   * `DateSent` (`DateSent>`/`DateSent<` are how the SDK writes >= and <=, `DateSent` alone is one
   * day), paged with `PageSize`/`Page` and a `next_page_uri` the SDK follows. A message that was
   * not sent yet has no `date_sent`; it is filtered by its creation time here (what Twilio does
   * for queued messages is not documented — the lookup's margin does not depend on it).
   */
  function twilioList(req: RecordedRequest, res: ServerResponse) {
    const q = req.query;
    const day = (v: string) => v.slice(0, 10);
    const after = q['DateSent>'] ? Date.parse(q['DateSent>']) : undefined;
    const before = q['DateSent<'] ? Date.parse(q['DateSent<']) : undefined;
    const matching = [...messages.values()]
      .map((m) => m.resource)
      .filter((r) => {
        const sentAt = Date.parse(r.date_sent ?? r.date_created);
        if (q.To !== undefined && r.to !== q.To) return false;
        if (q.From !== undefined && r.from !== q.From) return false;
        if (after !== undefined && sentAt < after) return false;
        if (before !== undefined && sentAt > before) return false;
        if (q.DateSent !== undefined && day(new Date(sentAt).toISOString()) !== day(q.DateSent)) return false;
        return true;
      })
      .reverse();
    const pageSize = Math.min(1000, Math.max(1, Number(q.PageSize) || TWILIO_LIST_PAGE_SIZE));
    const page = Math.max(0, Number(q.Page) || 0);
    const start = page * pageSize;
    const items = matching.slice(start, start + pageSize);
    const base = `/${TWILIO_API_VERSION}/Accounts/${creds.accountSid}/Messages.json`;
    const pageUri = (n: number) => {
      const params = new URLSearchParams(
        Object.entries(q).filter(([k]) => k !== 'Page' && k !== 'PageToken' && k !== 'PageSize'),
      );
      params.set('PageSize', String(pageSize));
      params.set('Page', String(n));
      if (n > 0) params.set('PageToken', `PA${n}`);
      return `${base}?${params}`;
    };
    send(res, 200, {
      messages: items,
      end: start + Math.max(0, items.length - 1),
      first_page_uri: pageUri(0),
      next_page_uri: start + pageSize < matching.length ? pageUri(page + 1) : null,
      page,
      page_size: pageSize,
      previous_page_uri: page > 0 ? pageUri(page - 1) : null,
      start,
      uri: pageUri(page),
    });
  }

  function twilioFetch(path: string, res: ServerResponse) {
    const sid = TWILIO_FETCH_RE.exec(path)?.[2] ?? '';
    const message = messages.get(sid);
    if (!message) {
      return twilioError(res, 20404, 404, `The requested resource ${path} was not found`);
    }
    const { outcome, resource } = message;
    if (resource.status !== outcome.status || resource.error_code !== outcome.errorCode) {
      const now = rfc2822(new Date());
      resource.status = outcome.status;
      resource.error_code = outcome.errorCode;
      resource.error_message = outcome.errorMessage;
      resource.date_updated = now;
      if (['sent', 'delivered', 'read', 'undelivered'].includes(outcome.status)) resource.date_sent ??= now;
      if (resource.num_segments === '0') resource.num_segments = '1';
    }
    send(res, 200, resource);
  }

  function twilioAuthorized(headers: IncomingHttpHeaders): boolean {
    const auth = headers.authorization ?? '';
    if (!auth.startsWith('Basic ')) return false;
    const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    return decoded === `${creds.accountSid}:${creds.authToken}`;
  }

  // --- SendGrid -----------------------------------------------------------------------------------------

  function sendgridValidate(body: any): PlannedSendgridError['errors'] {
    const errors: NonNullable<PlannedSendgridError['errors']> = [];
    const help = 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html';
    if (!body || typeof body !== 'object') {
      return [{ message: 'Bad Request', field: null, help: null }];
    }
    const ps = body.personalizations;
    if (!Array.isArray(ps) || ps.length === 0) {
      errors.push({
        message: 'The personalizations field is required and must have at least one personalization.',
        field: 'personalizations',
        help: `${help}#-Personalizations-Errors`,
      });
    } else {
      if (ps.length > 1000) {
        errors.push({
          message: 'The personalizations field cannot have more than 1000 personalizations.',
          field: 'personalizations',
          help: `${help}#-Personalizations-Errors`,
        });
      }
      const seen = new Set<string>();
      ps.forEach((p: any, i: number) => {
        if (!Array.isArray(p?.to) || p.to.length === 0) {
          errors.push({
            message:
              'The to array is required for all personalization objects, and must have at least one email object with a valid email address.',
            field: `personalizations.${i}.to`,
            help: `${help}#message.personalizations.to`,
          });
        }
        for (const field of ['to', 'cc', 'bcc']) {
          if (!Array.isArray(p?.[field])) continue;
          for (const r of p[field]) {
            const email = String(r?.email ?? '').toLowerCase();
            if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
              errors.push({
                message: 'Does not contain a valid address.',
                field: `personalizations.${i}.${field}`,
                help: `${help}#message.personalizations.${field}`,
              });
            } else if (seen.has(email)) {
              errors.push({
                message:
                  'Each email address in the personalization block should be unique between to, cc, and bcc. ' +
                  `We found the first duplicate instance of [${email}] in the personalizations.${i}.${field} field.`,
                field: `personalizations.${i}.${field}`,
                help: `${help}#-Personalizations-Errors`,
              });
            } else {
              seen.add(email);
            }
          }
        }
      });
      const recipients = sendgridRecipients(body).length;
      if (recipients > 1000) {
        errors.push({
          message: 'The total number of recipients must be no more than 1000.',
          field: 'personalizations',
          help: `${help}#-Personalizations-Errors`,
        });
      }
    }
    if (!body.from || typeof body.from.email !== 'string') {
      errors.push({
        message: 'The from object must be provided for every email send.',
        field: 'from',
        help: `${help}#message.from`,
      });
    }
    const usesTemplate = typeof body.template_id === 'string';
    if (!usesTemplate) {
      const hasSubject =
        typeof body.subject === 'string' ||
        (Array.isArray(ps) && ps.length > 0 && ps.every((p: any) => typeof p?.subject === 'string'));
      if (!hasSubject) {
        errors.push({
          message: 'The subject is required. You can get around this requirement if you use a template.',
          field: 'subject',
          help: `${help}#message.subject`,
        });
      }
      if (!Array.isArray(body.content) || body.content.length === 0) {
        errors.push({
          message: 'Unless a valid template_id is provided, the content parameter is required.',
          field: 'content',
          help: `${help}#message.content`,
        });
      }
    }
    return errors.length > 0 ? errors : undefined;
  }

  function sendgridSend(req: RecordedRequest, res: ServerResponse, lose?: PlannedAcceptThenLose['kind']) {
    if (req.json === undefined) {
      return sendgridError(res, 400, [{ message: 'Bad Request', field: null, help: null }]);
    }
    const errors = sendgridValidate(req.json);
    if (errors) return sendgridError(res, 400, errors);
    const messageId = hex(11);
    mails.push({ messageId, body: req.json, receivedAt: req.receivedAt });
    if (lose) return loseAnswer(req, res, lose);
    res.writeHead(202, { 'X-Message-Id': messageId, 'Content-Length': '0' });
    res.end();
  }

  function sendgridAuthorized(headers: IncomingHttpHeaders): boolean {
    return headers.authorization === `Bearer ${sendgridKey}`;
  }

  // --- Dispatch -----------------------------------------------------------------------------------------

  function answerPlanned(req: RecordedRequest, res: ServerResponse, planned: PlannedResponse) {
    switch (planned.kind) {
      case 'drop':
        req.responseStatus = undefined;
        res.socket?.destroy();
        return;
      case 'hang':
        hanging.push(res);
        return;
      case 'success':
        return answerDefault(req, res);
      case 'accept-then-drop':
      case 'accept-then-hang':
        if (req.operation === 'twilio.messages.create')
          return twilioCreate(req, res, undefined, planned.kind);
        if (req.operation === 'sendgrid.mail.send') return sendgridSend(req, res, planned.kind);
        return answerDefault(req, res);
      case 'twilio-async-failure':
        if (req.operation === 'twilio.messages.create') return twilioCreate(req, res, planned);
        return answerDefault(req, res);
      case 'twilio-error':
        return twilioError(res, planned.code, planned.status, planned.message);
      case 'sendgrid-error': {
        const headers: Record<string, string> = {};
        if (planned.retryAfter !== undefined) headers['Retry-After'] = String(planned.retryAfter);
        if (planned.status === 429) Object.assign(headers, rateLimitHeaders(planned.retryAfter));
        return sendgridError(res, planned.status, planned.errors, headers);
      }
      case 'html':
        return send(res, planned.status, planned.html ?? defaultHtml(planned.status), {
          'Content-Type': 'text/html',
        });
      default: {
        const headers: Record<string, string> = { ...planned.headers };
        if (planned.retryAfter !== undefined) headers['Retry-After'] = String(planned.retryAfter);
        if (planned.contentType) headers['Content-Type'] = planned.contentType;
        let body = planned.body;
        if (body === undefined && planned.status >= 400) {
          if (req.provider === 'sendgrid') {
            body = sendgridErrorBody(planned.status);
            if (planned.status === 429) Object.assign(headers, rateLimitHeaders(planned.retryAfter));
          } else {
            body = twilioErrorBody(twilioCodeForStatus(planned.status), planned.status);
          }
        }
        return send(res, planned.status, body, headers);
      }
    }
  }

  function rateLimitHeaders(retryAfter?: number): Record<string, string> {
    const reset = Math.ceil(Date.now() / 1000) + (retryAfter ?? 1);
    return { 'X-RateLimit-Limit': '600', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(reset) };
  }

  function answerDefault(req: RecordedRequest, res: ServerResponse) {
    switch (req.operation) {
      case 'twilio.messages.create':
        return twilioCreate(req, res);
      case 'twilio.messages.fetch':
        return twilioFetch(req.path, res);
      case 'twilio.messages.list':
        return twilioList(req, res);
      case 'sendgrid.mail.send':
        return sendgridSend(req, res);
      default:
        if (req.provider === 'sendgrid')
          return send(res, 404, { errors: [{ message: 'not found', field: null }] });
        return twilioError(res, 20404, 404, `The requested resource ${req.path} was not found`);
    }
  }

  async function handle(incoming: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(incoming.url ?? '/', 'http://fake.local');
    const method = (incoming.method ?? 'GET').toUpperCase();
    const { provider, operation } = classify(method, url.pathname);
    const contentType = String(incoming.headers['content-type'] ?? '');

    const req: RecordedRequest = {
      seq: ++seq,
      provider,
      operation,
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: incoming.headers,
      rawBody,
      body: undefined,
      receivedAt: new Date(),
      planned: false,
    };
    if (contentType.includes('application/x-www-form-urlencoded')) {
      req.form = parseForm(rawBody);
      req.body = req.form;
    } else if (contentType.includes('application/json') && rawBody.length > 0) {
      try {
        req.json = JSON.parse(rawBody);
        req.body = req.json;
      } catch {
        req.body = rawBody;
      }
    } else if (rawBody.length > 0) {
      req.body = rawBody;
    }
    requests.push(req);
    for (const wake of waiters) wake();

    res.on('finish', () => {
      req.responseStatus = res.statusCode;
      options.onRequest?.(req);
    });

    // Authentication comes first, as with the real APIs.
    if (provider === 'twilio') {
      if (!twilioAuthorized(incoming.headers)) return twilioError(res, 20003, 401);
      const pathSid = (TWILIO_CREATE_RE.exec(url.pathname) ?? TWILIO_FETCH_RE.exec(url.pathname))?.[1];
      if (pathSid !== undefined && pathSid !== creds.accountSid) {
        return twilioError(res, 20404, 404, `The requested resource ${url.pathname} was not found`);
      }
    } else if (provider === 'sendgrid') {
      if (!sendgridAuthorized(incoming.headers)) return send(res, 401, sendgridErrorBody(401));
    }

    const planned = takePlan(req);
    if (!planned) return answerDefault(req, res);
    req.planned = true;
    if ('delayMs' in planned && planned.delayMs) {
      await new Promise((resolve) => setTimeout(resolve, planned.delayMs));
      if (res.destroyed) return;
    }
    return answerPlanned(req, res, planned);
  }

  const server = createServer((incoming, res) => {
    handle(incoming, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { message: `fake provider error: ${String(error)}` });
    });
  });
  // Never close an idle keep-alive connection while the fake runs. With Node's default (5 s), a
  // test process blocked for more than 5 s (PGlite work on a busy machine; the fake runs in the
  // same process as the SDKs) wakes up with the server closing the SDK's idle socket just as the
  // SDK sends its next request on it: ECONNRESET, the SDK retries, and tests that count tries or
  // requests see one too many (`attempts: 2`). close() ends every connection (closeAllConnections).
  server.keepAliveTimeout = 0;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address}:${address.port}`;

  function addPlan(matcher: RequestMatcher, responder: Plan['responder'], times: number): PlanHandle {
    const plan: Plan = { matcher, responder, remaining: times, used: 0 };
    plans.push(plan);
    return {
      get used() {
        return plan.used;
      },
      get remaining() {
        return plan.remaining;
      },
      cancel() {
        plan.remaining = 0;
      },
    };
  }

  function releaseHanging(): void {
    for (const res of hanging) {
      if (!res.headersSent && !res.destroyed) send(res, 503, { message: 'fake provider reset' });
    }
    hanging = [];
  }

  return {
    url,
    port: address.port,
    twilioBaseUrl: url,
    sendgridBaseUrl: `${url}/`,
    credentials: { twilio: { ...creds }, sendgridApiKey: sendgridKey },
    requests,
    requestsFor: (operation) => requests.filter((r) => r.operation === operation),
    twilioMessages: () => [...messages.values()],
    twilioMessage: (sid) => messages.get(sid),
    setTwilioMessageStatus(sid, status, errorCode = null) {
      const message = messages.get(sid);
      if (!message) throw new Error(`fake provider: no message ${sid}`);
      message.outcome = {
        status,
        errorCode,
        errorMessage: errorCode === null ? null : (TWILIO_ERRORS[errorCode]?.message ?? null),
      };
    },
    sendgridMails: () => [...mails],
    receiveInbound({ from, to, body, at = new Date() }) {
      const sid = `SM${hex(16)}`;
      const stamp = rfc2822(at);
      const resource: TwilioMessageResource = {
        account_sid: creds.accountSid,
        api_version: TWILIO_API_VERSION,
        body,
        date_created: stamp,
        date_sent: stamp,
        date_updated: stamp,
        direction: 'inbound',
        error_code: null,
        error_message: null,
        from,
        messaging_service_sid: null,
        num_media: '0',
        num_segments: '1',
        price: null,
        price_unit: 'USD',
        sid,
        status: 'received' as TwilioMessageStatus,
        subresource_uris: {
          media: `/${TWILIO_API_VERSION}/Accounts/${creds.accountSid}/Messages/${sid}/Media.json`,
          feedback: `/${TWILIO_API_VERSION}/Accounts/${creds.accountSid}/Messages/${sid}/Feedback.json`,
        },
        to,
        uri: resourceUri(sid),
      };
      messages.set(sid, {
        sid,
        params: {},
        resource,
        outcome: { status: 'received' as TwilioMessageStatus, errorCode: null, errorMessage: null },
      });
      return sid;
    },
    plan: (matcher, response, times = 1) => addPlan(matcher, response, times),
    planSequence: (matcher, responses) => addPlan(matcher, [...responses], responses.length),
    failNext: (n, response, matcher = 'any') => addPlan(matcher, response, n),
    waitForRequests(count, operation, timeoutMs = 5000) {
      const current = () => (operation ? requests.filter((r) => r.operation === operation) : [...requests]);
      return new Promise((resolve, reject) => {
        const check = () => {
          const list = current();
          if (list.length < count) return false;
          waiters = waiters.filter((w) => w !== wake);
          clearTimeout(timer);
          resolve(list);
          return true;
        };
        const wake = () => {
          check();
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== wake);
          reject(new Error(`fake provider: expected ${count} request(s), got ${current().length}`));
        }, timeoutMs);
        if (!check()) waiters.push(wake);
      });
    },
    reset() {
      requests.length = 0;
      messages.clear();
      mails.length = 0;
      plans = [];
      releaseHanging();
    },
    close() {
      releaseHanging();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

// --- Standalone demo ------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const portArg = process.argv.indexOf('--port');
  const port = portArg > 0 ? Number(process.argv[portArg + 1]) : Number(process.env.FAKE_PROVIDER_PORT ?? 0);
  const fake = await startFakeProvider({
    port,
    onRequest: (r) => {
      const summary =
        r.operation === 'twilio.messages.create'
          ? `To=${single(r.form?.To)} ${single(r.form?.Body) ?? single(r.form?.ContentSid) ?? ''}`
          : r.operation === 'sendgrid.mail.send'
            ? `${sendgridRecipients(r.json).length} recipient(s) subject=${JSON.stringify(r.json?.subject ?? '')}`
            : '';
      console.log(`${r.receivedAt.toISOString()} ${r.method} ${r.path} -> ${r.responseStatus} ${summary}`);
    },
  });
  console.log(`fake provider listening on ${fake.url}`);
  console.log('environment for crm:');
  console.log(`  CRM_TWILIO_BASE_URL=${fake.twilioBaseUrl}`);
  console.log(`  CRM_SENDGRID_BASE_URL=${fake.sendgridBaseUrl}`);
  console.log(`  TWILIO_ACCOUNT_SID=${FAKE_TWILIO.accountSid}`);
  console.log(`  TWILIO_AUTH_TOKEN=${FAKE_TWILIO.authToken}`);
  console.log(`  SENDGRID_API_KEY=${FAKE_SENDGRID_KEY}`);
  console.log('  TWILIO_SMS_FROM=+15005550006');
  console.log('  TWILIO_WHATSAPP_FROM=whatsapp:+14155238886');
  console.log('  SENDGRID_FROM=care@hospital.example');
  const stop = () => {
    fake.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
