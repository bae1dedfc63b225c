import { seeDocs } from '../docs.js';
import { HttpError, type HttpRequest, type HttpResponse } from '../http.js';
import { MalformedAnswer, array, object, optionalText, text, tokenId, type Json } from './answers.js';
import { ProviderError, providerError, readCreated, revokeWith, type ErrorWording } from './errors.js';
import { collectPages, type PageOf } from './paging.js';
import type {
  CreateRequest,
  NewToken,
  Provider,
  ProviderConfig,
  ProviderSpec,
  ProviderToken
} from './types.js';

// Bodies per the Platform API's JSON hyper-schema (`oauth-authorization`, `account`), API-FACTS
// batch B §2. Tokens are OAuth authorizations; dates are RFC 3339, expiry is seconds remaining.
interface OAuthToken {
  id: string;
  token: string;
  expires_in: number | null;
}
interface OAuthAuthorization {
  id: string;
  created_at: string;
  updated_at: string;
  description: string;
  scope: string[];
  access_token: OAuthToken | null;
  user: { id: string; email: string; full_name: string | null };
}
interface CreateAuthorizationBody {
  scope: string[];
  expires_in: number;
  description: string;
}
interface Account {
  id: string;
  email: string;
}
interface HerokuErrorBody {
  id?: string;
  message?: string;
  url?: string;
  resource?: string;
}

const LABEL = 'Heroku';
const ID_FORM = {
  idPattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  idDescription: 'a Heroku token ID (an OAuth authorization ID: a UUID, as `heroku authorizations` shows it)'
};
/** Without this Accept the Platform API answers 406 not_acceptable. */
export const HEROKU_ACCEPT = 'application/vnd.heroku+json; version=3';
/** The first page of a list: 1000 is the largest page the API serves. */
export const FIRST_RANGE = 'id ..; max=1000';
/** The scopes Heroku documents (blog.heroku.com, "OAuth for Platform API", and the OAuth article). */
export const HEROKU_SCOPES = ['global', 'identity', 'read', 'write', 'read-protected', 'write-protected'];
/** List and info answers show a token as prefix + these + suffix (heroku-cli-command login.ts). */
const REDACTED = '*'.repeat(10);
/** Seconds: a century. An expires_in beyond is no expiry a server means. */
const MAX_EXPIRES_IN = 100 * 365 * 86400;

const wording: ErrorWording = {
  label: LABEL,
  docs: 'heroku',
  messageOf: (body) => {
    const { id, message } = (body ?? {}) as HerokuErrorBody;
    return typeof message === 'string' && message !== '' ? message : typeof id === 'string' ? id : undefined;
  },
  isAuthFailure: (err) => err.status === 401,
  // Managing authorizations takes the global scope (narrower scopes are refused with 403).
  authHint:
    'Check that provider-token holds a live Heroku OAuth authorization (or API key) with the global scope: only global may manage authorizations (`heroku authorizations:create --scope global`).'
};

/** What one listed authorization tells: the token fields, its scope, its shown token. */
interface Authorization extends ProviderToken {
  /** The token as list and info answers show it (redacted), or null without an access token. */
  shownToken: string | null;
  /** The scope as answered: checked (toScope) only where it is used, so an odd one fails no list. */
  scope: unknown;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** An RFC 3339 date-time (the schema's `date-time`); absent is null. Must be a real date. */
function rfc3339Date(value: unknown, field: string): Date | null {
  if (value === undefined || value === null) return null;
  const m = typeof value === 'string' ? RFC3339.exec(value) : null;
  const [year, month, day] = [Number(m?.[1]), Number(m?.[2]), Number(m?.[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  const real = calendar.getUTCFullYear() === year && calendar.getUTCDate() === day;
  const date = new Date(typeof value === 'string' ? value : NaN);
  if (!m || !real || Number.isNaN(date.getTime()))
    throw new MalformedAnswer(`${field} is not an RFC 3339 date-time`);
  return date;
}

/** `expires_in`: whole seconds from now, or null for none. */
function expiresAt(value: unknown, field: string, nowMs: number): Date | null {
  if (value === null) return null;
  if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > MAX_EXPIRES_IN)
    throw new MalformedAnswer(`${field} is not a whole number of seconds (or null)`);
  return new Date(nowMs + (value as number) * 1000);
}

/** An OAuthAuthorization as read, each field checked (`at` names it in an error). */
function toAuthorization(value: unknown, at?: string): Authorization {
  const field = (key: string) => (at === undefined ? key : `${at}.${key}`);
  const auth = object(value, at ?? 'the answer') as Json & Partial<OAuthAuthorization>;
  const access =
    auth.access_token === null ? null : (object(auth.access_token, field('access_token')) as Json);
  return {
    id: tokenId(auth.id, ID_FORM.idPattern, field('id')),
    name: optionalText(auth.description, field('description')),
    createdAt: rfc3339Date(auth.created_at, field('created_at')),
    expiresAt: access && expiresAt(access.expires_in, field('access_token.expires_in'), Date.now()),
    shownToken: access && text(access.token, field('access_token.token')),
    scope: auth.scope
  };
}

/** A scope read back: a non-empty list of the scopes Heroku documents, each once. */
function toScope(value: unknown, field: string): string[] {
  const scope = array(value, field).map((s, i) => text(s, `${field}[${i}]`));
  if (scope.length === 0) throw new MalformedAnswer(`${field} is empty`);
  const unknown = scope.find((s) => !HEROKU_SCOPES.includes(s));
  if (unknown !== undefined) throw new MalformedAnswer(`${field} holds a scope Heroku does not document`);
  return [...new Set(scope)];
}

/** Whether a token value is the one a list shows (redacted as prefix + 10 asterisks + suffix). */
export function showsToken(shown: string, value: string): boolean {
  const at = shown.indexOf(REDACTED);
  if (at === -1) return shown === value;
  const [prefix, suffix] = [shown.slice(0, at), shown.slice(at + REDACTED.length)];
  // A redaction that shows nothing would match any token.
  return prefix.length + suffix.length > 0 && value.startsWith(prefix) && value.endsWith(suffix);
}

/** The acting authorization: the one listed token that shows provider-token, else none. */
function actingOf(auths: Authorization[], actingToken: string): Authorization | undefined {
  const matches = auths.filter((a) => a.shownToken !== null && showsToken(a.shownToken, actingToken));
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * A list page, and the Range of the next while Heroku answers 206 Partial Content. Strict, since
 * a list cut short would make a live authorization look gone: a partial page must bring new
 * authorizations and a Next-Range not seen before (collectPages would end the list quietly).
 */
function toPage(
  res: HttpResponse<unknown>,
  seen: { ranges: Set<string>; ids: Set<string> }
): PageOf<Authorization, string> {
  const items = array(res.body, 'the answer').map((a, i) => toAuthorization(a, `[${i}]`));
  const fresh = items.filter((a) => !seen.ids.has(a.id));
  for (const a of items) seen.ids.add(a.id);
  if (res.status !== 206) return { items, next: undefined };
  const next = res.headers['next-range'];
  if (typeof next !== 'string' || next.trim() === '' || next.length > 1000)
    throw new MalformedAnswer('a 206 Partial Content answer without one Next-Range header');
  if (fresh.length === 0)
    throw new MalformedAnswer('a 206 Partial Content answer with no authorization not seen before');
  if (seen.ranges.has(next)) throw new MalformedAnswer('a Next-Range that was followed before');
  seen.ranges.add(next);
  return { items, next };
}

const asToken = ({ shownToken: _shown, scope: _scope, ...token }: Authorization): ProviderToken => token;

function readCreate(value: unknown, asked: string[]): NewToken & { userId: string } {
  const auth = object(value, 'the answer') as Json & Partial<OAuthAuthorization>;
  const listed = toAuthorization(auth);
  const { shownToken } = listed;
  if (shownToken === null || shownToken === '') throw new MalformedAnswer('access_token.token is empty');
  if (shownToken.includes(REDACTED)) throw new MalformedAnswer('access_token.token is redacted');
  const scope = toScope(auth.scope, 'scope');
  if (scope.length !== asked.length || !scope.every((s) => asked.includes(s)))
    throw new MalformedAnswer(`scope is ${scope.join(',')}, not the ${asked.join(',')} asked for`);
  const user = object(auth.user, 'user');
  return { ...asToken(listed), value: shownToken, userId: tokenId(user.id, ID_FORM.idPattern, 'user.id') };
}

function notFound(err: unknown): boolean {
  return err instanceof HttpError && err.status === 404;
}

/** The scope the successor must carry cannot be read: nothing is created. */
function noScope(detail: string): ProviderError {
  return new ProviderError(
    `${LABEL}: creating a token: ${detail}, so the new authorization's scope cannot be copied from it; nothing was created. Set previous-token-id to the ID of the authorization the new one replaces (\`heroku authorizations\`).${seeDocs('heroku')}.`,
    'rejected'
  );
}

function createHeroku({ http, actingToken }: ProviderConfig): Provider {
  /** Every request carries Heroku's versioned Accept. */
  const send = <T>(req: HttpRequest) =>
    http.send<T>({ ...req, headers: { accept: HEROKU_ACCEPT, ...req.headers } });
  /** The user each authorization this client minted belongs to, for verify. */
  const usersOf = new Map<string, string>();

  async function listAll(action: string): Promise<Authorization[]> {
    const seen = { ranges: new Set([FIRST_RANGE]), ids: new Set<string>() };
    const page = async (range = FIRST_RANGE) =>
      toPage(await send<unknown>({ method: 'GET', path: '/oauth/authorizations', headers: { range } }), seen);
    try {
      return await collectPages(FIRST_RANGE, page);
    } catch (err) {
      throw providerError(wording, action, err);
    }
  }

  /** The scope of authorization `id`, read with its info; 'gone' when Heroku no longer knows it. */
  async function scopeOf(id: string): Promise<string[] | 'gone'> {
    try {
      const res = await send<unknown>({ method: 'GET', path: `/oauth/authorizations/${id}` });
      return toScope(object(res.body, 'the answer').scope, 'scope');
    } catch (err) {
      if (notFound(err)) return 'gone';
      throw providerError(wording, `reading the scope of authorization ${id}`, err);
    }
  }

  /** The one scope of the listed authorizations `pick` chooses, or undefined (none, or they differ). */
  async function listedScope(action: string, pick: (auths: Authorization[]) => Authorization[]) {
    const picked = pick(await listAll(action));
    try {
      const scopes = picked.map((a) => toScope(a.scope, `the scope of authorization ${a.id}`));
      const distinct = new Set(scopes.map((scope) => [...scope].sort().join(' ')));
      return distinct.size === 1 ? scopes[0] : undefined;
    } catch (err) {
      throw providerError(wording, action, err);
    }
  }

  /**
   * The scope the successor carries: the replaced authorization's (the protocol passes a live
   * one); with nothing replaced, the acting authorization's.
   */
  async function inheritedScope({ replacing }: CreateRequest): Promise<string[]> {
    if (replacing === null) {
      const scope = await listedScope('finding the acting authorization', (auths) => {
        const acting = actingOf(auths, actingToken);
        return acting ? [acting] : [];
      });
      if (scope) return scope;
      throw noScope('provider-token is not one listed authorization (none or several show it)');
    }
    if (!ID_FORM.idPattern.test(replacing))
      throw noScope(
        `the token it replaces (${JSON.stringify(replacing.slice(0, 64))}) is not ${ID_FORM.idDescription}`
      );
    const scope = await scopeOf(replacing);
    if (scope !== 'gone') return scope;
    throw noScope(`authorization ${replacing}, which the new one replaces, is gone`);
  }

  async function mint({ name, lifetimeSeconds }: CreateRequest, scope: string[]): Promise<NewToken> {
    const body: CreateAuthorizationBody = { scope, expires_in: lifetimeSeconds, description: name };
    try {
      const res = await send<unknown>({ method: 'POST', path: '/oauth/authorizations', body });
      const createdId = () => tokenId(object(res.body, 'the answer').id, ID_FORM.idPattern, 'id');
      const { userId, ...token } = readCreated(LABEL, createdId, () => readCreate(res.body, scope));
      usersOf.set(token.id, userId);
      return token;
    } catch (err) {
      throw providerError(wording, 'creating a token', err);
    }
  }

  /** The account a token acts as. */
  async function accountId(token: string): Promise<string> {
    const res = await send<Partial<Account>>({ method: 'GET', path: '/account', token });
    return tokenId(object(res.body, 'the answer').id, ID_FORM.idPattern, 'id');
  }

  return {
    async checkAccess() {
      // Listing takes the global scope; GET /oauth/authorizations/~ is the account's API Key, not
      // the caller, so the acting authorization is the one whose shown token matches (as the CLI does).
      const auths = await listAll('checking provider-token');
      return {
        actingTokenId: actingOf(auths, actingToken)?.id ?? null,
        tokens: auths.map(asToken)
      };
    },

    async create(request) {
      // The successor carries its predecessor's scope, never the (maybe broader) acting token's.
      return mint(request, await inheritedScope(request));
    },

    async verify(token) {
      try {
        const expected = usersOf.get(token.id) ?? (await accountId(actingToken));
        const actual = await accountId(token.value);
        if (actual !== expected)
          throw new ProviderError(
            `${LABEL}: verifying the new token: it acts as account ${actual}, not ${expected}, provider-token's.`,
            'rejected'
          );
      } catch (err) {
        throw providerError(wording, 'verifying the new token', err);
      }
    },

    revoke: (id) =>
      revokeWith(http, wording, ID_FORM, id, {
        method: 'DELETE',
        path: `/oauth/authorizations/${encodeURIComponent(id)}`,
        headers: { accept: HEROKU_ACCEPT }
      }),

    async list() {
      return (await listAll('listing tokens')).map(asToken);
    }
  };
}

export const heroku: ProviderSpec = {
  name: 'heroku',
  label: LABEL,
  defaultUrl: 'https://api.heroku.com',
  // Heroku documents no server-side maximum for expires_in; its CLI refuses more than 30 days for
  // a login token (heroku-cli-command login.ts), so 30 days is the longest known to be accepted.
  maxLifetimeSeconds: 30 * 86400,
  // `description` has no documented limit; 255 (a common column size) keeps names within reason.
  maxNameLength: 255,
  ...ID_FORM,
  // The scope is copied from the authorization replaced, not given.
  acceptsScopes: false,
  copiesPermissions: true,
  // No Retry-After is documented (429 rate_limit carries RateLimit-Remaining): honoured on 429 if sent.
  retryAfterStatuses: [429],
  create: createHeroku
};
