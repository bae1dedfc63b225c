/** Heroku Platform API simulator: OAuth authorizations (API-FACTS batch B §2). */
import { randomUUID } from 'node:crypto';
import { ProviderSimBase, type IssueOptions, type SimToken } from './provider.js';
import {
  SimError,
  type RateLimit,
  type RateState,
  type SimOptions,
  type SimRequest,
  type SimResponse
} from './server.js';

export const HEROKU_SCOPES = ['global', 'identity', 'read', 'write', 'read-protected', 'write-protected'];

export interface HerokuToken extends SimToken {
  scope: string[];
  accessTokenId: string;
  updatedAt: number;
  /** The account's default "API Key" authorization (`GET /oauth/authorizations/~`). */
  apiKey: boolean;
}

export interface HerokuIssueOptions extends IssueOptions {
  scope?: string[];
  apiKey?: boolean;
}

export interface HerokuAuthorizationView {
  id: string;
  created_at: string;
  updated_at: string;
  description: string;
  scope: string[];
  access_token: { id: string; token: string; expires_in: number | null } | null;
  refresh_token: null;
  grant: null;
  client: null;
  session: null;
  user: { id: string; email: string; full_name: string | null };
}

/** How list and info answers show a token: its first and last characters around 10 asterisks. */
export interface Redaction {
  prefix: number;
  suffix: number;
}

const ERROR_IDS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  406: 'not_acceptable',
  416: 'requested_range_not_satisfiable',
  422: 'invalid_params',
  429: 'rate_limit',
  500: 'internal_server_error',
  503: 'service_unavailable'
};
const MESSAGES: Record<number, string> = {
  400: 'Invalid request.',
  401: 'Invalid credentials provided.',
  403: 'You do not have access to this resource.',
  404: "Couldn't find that resource.",
  406: "Please specify a version along with Heroku's API MIME type. For example, `Accept: application/vnd.heroku+json; version=3`.",
  416: 'Requested range not satisfiable.',
  422: 'Invalid parameters.',
  429: 'Your account reached the API rate limit\nPlease wait a few minutes before making new requests',
  500: 'Internal server error.',
  503: 'Service unavailable.'
};
const RATE_LIMIT_URL = 'https://devcenter.heroku.com/articles/platform-api-reference#rate-limits';
const ACCEPT = /(^|,)\s*application\/vnd\.heroku\+json\s*;\s*version=3\s*(,|;|$)/i;
/** `id ..; max=N`, or a Next-Range `id ]<id>..; max=N` (after that ID), `; order=` allowed. */
const RANGE = /^id\s+(\]?)([0-9a-f-]*)\s*\.\.\s*(?:;\s*max=(\d+))?\s*(?:;\s*order=(asc|desc))?\s*;?\s*$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Heroku's dates: RFC 3339 in UTC, whole seconds. */
export function herokuDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class HerokuSim extends ProviderSimBase<HerokuToken, HerokuIssueOptions> {
  /** A token bucket of 4500 in the current reference ([M]); a window here. */
  rateLimit: RateLimit = { limit: 4500, windowMs: 3_600_000, status: 429 };
  /** Scopes that may manage authorizations ([U] beyond global: narrower ones get 403). */
  manageScopes: string[] = ['global'];
  /** Largest expires_in accepted, seconds; null = none ([U]: no server-side maximum documented). */
  maxExpiresIn: number | null = null;
  /** Longest description accepted; null = no limit ([U]: undocumented). */
  maxDescriptionLength: number | null = null;
  /** How list/info show a token; null = in full (before Heroku redacted them). */
  redaction: Redaction | null = { prefix: 9, suffix: 4 };
  /** Page size without `max`. */
  defaultPageSize = 200;
  /** The largest page (1000 documented); lower it to page with few tokens. */
  maxPageSize = 1000;
  readonly account = { id: randomUUID(), email: 'sim-user@example.com', name: 'Sim User' };

  constructor(opts: SimOptions = {}) {
    super(opts);
    this.route('GET', '/account', () => ({ status: 200, body: this.accountView() }));
    this.route('POST', '/oauth/authorizations', (req, _p, caller) => {
      this.needManage(caller);
      const { scope, expires_in, description } = this.createBody(req.body);
      const t = this.create({
        name: description,
        scope,
        expiresAt: expires_in === null ? null : this.now() + expires_in * 1000
      });
      return { status: 201, body: this.view(t, true) };
    });
    this.route('GET', '/oauth/authorizations', (req, _p, caller) => {
      this.needManage(caller);
      return this.page(req);
    });
    this.route('GET', '/oauth/authorizations/:id', (_req, { id }, caller) => {
      this.needManage(caller);
      return { status: 200, body: this.view(this.lookup(id), false) };
    });
    this.route('DELETE', '/oauth/authorizations/:id', (_req, { id }, caller) => {
      this.needManage(caller);
      const t = this.lookup(id);
      t.revoked = true;
      return { status: 200, body: this.view(t, false) };
    });
  }

  /** Shown as list and info answers show it. */
  shown(value: string): string {
    const r = this.redaction;
    if (r === null) return value;
    return `${value.slice(0, r.prefix)}${'*'.repeat(10)}${r.suffix ? value.slice(-r.suffix) : ''}`;
  }

  protected mint(opts: HerokuIssueOptions): HerokuToken {
    const createdAt = Math.floor(this.now() / 1000) * 1000;
    return {
      id: randomUUID(),
      name: opts.name ?? 'manual authorization',
      value: `HRKU-${randomUUID()}`,
      createdAt,
      updatedAt: createdAt,
      expiresAt: opts.expiresAt ?? null,
      revoked: false,
      scope: opts.scope ?? ['global'],
      accessTokenId: randomUUID(),
      apiKey: opts.apiKey ?? false
    };
  }

  /** Versioned Accept first: without it nothing is served (nor authenticated). */
  protected override admit(req: SimRequest): undefined {
    const accept = req.headers.accept ?? '';
    if (!ACCEPT.test(accept)) throw this.error(406);
    return undefined;
  }

  /** `Authorization: Bearer <token>`, or Basic with the token as password (`:<token>`). */
  protected override authenticate(req: SimRequest): HerokuToken {
    const basic = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
    const decoded = basic?.[1] === undefined ? undefined : Buffer.from(basic[1], 'base64').toString('utf8');
    const password = decoded?.includes(':') ? decoded.slice(decoded.indexOf(':') + 1) : undefined;
    const value = req.bearer ?? password;
    const caller = value ? this.tokens().find((t) => t.value === value) : undefined;
    if (!caller || !this.live(caller)) throw new SimError(this.authFailure());
    return caller;
  }

  protected authFailure(): SimResponse {
    return { status: 401, body: this.errorBody(401) };
  }

  protected override invalidJson(): SimError {
    return this.error(400, 'Request body is not valid JSON.');
  }

  protected errorBody(status: number, message?: string): unknown {
    return {
      id: ERROR_IDS[status] ?? (status >= 500 ? 'internal_server_error' : 'bad_request'),
      message: message ?? MESSAGES[status] ?? 'Internal server error.',
      ...(status === 429 ? { url: RATE_LIMIT_URL } : {})
    };
  }

  protected responseHeaders(rate: RateState, status: number): Record<string, string> {
    return {
      'ratelimit-remaining': String(status === 429 ? 0 : rate.remaining),
      'request-id': randomUUID()
    };
  }

  private needManage(caller: HerokuToken): void {
    if (!caller.scope.some((s) => this.manageScopes.includes(s)))
      throw this.error(
        403,
        'This authorization does not have the scope needed to manage OAuth authorizations.'
      );
  }

  private createBody(body: unknown): { scope: string[]; expires_in: number | null; description: string } {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw this.error(422, 'Request body must be a JSON object.');
    const { scope, expires_in, description } = body as Record<string, unknown>;
    if (!Array.isArray(scope) || scope.length === 0) throw this.error(422, 'Missing required params: scope.');
    const unknown = scope.find((s) => typeof s !== 'string' || !HEROKU_SCOPES.includes(s));
    if (unknown !== undefined) throw this.error(422, `Invalid scope: ${String(unknown)}.`);
    if (
      expires_in !== undefined &&
      expires_in !== null &&
      (!Number.isSafeInteger(expires_in) || (expires_in as number) <= 0)
    )
      throw this.error(422, 'expires_in must be a positive integer.');
    const seconds = (expires_in ?? null) as number | null;
    if (this.maxExpiresIn !== null && (seconds === null || seconds > this.maxExpiresIn))
      throw this.error(422, `expires_in may be at most ${this.maxExpiresIn} seconds.`);
    if (description !== undefined && typeof description !== 'string')
      throw this.error(422, 'description must be a string.');
    const text = description ?? '';
    if (this.maxDescriptionLength !== null && text.length > this.maxDescriptionLength)
      throw this.error(422, `description may be at most ${this.maxDescriptionLength} characters.`);
    return { scope: [...new Set(scope as string[])], expires_in: seconds, description: text };
  }

  /** A page of the list by Range: ascending IDs after the `]`-marked one, 206 + Next-Range while more. */
  private page(req: SimRequest): SimResponse {
    const m = RANGE.exec(req.headers.range ?? 'id ..');
    const asked = m?.[3] === undefined ? this.defaultPageSize : Number(m[3]);
    if (!m || asked < 1) throw this.error(416);
    // A larger max is cut to the largest page ([U]: what Heroku does beyond 1000 is undocumented).
    const max = Math.min(asked, this.maxPageSize);
    const [, exclusive, start = '', , order] = m;
    const live = this.liveTokens().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (order?.toLowerCase() === 'desc') live.reverse();
    const after = (t: HerokuToken) =>
      start === '' ||
      (order?.toLowerCase() === 'desc'
        ? exclusive
          ? t.id < start
          : t.id <= start
        : exclusive
          ? t.id > start
          : t.id >= start);
    const rest = live.filter(after);
    const shown = rest.slice(0, max);
    const first = shown[0];
    const last = shown[shown.length - 1];
    const headers: Record<string, string> = { 'accept-ranges': 'id' };
    if (first && last) headers['content-range'] = `id ${first.id}..${last.id}`;
    const partial = rest.length > max && last !== undefined;
    if (partial) headers['next-range'] = `id ]${last.id}..; max=${max}${order ? `; order=${order}` : ''}`;
    return { status: partial ? 206 : 200, body: shown.map((t) => this.view(t, false)), headers };
  }

  private lookup(id: string): HerokuToken {
    const t =
      id === '~' ? this.liveTokens().find((x) => x.apiKey) : UUID.test(id) ? this.findLive(id) : undefined;
    if (!t)
      throw new SimError({
        status: 404,
        body: { ...(this.errorBody(404) as object), resource: 'authorization' }
      });
    return t;
  }

  private accountView() {
    const created = herokuDate(Date.UTC(2020, 0, 1));
    return {
      allow_tracking: true,
      beta: false,
      created_at: created,
      email: this.account.email,
      federated: false,
      id: this.account.id,
      identity_provider: null,
      last_login: created,
      name: this.account.name,
      sms_number: null,
      suspended_at: null,
      delinquent_at: null,
      two_factor_authentication: true,
      updated_at: created,
      verified: true,
      country_of_residence: null,
      default_organization: null,
      default_team: null
    };
  }

  private view(t: HerokuToken, full: boolean): HerokuAuthorizationView {
    return {
      id: t.id,
      created_at: herokuDate(t.createdAt),
      updated_at: herokuDate(t.updatedAt),
      description: t.name,
      scope: [...t.scope],
      access_token: {
        id: t.accessTokenId,
        token: full ? t.value : this.shown(t.value),
        expires_in: t.expiresAt === null ? null : Math.max(0, Math.ceil((t.expiresAt - this.now()) / 1000))
      },
      refresh_token: null,
      grant: null,
      client: null,
      session: null,
      user: { id: this.account.id, email: this.account.email, full_name: this.account.name }
    };
  }
}

export async function startHerokuSim(opts: SimOptions = {}): Promise<HerokuSim> {
  return new HerokuSim(opts).listen(opts.port);
}
