import { createHash } from 'node:crypto';
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
import type { Provider, ProviderConfig, ProviderSpec, ProviderToken } from './types.js';

// Bodies per the Databricks Tokens API (API-FACTS §2). Times are epoch ms; expiry -1 = none.
interface PublicTokenInfo {
  token_id: string;
  comment?: string;
  creation_time?: number;
  expiry_time?: number;
}
interface CreateTokenBody {
  lifetime_seconds: number;
  comment: string;
}
interface CreateTokenResponse {
  token_value: string;
  token_info: PublicTokenInfo;
}
interface ListTokensResponse {
  token_infos?: PublicTokenInfo[];
}
interface RevokeTokenBody {
  token_id: string;
}
interface DatabricksErrorBody {
  // A string code normally, but the number 403 for an invalid access token.
  error_code?: string | number;
  message?: string;
}

const LABEL = 'Databricks';

/**
 * The service's message: `message` of the JSON body or, from older workspaces' HTML error page,
 * the reason in its <pre> (where Databricks' SDK reads it too).
 */
function messageOf(body: unknown): string | undefined {
  if (typeof body === 'string') return /<pre>([^<]*)<\/pre>/.exec(body)?.[1]?.trim() || undefined;
  return (body as DatabricksErrorBody | undefined)?.message;
}

const wording: ErrorWording = {
  label: LABEL,
  docs: 'databricks',
  messageOf,
  isAuthFailure: (err) => {
    if (err.status !== 403) return err.status === 401;
    // An invalid token: the number 403 as error_code or, from older workspaces, an HTML page.
    return typeof err.body === 'string'
      ? /invalid access token/i.test(messageOf(err.body) ?? '')
      : typeof (err.body as DatabricksErrorBody | undefined)?.error_code === 'number';
  },
  authHint:
    'Check that provider-token holds a live Databricks personal access token for this workspace, and that its user may use tokens (workspace setting "Personal Access Tokens", CAN_USE).'
};

function errorCode(err: unknown): string | undefined {
  if (!(err instanceof HttpError)) return undefined;
  const code = (err.body as DatabricksErrorBody | undefined)?.error_code;
  return typeof code === 'string' ? code : undefined;
}

function toToken(info: PublicTokenInfo): ProviderToken {
  return {
    id: info.token_id,
    name: info.comment ?? '',
    createdAt: typeof info.creation_time === 'number' ? new Date(info.creation_time) : null,
    expiresAt:
      typeof info.expiry_time === 'number' && info.expiry_time > 0 ? new Date(info.expiry_time) : null
  };
}

/** Databricks token IDs are the SHA-256 hex of the token value. */
export function databricksTokenId(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function createDatabricks({ http, actingToken }: ProviderConfig): Provider {
  async function listWith(action: string, token?: string): Promise<ProviderToken[]> {
    try {
      const res = await http.send<ListTokensResponse>({ method: 'GET', path: '/api/2.0/token/list', token });
      if (res.body && res.body.token_infos !== undefined && !Array.isArray(res.body.token_infos))
        throw unexpected(LABEL, action, 'token_infos is not a list');
      return (res.body?.token_infos ?? []).map(toToken);
    } catch (err) {
      throw providerError(wording, action, err);
    }
  }

  return {
    async checkAccess() {
      const tokens = await listWith('checking provider-token');
      const actingId = databricksTokenId(actingToken);
      return { actingTokenId: tokens.some((t) => t.id === actingId) ? actingId : null, tokens };
    },

    async create({ name, lifetimeSeconds }) {
      const body: CreateTokenBody = { lifetime_seconds: lifetimeSeconds, comment: name };
      try {
        const res = await http.send<CreateTokenResponse>({
          method: 'POST',
          path: '/api/2.0/token/create',
          body
        });
        const { token_value: value, token_info: info } = res.body ?? {};
        if (typeof value !== 'string' || typeof info?.token_id !== 'string')
          throw unreadableCreate(LABEL, 'no token_value or token_info.token_id');
        return { ...toToken(info), value };
      } catch (err) {
        if (errorCode(err) === 'QUOTA_EXCEEDED') {
          throw new ProviderError(
            `${LABEL}: creating a token was refused: the user has reached the workspace quota of 600 active tokens (QUOTA_EXCEEDED). Revoke unused tokens (User Settings → Developer → Access tokens, or \`databricks tokens list\` / \`databricks tokens delete\`) and run again.${seeDocs('databricks')}.`,
            'quota'
          );
        }
        throw providerError(wording, 'creating a token', err);
      }
    },

    async verify(token) {
      await listWith('verifying the new token', token.value);
    },

    revoke(id) {
      const body: RevokeTokenBody = { token_id: id };
      // Revoking is idempotent, so this POST may be retried.
      return revokeWith(http, wording, id, {
        method: 'POST',
        path: '/api/2.0/token/delete',
        body,
        idempotent: true
      });
    },

    list: () => listWith('listing tokens')
  };
}

export const databricks: ProviderSpec = {
  name: 'databricks',
  label: LABEL,
  // Databricks caps token lifetime at 730 days (admins may lower it).
  maxLifetimeSeconds: 730 * 86400,
  maxNameLength: 200,
  idPattern: /^[A-Za-z0-9_-]{1,128}$/,
  idDescription: 'a Databricks token ID (the hex token_id from `databricks tokens list`)',
  acceptsScopes: false,
  create: createDatabricks
};
