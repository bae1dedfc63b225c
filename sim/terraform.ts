/**
 * HCP Terraform / Terraform Enterprise API v2 simulator: user tokens and team tokens (multiple
 * team tokens API), JSON:API documents under /api/v2 (facts batch-a §2).
 */
import { randomInt } from 'node:crypto';
import { ProviderSimBase, type IssueOptions, type SimToken } from './provider.js';
import {
  SimError,
  type RateLimit,
  type RateState,
  type SimOptions,
  type SimRequest,
  type SimResponse
} from './server.js';

export type TerraformTokenKind = 'user' | 'team';

export interface TerraformToken extends SimToken {
  kind: TerraformTokenKind;
  /** The user's ID (user tokens) or the team's (team tokens). */
  ownerId: string;
  description: string | null;
  createdBy: string | null;
  lastUsedAt: number | null;
}

export interface TerraformIssueOptions extends IssueOptions {
  kind?: TerraformTokenKind;
  /** The user (user tokens; default: the bot user) or team (team tokens; default: `sim.team`). */
  owner?: string;
  /** The description as stored (default: `name`). */
  description?: string | null;
}

export interface SimUser {
  id: string;
  username: string;
  /** Member of a team with the organization permission "Manage teams". */
  manageTeams: boolean;
}

export interface SimTeam {
  id: string;
  name: string;
  organization: string;
  /** The organization permission "Manage teams" (the owners team has it too). */
  manageTeams: boolean;
  /** The synthetic service user its tokens act as. */
  serviceUserId: string;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const TWO_YEARS_MS = 2 * 365 * 86_400_000;
const BASE = '/api/v2';
/** The bot user's ID and the "Manage teams" team's: fixed. */
export const BOT_USER_ID = 'user-SimCiBot00000001';
export const TEAM_ID = 'team-SimCiBots0000001';

function random(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALNUM[randomInt(ALNUM.length)];
  return out;
}

export const terraformId = (prefix: 'at' | 'user' | 'team'): string => `${prefix}-${random(16)}`;
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

interface JsonApiError {
  status: string | number;
  title: string;
  detail?: string;
}

export class TerraformSim extends ProviderSimBase<TerraformToken, TerraformIssueOptions> {
  /**
   * 30 requests a second per user, here averaged over a minute so that bursty test suites are not
   * throttled; `{ limit: 30, windowMs: 1000, status: 429 }` is the real thing.
   */
  rateLimit: RateLimit = { limit: 1800, windowMs: 60_000, status: 429 };
  /** `links.auth-token` on account/details: in the docs' sample only [U]. */
  sendAuthTokenLink = true;
  /** Whether user token descriptions must be unique per user, as team tokens' are per team [U]. */
  uniqueUserDescriptions = false;
  /** What an omitted expired-at gives: two years (newer docs) or no expiry (OpenAPI, older docs). */
  defaultExpiry: 'two-years' | 'never' = 'two-years';
  /** The organization's token TTL policy (max-ttl-ms per token type); a create over it is a 422 [U]. */
  maxTtlMs: Partial<Record<TerraformTokenKind, number>> = {};
  readonly organization = 'sim-org';
  readonly users = new Map<string, SimUser>();
  readonly teams = new Map<string, SimTeam>();
  /** The user the default tokens belong to (a dedicated bot user, no team permissions). */
  readonly botUser: SimUser;
  /** A team with "Manage teams": its tokens can mint their successors. */
  readonly team: SimTeam;
  /** A team without "Manage teams". */
  readonly plainTeam: SimTeam;

  constructor(opts: SimOptions = {}) {
    super(opts);
    // Fixed IDs, so request paths are known before a simulator starts (the kit's).
    this.botUser = this.addUser('ci-bot', false, BOT_USER_ID);
    this.team = this.addTeam('ci-bots', true, TEAM_ID, 'user-SimSvcCiBots0001');
    this.plainTeam = this.addTeam('developers', false, 'team-SimDevelopers001', 'user-SimSvcDevs000001');
    this.route('GET', `${BASE}/ping`, () => ({ status: 204 }));
    this.route('GET', `${BASE}/account/details`, (_req, _p, caller) => ({
      status: 200,
      body: this.accountDetails(caller)
    }));
    this.route('GET', `${BASE}/users/:user/authentication-tokens`, (req, { user }, caller) => {
      // Non-owners get an empty list, not a 404 (user-tokens.mdx).
      const mine = caller.kind === 'user' && caller.ownerId === user;
      return this.list(req, mine ? this.stored((t) => t.kind === 'user' && t.ownerId === user) : []);
    });
    this.route('POST', `${BASE}/users/:user/authentication-tokens`, (req, { user }, caller) => {
      // "You must access this endpoint with a user token, and it will only create new tokens for
      // that token's user account"; anything else is the API's 404.
      if (caller.kind !== 'user' || caller.ownerId !== user) throw this.error(404);
      return this.createToken(req, 'user', user, caller, this.uniqueUserDescriptions);
    });
    this.route('POST', `${BASE}/teams/:team/authentication-tokens`, (req, { team }, caller) => {
      const t = this.teams.get(team);
      if (!t || !this.managesTeams(caller, t.organization)) throw this.error(404);
      return this.createToken(req, 'team', team, caller, true);
    });
    this.route('GET', `${BASE}/teams/:team`, (_req, { team }, caller) => {
      const t = this.teams.get(team);
      if (!t || !this.seesTeam(caller, t)) throw this.error(404);
      return { status: 200, body: { data: this.teamView(t) } };
    });
    this.route('GET', `${BASE}/organizations/:org/team-tokens`, (req, { org }, caller) => {
      if (org !== this.organization || !this.managesTeams(caller, org)) throw this.error(404);
      const q = (req.query.get('q') ?? '').toLowerCase();
      const tokens = this.stored(
        (t) => t.kind === 'team' && (this.teams.get(t.ownerId)?.name.toLowerCase().includes(q) ?? false)
      );
      // By ascending expiration date unless sorted otherwise (team-tokens.mdx).
      return this.list(
        req,
        tokens.sort((a, b) => (a.expiresAt ?? Infinity) - (b.expiresAt ?? Infinity))
      );
    });
    this.route('GET', `${BASE}/authentication-tokens/:id`, (_req, { id }, caller) => ({
      status: 200,
      body: { data: this.view(this.lookup(id, caller), false) }
    }));
    this.route('DELETE', `${BASE}/authentication-tokens/:id`, (_req, { id }, caller) => {
      this.lookup(id, caller).revoked = true;
      return { status: 204 };
    });
  }

  addUser(username: string, manageTeams: boolean, id = terraformId('user')): SimUser {
    const user = { id, username, manageTeams };
    this.users.set(user.id, user);
    return user;
  }

  addTeam(
    name: string,
    manageTeams: boolean,
    id = terraformId('team'),
    serviceUserId = terraformId('user')
  ): SimTeam {
    const team = { id, name, organization: this.organization, manageTeams, serviceUserId };
    this.teams.set(team.id, team);
    return team;
  }

  protected mint(opts: TerraformIssueOptions): TerraformToken {
    const kind = opts.kind ?? 'user';
    const name = opts.name ?? 'manual token';
    return {
      id: terraformId('at'),
      name: opts.description ?? name,
      value: `${random(14)}.atlasv1.${random(67)}`,
      createdAt: this.now(),
      expiresAt: opts.expiresAt ?? null,
      revoked: false,
      kind,
      ownerId: opts.owner ?? (kind === 'user' ? this.botUser.id : this.team.id),
      description: opts.description === undefined ? name : opts.description,
      createdBy: kind === 'user' ? (opts.owner ?? this.botUser.id) : null,
      lastUsedAt: null
    };
  }

  protected override authenticate(req: SimRequest): TerraformToken {
    // The ping answers without a token (go-tfe calls it first, to read the API version).
    if (req.pathname === `${BASE}/ping`) return PING;
    const caller = super.authenticate(req);
    caller.lastUsedAt = this.now();
    return caller;
  }

  protected authFailure(): SimResponse {
    return { status: 401, body: this.errors({ status: '401', title: 'unauthorized' }) };
  }

  protected override invalidJson(): SimError {
    return new SimError({
      status: 400,
      body: this.errors({ status: '400', title: 'bad request', detail: 'The request body is not valid JSON' })
    });
  }

  protected errorBody(status: number, message?: string): unknown {
    if (status === 429)
      // The docs' sample: status as a number here, a string elsewhere.
      return this.errors({
        status: 429,
        title: 'Too many requests',
        detail: message ?? "You have exceeded the API's rate limit."
      });
    const title =
      { 400: 'bad request', 401: 'unauthorized', 404: 'not found', 422: 'invalid attributes' }[status] ??
      'internal server error';
    return this.errors({ status: String(status), title, ...(message ? { detail: message } : {}) });
  }

  protected responseHeaders(rate: RateState, status: number): Record<string, string> {
    const perSecond = Math.round((this.rateLimit.limit * 1000) / this.rateLimit.windowMs);
    return {
      'x-ratelimit-limit': String(perSecond),
      ...(status === 429
        ? { 'x-ratelimit-reset': Math.max(0, rate.reset - this.now() / 1000).toFixed(3) }
        : {}),
      'tfp-api-version': '2.6',
      'x-tfe-version': 'v202508-1'
    };
  }

  private errors(...errors: JsonApiError[]): { errors: JsonApiError[] } {
    return { errors };
  }

  private invalid(detail: string): SimError {
    return new SimError({
      status: 422,
      body: this.errors({ status: '422', title: 'invalid attributes', detail })
    });
  }

  /** Non-revoked tokens (expired ones included: the lists show them until deleted), by creation. */
  private stored(keep: (t: TerraformToken) => boolean): TerraformToken[] {
    return this.tokens().filter((t) => !t.revoked && keep(t));
  }

  private managesTeams(caller: TerraformToken, org: string): boolean {
    if (caller.kind === 'user') return this.users.get(caller.ownerId)?.manageTeams ?? false;
    const team = this.teams.get(caller.ownerId);
    return team !== undefined && team.organization === org && team.manageTeams;
  }

  private seesTeam(caller: TerraformToken, team: SimTeam): boolean {
    return (
      this.managesTeams(caller, team.organization) || (caller.kind === 'team' && caller.ownerId === team.id)
    );
  }

  /** A token the caller may see and delete; otherwise the API's 404. */
  private lookup(id: string, caller: TerraformToken): TerraformToken {
    const t = this.findById(id);
    const team = t?.kind === 'team' ? this.teams.get(t.ownerId) : undefined;
    const allowed =
      t !== undefined &&
      (t.kind === 'user'
        ? caller.kind === 'user' && caller.ownerId === t.ownerId
        : team !== undefined && this.managesTeams(caller, team.organization));
    if (!t || !allowed) throw this.error(404);
    return t;
  }

  private createToken(
    req: SimRequest,
    kind: TerraformTokenKind,
    owner: string,
    caller: TerraformToken,
    uniqueDescriptions: boolean
  ): SimResponse {
    const data = (req.body as { data?: unknown } | undefined)?.data as Record<string, unknown> | undefined;
    if (typeof data !== 'object' || data === null || data.type !== 'authentication-tokens')
      throw this.invalid('data.type must be "authentication-tokens"');
    const attributes = (data.attributes ?? {}) as Record<string, unknown>;
    const description = attributes.description ?? null;
    if (description !== null && typeof description !== 'string')
      throw this.invalid('Description must be a string');
    // go-tfe sends a team token without a description to the legacy endpoint: here it is required.
    if (kind === 'team' && description === null) throw this.invalid("Description can't be blank");
    if (
      uniqueDescriptions &&
      this.stored((t) => t.kind === kind && t.ownerId === owner && t.description === description).length > 0
    )
      throw this.invalid('Validation failed: Description has already been taken');
    const expiresAt = this.expiry(attributes['expired-at'], kind);
    const t = this.create({ kind, owner, name: description ?? '', description, expiresAt });
    t.createdBy =
      caller.kind === 'user' ? caller.ownerId : (this.teams.get(caller.ownerId)?.serviceUserId ?? null);
    return { status: 201, body: { data: this.view(t, true) } };
  }

  private expiry(value: unknown, kind: TerraformTokenKind): number | null {
    if (value === undefined || value === null)
      return this.defaultExpiry === 'never' ? null : this.now() + TWO_YEARS_MS;
    const ms = typeof value === 'string' && ISO.test(value) ? Date.parse(value) : NaN;
    if (Number.isNaN(ms)) throw this.invalid('Expired at is not a valid ISO 8601 date');
    if (ms <= this.now()) throw this.invalid('Expired at must be in the future');
    const max = this.maxTtlMs[kind];
    if (max !== undefined && ms - this.now() > max)
      throw this.invalid("Expired at exceeds the organization's maximum token TTL");
    return ms;
  }

  private accountDetails(caller: TerraformToken): unknown {
    const team = caller.kind === 'team' ? this.teams.get(caller.ownerId) : undefined;
    const user = caller.kind === 'user' ? this.users.get(caller.ownerId) : undefined;
    const id = team?.serviceUserId ?? user?.id ?? caller.ownerId;
    const resource = team ? { id: team.id, type: 'teams' } : { id, type: 'users' };
    return {
      data: {
        id,
        type: 'users',
        attributes: {
          username: team ? `api-${team.id}` : (user?.username ?? 'unknown'),
          'is-service-account': team !== undefined,
          'auth-method': 'tfc',
          'avatar-url': 'https://www.gravatar.com/avatar/00000000000000000000000000000000?s=100&d=mm',
          'v2-only': false,
          'is-admin': false,
          'is-site-admin': false,
          'is-sso-login': false,
          email: team ? '' : `${user?.username ?? 'unknown'}@example.com`,
          'unconfirmed-email': null,
          permissions: {
            'can-create-organization': !team,
            'can-change-email': !team,
            'can-change-username': !team,
            'can-manage-user-tokens': !team
          }
        },
        relationships: {
          'authentication-tokens': { links: { related: `${BASE}/users/${id}/authentication-tokens` } },
          'authenticated-resource': {
            data: resource,
            links: { related: `${BASE}/${resource.type}/${resource.id}` }
          }
        },
        links: {
          self: `${BASE}/users/${id}`,
          ...(this.sendAuthTokenLink ? { 'auth-token': `${BASE}/authentication-tokens/${caller.id}` } : {})
        }
      }
    };
  }

  private teamView(t: SimTeam): unknown {
    return {
      id: t.id,
      type: 'teams',
      attributes: {
        name: t.name,
        'users-count': 1,
        visibility: 'organization',
        'allow-member-token-management': true
      },
      relationships: {
        organization: { data: { id: t.organization, type: 'organizations' } },
        'authentication-tokens': { links: { related: `${BASE}/teams/${t.id}/authentication-tokens` } }
      },
      links: { self: `${BASE}/teams/${t.id}` }
    };
  }

  /** A JSON:API page: `page[number]`, `page[size]` (default 20, at most 100), links and meta.pagination. */
  private list(req: SimRequest, all: TerraformToken[]): SimResponse {
    const paged = req.query.has('page[number]') || req.query.has('page[size]');
    const number = Math.max(1, Math.floor(Number(req.query.get('page[number]') ?? 1)) || 1);
    const size = paged
      ? Math.min(100, Math.max(1, Math.floor(Number(req.query.get('page[size]') ?? 20)) || 20))
      : Math.max(1, all.length);
    const pages = Math.max(1, Math.ceil(all.length / size));
    const link = (n: number) => `${req.pathname}?page%5Bnumber%5D=${n}&page%5Bsize%5D=${size}`;
    return {
      status: 200,
      body: {
        data: all.slice((number - 1) * size, number * size).map((t) => this.view(t, false)),
        links: {
          self: link(number),
          first: link(1),
          prev: number > 1 ? link(number - 1) : null,
          next: number < pages ? link(number + 1) : null,
          last: link(pages)
        },
        meta: {
          pagination: {
            'current-page': number,
            'page-size': size,
            'prev-page': number > 1 ? number - 1 : null,
            'next-page': number < pages ? number + 1 : null,
            'total-pages': pages,
            'total-count': all.length
          }
        }
      }
    };
  }

  private view(t: TerraformToken, withValue: boolean): unknown {
    const createdBy = t.createdBy === null ? null : { id: t.createdBy, type: 'users' };
    return {
      id: t.id,
      type: 'authentication-tokens',
      attributes: {
        'created-at': iso(t.createdAt),
        'last-used-at': iso(t.lastUsedAt),
        description: t.description,
        token: withValue ? t.value : null,
        'expired-at': iso(t.expiresAt)
      },
      relationships: {
        team: { data: t.kind === 'team' ? { id: t.ownerId, type: 'teams' } : null },
        'created-by': { data: createdBy }
      }
    };
  }
}

/** The caller of an unauthenticated ping: no token, no rights. */
const PING: TerraformToken = {
  id: '',
  name: '',
  value: '',
  createdAt: 0,
  expiresAt: null,
  revoked: true,
  kind: 'user',
  ownerId: '',
  description: null,
  createdBy: null,
  lastUsedAt: null
};

export async function startTerraformSim(opts: SimOptions = {}): Promise<TerraformSim> {
  return new TerraformSim(opts).listen(opts.port);
}
