import { createHash } from 'node:crypto';
import { seeDocs } from '../docs.js';
import { HttpError } from '../http.js';
import {
  MalformedAnswer,
  array,
  epochMsDate,
  object,
  optionalText,
  text,
  tokenId,
  type Json
} from './answers.js';
import { ProviderError, providerError, readCreated, revokeWith, type ErrorWording } from './errors.js';
import type { NewToken, Provider, ProviderConfig, ProviderSpec, ProviderToken } from './types.js';

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
const ID_FORM = {
  idPattern: /^[A-Za-z0-9_-]{1,128}$/,
  idDescription: 'a Databricks token ID (the hex token_id from `databricks tokens list`)'
};

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

/** A PublicTokenInfo as read, each field checked (`at` names it in an error). */
function toToken(value: unknown, at: string): ProviderToken {
  const info = object(value, at) as Json & Partial<PublicTokenInfo>;
  return {
    id: tokenId(info.token_id, ID_FORM.idPattern, `${at}.token_id`),
    // Left out when the token has no comment (the SDKs mark every field optional).
    name: optionalText(info.comment, `${at}.comment`),
    createdAt: epochMsDate(info.creation_time, `${at}.creation_time`),
    expiresAt: epochMsDate(info.expiry_time, `${at}.expiry_time`, true)
  };
}

/**
 * The list answer's tokens. `token_infos` is required although the SDKs mark it optional (an empty
 * list would be left out): the acting credential is a personal access token (README, Credentials),
 * and the list holds "all the valid tokens for a user-workspace pair" (API-FACTS §2.1), so never
 * none. An answer without it is broken, not empty.
 */
function toTokens(value: unknown): ProviderToken[] {
  const body = object(value, 'the answer') as Json & Partial<ListTokensResponse>;
  return array(body.token_infos, 'token_infos').map((t, i) => toToken(t, `token_infos[${i}]`));
}

/** The minted token's ID, read on its own so that it is known even if the rest is unreadable. */
function createdId(value: unknown): string {
  const info = object(object(value, 'the answer').token_info, 'token_info');
  return tokenId(info.token_id, ID_FORM.idPattern, 'token_info.token_id');
}

function readCreate(value: unknown): NewToken {
  const body = object(value, 'the answer') as Json & Partial<CreateTokenResponse>;
  const tokenValue = text(body.token_value, 'token_value');
  if (tokenValue === '') throw new MalformedAnswer('token_value is empty');
  return { ...toToken(body.token_info, 'token_info'), value: tokenValue };
}

/** Databricks token IDs are the SHA-256 hex of the token value. */
export function databricksTokenId(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function createDatabricks({ http, actingToken }: ProviderConfig): Provider {
  async function listWith(action: string, token?: string): Promise<ProviderToken[]> {
    try {
      const res = await http.send<unknown>({ method: 'GET', path: '/api/2.0/token/list', token });
      return toTokens(res.body);
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
        const res = await http.send<unknown>({ method: 'POST', path: '/api/2.0/token/create', body });
        return readCreated(
          LABEL,
          () => createdId(res.body),
          () => readCreate(res.body)
        );
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
      return revokeWith(http, wording, ID_FORM, id, {
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
  ...ID_FORM,
  acceptsScopes: false,
  // Databricks' SDKs retry 429 and 503 honouring Retry-After (API-FACTS §2.3).
  retryAfterStatuses: [429, 503],
  create: createDatabricks
};
