import { HttpError } from '../http.js';
import { seeDocs } from '../docs.js';
import { MalformedAnswer, array, object, text, tokenId, utcSecondsDate, type Json } from './answers.js';
import { ProviderError, providerError, readCreated, revokeWith, type ErrorWording } from './errors.js';
import { collectPages, MAX_PAGES, type PageOf } from './paging.js';
import type { NewToken, Provider, ProviderConfig, ProviderSpec, ProviderToken } from './types.js';

// Bodies per the Linode API v4 (API-FACTS §3). Dates are UTC `YYYY-MM-DDTHH:MM:SS`, no `Z`.
interface LinodeToken {
  id: number;
  label: string;
  scopes: string;
  created: string;
  expiry: string | null;
  token: string;
}
interface CreateTokenBody {
  label: string;
  expiry: string;
  scopes?: string;
}
interface Page<T> {
  data: T[];
  page: number;
  pages: number;
  results: number;
}
interface LinodeErrorBody {
  errors?: { reason?: string; field?: string }[];
}

const LABEL = 'Linode';
const ID_FORM = { idPattern: /^[0-9]{1,18}$/, idDescription: 'a Linode token ID (a whole number)' };
const PAGE_SIZE = 500;
/** Linode shows the first 16 characters of a token's value in list and get answers. */
const SHOWN_PREFIX = 16;

const wording: ErrorWording = {
  label: LABEL,
  docs: 'linode',
  messageOf: (body) => {
    const reasons = (body as LinodeErrorBody | undefined)?.errors?.map((e) =>
      e.field ? `${e.field}: ${e.reason}` : e.reason
    );
    return reasons?.length ? reasons.join('; ') : undefined;
  },
  // Linode answers 401 both for a bad token and for a missing OAuth scope.
  isAuthFailure: (err) => err.status === 401,
  authHint:
    'Check that provider-token holds a live Linode personal access token with the account:read_write scope (Linode answers 401 for a missing scope too).'
};

/** Linode's date format: UTC without the `Z`. */
export function linodeDate(date: Date): string {
  return date.toISOString().slice(0, 19);
}

interface ListedToken extends ProviderToken {
  shownPrefix: string;
}

/** A Token as read, each field checked (`at` names it in an error). */
function toToken(value: unknown, at?: string): ListedToken {
  const field = (key: string) => (at === undefined ? key : `${at}.${key}`);
  const token = object(value, at ?? 'the answer') as Json & Partial<LinodeToken>;
  return {
    id: tokenId(token.id, ID_FORM.idPattern, field('id'), true),
    name: text(token.label, field('label')),
    createdAt: utcSecondsDate(token.created, field('created')),
    expiresAt: utcSecondsDate(token.expiry, field('expiry')),
    shownPrefix: token.token === undefined ? '' : text(token.token, field('token'))
  };
}

/** A whole number of at least `min`, as Linode's page fields are. */
function count(value: unknown, field: string, min: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min)
    throw new MalformedAnswer(`${field} is not a whole number of at least ${min}`);
  return value as number;
}

/** Page `asked` of the list: its tokens, and the next page's number while `pages` says there is one. */
function toPage(value: unknown, asked: number): PageOf<ListedToken, number> {
  const body = object(value, 'the answer') as Json & Partial<Page<LinodeToken>>;
  const items = array(body.data, 'data').map((t, i) => toToken(t, `data[${i}]`));
  const pages = count(body.pages, 'pages', 0);
  if (pages > MAX_PAGES) throw new MalformedAnswer(`pages is ${pages}, more than ${MAX_PAGES}`);
  if (body.page !== undefined && count(body.page, 'page', 1) !== asked)
    throw new MalformedAnswer(`page ${asked} was asked for, page ${String(body.page)} answered`);
  return { items, next: asked < pages ? asked + 1 : undefined };
}

function readCreate(value: unknown): NewToken {
  const body = object(value, 'the answer');
  const token = text(body.token, 'token');
  if (token === '') throw new MalformedAnswer('token is empty');
  return { ...withoutPrefix(toToken(body)), value: token };
}

const withoutPrefix = ({ shownPrefix: _shown, ...token }: ListedToken): ProviderToken => token;

function createLinode({ http, actingToken }: ProviderConfig): Provider {
  async function listAll(action: string): Promise<ListedToken[]> {
    const page = async (asked = 1) => {
      const res = await http.send<unknown>({
        method: 'GET',
        path: '/v4/profile/tokens',
        query: { page: asked, page_size: PAGE_SIZE }
      });
      return toPage(res.body, asked);
    };
    try {
      return await collectPages(1, page);
    } catch (err) {
      throw providerError(wording, action, err);
    }
  }

  return {
    async checkAccess() {
      // Listing needs account:read_only; it also finds the acting token by its shown prefix.
      const tokens = await listAll('checking provider-token');
      const prefix = actingToken.slice(0, SHOWN_PREFIX);
      const matches = tokens.filter((t) => t.shownPrefix === prefix);
      return {
        actingTokenId: matches.length === 1 && matches[0] ? matches[0].id : null,
        tokens: tokens.map(withoutPrefix)
      };
    },

    async create({ name, expiresAt, scopes }) {
      const body: CreateTokenBody = { label: name, expiry: linodeDate(expiresAt) };
      if (scopes) body.scopes = scopes;
      try {
        const res = await http.send<unknown>({ method: 'POST', path: '/v4/profile/tokens', body });
        const createdId = () => tokenId(object(res.body, 'the answer').id, ID_FORM.idPattern, 'id', true);
        return readCreated(LABEL, createdId, () => readCreate(res.body));
      } catch (err) {
        const reasons =
          err instanceof HttpError ? (err.body as LinodeErrorBody | undefined)?.errors : undefined;
        if (err instanceof HttpError && err.status === 400 && reasons?.some((e) => e.field === 'scopes'))
          throw new ProviderError(
            `${LABEL}: creating a token failed with HTTP 400 (${wording.messageOf(err.body)}). The new token's scopes may not exceed provider-token's: narrow scopes, or use a provider-token that has them.${seeDocs('linode')}.`,
            'rejected'
          );
        throw providerError(wording, 'creating a token', err);
      }
    },

    async verify(token) {
      try {
        // Needs no OAuth scope, so it tests the token itself.
        await http.send({ method: 'GET', path: '/v4/profile', token: token.value });
      } catch (err) {
        throw providerError(wording, 'verifying the new token', err);
      }
    },

    revoke: (id) =>
      revokeWith(http, wording, ID_FORM, id, {
        method: 'DELETE',
        path: `/v4/profile/tokens/${encodeURIComponent(id)}`
      }),

    async list() {
      return (await listAll('listing tokens')).map(withoutPrefix);
    }
  };
}

export const linode: ProviderSpec = {
  name: 'linode',
  label: LABEL,
  defaultUrl: 'https://api.linode.com',
  // Linode documents no maximum; a year keeps "short-lived" honest.
  maxLifetimeSeconds: 365 * 86400,
  maxNameLength: 100,
  ...ID_FORM,
  acceptsScopes: true,
  // Linode's paths carry /v4; the documented base URL https://api.linode.com/v4 is accepted too.
  urlPathSuffix: '/v4',
  // Retry-After is on every Linode answer, counting down the rate-limit window (API-FACTS §0.9):
  // it means "throttled" on a 429 only.
  retryAfterStatuses: [429],
  create: createLinode
};
