/**
 * Cloudflare API v4 simulator: user-owned (`/user/tokens…`) and account-owned
 * (`/accounts/{id}/tokens…`) API tokens, under the base path `/client/v4`. Every answer is the
 * envelope {success, errors, messages, result, result_info?}. Facts: batch-a §1 of the provider
 * research; [U] facts are knobs (see the fields marked [U]).
 */
import { randomBytes } from 'node:crypto';
import { ProviderSimBase, type IssueOptions, type SimToken } from './provider.js';
import {
  SimError,
  type RateLimit,
  type RateState,
  type SimOptions,
  type SimRequest,
  type SimResponse
} from './server.js';

export const CLOUDFLARE_BASE_PATH = '/client/v4';

/** Permission-group IDs as Cloudflare publishes them (permissions table of the API token docs). */
export const PERMISSION_GROUPS = {
  apiTokensWrite: '686d18d5ac6c441c867cbf6771e58a0a',
  apiTokensRead: '0cc3a61731504c89b99ec1be78b77aa0',
  accountApiTokensWrite: '5bc3f8b21c554832afc660159ab75fa4',
  accountApiTokensRead: 'eb56a6953c034b9d97dd838155666f06',
  zoneRead: 'c8fed203ed3043cba015a93ad1616f1f',
  dnsWrite: '4755a26eedb94da69e1066d98aa820be',
  workersScriptsWrite: 'e086da7e2179491d91ee5f35b3ca210a'
} as const;
const GROUP_NAMES: Record<string, string> = {
  [PERMISSION_GROUPS.apiTokensWrite]: 'API Tokens Write',
  [PERMISSION_GROUPS.apiTokensRead]: 'API Tokens Read',
  [PERMISSION_GROUPS.accountApiTokensWrite]: 'Account API Tokens Write',
  [PERMISSION_GROUPS.accountApiTokensRead]: 'Account API Tokens Read',
  [PERMISSION_GROUPS.zoneRead]: 'Zone Read',
  [PERMISSION_GROUPS.dnsWrite]: 'DNS Write',
  [PERMISSION_GROUPS.workersScriptsWrite]: 'Workers Scripts Write'
};

type Resources = Record<string, string | Record<string, string>>;
/** A policy as a create sends it (no IDs). */
export interface PolicyInput {
  effect: 'allow' | 'deny';
  permission_groups: { id: string; meta?: Record<string, string> }[];
  resources: Resources;
}
/** A policy as Cloudflare holds and answers it: with its ID, and the groups' names. */
export interface PolicyView {
  id: string;
  effect: 'allow' | 'deny';
  permission_groups: { id: string; name: string; meta?: Record<string, string> }[];
  resources: Resources;
}

export interface CloudflareToken extends SimToken {
  /** The owning account's ID, or null for a user-owned token. */
  account: string | null;
  policies: PolicyView[];
  /** As it arrived: the wire key `request.ip`, or whatever a client sent (the TS SDK: `request_ip`). */
  condition?: unknown;
  notBefore: number | null;
  modifiedAt: number;
  lastUsedAt: number | null;
}

export interface CloudflareIssueOptions extends IssueOptions {
  /** Account-owned, of this account; absent = user-owned. */
  account?: string;
  /** Default: the "Create Additional Tokens" template (or its account-owned counterpart). */
  policies?: PolicyInput[];
  condition?: unknown;
}

export interface CloudflareTokenView {
  id: string;
  name: string;
  status: 'active' | 'expired';
  issued_on: string;
  modified_on: string;
  last_used_on?: string;
  not_before?: string;
  expires_on?: string;
  policies: PolicyView[];
  condition?: unknown;
  value?: string;
}

/** Cloudflare dates: RFC 3339, UTC, whole seconds, `Z`. */
export function cloudflareDate(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const HEX32 = /^[0-9a-f]{32}$/;
const CREATE_KEYS = ['name', 'policies', 'condition', 'expires_on', 'not_before'];
const hex32 = () => randomBytes(16).toString('hex');
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `cfut_`/`cfat_` + 40 characters + a checksum (token-formats docs; the checksum's form is ours). */
function tokenValue(account: string | null): string {
  const body = [...randomBytes(40)].map((b) => ALNUM[b % ALNUM.length]).join('');
  return `${account ? 'cfat' : 'cfut'}_${body}${randomBytes(4).toString('hex')}`;
}

interface Family {
  /** Null: the user family. */
  account: string | null;
}

export class CloudflareSim extends ProviderSimBase<CloudflareToken, CloudflareIssueOptions> {
  /** 1200 requests per 5 minutes per user (api-rate-limits docs). */
  rateLimit: RateLimit = { limit: 1200, windowMs: 300_000, status: 429 };
  protected override readonly apiBasePath = CLOUDFLARE_BASE_PATH;
  /** The user's tag, for `com.cloudflare.api.user.<tag>` resources. */
  readonly userTag = hex32();
  /** An account of this user, for account-owned tokens. */
  readonly accountId = hex32();
  /** Token quotas (limits docs): 50 user tokens, 500 per account. */
  userQuota = 50;
  accountQuota = 500;
  /** [U] The list's page size when per_page is not given, and the largest allowed. */
  defaultPerPage = 20;
  maxPerPage = 50;
  /** [U] How an unknown token ID is answered: 404, or 400 code 7003 as other Cloudflare routes do. */
  notFoundStatus: 404 | 400 = 404;
  /** [U] The answer to an unknown bearer on endpoints other than verify. */
  invalidBearerElsewhere: { status: number; code: number; message: string } = {
    status: 401,
    code: 1000,
    message: 'Invalid API Token'
  };

  constructor(opts: SimOptions = {}) {
    super(opts);
    const user = (): Family => ({ account: null });
    const account = (id: string): Family => ({ account: id });
    this.route('GET', '/client/v4/user/tokens/verify', (_r, _p, caller) => this.verify(user(), caller));
    this.route('GET', '/client/v4/accounts/:account/tokens/verify', (_r, p, caller) =>
      this.verify(account(p.account), caller)
    );
    this.route('GET', '/client/v4/user/tokens/permission_groups', (_r, _p, c) => this.groups(user(), c));
    this.route('GET', '/client/v4/accounts/:account/tokens/permission_groups', (_r, p, c) =>
      this.groups(account(p.account), c)
    );
    this.route('POST', '/client/v4/user/tokens', (r, _p, c) => this.createToken(user(), r, c));
    this.route('POST', '/client/v4/accounts/:account/tokens', (r, p, c) =>
      this.createToken(account(p.account), r, c)
    );
    this.route('GET', '/client/v4/user/tokens', (r, _p, c) => this.list(user(), r, c));
    this.route('GET', '/client/v4/accounts/:account/tokens', (r, p, c) =>
      this.list(account(p.account), r, c)
    );
    this.route('GET', '/client/v4/user/tokens/:id', (r, p, c) => this.get(user(), r, p.id, c));
    this.route('GET', '/client/v4/accounts/:account/tokens/:id', (r, p, c) =>
      this.get(account(p.account), r, p.id, c)
    );
    this.route('DELETE', '/client/v4/user/tokens/:id', (r, p, c) => this.remove(user(), r, p.id, c));
    this.route('DELETE', '/client/v4/accounts/:account/tokens/:id', (r, p, c) =>
      this.remove(account(p.account), r, p.id, c)
    );
  }

  /** The policies a token holds (with IDs), for tests of what a successor inherited. */
  policiesOf(id: string): PolicyInput[] {
    const t = this.tokens().find((x) => x.id === id);
    if (!t) throw new Error(`no token ${id}`);
    return t.policies.map((p) => ({
      effect: p.effect,
      permission_groups: p.permission_groups.map(({ id: g, meta }) => (meta ? { id: g, meta } : { id: g })),
      resources: p.resources
    }));
  }

  /** "Create Additional Tokens" (user) or Account API Tokens Write on the account. */
  tokenManagerPolicies(account: string | null): PolicyInput[] {
    return account
      ? [
          {
            effect: 'allow',
            permission_groups: [{ id: PERMISSION_GROUPS.accountApiTokensWrite }],
            resources: { [`com.cloudflare.api.account.${account}`]: '*' }
          }
        ]
      : [
          {
            effect: 'allow',
            permission_groups: [{ id: PERMISSION_GROUPS.apiTokensWrite }],
            resources: { [`com.cloudflare.api.user.${this.userTag}`]: '*' }
          }
        ];
  }

  protected mint(opts: CloudflareIssueOptions): CloudflareToken {
    const account = opts.account ?? null;
    const now = Math.floor(this.now() / 1000) * 1000;
    return {
      id: hex32(),
      name: opts.name ?? 'manual token',
      value: tokenValue(account),
      createdAt: now,
      expiresAt: opts.expiresAt ?? null,
      revoked: false,
      account,
      policies: (opts.policies ?? this.tokenManagerPolicies(account)).map((p) => this.stored(p)),
      ...(opts.condition === undefined ? {} : { condition: opts.condition }),
      notBefore: null,
      modifiedAt: now,
      lastUsedAt: null
    };
  }

  protected override authenticate(req: SimRequest): CloudflareToken {
    const caller = super.authenticate(req);
    caller.lastUsedAt = Math.floor(this.now() / 1000) * 1000;
    return caller;
  }

  protected authFailure(req: SimRequest): SimResponse {
    if (req.pathname.endsWith('/tokens/verify')) return this.failure(401, 1000, 'Invalid API Token');
    const { status, code, message } = this.invalidBearerElsewhere;
    return this.failure(status, code, message);
  }

  protected errorBody(status: number, message?: string): unknown {
    const [code, text] =
      {
        400: [6003, 'Invalid request headers'],
        401: [1000, 'Invalid API Token'],
        403: [9109, 'Unauthorized to access requested resource'],
        404: [7000, 'No route for that URI'],
        // [U] Cloudflare's throttling code, as third parties quote it.
        429: [971, 'Please wait and consider throttling your request speed']
      }[status] ?? ([10000, 'Internal error'] as [number, string]);
    return this.envelopeError(code as number, message ?? (text as string));
  }

  protected override invalidJson(): SimError {
    return new SimError(this.failure(400, 6007, 'Malformed JSON in request body'));
  }

  protected responseHeaders(rate: RateState, status: number): Record<string, string> {
    return {
      'x-ratelimit-limit': String(rate.limit),
      'x-ratelimit-remaining': String(status === 429 ? 0 : rate.remaining),
      'x-ratelimit-reset': new Date(rate.reset * 1000).toUTCString(),
      ...(status === 429 ? { 'retry-after': String(rate.retryAfter) } : {}),
      'cf-ray': `${randomBytes(8).toString('hex')}-SIM`
    };
  }

  private envelopeError(code: number, message: string) {
    return { success: false, errors: [{ code, message }], messages: [], result: null };
  }

  private failure(status: number, code: number, message: string): SimResponse {
    return { status, body: this.envelopeError(code, message) };
  }

  private refuse(status: number, code: number, message: string): SimError {
    return new SimError(this.failure(status, code, message));
  }

  private ok(result: unknown, extra: Record<string, unknown> = {}, messages: unknown[] = []): SimResponse {
    return { status: 200, body: { success: true, errors: [], messages, result, ...extra } };
  }

  /**
   * The caller must belong to the family it calls: an account token is "Invalid API Token" on
   * the user endpoints (reported by several third parties), a token of another family or account
   * the same on an account's verify; then it needs the family's token permission.
   */
  private admitCaller(family: Family, caller: CloudflareToken, need?: 'read' | 'write'): void {
    if (caller.account !== family.account) throw this.refuse(401, 1000, 'Invalid API Token');
    if (need && !this.may(caller, family, need))
      throw this.refuse(403, 9109, 'Unauthorized to access requested resource');
  }

  /** An allow policy granting the family's token permission on its resource, and no deny. */
  private may(caller: CloudflareToken, family: Family, need: 'read' | 'write'): boolean {
    const groups = family.account
      ? [
          PERMISSION_GROUPS.accountApiTokensWrite,
          ...(need === 'read' ? [PERMISSION_GROUPS.accountApiTokensRead] : [])
        ]
      : [PERMISSION_GROUPS.apiTokensWrite, ...(need === 'read' ? [PERMISSION_GROUPS.apiTokensRead] : [])];
    const resource = family.account
      ? (key: string) =>
          key === `com.cloudflare.api.account.${family.account}` || key === 'com.cloudflare.api.account.*'
      : (key: string) => key === `com.cloudflare.api.user.${this.userTag}`;
    const matches = (effect: string) =>
      caller.policies.some(
        (p) =>
          p.effect === effect &&
          p.permission_groups.some((g) => (groups as string[]).includes(g.id)) &&
          Object.keys(p.resources).some(resource)
      );
    return matches('allow') && !matches('deny');
  }

  private verify(family: Family, caller: CloudflareToken): SimResponse {
    this.admitCaller(family, caller);
    return this.ok(
      {
        id: caller.id,
        status: 'active',
        ...(caller.expiresAt === null ? {} : { expires_on: cloudflareDate(caller.expiresAt) }),
        ...(caller.notBefore === null ? {} : { not_before: cloudflareDate(caller.notBefore) })
      },
      {},
      [{ code: 10000, message: 'This API Token is valid and active', type: null }]
    );
  }

  private groups(family: Family, caller: CloudflareToken): SimResponse {
    this.admitCaller(family, caller, 'read');
    const scope = (id: string) =>
      id === PERMISSION_GROUPS.apiTokensWrite || id === PERMISSION_GROUPS.apiTokensRead
        ? 'com.cloudflare.api.user'
        : id === PERMISSION_GROUPS.zoneRead || id === PERMISSION_GROUPS.dnsWrite
          ? 'com.cloudflare.api.account.zone'
          : 'com.cloudflare.api.account';
    return this.ok(Object.entries(GROUP_NAMES).map(([id, name]) => ({ id, name, scopes: [scope(id)] })));
  }

  private familyTokens(family: Family): CloudflareToken[] {
    return this.liveTokens().filter((t) => t.account === family.account);
  }

  private createToken(family: Family, req: SimRequest, caller: CloudflareToken): SimResponse {
    this.admitCaller(family, caller, 'write');
    const body = this.createBody(req.body);
    const quota = family.account ? this.accountQuota : this.userQuota;
    // [U] The quota error's code and wording are not documented.
    if (this.familyTokens(family).length >= quota)
      throw this.refuse(400, 1002, `API token quota exceeded: at most ${quota} tokens are allowed`);
    const t = this.create({
      name: body.name,
      expiresAt: body.expiresAt,
      ...(family.account ? { account: family.account } : {}),
      policies: body.policies,
      ...(body.condition === undefined ? {} : { condition: body.condition })
    });
    if (body.notBefore !== null) t.notBefore = body.notBefore;
    return this.ok({ ...this.view(t), value: t.value });
  }

  /** TokenCreateParams, checked as the API schema describes it; unknown keys refused (typos). */
  private createBody(raw: unknown) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw this.refuse(400, 6007, 'Malformed JSON in request body');
    const body = raw as Record<string, unknown>;
    const unknown = Object.keys(body).find((k) => !CREATE_KEYS.includes(k));
    if (unknown) throw this.refuse(400, 1001, `Unknown field: ${unknown}`);
    const { name, policies, condition } = body;
    if (typeof name !== 'string' || name.length < 1 || name.length > 120)
      throw this.refuse(400, 1001, 'name: must be a string of 1 to 120 characters');
    if (!Array.isArray(policies) || policies.length === 0)
      throw this.refuse(400, 1001, 'policies: must be a non-empty list');
    if (condition !== undefined && (typeof condition !== 'object' || condition === null))
      throw this.refuse(400, 1001, 'condition: must be an object');
    const expiresAt = this.date(body.expires_on, 'expires_on');
    if (expiresAt !== null && expiresAt <= this.now())
      throw this.refuse(400, 1001, 'expires_on: must be in the future');
    return {
      name,
      policies: policies.map((p, i) => this.policyInput(p, i)),
      condition,
      expiresAt,
      notBefore: this.date(body.not_before, 'not_before')
    };
  }

  private date(value: unknown, field: string): number | null {
    if (value === undefined || value === null) return null;
    const ms = typeof value === 'string' && DATE.test(value) ? Date.parse(value) : NaN;
    if (Number.isNaN(ms))
      throw this.refuse(400, 1001, `${field}: must be an RFC 3339 date such as 2020-01-01T00:00:00Z`);
    return ms;
  }

  private policyInput(raw: unknown, i: number): PolicyInput {
    const p = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const bad = (what: string) => this.refuse(400, 1001, `policies[${i}]: ${what}`);
    if (p.id !== undefined) throw bad('id is read-only');
    if (p.effect !== 'allow' && p.effect !== 'deny') throw bad('effect must be allow or deny');
    if (!Array.isArray(p.permission_groups) || p.permission_groups.length === 0)
      throw bad('permission_groups must be a non-empty list');
    const groups = p.permission_groups.map((g: unknown) => {
      const group = (typeof g === 'object' && g !== null ? g : {}) as Record<string, unknown>;
      if (typeof group.id !== 'string' || !(group.id in GROUP_NAMES)) throw bad('unknown permission group');
      return group.meta === undefined
        ? { id: group.id }
        : { id: group.id, meta: group.meta as Record<string, string> };
    });
    const resources = p.resources;
    if (typeof resources !== 'object' || resources === null || Object.keys(resources).length === 0)
      throw bad('resources must be a non-empty object');
    return { effect: p.effect, permission_groups: groups, resources: resources as Resources };
  }

  private stored(p: PolicyInput): PolicyView {
    return {
      id: hex32(),
      effect: p.effect,
      permission_groups: p.permission_groups.map((g) => ({ ...g, name: GROUP_NAMES[g.id] ?? 'Unknown' })),
      resources: structuredClone(p.resources)
    };
  }

  private list(family: Family, req: SimRequest, caller: CloudflareToken): SimResponse {
    this.admitCaller(family, caller, 'read');
    const page = this.integer(req.query, 'page', 1, 1, Infinity);
    const perPage = this.integer(req.query, 'per_page', this.defaultPerPage, 5, this.maxPerPage);
    const desc = req.query.get('direction') === 'desc';
    const withExpired = req.query.get('include_expired') === 'true';
    const held = this.tokens()
      .filter((t) => t.account === family.account && !t.revoked && (withExpired || this.live(t)))
      .sort((a, b) => (desc ? b.createdAt - a.createdAt : a.createdAt - b.createdAt));
    // Past the last page: `result: []`, which is how the SDK's iteration ends.
    const result = held.slice((page - 1) * perPage, page * perPage).map((t) => this.view(t));
    return this.ok(result, {
      result_info: {
        page,
        per_page: perPage,
        count: result.length,
        total_count: held.length,
        total_pages: Math.ceil(held.length / perPage)
      }
    });
  }

  private lookup(family: Family, req: SimRequest, id: string): CloudflareToken {
    const t = HEX32.test(id) ? this.findById(id) : undefined;
    if (t && t.account === family.account) return t;
    if (this.notFoundStatus === 400 || !HEX32.test(id))
      throw this.refuse(
        400,
        7003,
        `Could not route to ${req.pathname.replace(CLOUDFLARE_BASE_PATH, '')}, perhaps your object identifier is invalid?`
      );
    // [U] The code and message of a 404 for a well-formed, unknown token ID are not documented.
    throw this.refuse(404, 1003, 'Token not found');
  }

  private get(family: Family, req: SimRequest, id: string, caller: CloudflareToken): SimResponse {
    this.admitCaller(family, caller, 'read');
    return this.ok(this.view(this.lookup(family, req, id)));
  }

  /** A token may delete itself [U: undocumented; allowed here]. */
  private remove(family: Family, req: SimRequest, id: string, caller: CloudflareToken): SimResponse {
    this.admitCaller(family, caller, 'write');
    const t = this.lookup(family, req, id);
    t.revoked = true;
    return this.ok({ id: t.id });
  }

  private integer(q: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
    const raw = q.get(name);
    if (raw === null) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max)
      throw this.refuse(
        400,
        1001,
        `${name}: must be a whole number from ${min}${max === Infinity ? '' : ` to ${max}`}`
      );
    return n;
  }

  private view(t: CloudflareToken): CloudflareTokenView {
    const expired = t.expiresAt !== null && t.expiresAt <= this.now();
    return {
      id: t.id,
      name: t.name,
      status: expired ? 'expired' : 'active',
      issued_on: cloudflareDate(t.createdAt),
      modified_on: cloudflareDate(t.modifiedAt),
      ...(t.lastUsedAt === null ? {} : { last_used_on: cloudflareDate(t.lastUsedAt) }),
      ...(t.notBefore === null ? {} : { not_before: cloudflareDate(t.notBefore) }),
      ...(t.expiresAt === null ? {} : { expires_on: cloudflareDate(t.expiresAt) }),
      policies: structuredClone(t.policies),
      ...(t.condition === undefined ? {} : { condition: structuredClone(t.condition) })
    };
  }
}

export async function startCloudflareSim(opts: SimOptions = {}): Promise<CloudflareSim> {
  return new CloudflareSim(opts).listen(opts.port);
}
