/**
 * Shared base of the local HTTP simulators: listening, JSON parsing, routing, bearer extraction,
 * the request log, latency, faults and rate limiting. Each service only adds its routes, its auth
 * and its error body shape.
 */
import {
  createServer,
  STATUS_CODES,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Fault {
  /** Match the HTTP method (default: any). */
  method?: string;
  /** Match the pathname without query; a string is an exact match (default: any). */
  path?: string | RegExp;
  /** How many matching requests it applies to (default 1); Infinity allowed. */
  times?: number;
  /** Let this many matching requests through untouched first (default 0): "fail the 2nd call". */
  skip?: number;
  /** Answer with this status; body = `body` if given, else the service's typical error body. */
  status?: number;
  body?: unknown;
  /**
   * With `status`: answer this text as it is, as JSON, instead of a body. For what JSON.stringify
   * never writes, such as escaped letters (`"\u0076cp_…"`).
   */
  text?: string;
  /** Extra response headers (e.g. retry-after). */
  headers?: Record<string, string>;
  /** Wait this long before answering (alone: then handle normally — a slow response). */
  delayMs?: number;
  /** Destroy the socket without any response. */
  drop?: boolean;
  /** Handle the request for real (state changes happen), then replace the response by status/drop. */
  afterHandling?: boolean;
  /** Handle the request for real, then answer this function of its JSON body: a drifted answer. */
  rewrite?: (body: unknown) => unknown;
}

export interface LoggedRequest {
  method: string;
  /** pathname + search */
  path: string;
  pathname: string;
  /** 0 when dropped */
  status: number;
  /** performance.now() ms */
  start: number;
  end: number;
  /** Parsed JSON request body, if any. */
  body?: unknown;
  faulted: boolean;
  /** The JSON body answered, if any (for checking answers against published descriptions). */
  response?: unknown;
  /** Request headers as received (lower-case names). */
  headers: IncomingHttpHeaders;
}

export interface SimRequest {
  method: string;
  path: string;
  pathname: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; undefined when the request had no body. */
  body: unknown;
  /** The credential of an `Authorization: Bearer <x>` (or `token <x>`) header. */
  bearer: string | undefined;
}

export interface SimResponse {
  status: number;
  /** Serialised as JSON; omitted for undefined (and always for 204). */
  body?: unknown;
  /** Sent as it is instead of a JSON body: a page some services answer with (give its content-type). */
  text?: string;
  headers?: Record<string, string>;
}

/** Thrown by handlers (and `authenticate`) to answer with a given response. */
export class SimError extends Error {
  constructor(readonly response: SimResponse) {
    super(`simulated HTTP ${response.status}`);
  }
}

export interface RateLimit {
  limit: number;
  windowMs: number;
  /** Status answered once the window is used up (GitHub uses 403 for its primary limit). */
  status: number;
  /** Error message of that answer (default: the service's message for the status). */
  message?: string;
}

/** The state of the rate-limit window for one request, for the service's headers. */
export interface RateState {
  limit: number;
  remaining: number;
  used: number;
  /** Window end, epoch seconds. */
  reset: number;
  /** Seconds until the window resets. */
  retryAfter: number;
}

export interface SimOptions {
  port?: number;
  latencyMs?: number;
  now?: () => number;
}

/** `'/a/:id/b/:name'` → `{ id: string } & { name: string }`. */
type Params<P extends string> = P extends `${string}:${infer N}/${infer R}`
  ? { [K in N]: string } & Params<R>
  : P extends `${string}:${infer N}`
    ? { [K in N]: string }
    : Record<never, never>;

interface Route<A> {
  method: string;
  pattern: RegExp;
  names: string[];
  handler(req: SimRequest, params: Record<string, string>, caller: A): SimResponse | Promise<SimResponse>;
}

type Body = { ok: true; value: unknown } | { ok: false };

/** Every simulator listening in this process. */
const listening = new Set<SimServer>();

/**
 * Close every simulator still listening: the tests' safety net (__tests__/helpers/close-sims.ts), so a test that
 * failed before its own clean-up cannot keep the process, and so CI, from ending.
 */
export async function closeAllSims(): Promise<void> {
  await Promise.all([...listening].map((s) => s.close()));
}

export abstract class SimServer<A = unknown> {
  readonly requests: LoggedRequest[] = [];
  latencyMs = 0;
  now: () => number = Date.now;
  /** Requests per window before the service answers `status` (real limits, or generous guesses). */
  abstract rateLimit: RateLimit;

  private readonly server: Server = createServer((req, res) => {
    this.serve(req, res).catch(() => res.destroy());
  });
  private readonly routes: Route<A>[] = [];
  private faults: Fault[] = [];
  private readonly closing = new AbortController();
  private window = { start: 0, count: 0 };
  private baseUrl = '';

  constructor(opts: SimOptions = {}) {
    // Every pending delay listens on it: many concurrent requests are normal, not a leak.
    setMaxListeners(0, this.closing.signal);
    this.latencyMs = opts.latencyMs ?? 0;
    this.now = opts.now ?? Date.now;
  }

  /** 'http://127.0.0.1:<port>' once listening. */
  get url(): string {
    return this.baseUrl;
  }

  /** The service's typical error body for a status (used for 404s, bad JSON, faults, rate limits). */
  protected abstract errorBody(status: number, message?: string): unknown;
  /** The caller for a request, or throw a SimError with the service's auth failure. */
  protected abstract authenticate(req: SimRequest): A;
  /** Headers the service puts on every response (rate-limit headers and the like). */
  protected abstract responseHeaders(
    rate: RateState,
    status: number,
    caller: A | undefined
  ): Record<string, string>;

  protected route<P extends string>(
    method: string,
    path: P,
    handler: (req: SimRequest, params: Params<P>, caller: A) => SimResponse | Promise<SimResponse>
  ): void {
    const names: string[] = [];
    const source = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes.push({
      method,
      pattern: new RegExp(`^${source}$`),
      names,
      handler: handler as Route<A>['handler']
    });
  }

  /**
   * Called when a request arrives, before latency, faults and routing. Throw a SimError to refuse it
   * (the refusal is still delayed by `latencyMs`, logged, and changes nothing); the returned callback, if
   * any, runs once the response is sent (or the request is given up).
   */
  protected admit(_req: SimRequest): (() => void) | undefined {
    return undefined;
  }

  /** A response carrying the service's error body. */
  protected error(status: number, message?: string): SimError {
    return new SimError({ status, body: this.errorBody(status, message) });
  }

  async listen(port = 0): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    listening.add(this);
    return this;
  }

  fault(f: Fault): void {
    this.faults.push({ ...f, times: f.times ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  clearLog(): void {
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    listening.delete(this);
    this.closing.abort();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private takeFault(method: string, pathname: string): Fault | undefined {
    const index = this.faults.findIndex(
      (f) =>
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (f.path === undefined || (typeof f.path === 'string' ? f.path === pathname : f.path.test(pathname)))
    );
    const f = this.faults[index];
    if (!f) return undefined;
    if (f.skip) {
      f.skip--;
      return undefined;
    }
    f.times = (f.times ?? 1) - 1;
    if (f.times <= 0) this.faults.splice(index, 1);
    return f;
  }

  private countRequest(): RateState {
    const { limit, windowMs } = this.rateLimit;
    const t = this.now();
    if (t >= this.window.start + windowMs || t < this.window.start) this.window = { start: t, count: 0 };
    this.window.count++;
    const resetMs = this.window.start + windowMs;
    return {
      limit,
      used: this.window.count,
      remaining: Math.max(0, limit - this.window.count),
      reset: Math.ceil(resetMs / 1000),
      retryAfter: Math.max(0, Math.ceil((resetMs - t) / 1000))
    };
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const start = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let body: Body = { ok: true, value: undefined };
    if (raw.trim() !== '') {
      try {
        body = { ok: true, value: JSON.parse(raw) as unknown };
      } catch {
        body = { ok: false };
      }
    }
    const auth = /^(?:bearer|token)\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const request: SimRequest = {
      method,
      path: url.pathname + url.search,
      pathname: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: body.ok ? body.value : undefined,
      bearer: auth?.[1]
    };
    const entry: LoggedRequest = {
      method,
      path: request.path,
      pathname: request.pathname,
      status: 0,
      start,
      end: start,
      ...(body.ok && body.value !== undefined ? { body: body.value } : {}),
      faulted: false,
      headers: req.headers
    };
    this.requests.push(entry);

    let release: (() => void) | undefined;
    let refusal: SimResponse | undefined;
    try {
      release = this.admit(request);
    } catch (e) {
      if (!(e instanceof SimError)) throw e;
      refusal = e.response;
    }
    const fault = refusal ? undefined : this.takeFault(method, url.pathname);
    entry.faulted = fault !== undefined;
    const rate = this.countRequest();
    try {
      const signal = this.closing.signal;
      if (this.latencyMs > 0) await sleep(this.latencyMs, undefined, { signal });
      if (fault?.delayMs) await sleep(fault.delayMs, undefined, { signal });
      const replaces = fault !== undefined && (fault.drop === true || fault.status !== undefined);
      let out: SimResponse & { caller?: A };
      if (refusal) out = refusal;
      else if (replaces && !fault.afterHandling) out = { status: 0 };
      else out = await this.dispatch(request, body, rate);
      if (fault?.rewrite) out = { ...out, body: fault.rewrite(out.body) };
      if (fault && replaces) {
        if (fault.drop) {
          res.destroy();
          entry.end = performance.now();
          return;
        }
        const status = fault.status as number;
        out =
          fault.text === undefined
            ? { status, body: fault.body ?? this.errorBody(status), caller: out.caller }
            : {
                status,
                text: fault.text,
                headers: { 'content-type': 'application/json' },
                caller: out.caller
              };
      }
      const headers = {
        ...this.responseHeaders(rate, out.status, out.caller),
        ...out.headers,
        ...fault?.headers
      };
      entry.status = out.status;
      if (out.body !== undefined) entry.response = out.body;
      this.send(res, out, headers);
    } catch {
      // The server is closing (a pending delay was aborted): give up on this request.
      res.destroy();
    } finally {
      release?.();
    }
    entry.end = performance.now();
  }

  private async dispatch(
    req: SimRequest,
    body: Body,
    rate: RateState
  ): Promise<SimResponse & { caller?: A }> {
    let caller: A | undefined;
    try {
      if (rate.used > rate.limit) throw this.error(this.rateLimit.status, this.rateLimit.message);
      for (const r of this.routes) {
        const m = r.method === req.method ? r.pattern.exec(req.pathname) : null;
        if (!m) continue;
        const params: Record<string, string> = {};
        r.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1] ?? '')));
        caller = this.authenticate(req);
        if (!body.ok) throw this.invalidJson();
        return { ...(await r.handler(req, params, caller)), caller };
      }
      throw this.error(404);
    } catch (e) {
      if (e instanceof SimError) return { ...e.response, caller };
      return { status: 500, body: this.errorBody(500), caller };
    }
  }

  /** The answer to a body that is not JSON. */
  protected invalidJson(): SimError {
    return this.error(400, 'Problems parsing JSON');
  }

  /** `text` goes out as it is (its content-type among `headers`); `body` as JSON. */
  private send(res: ServerResponse, out: SimResponse, headers: Record<string, string>): void {
    const { status, body } = out;
    const json = status === 204 || body === undefined ? '' : JSON.stringify(body);
    const text = out.text ?? json;
    if (out.text === undefined && text) headers['content-type'] = 'application/json; charset=utf-8';
    res.writeHead(status, STATUS_CODES[status], {
      ...headers,
      'content-length': String(Buffer.byteLength(text))
    });
    res.end(text);
  }
}
