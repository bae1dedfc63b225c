import { seeDocs } from '../docs.js';
import { HttpError } from '../http.js';
import { MalformedAnswer, array, epochMsDate, object, text, tokenId, type Json } from './answers.js';
import {
  ProviderError,
  providerError,
  readCreated,
  revokeWith,
  unexpected,
  type ErrorWording
} from './errors.js';
import { collectPages, type PageOf } from './paging.js';
import type { NewToken, Provider, ProviderConfig, ProviderSpec, ProviderToken } from './types.js';

// Bodies per the Vercel REST API (API-FACTS §1). Timestamps are epoch milliseconds.
interface AuthToken {
  id: string;
  name: string;
  type: string;
  createdAt: number;
  activeAt: number;
  expiresAt?: number;
}
interface CreateTokenBody {
  name: string;
  expiresAt: number;
}
interface CreateTokenResponse {
  token: AuthToken;
  bearerToken: string;
}
interface GetTokenResponse {
  token: AuthToken;
}
interface ListTokensResponse {
  tokens: AuthToken[];
  pagination?: { next?: string | number | null };
}
interface VercelErrorBody {
  error?: { code?: string; message?: string; invalidToken?: boolean };
}

const LABEL = 'Vercel';
const ID_FORM = {
  idPattern: /^[A-Za-z0-9_-]{1,128}$/,
  idDescription: 'a Vercel token ID (letters, digits, "_" or "-")'
};
const PAGE_LIMIT = 100;
const ONLY_USER_TOKENS = /only user authentication tokens|must be authenticated to scope/i;

const wording: ErrorWording = {
  label: LABEL,
  docs: 'vercel',
  messageOf: (body) => (body as VercelErrorBody | undefined)?.error?.message,
  // Vercel answers 403 with `invalidToken: true` for unknown, expired or revoked tokens.
  isAuthFailure: (err) =>
    err.status === 401 || (err.status === 403 && (err.body as VercelErrorBody)?.error?.invalidToken === true),
  authHint:
    'Check that provider-token holds a live Vercel full-account token (Account Settings → Tokens, scope "Full Account").'
};

/** An AuthToken as read, each field checked (`at` names it in an error). */
function toToken(value: unknown, at: string): ProviderToken {
  const token = object(value, at) as Json & Partial<AuthToken>;
  return {
    id: tokenId(token.id, ID_FORM.idPattern, `${at}.id`),
    name: text(token.name, `${at}.name`),
    createdAt: epochMsDate(token.createdAt, `${at}.createdAt`),
    expiresAt: epochMsDate(token.expiresAt, `${at}.expiresAt`)
  };
}

/** A page of the list: its tokens, and the cursor of the next page (`pagination.next`). */
function toPage(value: unknown): PageOf<ProviderToken, string | number> {
  const body = object(value, 'the answer') as Json & Partial<ListTokensResponse>;
  const items = array(body.tokens, 'tokens').map((t, i) => toToken(t, `tokens[${i}]`));
  const pagination = body.pagination === undefined ? {} : object(body.pagination, 'pagination');
  const next = pagination.next;
  if (next === undefined || next === null) return { items, next: undefined };
  if ((typeof next === 'number' && Number.isFinite(next)) || (typeof next === 'string' && next !== ''))
    return { items, next };
  throw new MalformedAnswer('pagination.next is neither a number nor a string');
}

/** The minted token's ID, read on its own so that it is known even if the rest is unreadable. */
function createdId(value: unknown): string {
  const token = object(object(value, 'the answer').token, 'token');
  return tokenId(token.id, ID_FORM.idPattern, 'token.id');
}

function readCreate(value: unknown): NewToken {
  const body = object(value, 'the answer') as Json & Partial<CreateTokenResponse>;
  const bearerToken = text(body.bearerToken, 'bearerToken');
  if (bearerToken === '') throw new MalformedAnswer('bearerToken is empty');
  return { ...toToken(body.token, 'token'), value: bearerToken };
}

function createVercel({ http }: ProviderConfig): Provider {
  async function current(action: string, token?: string): Promise<ProviderToken> {
    try {
      const res = await http.send<GetTokenResponse>({
        method: 'GET',
        path: '/v5/user/tokens/current',
        token
      });
      return toToken(object(res.body, 'the answer').token, 'token');
    } catch (err) {
      throw providerError(wording, action, err);
    }
  }

  async function list(action = 'listing tokens'): Promise<ProviderToken[]> {
    const page = async (until: string | number | undefined) => {
      const res = await http.send<unknown>({
        method: 'GET',
        path: '/v6/user/tokens',
        query: { limit: PAGE_LIMIT, until }
      });
      return toPage(res.body);
    };
    try {
      return await collectPages(undefined, page);
    } catch (err) {
      throw providerError(wording, action, err);
    }
  }

  return {
    async checkAccess() {
      const [token, tokens] = await Promise.all([
        current('checking provider-token'),
        list('checking provider-token')
      ]);
      return { actingTokenId: token.id, tokens };
    },

    async create({ name, expiresAt }) {
      // No teamId/slug: only a full-account token can mint tokens, and team context is rejected.
      const body: CreateTokenBody = { name, expiresAt: expiresAt.getTime() };
      try {
        const res = await http.send<unknown>({ method: 'POST', path: '/v3/user/tokens', body });
        return readCreated(
          LABEL,
          () => createdId(res.body),
          () => readCreate(res.body)
        );
      } catch (err) {
        if (err instanceof HttpError && err.status === 403 && ONLY_USER_TOKENS.test(err.bodyText)) {
          throw new ProviderError(
            `${LABEL}: creating a token was refused: ${wording.messageOf(err.body)}. Only a full-account token can create tokens: give provider-token a token created with scope "Full Account", not a team, project or CLI login token.${seeDocs('vercel')}.`,
            'permission'
          );
        }
        throw providerError(wording, 'creating a token', err);
      }
    },

    async verify(token) {
      const seen = await current('verifying the new token', token.value);
      if (seen.id !== token.id)
        throw unexpected(LABEL, 'verifying the new token', `it identifies as ${seen.id}, not ${token.id}`);
    },

    revoke: (id) =>
      revokeWith(http, wording, ID_FORM, id, {
        method: 'DELETE',
        path: `/v3/user/tokens/${encodeURIComponent(id)}`
      }),

    list: () => list()
  };
}

export const vercel: ProviderSpec = {
  name: 'vercel',
  label: LABEL,
  defaultUrl: 'https://api.vercel.com',
  // Vercel documents no API maximum; a year is the dashboard's longest choice.
  maxLifetimeSeconds: 365 * 86400,
  maxNameLength: 100,
  ...ID_FORM,
  acceptsScopes: false,
  // Vercel documents its rate limit as 429 with X-RateLimit-* headers (API-FACTS §1.4).
  retryAfterStatuses: [429],
  create: createVercel
};
