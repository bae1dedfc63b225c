/**
 * The providers' official SDKs pointed at our simulators, and the answer shapes their models describe
 * where the SDK checks none at run time (Databricks and Linode ship TypeScript types only).
 */
import https from 'node:https';
import net from 'node:net';
import { WorkspaceClient, type settings } from '@databricks/sdk-experimental';
import * as linodeApi from '@linode/api-v4';
import { isDeepStrictEqual } from 'node:util';
import { Vercel } from '@vercel/sdk';
import { CreateAuthTokenResponseBody$inboundSchema } from '@vercel/sdk/models/createauthtokenop.js';
import { DeleteAuthTokenResponseBody$inboundSchema } from '@vercel/sdk/models/deleteauthtokenop.js';
import { GetAuthTokenResponseBody$inboundSchema } from '@vercel/sdk/models/getauthtokenop.js';
import { ListAuthTokensResponseBody$inboundSchema } from '@vercel/sdk/models/listauthtokensop.js';
import { startCountingDefaultToZeroValue } from '@vercel/sdk/types/defaultToZeroValue.js';
import { startCountingUnrecognized } from '@vercel/sdk/types/unrecognized.js';
import { Ajv } from 'ajv';
import type { DatabricksSim, LinodeSim, VercelSim } from '../../sim/index.js';
import type {
  Profile as LinodeProfile,
  Token as LinodeToken
} from '../../node_modules/@linode/api-v4/lib/profile/types.js';

export function vercelSdk(sim: VercelSim, token: string): Vercel {
  return new Vercel({ bearerToken: token, serverURL: sim.url });
}

/**
 * Problems of an answer against a @vercel/sdk response model. The SDK's parsing is forgiving by design:
 * a missing required number becomes 0, a missing string "", a number in a string field its JSON text,
 * and unknown fields are dropped — so `parse` succeeding proves little. Counted here instead: every
 * value the SDK had to coerce or default, and every field its model does not know.
 */
export function vercelModelProblems(
  schema: { safeParse(v: unknown): { success: boolean; data?: unknown; error?: { message: string } } },
  body: unknown
): string[] {
  const coerced = startCountingUnrecognized();
  const defaulted = startCountingDefaultToZeroValue();
  const result = schema.safeParse(body);
  const zeroes = defaulted.end();
  const inexact = coerced.end();
  if (!result.success) return [`rejected: ${result.error?.message ?? ''}`];
  const problems: string[] = [];
  if (zeroes > 0) problems.push(`${zeroes} required value(s) missing, defaulted to zero by the SDK`);
  if (inexact > zeroes) problems.push(`${inexact - zeroes} value(s) of the wrong type, coerced by the SDK`);
  if (!isDeepStrictEqual(result.data, body))
    problems.push(
      `fields unknown to the model: parsed ${JSON.stringify(result.data)} from ${JSON.stringify(body)}`
    );
  return problems;
}

/** The SDK calls https://<host> without a port: this agent hands it a plain socket to the simulator. */
export function databricksSdk(sim: DatabricksSim, token: string): WorkspaceClient {
  const agent = new https.Agent();
  const port = Number(new URL(sim.url).port);
  (agent as unknown as { createConnection: () => net.Socket }).createConnection = () =>
    net.connect(port, '127.0.0.1');
  return new WorkspaceClient(
    { host: 'https://dbc-contracts.cloud.databricks.com', token, authType: 'pat', retryTimeoutSeconds: 1 },
    { agent }
  );
}

// @linode/api-v4's index declarations re-export without file extensions, which NodeNext cannot
// follow; its model files themselves can be read, by path. Only the functions used here are typed
// by hand.
export const linode = linodeApi as unknown as {
  baseRequest: typeof import('axios').default;
  setToken(token: string): number;
  createPersonalAccessToken(data: { label: string; expiry?: string; scopes?: string }): Promise<LinodeToken>;
  getPersonalAccessTokens(params?: { page?: number; page_size?: number }): Promise<{
    data: LinodeToken[];
    page: number;
    pages: number;
    results: number;
  }>;
  getPersonalAccessToken(id: number): Promise<LinodeToken>;
  deletePersonalAccessToken(id: number): Promise<unknown>;
  getProfile(): Promise<LinodeProfile>;
};

/**
 * Point @linode/api-v4 (a module-wide axios instance building https://api.linode.com/v4/... URLs) at
 * the simulator with a token; the returned function undoes it.
 */
export function useLinodeSdk(sim: LinodeSim, token: string): () => void {
  const rewrite = linode.baseRequest.interceptors.request.use((config) => ({
    ...config,
    url: config.url?.replace('https://api.linode.com/v4', `${sim.url}/v4`)
  }));
  const auth = linode.setToken(token);
  return () => {
    linode.baseRequest.interceptors.request.eject(rewrite);
    linode.baseRequest.interceptors.request.eject(auth);
  };
}

/** A JSON schema of an object whose properties are exactly `K` (a model's keys). */
type ObjectSchema<K extends string> = {
  type: 'object';
  properties: Record<K, object>;
  required: string[];
  additionalProperties: false;
};

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });

/** Problems of `value` against `schema`, one line each. */
export function shapeProblems(schema: object, value: unknown): string[] {
  const validate = ajv.compile(schema);
  if (validate(value)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`
  );
}

/**
 * Databricks PublicTokenInfo as @databricks/sdk-experimental declares it. The `satisfies` ties the key
 * list to the SDK's type: an SDK upgrade that adds or renames a field fails `tsc` here. `scopes` is
 * newer than SDK 0.17.0 (API-FACTS §2.1) and allowed as an array of strings.
 */
const PUBLIC_TOKEN_INFO = {
  token_id: { type: 'string' },
  comment: { type: 'string' },
  creation_time: { type: 'integer' },
  expiry_time: { type: 'integer' }
} satisfies Record<keyof Required<settings.PublicTokenInfo>, object>;
const publicTokenInfo = {
  type: 'object',
  properties: { ...PUBLIC_TOKEN_INFO, scopes: { type: 'array', items: { type: 'string' } } },
  required: Object.keys(PUBLIC_TOKEN_INFO),
  additionalProperties: false
};

/** The answer to a delete, on Databricks and Linode. */
const EMPTY_OBJECT = { type: 'object', maxProperties: 0 };

export const databricksShapes = {
  deleted: EMPTY_OBJECT,
  create: {
    type: 'object',
    properties: { token_value: { type: 'string' }, token_info: publicTokenInfo },
    required: ['token_value', 'token_info'],
    additionalProperties: false
  } satisfies ObjectSchema<keyof settings.CreateTokenResponse>,
  list: {
    type: 'object',
    properties: { token_infos: { type: 'array', items: publicTokenInfo } },
    required: ['token_infos'],
    additionalProperties: false
  } satisfies ObjectSchema<keyof settings.ListPublicTokensResponse>,
  /** Request bodies, their keys tied to the SDK's request types (it ships no run-time schema). */
  createRequest: {
    type: 'object',
    properties: { comment: { type: 'string' }, lifetime_seconds: { type: 'integer', minimum: 1 } },
    required: [],
    additionalProperties: false
  } satisfies ObjectSchema<keyof settings.CreateTokenRequest>,
  revokeRequest: {
    type: 'object',
    properties: { token_id: { type: 'string', minLength: 1 } },
    required: ['token_id'],
    additionalProperties: false
  } satisfies ObjectSchema<keyof settings.RevokeTokenRequest>,
  /** Error body; error_code a string, or the number 403 for an invalid access token (API-FACTS §0.7). */
  error: {
    type: 'object',
    properties: {
      error_code: { type: ['string', 'integer'] },
      message: { type: 'string' },
      details: { type: 'array' }
    },
    required: ['error_code', 'message'],
    additionalProperties: false
  }
};

/** Linode Token (`@linode/api-v4` profile/types.ts `Token`): dates UTC without `Z` (API-FACTS §3). */
const LINODE_DATE = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}$';
const linodeToken = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    label: { type: 'string', minLength: 1, maxLength: 100 },
    scopes: { type: 'string' },
    created: { type: 'string', pattern: LINODE_DATE },
    expiry: { anyOf: [{ type: 'string', pattern: LINODE_DATE }, { type: 'null' }] },
    token: { type: 'string' },
    // In the model for OAuth apps' tokens, which share it; a personal access token has neither.
    thumbnail_url: { type: ['string', 'null'] },
    website: { type: 'string' }
  } satisfies Record<keyof Required<LinodeToken>, object>,
  required: ['id', 'label', 'scopes', 'created', 'expiry', 'token'],
  additionalProperties: false
};

export const linodeShapes = {
  token: linodeToken,
  /** `Profile`: every field, as GET /v4/profile answers for the acting user. */
  profile: {
    type: 'object',
    properties: {
      authentication_type: { enum: ['github', 'google', 'password'] },
      authorized_keys: { anyOf: [{ type: 'null' }, { type: 'array', items: { type: 'string' } }] },
      email: { type: 'string' },
      email_notifications: { type: 'boolean' },
      ip_whitelist_enabled: { type: 'boolean' },
      lish_auth_method: { enum: ['disabled', 'keys_only', 'password_keys'] },
      referrals: {
        type: 'object',
        properties: {
          code: { type: 'string' },
          completed: { type: 'integer' },
          credit: { type: 'number' },
          pending: { type: 'integer' },
          total: { type: 'integer' },
          url: { type: 'string' }
        } satisfies Record<keyof LinodeProfile['referrals'], object>,
        required: ['code', 'completed', 'credit', 'pending', 'total', 'url'],
        additionalProperties: false
      },
      restricted: { type: 'boolean' },
      timezone: { type: 'string' },
      two_factor_auth: { type: 'boolean' },
      uid: { type: 'integer' },
      user_type: { enum: ['child', 'default', 'delegate', 'parent', 'proxy'] },
      username: { type: 'string' },
      verified_phone_number: { type: ['string', 'null'] }
    } satisfies Record<keyof LinodeProfile, object>,
    required: [
      'authentication_type',
      'authorized_keys',
      'email',
      'email_notifications',
      'ip_whitelist_enabled',
      'lish_auth_method',
      'referrals',
      'restricted',
      'timezone',
      'two_factor_auth',
      'uid',
      'user_type',
      'username',
      'verified_phone_number'
    ],
    additionalProperties: false
  },
  /** `ResourcePage<Token>` */
  page: {
    type: 'object',
    properties: {
      data: { type: 'array', items: linodeToken },
      page: { type: 'integer', minimum: 1 },
      pages: { type: 'integer', minimum: 1 },
      results: { type: 'integer', minimum: 0 }
    },
    required: ['data', 'page', 'pages', 'results'],
    additionalProperties: false
  },
  deleted: EMPTY_OBJECT,
  /** `{errors: APIError[]}`, APIError = {reason, field?} */
  error: {
    type: 'object',
    properties: {
      errors: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          properties: { reason: { type: 'string' }, field: { type: 'string' } },
          required: ['reason'],
          additionalProperties: false
        }
      }
    },
    required: ['errors'],
    additionalProperties: false
  }
};

/** Vercel's error body (REST API Errors page; API-FACTS §1.4). */
export const vercelErrorShape = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        invalidToken: { type: 'boolean' },
        limit: {
          type: 'object',
          properties: {
            remaining: { type: 'integer' },
            reset: { type: 'integer' },
            resetMs: { type: 'integer' },
            total: { type: 'integer' }
          },
          required: ['remaining', 'reset', 'total'],
          additionalProperties: false
        }
      },
      required: ['code', 'message'],
      additionalProperties: false
    }
  },
  required: ['error'],
  additionalProperties: false
};

/** A request as an endpoint: method and path, a token ID in the path as `{id}`. */
export const endpointOf = (r: { method: string; pathname: string }) =>
  `${r.method} ${r.pathname.replace(/\/tokens\/(?!current$)[^/]+$/, '/tokens/{id}')}`;

/** Per endpoint, the problems of a 2xx answer against the SDK's response model. */
const answerChecks: Record<string, (body: unknown) => string[]> = {
  'GET /v5/user/tokens/current': (b) => vercelModelProblems(GetAuthTokenResponseBody$inboundSchema, b),
  'GET /v6/user/tokens': (b) => vercelModelProblems(ListAuthTokensResponseBody$inboundSchema, b),
  'POST /v3/user/tokens': (b) => vercelModelProblems(CreateAuthTokenResponseBody$inboundSchema, b),
  'DELETE /v3/user/tokens/{id}': (b) => vercelModelProblems(DeleteAuthTokenResponseBody$inboundSchema, b),
  'GET /api/2.0/token/list': (b) => shapeProblems(databricksShapes.list, b),
  'POST /api/2.0/token/create': (b) => shapeProblems(databricksShapes.create, b),
  'POST /api/2.0/token/delete': (b) => shapeProblems(databricksShapes.deleted, b),
  'GET /v4/profile': (b) => shapeProblems(linodeShapes.profile, b),
  'GET /v4/profile/tokens': (b) => shapeProblems(linodeShapes.page, b),
  'POST /v4/profile/tokens': (b) => shapeProblems(linodeShapes.token, b),
  'DELETE /v4/profile/tokens/{id}': (b) => shapeProblems(linodeShapes.deleted, b)
};

/** Problems of one logged answer against the SDK's model of its endpoint. */
export function answerProblems(r: { method: string; pathname: string; response?: unknown }): string[] {
  const check = answerChecks[endpointOf(r)];
  return check ? check(r.response) : [`${endpointOf(r)}: no model for this endpoint`];
}
