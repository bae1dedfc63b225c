import { seeDocs } from '../docs.js';
import { HttpError, type HttpRequest } from '../http.js';
import { MalformedAnswer, array, object, optionalText, text, tokenId, type Json } from './answers.js';
import {
  ProviderError,
  providerError,
  readCreated,
  revokeWith,
  unexpected,
  type ErrorWording
} from './errors.js';
import { collectPages, MAX_PAGES, type PageOf } from './paging.js';
import type {
  CreateRequest,
  NewToken,
  Provider,
  ProviderConfig,
  ProviderSpec,
  ProviderToken,
  TokenOwner
} from './types.js';

// Bodies per the HCP Terraform / Terraform Enterprise API v2 (JSON:API; facts batch-a §2): paths
// under /api/v2, kebab-case attributes, ISO 8601 UTC dates with milliseconds.
interface Relationship {
  data: { id: string; type: string } | null;
}
interface AuthenticationToken {
  id: string;
  type: 'authentication-tokens';
  attributes: {
    'created-at': string;
    'last-used-at': string | null;
    description: string | null;
    /** The value: only in a create answer. */
    token: string | null;
    'expired-at': string | null;
  };
  relationships?: { team?: Relationship; 'created-by'?: Relationship };
}
interface CreateTokenBody {
  data: {
    type: 'authentication-tokens';
    attributes: { description: string; 'expired-at': string };
  };
}
interface Pagination {
  'current-page': number;
  'next-page': number | null;
  'total-pages': number;
}
interface ListDocument {
  data: AuthenticationToken[];
  meta: { pagination: Pagination };
}
interface AccountDetails {
  data: {
    id: string;
    type: 'users';
    attributes: { username?: string; 'is-service-account'?: boolean };
    relationships?: { 'authenticated-resource'?: Relationship };
    /** `auth-token` (the calling token) is in the docs' sample only [U]. */
    links?: { self?: string; 'auth-token'?: string };
  };
}
interface TeamDocument {
  data: {
    id: string;
    type: 'teams';
    attributes: { name: string };
    relationships: { organization: Relationship };
  };
}
interface TfeErrorBody {
  // `status` is a string in the OpenAPI, a number in the docs' 429 sample; go-tfe also reads strings.
  errors?: ({ status?: string | number; title?: string; detail?: string } | string)[];
}

const LABEL = 'HCP Terraform';
const ID_FORM = {
  idPattern: /^at-[A-Za-z0-9]{16}$/,
  idDescription: 'an HCP Terraform token ID (at- and 16 letters or digits, e.g. at-6yEmxNAhaoQLH1Da)'
};
const TEAM_ID = /^team-[A-Za-z0-9]{16}$/;
/** Read from account/details and put in a path: checked, though no length is documented. */
const USER_ID = /^user-[A-Za-z0-9]{1,64}$/;
/** Organization names: letters, digits, `-`, `_` (and `.` on older organizations). */
const ORG_NAME = /^[A-Za-z0-9._-]{1,100}$/;
const AUTH_TOKEN_LINK = /^(?:https?:\/\/[^/]+)?\/api\/v2\/authentication-tokens\/(at-[A-Za-z0-9]{16})$/;
/** The documented maximum page size. */
const PAGE_SIZE = 100;
const JSON_API = 'application/vnd.api+json';
const TAKEN = /has already been taken/i;

function messageOf(body: unknown): string | undefined {
  const errors = (body as TfeErrorBody | undefined)?.errors;
  if (!Array.isArray(errors)) return undefined;
  const said = errors
    .map((e) =>
      typeof e === 'string' ? e : [e?.title, e?.detail].filter((s) => typeof s === 'string').join(': ')
    )
    .filter((s) => s !== '');
  return said.length ? said.join('; ') : undefined;
}

const wording: ErrorWording = {
  label: LABEL,
  docs: 'terraform',
  messageOf,
  // 401 only for a missing, invalid, expired or revoked token; no permission is a 404.
  isAuthFailure: (err) => err.status === 401,
  authHint:
    'Check that provider-token holds a live HCP Terraform API token: a user token (of a dedicated user) or, with token-owner team/<team-id>, a team token of a team with "Manage teams"'
};

/** Whose tokens a 404 was about, for the "no permission or not found" wording. */
function forbidden(owner: TokenOwner | undefined, action: string, err: HttpError): ProviderError {
  const said = messageOf(err.body);
  const what = `${LABEL}: ${action} failed with HTTP 404${said ? ` (${said})` : ''}`;
  const why =
    owner === undefined
      ? 'HCP Terraform answers 404 both for "not found" and for "not allowed": user tokens can only be managed with a user token of that same user (not a team or organization token). Check that provider-token is a user token, or set token-owner to rotate a team token'
      : `HCP Terraform answers 404 both for "not found" and for "not allowed": check that token-owner names an existing team (${owner.id}) and that provider-token may manage its tokens: a team token of a team with the organization permission "Manage teams" (or the owners team), or a user token of a user with "Manage teams"`;
  return new ProviderError(`${what}. ${why}.${seeDocs('terraform')}.`, 'permission');
}

/** providerError, with a 404 read as "no permission or not found" (never on a revoke). */
function failure(owner: TokenOwner | undefined, action: string, err: unknown): ProviderError {
  if (err instanceof HttpError && err.status === 404) return forbidden(owner, action, err);
  return providerError(wording, action, err);
}

/** ISO 8601 with a zone (`2023-04-06T12:00:00.000Z`); absent or null is null. Must be a real date. */
export function isoDate(value: unknown, field: string): Date | null {
  if (value === undefined || value === null) return null;
  const raw = typeof value === 'string' ? value : '';
  const m = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/.exec(raw);
  const date = new Date(m ? raw : NaN);
  const day = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  // The calendar day must exist as written, so 2024-02-30 is refused rather than read as 1 March.
  if (Number.isNaN(date.getTime()) || day?.toISOString().slice(0, 10) !== raw.slice(0, 10))
    throw new MalformedAnswer(`${field} is not an ISO 8601 date`);
  return date;
}

function optionalBoolean(value: unknown, field: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new MalformedAnswer(`${field} is not true or false`);
  return value;
}

/**
 * The description a token is created with. Team token descriptions must be unique per team (422
 * "Description has already been taken"), and in every rotation the old token (same name) is still
 * live: the expiry is added, which no two tokens of one rotation share. User tokens get the name as
 * it is (no uniqueness is documented), and the decorated form only if a create is refused as taken.
 */
function describe(name: string, expiresAt: Date, decorated: boolean): string {
  return decorated ? `${name} (${expiresAt.toISOString()})` : name;
}

/** The rotation's name back from a description: the ` (<expiry>)` suffix cut where it is this token's. */
function nameOf(description: string, expiresAt: Date | null): string {
  const suffix = expiresAt === null ? undefined : ` (${expiresAt.toISOString()})`;
  return suffix !== undefined && description.endsWith(suffix)
    ? description.slice(0, -suffix.length)
    : description;
}

function relationshipId(value: unknown, field: string): { id: string; type: string } | null {
  if (value === undefined) return null;
  const data = object(value, field).data;
  if (data === null || data === undefined) return null;
  const ref = object(data, `${field}.data`);
  return { id: text(ref.id, `${field}.data.id`), type: text(ref.type, `${field}.data.type`) };
}

interface ReadToken extends ProviderToken {
  teamId: string | null;
}

/** An authentication-tokens resource as read, each field checked (`at` names it in an error). */
function toToken(value: unknown, at: string): ReadToken {
  const resource = object(value, at) as Json & Partial<AuthenticationToken>;
  const attributes = object(resource.attributes, `${at}.attributes`);
  const expiresAt = isoDate(attributes['expired-at'], `${at}.attributes.expired-at`);
  const relationships =
    resource.relationships === undefined ? {} : object(resource.relationships, `${at}.relationships`);
  return {
    id: tokenId(resource.id, ID_FORM.idPattern, `${at}.id`),
    name: nameOf(optionalText(attributes.description, `${at}.attributes.description`), expiresAt),
    createdAt: isoDate(attributes['created-at'], `${at}.attributes.created-at`),
    expiresAt,
    teamId: relationshipId(relationships.team, `${at}.relationships.team`)?.id ?? null
  };
}

const withoutTeam = ({ teamId: _team, ...token }: ReadToken): ProviderToken => token;

/** A whole number of at least `min`, as the pagination fields are. */
function count(value: unknown, field: string, min: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min)
    throw new MalformedAnswer(`${field} is not a whole number of at least ${min}`);
  return value as number;
}

/** Page `asked` of a list: its tokens, and the next page's number while `next-page` names one. */
function toPage(value: unknown, asked: number): PageOf<ReadToken, number> {
  const body = object(value, 'the answer') as Json & Partial<ListDocument>;
  const items = array(body.data, 'data').map((t, i) => toToken(t, `data[${i}]`));
  const pagination = object(object(body.meta, 'meta').pagination, 'meta.pagination');
  if (count(pagination['current-page'], 'meta.pagination.current-page', 1) !== asked)
    throw new MalformedAnswer(`page ${asked} was asked for, meta.pagination.current-page differs`);
  const pages = count(pagination['total-pages'], 'meta.pagination.total-pages', 0);
  if (pages > MAX_PAGES)
    throw new MalformedAnswer(`meta.pagination.total-pages is ${pages}, more than ${MAX_PAGES}`);
  const next = pagination['next-page'];
  if (next === null || next === undefined) return { items, next: undefined };
  return { items, next: count(next, 'meta.pagination.next-page', asked + 1) };
}

interface Identity {
  userId: string;
  serviceAccount: boolean;
  /** What the token stands for (a service user's team or organization); null when not given. */
  resource: { id: string; type: string } | null;
  /** From `links.auth-token` where it is there and well-formed [U]. */
  actingTokenId: string | null;
}

function toIdentity(value: unknown): Identity {
  const data = object(object(value, 'the answer').data, 'data') as Json & Partial<AccountDetails['data']>;
  const attributes = object(data.attributes, 'data.attributes');
  const relationships =
    data.relationships === undefined ? {} : object(data.relationships, 'data.relationships');
  const link =
    typeof data.links === 'object' && data.links !== null ? (data.links as Json)['auth-token'] : undefined;
  return {
    userId: tokenId(data.id, USER_ID, 'data.id'),
    serviceAccount: optionalBoolean(attributes['is-service-account'], 'data.attributes.is-service-account'),
    resource: relationshipId(
      relationships['authenticated-resource'],
      'data.relationships.authenticated-resource'
    ),
    actingTokenId: (typeof link === 'string' && AUTH_TOKEN_LINK.exec(link)?.[1]) || null
  };
}

interface Team {
  name: string;
  organization: string;
}

function toTeam(value: unknown): Team {
  const data = object(object(value, 'the answer').data, 'data') as Json & Partial<TeamDocument['data']>;
  const organization = relationshipId(
    object(data.relationships, 'data.relationships').organization,
    'data.relationships.organization'
  );
  if (organization === null || !ORG_NAME.test(organization.id))
    throw new MalformedAnswer('data.relationships.organization.data.id is not an organization name');
  return {
    name: text(object(data.attributes, 'data.attributes').name, 'data.attributes.name'),
    organization: organization.id
  };
}

function createdId(value: unknown): string {
  const data = object(object(value, 'the answer').data, 'data');
  return tokenId(data.id, ID_FORM.idPattern, 'data.id');
}

function readCreate(value: unknown): NewToken {
  const data = object(object(value, 'the answer').data, 'data');
  const token = text(object(data.attributes, 'data.attributes').token, 'data.attributes.token');
  if (token === '') throw new MalformedAnswer('data.attributes.token is empty');
  const minted = withoutTeam(toToken(data, 'data'));
  // Always sent, so an answer without it is not "never expires".
  if (minted.expiresAt === null)
    throw new MalformedAnswer('data.attributes.expired-at is not an ISO 8601 date');
  return { ...minted, value: token };
}

function createTerraform({ http, owner }: ProviderConfig): Provider {
  const get = (path: string, query?: HttpRequest['query'], token?: string) =>
    http.send<unknown>({ method: 'GET', path, query, token, headers: { accept: JSON_API } });
  let identity: Identity | undefined;

  async function whoAmI(token?: string): Promise<Identity> {
    const seen = toIdentity((await get('/api/v2/account/details', undefined, token)).body);
    if (token === undefined) identity = seen;
    return seen;
  }

  /** The acting user's ID, for the user-token paths; a service user (team or org token) has none. */
  async function userId(): Promise<string> {
    const me = identity ?? (await whoAmI());
    if (me.serviceAccount)
      throw new ProviderError(
        `${LABEL}: provider-token is a team or organization token, and only a user token can manage user tokens. Use a user token (of a dedicated user), or set token-owner: team/<team-id> to rotate a team token.${seeDocs('terraform')}.`,
        'permission'
      );
    return me.userId;
  }

  async function allPages(path: string, query: HttpRequest['query'] = {}): Promise<ReadToken[]> {
    const page = async (asked = 1) =>
      toPage((await get(path, { ...query, 'page[number]': asked, 'page[size]': PAGE_SIZE })).body, asked);
    return collectPages(1, page);
  }

  async function listTokens(): Promise<ProviderToken[]> {
    if (owner === undefined)
      return (
        await allPages(`/api/v2/users/${encodeURIComponent(await userId())}/authentication-tokens`)
      ).map(withoutTeam);
    // No list of one team's tokens exists (go-tfe TeamTokens.List, team-tokens.mdx): the
    // organization's, searched by team name, then kept to this team by its ID.
    const team = toTeam((await get(`/api/v2/teams/${encodeURIComponent(owner.id)}`)).body);
    const all = await allPages(`/api/v2/organizations/${encodeURIComponent(team.organization)}/team-tokens`, {
      q: team.name
    });
    return all.filter((t) => t.teamId === owner.id).map(withoutTeam);
  }

  async function post(path: string, name: string, expiresAt: Date, decorated: boolean): Promise<NewToken> {
    const body: CreateTokenBody = {
      data: {
        type: 'authentication-tokens',
        attributes: {
          description: describe(name, expiresAt, decorated),
          'expired-at': expiresAt.toISOString()
        }
      }
    };
    const res = await http.send<unknown>({
      method: 'POST',
      path,
      body,
      headers: { accept: JSON_API, 'content-type': JSON_API }
    });
    const minted = readCreated(
      LABEL,
      () => createdId(res.body),
      () => readCreate(res.body)
    );
    return { ...minted, name: nameOf(minted.name, expiresAt) };
  }

  /**
   * Team tokens: decorated descriptions. User tokens: the name as it is, decorated only if refused
   * as taken. A description still taken (another run, the same second) is tried with the expiry a
   * second earlier, up to three times: a 422 is a definite refusal (nothing minted), so this is safe.
   */
  async function mint({ name, expiresAt: asked }: CreateRequest): Promise<NewToken> {
    // Whole seconds, so the description's suffix matches expired-at even if stored without ms.
    const seconds = Math.floor(asked.getTime() / 1000) * 1000;
    const path =
      owner === undefined
        ? `/api/v2/users/${encodeURIComponent(await userId())}/authentication-tokens`
        : `/api/v2/teams/${encodeURIComponent(owner.id)}/authentication-tokens`;
    const tries = [
      ...(owner === undefined ? [{ decorated: false, earlier: 0 }] : []),
      ...[0, 1, 2].map((earlier) => ({ decorated: true, earlier }))
    ];
    for (const [i, { decorated, earlier }] of tries.entries()) {
      try {
        return await post(path, name, new Date(seconds - earlier * 1000), decorated);
      } catch (err) {
        const taken = err instanceof HttpError && err.status === 422 && TAKEN.test(messageOf(err.body) ?? '');
        if (!taken || i === tries.length - 1) throw err;
      }
    }
    throw new Error('unreachable');
  }

  return {
    async checkAccess() {
      try {
        const me = await whoAmI();
        return { actingTokenId: me.actingTokenId, tokens: await listTokens() };
      } catch (err) {
        throw failure(owner, 'checking provider-token', err);
      }
    },

    async create(request) {
      try {
        return await mint(request);
      } catch (err) {
        if (err instanceof HttpError && err.status === 422 && /expir|ttl/i.test(messageOf(err.body) ?? ''))
          throw new ProviderError(
            `${LABEL}: creating a token failed with HTTP 422 (${messageOf(err.body)}). The organization's token TTL policy may allow less than lifetime: shorten lifetime.${seeDocs('terraform')}.`,
            'rejected'
          );
        throw failure(owner, 'creating a token', err);
      }
    },

    async verify(token) {
      const action = 'verifying the new token';
      let seen: Identity;
      try {
        seen = await whoAmI(token.value);
      } catch (err) {
        throw providerError(wording, action, err);
      }
      const problem = identityProblem(seen, token, owner, identity);
      if (problem) throw unexpected(LABEL, action, problem);
    },

    // 404 here means the token is gone: the one place where it is not "no permission".
    revoke: (id) =>
      revokeWith(http, wording, ID_FORM, id, {
        method: 'DELETE',
        path: `/api/v2/authentication-tokens/${encodeURIComponent(id)}`,
        headers: { accept: JSON_API }
      }),

    async list() {
      try {
        return await listTokens();
      } catch (err) {
        throw failure(owner, 'listing tokens', err);
      }
    }
  };
}

/** Why the new token does not identify as the owner it was made for, or undefined. */
function identityProblem(
  seen: Identity,
  token: NewToken,
  owner: TokenOwner | undefined,
  acting: Identity | undefined
): string | undefined {
  if (seen.actingTokenId !== null && seen.actingTokenId !== token.id)
    return `it identifies as token ${seen.actingTokenId}, not ${token.id}`;
  if (owner === undefined) {
    if (seen.serviceAccount) return 'it is a team or organization token, not a user token';
    if (acting && seen.userId !== acting.userId) return `it belongs to ${seen.userId}, not ${acting.userId}`;
    return undefined;
  }
  if (!seen.serviceAccount) return 'it is a user token, not a team token';
  if (seen.resource && (seen.resource.type !== 'teams' || seen.resource.id !== owner.id))
    return `it stands for ${seen.resource.type} ${seen.resource.id}, not team ${owner.id}`;
  return undefined;
}

export const terraform: ProviderSpec = {
  name: 'terraform',
  label: LABEL,
  // Terraform Enterprise: the installation's own host.
  defaultUrl: 'https://app.terraform.io',
  // Omitting expired-at gives two years (or never, per older pages); the action always sends it,
  // and a year keeps "short-lived" honest.
  maxLifetimeSeconds: 365 * 86400,
  // No length is documented for descriptions; team tokens add 27 characters (" (<expiry>)").
  maxNameLength: 100,
  ...ID_FORM,
  acceptsScopes: false,
  owners: { team: { idPattern: TEAM_ID, description: 'team/<team-id> (team- and 16 letters or digits)' } },
  // The paths carry /api/v2; a provider-url given with it (https://app.terraform.io/api/v2) works too.
  urlPathSuffix: '/api/v2',
  // 429 with X-RateLimit-Reset (30 requests a second per user); Retry-After is honoured if sent.
  retryAfterStatuses: [429],
  create: createTerraform
};
