import { HttpError } from '../http.js';
import { seeDocs } from '../docs.js';
import {
  ProviderError,
  providerError,
  revokeWith,
  unexpected,
  unreadableCreate,
  type ErrorWording
} from './errors.js';
import type { Provider, ProviderConfig, ProviderSpec, ProviderToken } from './types.js';

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

function parseLinodeDate(value: string | null | undefined): Date | null {
  return value ? new Date(`${value}Z`) : null;
}

interface ListedToken extends ProviderToken {
  shownPrefix: string;
}

function toToken(token: LinodeToken): ListedToken {
  return {
    id: String(token.id),
    name: token.label,
    createdAt: parseLinodeDate(token.created),
    expiresAt: parseLinodeDate(token.expiry),
    shownPrefix: token.token ?? ''
  };
}

const withoutPrefix = ({ shownPrefix: _shown, ...token }: ListedToken): ProviderToken => token;

function createLinode({ http, actingToken }: ProviderConfig): Provider {
  async function listAll(action: string): Promise<ListedToken[]> {
    const tokens: ListedToken[] = [];
    try {
      for (let page = 1; ; page++) {
        const res = await http.send<Page<LinodeToken>>({
          method: 'GET',
          path: '/v4/profile/tokens',
          query: { page, page_size: PAGE_SIZE }
        });
        if (!Array.isArray(res.body?.data)) throw unexpected(LABEL, action, 'no data list');
        tokens.push(...res.body.data.map(toToken));
        if (page >= (res.body.pages ?? 1)) break;
      }
    } catch (err) {
      throw providerError(wording, action, err);
    }
    return tokens;
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
        const res = await http.send<LinodeToken>({ method: 'POST', path: '/v4/profile/tokens', body });
        if (typeof res.body?.id !== 'number' || typeof res.body.token !== 'string')
          throw unreadableCreate(LABEL, 'no id or token');
        return { ...toToken(res.body), value: res.body.token };
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
      revokeWith(http, wording, id, {
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
  idPattern: /^[0-9]{1,18}$/,
  idDescription: 'a Linode token ID (a whole number)',
  acceptsScopes: true,
  create: createLinode
};
