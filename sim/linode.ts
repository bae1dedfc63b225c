/** Linode API v4 simulator: profile personal access tokens (API-FACTS §0.9, §3). */
import { randomBytes } from 'node:crypto';
import { ProviderSimBase, type IssueOptions, type SimToken } from './provider.js';
import { SimError, type RateLimit, type RateState, type SimOptions, type SimResponse } from './server.js';

export interface LinodeToken extends SimToken {
  /** OAuth scopes: '*' or space-separated `area:read_only|read_write`. */
  scopes: string;
}

export interface LinodeIssueOptions extends IssueOptions {
  scopes?: string;
}

export interface LinodeTokenView {
  id: number;
  label: string;
  scopes: string;
  created: string;
  expiry: string | null;
  token: string;
}

type Level = 'read_only' | 'read_write';
const SCOPE = /^[a-z_]+:(read_only|read_write)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

/** Linode dates: `YYYY-MM-DDTHH:MM:SS`, UTC, no `Z`. */
export function linodeDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

function scopeList(scopes: string): string[] {
  return scopes.split(/[\s,]+/).filter((s) => s !== '');
}

/** Whether `scopes` grants `area` at `level` (read_write implies read_only; area '*' = everything). */
function grants(scopes: string, area: string, level: Level): boolean {
  return scopeList(scopes).some(
    (s) => s === '*' || s === `${area}:read_write` || (level === 'read_only' && s === `${area}:read_only`)
  );
}

export class LinodeSim extends ProviderSimBase<LinodeToken, LinodeIssueOptions> {
  rateLimit: RateLimit = { limit: 800, windowMs: 120_000, status: 429 };
  readonly profile = { uid: 1234, username: 'sim-user', email: 'sim-user@example.com', restricted: false };
  private nextId = 1000;

  constructor(opts: SimOptions = {}) {
    super(opts);
    // Every field of the Profile model (@linode/api-v4 profile/types.ts), as a new account has them.
    this.route('GET', '/v4/profile', () => ({
      status: 200,
      body: {
        ...this.profile,
        authentication_type: 'password',
        authorized_keys: null,
        email_notifications: true,
        ip_whitelist_enabled: false,
        lish_auth_method: 'password_keys',
        referrals: {
          code: 'sim0referral',
          completed: 0,
          credit: 0,
          pending: 0,
          total: 0,
          url: 'https://www.linode.com/?r=sim0referral'
        },
        timezone: 'UTC',
        two_factor_auth: false,
        user_type: 'default',
        verified_phone_number: null
      }
    }));
    this.route('POST', '/v4/profile/tokens', (req, _p, caller) => {
      this.need(caller, 'read_write');
      const body = req.body ?? {};
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw this.invalid(undefined, 'Invalid JSON');
      const { label, expiry, scopes } = body as Record<string, unknown>;
      if (typeof label !== 'string' || label.length < 1 || label.length > 100)
        throw this.invalid('label', 'Length must be 1-100 characters');
      let expiresAt: number | null = null;
      if (expiry !== undefined && expiry !== null) {
        const m = typeof expiry === 'string' ? DATE.exec(expiry.replace(/Z$/, '')) : null;
        if (!m) throw this.invalid('expiry', 'Must be a datetime in the format YYYY-MM-DDTHH:MM:SS');
        expiresAt = Date.parse(`${m[0]}Z`);
        if (Number.isNaN(expiresAt)) throw this.invalid('expiry', 'Invalid datetime');
        if (expiresAt <= this.now()) throw this.invalid('expiry', 'Expiry must be in the future');
      }
      if (scopes !== undefined && scopes !== null && typeof scopes !== 'string')
        throw this.invalid('scopes', 'Must be a string');
      const wanted =
        scopes === undefined || scopes === null || scopes.trim() === '*' ? caller.scopes : scopes;
      const list = scopeList(wanted);
      if (list.length === 0) throw this.invalid('scopes', 'Must be "*" or a list of OAuth scopes');
      for (const s of list) {
        if (s !== '*' && !SCOPE.test(s)) throw this.invalid('scopes', `Invalid OAuth scope: ${s}`);
        const [area = '', level = ''] = s.split(':');
        if (
          s === '*' ? !grants(caller.scopes, '*', 'read_write') : !grants(caller.scopes, area, level as Level)
        )
          throw this.invalid('scopes', 'Scopes may not exceed the scopes of the acting token');
      }
      const t = this.create({ name: label, expiresAt, scopes: wanted });
      return { status: 200, body: this.view(t, true) };
    });
    this.route('GET', '/v4/profile/tokens', (req, _p, caller) => {
      this.need(caller, 'read_only');
      const page = this.integer(req.query, 'page', 1, 1, Infinity, 'Must be a positive integer');
      const size = this.integer(req.query, 'page_size', 100, 25, 500, 'Must be 25-500');
      const live = this.liveTokens().sort((a, b) => Number(a.id) - Number(b.id));
      return {
        status: 200,
        body: {
          data: live.slice((page - 1) * size, page * size).map((t) => this.view(t, false)),
          page,
          pages: Math.max(1, Math.ceil(live.length / size)),
          results: live.length
        }
      };
    });
    this.route('GET', '/v4/profile/tokens/:id', (_req, { id }, caller) => {
      this.need(caller, 'read_only');
      return { status: 200, body: this.view(this.lookup(id), false) };
    });
    this.route('DELETE', '/v4/profile/tokens/:id', (_req, { id }, caller) => {
      this.need(caller, 'read_write');
      this.lookup(id).revoked = true;
      return { status: 200, body: {} };
    });
  }

  protected mint(opts: LinodeIssueOptions): LinodeToken {
    return {
      id: String(this.nextId++),
      name: opts.name ?? 'manual token',
      value: randomBytes(32).toString('hex'),
      // Linode stores whole seconds.
      createdAt: Math.floor(this.now() / 1000) * 1000,
      expiresAt: opts.expiresAt ?? null,
      revoked: false,
      scopes: opts.scopes ?? '*'
    };
  }

  protected override invalidJson(): SimError {
    return this.invalid(undefined, 'Invalid JSON');
  }

  protected authFailure(): SimResponse {
    return { status: 401, body: { errors: [{ reason: 'Invalid Token' }] } };
  }

  protected errorBody(status: number, message?: string): unknown {
    const reason =
      message ??
      {
        400: 'Bad Request',
        401: 'Invalid Token',
        403: 'Unauthorized',
        404: 'Not found',
        429: 'Too Many Requests'
      }[status] ??
      'Please try again later.';
    return { errors: [{ reason }] };
  }

  protected responseHeaders(rate: RateState, status: number, caller?: LinodeToken): Record<string, string> {
    return {
      'retry-after': String(rate.retryAfter),
      'x-ratelimit-limit': String(rate.limit),
      'x-ratelimit-remaining': String(status === 429 ? 0 : rate.remaining),
      'x-ratelimit-reset': String(rate.reset),
      'x-spec-version': '4.200.0',
      ...(caller ? { 'x-oauth-scopes': caller.scopes } : {})
    };
  }

  /** Insufficient scope is a 401 on Linode. */
  private need(caller: LinodeToken, level: Level): void {
    if (!grants(caller.scopes, 'account', level))
      throw new SimError({ status: 401, body: { errors: [{ reason: 'Unauthorized' }] } });
  }

  private lookup(id: string): LinodeToken {
    const t = /^\d+$/.test(id) ? this.findLive(id) : undefined;
    if (!t || t.id !== id) throw this.error(404, 'Not found');
    return t;
  }

  private integer(
    q: URLSearchParams,
    name: string,
    fallback: number,
    min: number,
    max: number,
    reason: string
  ) {
    const raw = q.get(name);
    if (raw === null) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) throw this.invalid(name, reason);
    return n;
  }

  private invalid(field: string | undefined, reason: string): SimError {
    return new SimError({ status: 400, body: { errors: [{ ...(field ? { field } : {}), reason }] } });
  }

  private view(t: LinodeToken, full: boolean): LinodeTokenView {
    return {
      id: Number(t.id),
      label: t.name,
      scopes: t.scopes,
      created: linodeDate(t.createdAt),
      expiry: t.expiresAt === null ? null : linodeDate(t.expiresAt),
      token: full ? t.value : t.value.slice(0, 16)
    };
  }
}

export async function startLinodeSim(opts: SimOptions = {}): Promise<LinodeSim> {
  return new LinodeSim(opts).listen(opts.port);
}
