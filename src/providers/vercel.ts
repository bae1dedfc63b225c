import { seeDocs } from '../docs.js';
import { HttpError } from '../http.js';
import {
  ProviderError,
  providerError,
  revokeWith,
  unexpected,
  unreadableCreate,
  type ErrorWording
} from './errors.js';
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

function toToken(token: AuthToken): ProviderToken {
  return {
    id: token.id,
    name: token.name,
    createdAt: new Date(token.createdAt),
    expiresAt: typeof token.expiresAt === 'number' ? new Date(token.expiresAt) : null
  };
}

function createVercel({ http }: ProviderConfig): Provider {
  async function current(action: string, token?: string): Promise<AuthToken> {
    try {
      const res = await http.send<GetTokenResponse>({
        method: 'GET',
        path: '/v5/user/tokens/current',
        token
      });
      if (typeof res.body?.token?.id !== 'string') throw unexpected(LABEL, action, 'no token.id');
      return res.body.token;
    } catch (err) {
      throw providerError(wording, action, err);
    }
  }

  async function list(action = 'listing tokens'): Promise<ProviderToken[]> {
    const tokens: ProviderToken[] = [];
    let until: string | number | undefined;
    try {
      // Bounded: 100 pages of 100 is far beyond any real account.
      for (let page = 0; page < 100; page++) {
        const res = await http.send<ListTokensResponse>({
          method: 'GET',
          path: '/v6/user/tokens',
          query: { limit: 100, until }
        });
        tokens.push(...(res.body?.tokens ?? []).map(toToken));
        const next = res.body?.pagination?.next;
        if (next === null || next === undefined || next === until) break;
        until = next;
      }
    } catch (err) {
      throw providerError(wording, action, err);
    }
    return tokens;
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
        const res = await http.send<CreateTokenResponse>({ method: 'POST', path: '/v3/user/tokens', body });
        const { token, bearerToken } = res.body ?? {};
        if (!token || typeof token.id !== 'string' || typeof bearerToken !== 'string')
          throw unreadableCreate(LABEL, 'no token.id or bearerToken');
        return { ...toToken(token), value: bearerToken } satisfies NewToken;
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
      revokeWith(http, wording, id, { method: 'DELETE', path: `/v3/user/tokens/${encodeURIComponent(id)}` }),

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
  idPattern: /^[A-Za-z0-9_-]{1,128}$/,
  idDescription: 'a Vercel token ID (letters, digits, "_" or "-")',
  acceptsScopes: false,
  create: createVercel
};
