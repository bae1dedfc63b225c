/** Vercel REST API simulator: user auth tokens (API-FACTS §0.1-0.5, §1). */
import { randomBytes, randomInt } from 'node:crypto';
import { ProviderSimBase, type IssueOptions, type SimToken } from './provider.js';
import type { RateLimit, RateState, SimError, SimOptions, SimRequest, SimResponse } from './server.js';

/** classic = full account; team/project = limited scope; oauth = a `vercel login` session. */
export type VercelTokenKind = 'classic' | 'team' | 'project' | 'oauth';

export interface VercelToken extends SimToken {
  kind: VercelTokenKind;
  activeAt: number;
}

export interface VercelIssueOptions extends IssueOptions {
  kind?: VercelTokenKind;
}

export interface VercelAuthToken {
  id: string;
  name: string;
  type: 'oauth2-token';
  prefix: 'vcp_';
  suffix: string;
  origin: 'manual';
  scopes: { type: 'user'; origin: 'manual'; createdAt: number; expiresAt?: number }[];
  createdAt: number;
  activeAt: number;
  expiresAt?: number;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const CREATE_FIELDS = new Set(['name', 'expiresAt', 'projectId']);

export class VercelSim extends ProviderSimBase<VercelToken, VercelIssueOptions> {
  rateLimit: RateLimit = { limit: 1000, windowMs: 60_000, status: 429 };
  /** The list's `pagination.next/prev`: a creation time, or an opaque string (the spec allows both). */
  cursors: 'number' | 'string' = 'number';
  readonly username = 'sim-user';
  private lastCreatedAt = 0;

  constructor(opts: SimOptions = {}) {
    super(opts);
    this.route('POST', '/v3/user/tokens', (req, _p, caller) => {
      if (caller.kind === 'oauth')
        throw this.error(403, 'Only user authentication tokens can be used to create new tokens.');
      if (caller.kind !== 'classic')
        throw this.error(403, `To create a token you must be authenticated to scope "${this.username}"`);
      const body = req.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw this.error(400, 'Invalid request: body must be an object.');
      const extra = Object.keys(body).find((k) => !CREATE_FIELDS.has(k));
      if (extra !== undefined)
        throw this.error(400, `Invalid request: should NOT have additional property \`${extra}\`.`);
      const { name, expiresAt, projectId } = body as Record<string, unknown>;
      if (typeof name !== 'string' || name === '')
        throw this.error(400, 'Invalid request: missing required property `name`.');
      if (expiresAt !== undefined && (typeof expiresAt !== 'number' || !Number.isInteger(expiresAt)))
        throw this.error(400, 'Invalid request: `expiresAt` should be number.');
      if (typeof expiresAt === 'number' && expiresAt <= this.now())
        throw this.error(400, 'Invalid request: `expiresAt` must be in the future.');
      if (projectId !== undefined && typeof projectId !== 'string')
        throw this.error(400, 'Invalid request: `projectId` should be string.');
      const t = this.create({
        name,
        expiresAt: expiresAt ?? null,
        kind: projectId === undefined ? 'classic' : 'project'
      });
      return { status: 200, body: { token: this.view(t), bearerToken: t.value } };
    });
    this.route('GET', '/v5/user/tokens/:id', (_req, { id }, caller) => ({
      status: 200,
      body: { token: this.view(this.lookup(id, caller)) }
    }));
    this.route('DELETE', '/v3/user/tokens/:id', (_req, { id }, caller) => {
      const t = this.lookup(id, caller);
      t.revoked = true;
      return { status: 200, body: { tokenId: t.id } };
    });
    this.route('GET', '/v5/user/tokens', (req) => this.list(req.query));
    this.route('GET', '/v6/user/tokens', (req) => this.list(req.query));
    this.route('GET', '/v2/user', () => ({
      status: 200,
      body: {
        user: { id: 'usr_sim0000000000000000', email: 'sim-user@example.com', username: this.username }
      }
    }));
  }

  protected mint(opts: VercelIssueOptions): VercelToken {
    // Creation times are kept unique so that the numeric `until` cursor pages without gaps.
    const createdAt = Math.max(this.now(), this.lastCreatedAt + 1);
    this.lastCreatedAt = createdAt;
    let value = 'vcp_';
    for (let i = 0; i < 24; i++) value += ALNUM[randomInt(ALNUM.length)];
    return {
      id: `tok_${randomBytes(12).toString('hex')}`,
      name: opts.name ?? 'manual token',
      value,
      createdAt,
      activeAt: createdAt,
      expiresAt: opts.expiresAt ?? null,
      revoked: false,
      kind: opts.kind ?? 'classic'
    };
  }

  protected override invalidJson(): SimError {
    return this.error(400, 'Invalid JSON body.');
  }

  protected authFailure(): SimResponse {
    return {
      status: 403,
      body: { error: { code: 'forbidden', message: 'Not authorized', invalidToken: true } }
    };
  }

  protected override authenticate(req: SimRequest): VercelToken {
    const caller = super.authenticate(req);
    caller.activeAt = this.now();
    return caller;
  }

  protected errorBody(status: number, message?: string): unknown {
    const code =
      {
        400: 'bad_request',
        401: 'unauthorized',
        403: 'forbidden',
        404: 'not_found',
        429: 'rate_limited',
        500: 'internal_server_error'
      }[status] ?? 'internal_server_error';
    const text =
      message ??
      {
        403: 'Not authorized',
        404: 'The requested resource was not found.',
        429: `The rate limit of ${this.rateLimit.limit} exceeded for 'api-tokens'. Try again in a minute`
      }[status] ??
      'An unexpected error occurred.';
    if (status !== 429) return { error: { code, message: text } };
    const resetMs = this.now() + this.rateLimit.windowMs;
    const reset = Math.ceil(resetMs / 1000);
    return {
      error: { code, message: text, limit: { remaining: 0, reset, resetMs, total: this.rateLimit.limit } }
    };
  }

  protected responseHeaders(rate: RateState, status: number): Record<string, string> {
    return {
      'x-ratelimit-limit': String(rate.limit),
      'x-ratelimit-remaining': String(status === 429 ? 0 : rate.remaining),
      'x-ratelimit-reset': String(rate.reset)
    };
  }

  private lookup(id: string, caller: VercelToken): VercelToken {
    const t = id === 'current' ? caller : this.findById(id);
    if (!t) throw this.error(404, 'Token not found with the requested `tokenId`.');
    return t;
  }

  private list(query: URLSearchParams): SimResponse {
    const limit = query.has('limit') ? Number(query.get('limit')) : 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      throw this.error(400, 'Invalid request: `limit` should be an integer between 1 and 100.');
    const until = query.has('until') ? this.fromCursor(query.get('until') ?? '') : Infinity;
    if (Number.isNaN(until))
      throw this.error(
        400,
        `Invalid request: \`until\` should be ${this.cursors === 'number' ? 'number' : 'a cursor'}.`
      );
    const all = this.tokens()
      .filter((t) => !t.revoked && t.createdAt < until)
      .sort((a, b) => b.createdAt - a.createdAt);
    const page = all.slice(0, limit);
    const last = page[page.length - 1];
    const first = page[0];
    return {
      status: 200,
      body: {
        tokens: page.map((t) => this.view(t)),
        pagination: {
          count: page.length,
          next: all.length > limit && last ? this.toCursor(last.createdAt) : null,
          prev: first ? this.toCursor(first.createdAt) : null
        }
      }
    };
  }

  private toCursor(createdAt: number): number | string {
    return this.cursors === 'number' ? createdAt : Buffer.from(`until:${createdAt}`).toString('base64url');
  }

  private fromCursor(raw: string): number {
    if (this.cursors === 'number') return Number(raw);
    const m = /^until:(\d+)$/.exec(Buffer.from(raw, 'base64url').toString());
    return m ? Number(m[1]) : NaN;
  }

  private view(t: VercelToken): VercelAuthToken {
    const expiry = t.expiresAt === null ? {} : { expiresAt: t.expiresAt };
    return {
      id: t.id,
      name: t.name,
      type: 'oauth2-token',
      prefix: 'vcp_',
      suffix: t.value.slice(-6),
      origin: 'manual',
      scopes: [{ type: 'user', origin: 'manual', createdAt: t.createdAt, ...expiry }],
      createdAt: t.createdAt,
      activeAt: t.activeAt,
      ...expiry
    };
  }
}

export async function startVercelSim(opts: SimOptions = {}): Promise<VercelSim> {
  return new VercelSim(opts).listen(opts.port);
}
