import Cloudflare, { APIError } from 'cloudflare';
import type * as Shared from 'cloudflare/resources/shared';
import type {
  TokenCreateParams,
  TokenCreateResponse,
  TokenDeleteResponse,
  TokenVerifyResponse
} from 'cloudflare/resources/user/tokens/tokens';
import { createHttpClient } from '../src/http.js';
import { cloudflare } from '../src/providers/cloudflare.js';
import type { Provider, TokenOwner } from '../src/providers/index.js';
import { Redactor } from '../src/redact.js';
import { startCloudflareSim, type CloudflareSim } from '../sim/cloudflare.js';
import type { LoggedRequest } from '../sim/index.js';
import { shapeProblems } from './helpers/contracts-providers.js';

/**
 * The official client `cloudflare` (7.3.0) against the Cloudflare simulator, and the simulator's
 * answers against the SDK's TypeScript types (it checks none at run time): each shape's key list is
 * tied to an SDK type by `satisfies`, so an SDK upgrade that renames a field fails `tsc` here.
 */
const DAY = 86_400_000;
const base = (sim: CloudflareSim) => sim.apiUrl;
const sdk = (sim: CloudflareSim, apiToken: string) =>
  new Cloudflare({ apiToken, baseURL: base(sim), maxRetries: 0 });

const HEX32 = { type: 'string', pattern: '^[0-9a-f]{32}$' };
const DATE = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$' };
const STATUS = { enum: ['active', 'disabled', 'expired'] };
const STRING_MAP = { type: 'object', additionalProperties: { type: 'string' } };

const META = {
  category: { type: 'string' },
  deprecated: { type: 'string' },
  description: { type: 'string' },
  editable: { type: 'string' },
  eol_at: { type: 'string' },
  label: { type: 'string' },
  scopes: { type: 'string' },
  visibility: { type: 'string' }
} satisfies Record<keyof Required<Shared.TokenPolicy.PermissionGroup.Meta>, object>;
/** The SDK's meta keys, and (the docs show {key, value}) any other string. */
const META_SHAPE = { type: 'object', properties: META, additionalProperties: { type: 'string' } };
const RESOURCES = {
  type: 'object',
  minProperties: 1,
  additionalProperties: { anyOf: [{ type: 'string' }, STRING_MAP] }
};
/** Shared.TokenPolicy: as answered, with its ID and the groups' names. */
const policy = {
  type: 'object',
  properties: {
    id: HEX32,
    effect: { enum: ['allow', 'deny'] },
    permission_groups: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: {
          id: HEX32,
          name: { type: 'string' },
          // The SDK types meta as these optional strings; the docs show {key, value}: any strings.
          meta: META_SHAPE
        } satisfies Record<keyof Required<Shared.TokenPolicy.PermissionGroup>, object>,
        required: ['id', 'name'],
        additionalProperties: false
      }
    },
    resources: RESOURCES
  } satisfies Record<keyof Required<Shared.TokenPolicy>, object>,
  required: ['id', 'effect', 'permission_groups', 'resources'],
  additionalProperties: false
};
/** The IP condition as the API's wire format has it (`request.ip`); the TS SDK says `request_ip`. */
const CIDRS = { type: 'array', items: { type: 'string' } };
const condition = {
  type: 'object',
  properties: {
    'request.ip': { type: 'object', properties: { in: CIDRS, not_in: CIDRS }, additionalProperties: false }
  },
  additionalProperties: false
};
const TOKEN_PROPERTIES = {
  id: HEX32,
  condition,
  creator_email_at_creation: { type: 'string' },
  expires_on: DATE,
  issued_on: DATE,
  last_used_on: DATE,
  modified_on: DATE,
  name: { type: 'string', minLength: 1, maxLength: 120 },
  not_before: DATE,
  policies: { type: 'array', items: policy },
  provisioner_id: { type: ['string', 'null'] },
  provisioner_type: { type: 'string' },
  status: STATUS
} satisfies Record<keyof Required<Shared.Token>, object>;
/** What our client reads of a token is required here, though the SDK types every field optional. */
const token = {
  type: 'object',
  properties: TOKEN_PROPERTIES,
  required: ['id', 'name', 'status', 'issued_on', 'modified_on', 'policies'],
  additionalProperties: false
};
const created = {
  type: 'object',
  properties: {
    ...TOKEN_PROPERTIES,
    value: { type: 'string', minLength: 40, maxLength: 80 }
  } satisfies Record<keyof Required<TokenCreateResponse>, object>,
  required: [...token.required, 'value'],
  additionalProperties: false
};
const verified = {
  type: 'object',
  properties: {
    id: HEX32,
    status: STATUS,
    expires_on: DATE,
    not_before: DATE
  } satisfies Record<keyof Required<TokenVerifyResponse>, object>,
  required: ['id', 'status'],
  additionalProperties: false
};
const deleted = {
  type: 'object',
  properties: { id: HEX32 } satisfies Record<keyof Required<TokenDeleteResponse>, object>,
  required: ['id'],
  additionalProperties: false
};
const MESSAGES = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      code: { type: 'integer' },
      message: { type: 'string' },
      documentation_url: { type: 'string' },
      source: { type: 'object' },
      type: { type: ['string', 'null'] }
    },
    required: ['code', 'message'],
    additionalProperties: false
  }
};
const envelope = (result: object, extra: Record<string, object> = {}) => ({
  type: 'object',
  properties: {
    success: { const: true },
    errors: { type: 'array', maxItems: 0 },
    messages: MESSAGES,
    result,
    ...extra
  },
  required: ['success', 'errors', 'messages', 'result', ...Object.keys(extra)],
  additionalProperties: false
});
/** V4PagePaginationArrayResponse: the SDK types page and per_page; the live API adds the counts. */
const RESULT_INFO = {
  type: 'object',
  properties: {
    page: { type: 'integer', minimum: 1 },
    per_page: { type: 'integer', minimum: 1 },
    count: { type: 'integer', minimum: 0 },
    total_count: { type: 'integer', minimum: 0 },
    total_pages: { type: 'integer', minimum: 0 }
  },
  required: ['page', 'per_page'],
  additionalProperties: false
};
export const cloudflareShapes = {
  created: envelope(created),
  token: envelope(token),
  verified: envelope(verified),
  deleted: envelope(deleted),
  page: envelope({ type: 'array', items: token }, { result_info: RESULT_INFO }),
  error: {
    type: 'object',
    properties: {
      success: { const: false },
      errors: { ...MESSAGES, minItems: 1 },
      messages: MESSAGES,
      result: { type: 'null' }
    },
    required: ['success', 'errors', 'messages', 'result'],
    additionalProperties: false
  }
};

/**
 * TokenCreateParams: what our client may send. `condition` is the exception the facts name: the API's
 * wire key is `request.ip` (docs, Go SDK, Terraform), which the TS SDK types as `request_ip`.
 */
const POLICY_PARAM = {
  type: 'object',
  properties: {
    effect: { enum: ['allow', 'deny'] },
    permission_groups: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: { id: HEX32, meta: META_SHAPE } satisfies Record<
          keyof Required<Shared.TokenPolicyParam.PermissionGroup>,
          object
        >,
        required: ['id'],
        additionalProperties: false
      }
    },
    resources: RESOURCES
  } satisfies Record<keyof Required<Shared.TokenPolicyParam>, object>,
  required: ['effect', 'permission_groups', 'resources'],
  additionalProperties: false
};
const createRequest = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 120 },
    policies: { type: 'array', minItems: 1, items: POLICY_PARAM },
    condition,
    // Whole seconds, as the docs show them: 2020-01-01T00:00:00Z.
    expires_on: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$' },
    not_before: DATE
  } satisfies Record<keyof Required<TokenCreateParams>, object>,
  required: ['name', 'policies', 'expires_on'],
  additionalProperties: false
};

/** A request as an endpoint, the account ID and token IDs in the path as placeholders. */
const endpointOf = (r: { method: string; pathname: string }) =>
  `${r.method} ${r.pathname
    .replace(/^\/client\/v4/, '')
    .replace(/^\/accounts\/[^/]+/, '/accounts/{account}')
    .replace(/\/tokens\/(?!verify$)[^/]+$/, '/tokens/{id}')}`;

const answerChecks: Record<string, object> = {
  'POST /user/tokens': cloudflareShapes.created,
  'GET /user/tokens': cloudflareShapes.page,
  'GET /user/tokens/verify': cloudflareShapes.verified,
  'GET /user/tokens/{id}': cloudflareShapes.token,
  'DELETE /user/tokens/{id}': cloudflareShapes.deleted
};

/** Problems of one logged answer: the SDK's shape of its endpoint, or the error envelope. */
export function cloudflareAnswerProblems(r: LoggedRequest): string[] {
  if (r.status >= 400) return shapeProblems(cloudflareShapes.error, r.response);
  const endpoint = endpointOf(r).replace('/accounts/{account}/tokens', '/user/tokens');
  const shape = answerChecks[endpoint];
  return shape ? shapeProblems(shape, r.response) : [`${endpointOf(r)}: no shape for this endpoint`];
}

function clientFor(sim: CloudflareSim, actingToken: string, owner?: TokenOwner): Provider {
  const redactor = new Redactor();
  redactor.add(actingToken);
  const http = createHttpClient({
    baseUrl: base(sim),
    token: actingToken,
    redactor,
    timeoutMs: 2000,
    attempts: 1
  });
  return cloudflare.create({ baseUrl: base(sim), actingToken, http, ...(owner ? { owner } : {}) });
}

const request = (replacing: string | null = null) => ({
  name: 'ci-token-rotator:octo/app:CLOUDFLARE_API_TOKEN',
  expiresAt: new Date(Date.now() + 7 * DAY),
  lifetimeSeconds: 7 * 86400,
  replacing
});

describe('the cloudflare SDK against the Cloudflare simulator', () => {
  let sim: CloudflareSim;
  let admin: { id: string; value: string };
  beforeEach(async () => {
    sim = await startCloudflareSim();
    admin = sim.issueToken({ name: 'admin' });
  });
  afterEach(() => sim.close());

  test('user tokens: create, verify, get, list, delete', async () => {
    const client = sdk(sim, admin.value);
    const policies = sim.policiesOf(admin.id) as Shared.TokenPolicyParam[];
    const made = await client.user.tokens.create({
      name: 'ci',
      policies,
      expires_on: '2099-01-01T00:00:00Z'
    });
    expect(made).toMatchObject({ name: 'ci', status: 'active', expires_on: '2099-01-01T00:00:00Z' });
    expect(sim.isLive(made.value ?? '')).toBe(true);
    expect(await sdk(sim, made.value ?? '').user.tokens.verify()).toEqual({
      id: made.id,
      status: 'active',
      expires_on: '2099-01-01T00:00:00Z'
    });
    expect((await client.user.tokens.get(made.id ?? '')).policies?.[0]?.permission_groups).toEqual([
      { id: '686d18d5ac6c441c867cbf6771e58a0a', name: 'API Tokens Write' }
    ]);
    const listed = [];
    for await (const t of client.user.tokens.list()) listed.push(t.id);
    expect(listed).toEqual([admin.id, made.id]);
    expect(await client.user.tokens.delete(made.id ?? '')).toEqual({ id: made.id });
    expect(sim.isLive(made.value ?? '')).toBe(false);
  });

  test('account tokens: the same under the account; listed only there', async () => {
    const account = sim.accountId;
    const owner = sim.issueToken({ name: 'account admin', account });
    const client = sdk(sim, owner.value);
    const made = await client.accounts.tokens.create({
      account_id: account,
      name: 'ci',
      policies: sim.policiesOf(owner.id) as Shared.TokenPolicyParam[]
    });
    expect(made.value).toMatch(/^cfat_/);
    expect((await sdk(sim, made.value ?? '').accounts.tokens.verify({ account_id: account })).id).toBe(
      made.id
    );
    expect((await client.accounts.tokens.get(made.id ?? '', { account_id: account })).name).toBe('ci');
    const listed = [];
    for await (const t of client.accounts.tokens.list({ account_id: account })) listed.push(t.id);
    expect(listed).toEqual([owner.id, made.id]);
    const users = [];
    for await (const t of sdk(sim, admin.value).user.tokens.list()) users.push(t.id);
    expect(users).toEqual([admin.id]);
    expect(await client.accounts.tokens.delete(made.id ?? '', { account_id: account })).toEqual({
      id: made.id
    });
  });

  test('the SDK pages until an empty page: 45 tokens, 20 a page, 4 requests', async () => {
    for (let i = 0; i < 44; i++) sim.issueToken({ name: `t${i}` });
    sim.clearLog();
    const listed = [];
    for await (const t of sdk(sim, admin.value).user.tokens.list()) listed.push(t.id);
    expect(new Set(listed).size).toBe(45);
    expect(sim.requests.map((r) => r.path)).toEqual([
      '/client/v4/user/tokens',
      '/client/v4/user/tokens?page=2',
      '/client/v4/user/tokens?page=3',
      '/client/v4/user/tokens?page=4'
    ]);
    expect(sim.requests[3]?.response).toMatchObject({ success: true, result: [] });
  });

  test("errors surface as the SDK's APIError with status: 401 Invalid API Token, 403, 404", async () => {
    const dead = await sdk(sim, 'not-a-live-token-value-0123456789')
      .user.tokens.verify()
      .catch((e: unknown) => e);
    expect(dead).toBeInstanceOf(APIError);
    expect(dead).toMatchObject({ status: 401, errors: [{ code: 1000, message: 'Invalid API Token' }] });
    const account = sim.issueToken({ name: 'acct', account: sim.accountId });
    const wrongFamily = await sdk(sim, account.value)
      .user.tokens.verify()
      .catch((e: unknown) => e);
    expect(wrongFamily).toMatchObject({ status: 401, errors: [{ code: 1000 }] });
    const reader = sim.issueToken({
      name: 'zone reader',
      policies: [
        {
          effect: 'allow',
          permission_groups: [{ id: 'c8fed203ed3043cba015a93ad1616f1f' }],
          resources: { 'com.cloudflare.api.account.zone.*': '*' }
        }
      ]
    });
    await expect(
      sdk(sim, reader.value)
        .user.tokens.list()
        .then((p) => p.result)
    ).rejects.toMatchObject({
      status: 403,
      errors: [{ code: 9109 }]
    });
    await expect(sdk(sim, admin.value).user.tokens.delete('0'.repeat(32))).rejects.toMatchObject({
      status: 404
    });
    for (const r of sim.requests) expect(cloudflareAnswerProblems(r)).toEqual([]);
  });
});

describe('every answer of a rotation through our client, against the SDK types', () => {
  let sim: CloudflareSim;
  afterEach(() => sim.close());

  test.each([
    ['user', undefined],
    ['account', 'account']
  ] as const)('%s-owned', async (_family, kind) => {
    sim = await startCloudflareSim();
    const owner = kind ? { kind, id: sim.accountId } : undefined;
    const acting = sim.issueToken({ name: 'bootstrap', ...(owner ? { account: owner.id } : {}) });
    const provider = clientFor(sim, acting.value, owner);
    const access = await provider.checkAccess();
    expect(access.actingTokenId).toBe(acting.id);
    const first = await provider.create(request(null));
    await provider.verify(first);
    const second = await provider.create(request(first.id));
    await provider.verify(second);
    await provider.list();
    expect(await provider.revoke(first.id)).toBe('revoked');
    expect(await provider.revoke(first.id)).toBe('already-gone');
    const answers = sim.requests.map((r) => [endpointOf(r), cloudflareAnswerProblems(r)] as const);
    expect(answers.filter(([, problems]) => problems.length > 0)).toEqual([]);
    // The endpoints the SDK has, and only those; never roll (PUT …/value).
    const endpoints = new Set(sim.requests.map(endpointOf));
    const family = kind ? '/accounts/{account}/tokens' : '/user/tokens';
    expect([...endpoints].sort()).toEqual(
      [
        `DELETE ${family}/{id}`,
        `GET ${family}`,
        `GET ${family}/verify`,
        `GET ${family}/{id}`,
        `POST ${family}`
      ].sort()
    );
    for (const r of sim.requests.filter((x) => x.method === 'POST'))
      expect(shapeProblems(createRequest, r.body)).toEqual([]);
  });

  test('an IP condition is copied with the wire key request.ip', async () => {
    sim = await startCloudflareSim();
    const condition = { 'request.ip': { in: ['192.0.2.0/24'], not_in: ['192.0.2.7/32'] } };
    const acting = sim.issueToken({ name: 'bootstrap', condition });
    await clientFor(sim, acting.value).create(request(null));
    const post = sim.requests.find((r) => r.method === 'POST');
    expect(shapeProblems(createRequest, post?.body)).toEqual([]);
    expect((post?.body as { condition: unknown }).condition).toEqual(condition);
  });
});

describe('drift: a renamed field in a simulator answer fails a check', () => {
  let sim: CloudflareSim;
  let acting: { id: string; value: string };
  beforeEach(async () => {
    sim = await startCloudflareSim();
    acting = sim.issueToken({ name: 'bootstrap' });
  });
  afterEach(() => sim.close());

  const rename = (from: string, to: string) => (body: unknown) => {
    const copy = structuredClone(body) as Record<string, unknown>;
    const result = (from in copy ? copy : (copy.result as Record<string, unknown>)) ?? {};
    result[to] = result[from];
    delete result[from];
    return copy;
  };

  test.each([
    ['value → token in the create result', 'POST', 'value', 'token'],
    ['result → data in the create answer', 'POST', 'result', 'data'],
    ['issued_on → created_on in the create result', 'POST', 'issued_on', 'created_on'],
    ['result → data in the list answer', 'GET', 'result', 'data']
  ] as const)('%s', async (_title, method, from, to) => {
    const path = method === 'POST' ? '/client/v4/user/tokens' : '/client/v4/user/tokens';
    sim.fault({ method, path, rewrite: rename(from, to) });
    const provider = clientFor(sim, acting.value);
    const outcome = await (method === 'POST' ? provider.create(request(null)) : provider.list()).then(
      () => undefined,
      (e: unknown) => e as Error
    );
    const drifted = sim.requests.find((r) => r.method === method && r.pathname === path && r.faulted);
    expect(drifted).toBeDefined();
    // The SDK types catch it…
    expect(cloudflareAnswerProblems(drifted as LoggedRequest)).not.toEqual([]);
    // …and so does our client, except where it reads nothing of the renamed field.
    if (from !== 'issued_on') expect(outcome?.message).toMatch(/^Cloudflare: .*unexpected response/);
  });
});
