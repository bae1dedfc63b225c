import { Agent, EnvHttpProxyAgent, errors as undiciErrors, request, type Dispatcher } from 'undici';
import type { Redactor } from './redact.js';

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** How much of an error body (or a service's message from it) is shown. */
export const BODY_SNIPPET = 300;
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
/** Where Retry-After means "throttled" unless the provider says more (Linode sends it on every answer). */
const THROTTLED_STATUSES: readonly number[] = [429];
/** Total time one request may spend waiting between its attempts. */
const MAX_BACKOFF_MS = 15_000;

/** Text as shown in an error: cut to BODY_SNIPPET characters. Redact before cutting. */
export function snippet(text: string): string {
  return text.length > BODY_SNIPPET ? `${text.slice(0, BODY_SNIPPET)}…` : text;
}

/** A response with a non-2xx status. The body is redacted and truncated. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly body: unknown,
    readonly bodyText: string,
    readonly headers: Record<string, string | string[] | undefined>
  ) {
    super(`${method} ${path} → HTTP ${status}: ${bodyText || '(empty body)'}`);
    this.name = 'HttpError';
  }
}

/**
 * No usable response: connection refused or dropped, or a timeout. For a request that changes
 * state this is ambiguous: the server may have acted on it.
 */
export class NetworkError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly reason: string
  ) {
    super(`${method} ${path} → no response (${reason})`);
    this.name = 'NetworkError';
  }

  /** The server may still be working on it. */
  get timedOut(): boolean {
    return this.reason.includes('timed out');
  }
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Bearer token for this call, overriding the client's (verify a new token with it). */
  token?: string;
  /** Safe to send twice. Defaults to true for everything but POST. */
  idempotent?: boolean;
  headers?: Record<string, string>;
}

export interface HttpResponse<T> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
}

export interface HttpClientOptions {
  baseUrl: string;
  token: string;
  redactor: Redactor;
  sleep?: Sleep;
  /** Attempts for idempotent requests (first try included). */
  attempts?: number;
  /** Per-request limit for connecting, receiving headers and receiving the body. */
  timeoutMs?: number;
  /** Upper bound for a single wait between attempts, whatever Retry-After asks. */
  maxRetryWaitMs?: number;
  /** Upper bound for all waits of one request together (default 15 s). */
  maxBackoffMs?: number;
  /**
   * Statuses whose Retry-After is honoured (default: 429). Elsewhere the header may mean something
   * else (Linode counts down its rate-limit window on every answer), so the client backs off itself.
   */
  retryAfterStatuses?: readonly number[];
  userAgent?: string;
}

export interface HttpClient {
  send<T>(req: HttpRequest): Promise<HttpResponse<T>>;
}

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

/**
 * A connection pool with timeouts on connect, headers and body. Behind a proxy (HTTPS_PROXY,
 * NO_PROXY), as self-hosted runners often are, it goes through it; undici's proxy agent is
 * only used then, since it prints an "experimental" warning wherever it is created.
 */
export function createDispatcher(timeoutMs: number, env = process.env): Dispatcher {
  const options = { connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs };
  return PROXY_VARIABLES.some((name) => env[name]) ? new EnvHttpProxyAgent(options) : new Agent(options);
}

/** Milliseconds from a Retry-After header: delta seconds or an HTTP date. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return undefined;
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim()) * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Exponential backoff 0.5 s, 1 s, 2 s … unless the server says how long to wait. */
export function retryDelayMs(attempt: number, retryAfterMs: number | undefined, capMs: number): number {
  const base = retryAfterMs ?? 500 * 2 ** (attempt - 1);
  return Math.min(base, capMs);
}

export type RetryPolicy = Required<
  Pick<HttpClientOptions, 'attempts' | 'maxRetryWaitMs' | 'maxBackoffMs' | 'retryAfterStatuses'>
>;

/**
 * The wait before the next attempt, or undefined to give up: the failure is not transient, the
 * attempts are used up, or the backoff budget is spent. A wait is cut to what is left of the budget,
 * so one request never waits longer than `maxBackoffMs` in all.
 */
export function nextWaitMs(
  err: unknown,
  attempt: number,
  spentMs: number,
  policy: RetryPolicy
): number | undefined {
  const transient =
    err instanceof NetworkError || (err instanceof HttpError && RETRYABLE_STATUS.has(err.status));
  if (!transient || attempt >= policy.attempts) return undefined;
  const throttled = err instanceof HttpError && policy.retryAfterStatuses.includes(err.status);
  const retryAfter = throttled ? parseRetryAfter(err.headers['retry-after'], Date.now()) : undefined;
  const left = policy.maxBackoffMs - spentMs;
  return left > 0 ? retryDelayMs(attempt, retryAfter, Math.min(policy.maxRetryWaitMs, left)) : undefined;
}

/** An error body as read: parsed, then every string in it redacted; shown as text redacted again. */
function readErrorBody(text: string, redactor: Redactor): { body: unknown; shown: string } {
  const body = redactor.redactDeep(parseBody(text));
  const serialised = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return { body, shown: snippet(redactor.redact(serialised)) };
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describeNetworkError(err: unknown): string {
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError)
    return 'timed out';
  if (err instanceof undiciErrors.ConnectTimeoutError) return 'connect timed out';
  const code = (err as { code?: string }).code;
  return code ? `${code}` : err instanceof Error ? err.message : String(err);
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const sleep = options.sleep ?? realSleep;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const policy: RetryPolicy = {
    attempts: options.attempts ?? 4,
    maxRetryWaitMs: options.maxRetryWaitMs ?? 30_000,
    maxBackoffMs: options.maxBackoffMs ?? MAX_BACKOFF_MS,
    retryAfterStatuses: options.retryAfterStatuses ?? THROTTLED_STATUSES
  };
  const base = options.baseUrl.replace(/\/+$/, '');
  const dispatcher = createDispatcher(timeoutMs);

  async function once<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    const url = new URL(base + req.path);
    for (const [key, value] of Object.entries(req.query ?? {}))
      if (value !== undefined) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = {
      authorization: `Bearer ${req.token ?? options.token}`,
      accept: 'application/json',
      'user-agent': options.userAgent ?? 'ci-token-rotator',
      ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
      // A provider's own media types (JSON:API, Heroku's versioned Accept) win over the defaults.
      ...req.headers
    };
    let res: Dispatcher.ResponseData;
    let text: string;
    try {
      res = await request(url, {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        dispatcher
      });
      text = await res.body.text();
    } catch (err) {
      throw new NetworkError(req.method, req.path, describeNetworkError(err));
    }
    if (res.statusCode < 200 || res.statusCode >= 300) {
      // Services echo what they were sent. Parsed first, so an escaped credential (\u0076cp_…) is
      // redacted as the text it decodes to.
      const { body, shown } = readErrorBody(text, options.redactor);
      throw new HttpError(res.statusCode, req.method, req.path, body, shown, res.headers);
    }
    return { status: res.statusCode, body: parseBody(text) as T, headers: res.headers };
  }

  return {
    async send<T>(req: HttpRequest): Promise<HttpResponse<T>> {
      const idempotent = req.idempotent ?? req.method !== 'POST';
      let spent = 0;
      for (let attempt = 1; ; attempt++) {
        try {
          return await once<T>(req);
        } catch (err) {
          const wait = idempotent ? nextWaitMs(err, attempt, spent, policy) : undefined;
          if (wait === undefined) throw err;
          spent += wait;
          await sleep(wait);
        }
      }
    }
  };
}
