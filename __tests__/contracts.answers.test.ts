import { CreateAuthTokenResponseBody$inboundSchema } from '@vercel/sdk/models/createauthtokenop.js';
import { DeleteAuthTokenResponseBody$inboundSchema } from '@vercel/sdk/models/deleteauthtokenop.js';
import { GetAuthTokenResponseBody$inboundSchema } from '@vercel/sdk/models/getauthtokenop.js';
import { ListAuthTokensResponseBody$inboundSchema } from '@vercel/sdk/models/listauthtokensop.js';
import { VercelError } from '@vercel/sdk/models/vercelerror.js';
import { ApiError } from '@databricks/sdk-experimental';
import { parseErrorFromResponse } from '@databricks/sdk-experimental/dist/apierr.js';
import {
  startDatabricksSim,
  startLinodeSim,
  startVercelSim,
  type DatabricksSim,
  type LinodeSim,
  type VercelSim
} from '../sim/index.js';
import {
  databricksSdk,
  databricksShapes,
  linode,
  linodeShapes,
  shapeProblems,
  useLinodeSdk,
  vercelErrorShape,
  vercelModelProblems,
  vercelSdk
} from './helpers/contracts-providers.js';
import { clientFor } from './helpers/providers.js';

/**
 * Each documented error (API-FACTS §0 and §6) as the simulator answers it: the body has the shape the
 * provider documents, the official SDK's error parser takes it (its status, code and message come
 * out), and our provider client words it as the user should read it. Plus, for the SDKs that check
 * no answer at run time, the simulators' answers against the SDK's models.
 */
const DAY = 86_400_000;
const create = {
  name: 'ci',
  expiresAt: new Date(Date.now() + DAY),
  lifetimeSeconds: 86_400,
  replacing: null
};
const rejection = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e
  );

describe('Vercel answers: exact for @vercel/sdk models; errors parsed by it and worded by us', () => {
  let sim: VercelSim;
  let admin: string;
  beforeEach(async () => {
    sim = await startVercelSim();
    admin = sim.issueToken({ name: 'admin' }).value;
  });
  afterEach(() => sim.close());

  test('create, get current, list (and its pages), delete: nothing coerced, defaulted or unknown to the models', async () => {
    const sdk = vercelSdk(sim, admin);
    const answer = (method: string, pathname: RegExp) =>
      sim.requests.filter((r) => r.method === method && pathname.test(r.pathname)).map((r) => r.response);
    const created = await sdk.authentication.createAuthToken({
      requestBody: { name: 'ci', expiresAt: Date.now() + DAY }
    });
    await sdk.authentication.createAuthToken({ requestBody: { name: 'no expiry' } });
    await vercelSdk(sim, created.bearerToken).authentication.getAuthToken({ tokenId: 'current' });
    await sdk.authentication.listAuthTokens();
    // The SDK's listAuthTokens takes no limit or until: page as our client does (limit, until = next).
    const page = async (query: string) =>
      (
        await fetch(`${sim.url}/v6/user/tokens?${query}`, { headers: { authorization: `Bearer ${admin}` } })
      ).json();
    const first = (await page('limit=2')) as { pagination: { next: number } };
    expect(typeof first.pagination.next).toBe('number');
    await page(`limit=2&until=${first.pagination.next}`);
    await sdk.authentication.deleteAuthToken({ tokenId: created.token.id });
    const checks: [string, Parameters<typeof vercelModelProblems>[0], unknown[]][] = [
      ['create', CreateAuthTokenResponseBody$inboundSchema, answer('POST', /^\/v3\/user\/tokens$/)],
      ['get', GetAuthTokenResponseBody$inboundSchema, answer('GET', /^\/v5\/user\/tokens\//)],
      ['list', ListAuthTokensResponseBody$inboundSchema, answer('GET', /^\/v6\/user\/tokens$/)],
      ['delete', DeleteAuthTokenResponseBody$inboundSchema, answer('DELETE', /^\/v3\/user\/tokens\//)]
    ];
    for (const [op, schema, bodies] of checks) {
      expect(bodies.length).toBeGreaterThan(0);
      for (const body of bodies)
        expect({ op, problems: vercelModelProblems(schema, body) }).toEqual({ op, problems: [] });
    }
  });

  test("string cursors (the spec's other pagination shape): exact for the model; our client pages through them", async () => {
    sim.cursors = 'string';
    for (let i = 0; i < 120; i++) sim.issueToken({ name: `t${i}` });
    const tokens = await clientFor('vercel', sim, admin).provider.list();
    expect(tokens).toHaveLength(121);
    expect(new Set(tokens.map((t) => t.id)).size).toBe(121);
    const lists = sim.requests.filter((r) => r.pathname === '/v6/user/tokens');
    expect(lists.map((r) => r.path)).toEqual([
      '/v6/user/tokens?limit=100',
      expect.stringMatching(/^\/v6\/user\/tokens\?limit=100&until=[\w-]+$/)
    ]);
    for (const r of lists) {
      expect(typeof (r.response as { pagination: { prev: unknown } }).pagination.prev).toBe('string');
      expect(vercelModelProblems(ListAuthTokensResponseBody$inboundSchema, r.response)).toEqual([]);
    }
  });

  /** The SDK's error for a call, with its JSON body checked against Vercel's error shape. */
  async function sdkError(p: Promise<unknown>, status: number): Promise<{ code: string; message: string }> {
    const err = await rejection(p);
    expect(err).toBeInstanceOf(VercelError);
    const { statusCode, body, contentType } = err as VercelError;
    expect(statusCode).toBe(status);
    expect(contentType).toMatch(/^application\/json/);
    const parsed = JSON.parse(body) as { error: { code: string; message: string } };
    expect(shapeProblems(vercelErrorShape, parsed)).toEqual([]);
    return parsed.error;
  }

  test('403 invalidToken for an unknown bearer (§0.5)', async () => {
    const err = await sdkError(
      vercelSdk(sim, 'dead-0123456789').authentication.getAuthToken({ tokenId: 'current' }),
      403
    );
    expect(err).toEqual({ code: 'forbidden', message: 'Not authorized', invalidToken: true });
    await expect(clientFor('vercel', sim, 'dead-0123456789').provider.list()).rejects.toThrow(
      /^Vercel: listing tokens failed with HTTP 403 \(Not authorized\)\. Check that provider-token holds a live Vercel full-account token/
    );
  });

  test.each([
    ['oauth', 'Only user authentication tokens can be used to create new tokens.'],
    ['team', 'To create a token you must be authenticated to scope "sim-user"'],
    ['project', 'To create a token you must be authenticated to scope "sim-user"']
  ] as const)('403 when a %s token creates a token (§0.2)', async (kind, message) => {
    const limited = sim.issueToken({ kind }).value;
    const err = await sdkError(
      vercelSdk(sim, limited).authentication.createAuthToken({ requestBody: { name: 'ci' } }),
      403
    );
    expect(err).toEqual({ code: 'forbidden', message });
    await expect(clientFor('vercel', sim, limited).provider.create(create)).rejects.toThrow(
      `Vercel: creating a token was refused: ${message}. Only a full-account token can create tokens`
    );
  });

  test('404 not_found for an unknown tokenId; our revoke calls it already gone', async () => {
    const err = await sdkError(
      vercelSdk(sim, admin).authentication.deleteAuthToken({ tokenId: 'tok_gone' }),
      404
    );
    expect(err.code).toBe('not_found');
    await expect(clientFor('vercel', sim, admin).provider.revoke('tok_gone')).resolves.toBe('already-gone');
  });

  test('400 bad_request for an expiry in the past', async () => {
    const err = await sdkError(
      vercelSdk(sim, admin).authentication.createAuthToken({ requestBody: { name: 'ci', expiresAt: 1 } }),
      400
    );
    expect(err.code).toBe('bad_request');
  });

  test('429 rate_limited with error.limit and X-RateLimit-* (§1.4)', async () => {
    sim.rateLimit = { ...sim.rateLimit, limit: 1 };
    await vercelSdk(sim, admin).authentication.getAuthToken({ tokenId: 'current' });
    const raw = await rejection(vercelSdk(sim, admin).authentication.listAuthTokens({}));
    const err = await sdkError(Promise.reject(raw), 429);
    expect(err).toMatchObject({ code: 'rate_limited', limit: { remaining: 0, total: 1 } });
    expect((raw as VercelError).headers.get('x-ratelimit-remaining')).toBe('0');
    await expect(clientFor('vercel', sim, admin).provider.list()).rejects.toThrow(
      /^Vercel: listing tokens failed with HTTP 429 \(The rate limit of 1 exceeded.*\)\. The provider is rate limiting; try again later\.$/
    );
  });
});

describe('Databricks answers: the SDK models and ApiError parser take them, our client words them', () => {
  let sim: DatabricksSim;
  let admin: string;
  beforeEach(async () => {
    sim = await startDatabricksSim();
    admin = sim.issueToken({ name: 'admin' }).value;
  });
  afterEach(() => sim.close());

  /** The last answer's body, checked against a shape. */
  const lastAnswer = (shape: object) => shapeProblems(shape, sim.requests[sim.requests.length - 1]?.response);

  test('create, list, delete answers have exactly the fields of the SDK models', async () => {
    const sdk = databricksSdk(sim, admin);
    const created = await sdk.tokens.create({ comment: 'ci', lifetime_seconds: 3600 });
    expect(lastAnswer(databricksShapes.create)).toEqual([]);
    for await (const _ of sdk.tokens.list()) void _;
    expect(lastAnswer(databricksShapes.list)).toEqual([]);
    await sdk.tokens.delete({ token_id: created.token_info?.token_id ?? '' });
    expect(sim.requests[sim.requests.length - 1]?.response).toEqual({});
  });

  /** The SDK's ApiError for a call, its body checked against Databricks' error shape. */
  async function sdkError(p: Promise<unknown>): Promise<ApiError> {
    const err = await rejection(p);
    expect(err).toBeInstanceOf(ApiError);
    expect(lastAnswer(databricksShapes.error)).toEqual([]);
    return err as ApiError;
  }

  test('403 with the numeric error_code for an invalid token (§0.7)', async () => {
    const err = await sdkError(databricksSdk(sim, 'dapi-dead').tokens.create({ comment: 'x' }));
    // Parsed as JSON (else the message would be "Response from server (Forbidden) ...").
    expect(err).toMatchObject({ statusCode: 403, errorCode: 403, message: 'Invalid access token.' });
    await expect(clientFor('databricks', sim, 'dapi-dead').provider.list()).rejects.toThrow(
      /^Databricks: listing tokens failed with HTTP 403 \(Invalid access token\.\)\. Check that provider-token holds a live Databricks personal access token/
    );
  });

  test('403 as an HTML page, as older deployments answer an invalid token (§0.7)', async () => {
    sim.htmlAuthFailures = true;
    const res = await fetch(`${sim.url}/api/2.0/token/list`, {
      headers: { authorization: 'Bearer dapi-dead' }
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const body = await res.text();
    expect(body).toContain('<h2>HTTP ERROR 403</h2>');
    // The SDK's parser takes the reason out of the page's <pre>.
    expect(parseErrorFromResponse(res.status, res.statusText, body)).toMatchObject({
      statusCode: 403,
      message: 'Invalid access token'
    });
    // Ours reads it as a refused credential, not as a missing permission or an HTML dump.
    const ours = (await rejection(clientFor('databricks', sim, 'dapi-dead').provider.list())) as Error;
    expect(ours).toMatchObject({
      kind: 'auth',
      message: expect.stringMatching(
        /^Databricks: listing tokens failed with HTTP 403 \(Invalid access token\.\)\. Check that provider-token holds a live Databricks personal access token/
      )
    });
    expect(ours.message).not.toContain('<');
  });

  test('404 RESOURCE_DOES_NOT_EXIST on delete; our revoke calls it already gone', async () => {
    const err = await sdkError(databricksSdk(sim, admin).tokens.delete({ token_id: 'gone' }));
    expect(err).toMatchObject({ statusCode: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST' });
    await expect(clientFor('databricks', sim, admin).provider.revoke('gone')).resolves.toBe('already-gone');
  });

  test('QUOTA_EXCEEDED at the 601st token', async () => {
    sim.quota = 1;
    const err = await sdkError(databricksSdk(sim, admin).tokens.create({ comment: 'x' }));
    expect(err).toMatchObject({ statusCode: 400, errorCode: 'QUOTA_EXCEEDED' });
    await expect(clientFor('databricks', sim, admin).provider.create(create)).rejects.toThrow(
      /^Databricks: creating a token was refused: the user has reached the workspace quota of 600 active tokens \(QUOTA_EXCEEDED\)/
    );
  });

  test('INVALID_PARAMETER_VALUE past the workspace lifetime cap', async () => {
    sim.maxLifetimeSeconds = 3600;
    const err = await sdkError(databricksSdk(sim, admin).tokens.create({ lifetime_seconds: 7200 }));
    expect(err).toMatchObject({ statusCode: 400, errorCode: 'INVALID_PARAMETER_VALUE' });
    await expect(clientFor('databricks', sim, admin).provider.create(create)).rejects.toThrow(
      /^Databricks: creating a token failed with HTTP 400 \(Token lifetime 86400s exceeds the maximum lifetime of 0\.0416\d* days\.\)\.$/
    );
  });

  test('429 REQUEST_LIMIT_EXCEEDED with Retry-After: the SDK parser calls it retryable', async () => {
    sim.rateLimit = { ...sim.rateLimit, limit: 0 };
    const res = await fetch(`${sim.url}/api/2.0/token/list`, {
      headers: { authorization: `Bearer ${admin}` }
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = await res.text();
    expect(shapeProblems(databricksShapes.error, JSON.parse(body))).toEqual([]);
    const err = parseErrorFromResponse(res.status, res.statusText, body);
    expect(err).toMatchObject({ statusCode: 429, errorCode: 'REQUEST_LIMIT_EXCEEDED' });
    expect(err.isRetryable()).toBe(true);
    const ours = clientFor('databricks', sim, admin);
    await expect(ours.provider.list()).rejects.toThrow(
      /^Databricks: listing tokens failed with HTTP 429 \(.+\)\. The provider is rate limiting; try again later\.$/
    );
    // It waited as told before giving up: Retry-After, in milliseconds, once per retry.
    expect(ours.sleeps.length).toBeGreaterThan(0);
    expect(ours.sleeps.every((ms) => ms >= 1000)).toBe(true);
  });
});

describe('Linode answers: the api-v4 models take them, our client words them', () => {
  let sim: LinodeSim;
  let admin: string;
  let restore: () => void;
  beforeEach(async () => {
    sim = await startLinodeSim();
    admin = sim.issueToken({ name: 'admin' }).value;
    restore = useLinodeSdk(sim, admin);
  });
  afterEach(async () => {
    restore();
    await sim.close();
  });

  const lastAnswer = (shape: object) => shapeProblems(shape, sim.requests[sim.requests.length - 1]?.response);

  test('create, list, get, delete answers have the fields of the Token model, dates without Z', async () => {
    const expiry = new Date(Date.now() + DAY).toISOString().slice(0, 19);
    const created = await linode.createPersonalAccessToken({
      label: 'ci',
      expiry,
      scopes: 'account:read_only'
    });
    expect(lastAnswer(linodeShapes.token)).toEqual([]);
    await linode.getPersonalAccessTokens({ page: 1, page_size: 25 });
    expect(lastAnswer(linodeShapes.page)).toEqual([]);
    await linode.getPersonalAccessToken(created.id);
    expect(lastAnswer(linodeShapes.token)).toEqual([]);
    await linode.deletePersonalAccessToken(created.id);
    expect(lastAnswer(linodeShapes.deleted)).toEqual([]);
  });

  /** The api-v4 (axios) error for a call, its body checked against Linode's APIError[] shape. */
  async function sdkError(
    p: Promise<unknown>,
    status: number
  ): Promise<{ reason: string; field?: string }[]> {
    const err = (await rejection(p)) as { response?: { status: number; data: { errors: [] } } };
    expect(err.response?.status).toBe(status);
    expect(shapeProblems(linodeShapes.error, err.response?.data)).toEqual([]);
    return err.response?.data.errors ?? [];
  }

  test('401 Invalid Token for a dead bearer', async () => {
    restore();
    restore = useLinodeSdk(sim, 'dead-0123456789');
    expect(await sdkError(linode.getPersonalAccessTokens(), 401)).toEqual([{ reason: 'Invalid Token' }]);
    await expect(clientFor('linode', sim, 'dead-0123456789').provider.list()).rejects.toThrow(
      /^Linode: listing tokens failed with HTTP 401 \(Invalid Token\)\. Check that provider-token holds a live Linode personal access token with the account:read_write scope/
    );
  });

  test('401 also for a missing OAuth scope (§0.9)', async () => {
    const narrow = sim.issueToken({ scopes: 'linodes:read_only' }).value;
    restore();
    restore = useLinodeSdk(sim, narrow);
    expect(await sdkError(linode.getPersonalAccessTokens(), 401)).toEqual([{ reason: 'Unauthorized' }]);
  });

  test('404 Not found; our revoke calls it already gone', async () => {
    expect(await sdkError(linode.getPersonalAccessToken(999_999), 404)).toEqual([{ reason: 'Not found' }]);
    await expect(clientFor('linode', sim, admin).provider.revoke('999999')).resolves.toBe('already-gone');
  });

  test('400 with a field: page_size out of 25..500; scopes beyond the acting token', async () => {
    expect(await sdkError(linode.getPersonalAccessTokens({ page_size: 10 }), 400)).toEqual([
      { field: 'page_size', reason: 'Must be 25-500' }
    ]);
    const narrow = sim.issueToken({ scopes: 'account:read_write' }).value;
    restore();
    restore = useLinodeSdk(sim, narrow);
    const errors = await sdkError(
      linode.createPersonalAccessToken({ label: 'ci', scopes: 'linodes:read_write' }),
      400
    );
    expect(errors).toEqual([
      { field: 'scopes', reason: 'Scopes may not exceed the scopes of the acting token' }
    ]);
    await expect(
      clientFor('linode', sim, narrow).provider.create({ ...create, scopes: 'linodes:read_write' })
    ).rejects.toThrow(
      /^Linode: creating a token failed with HTTP 400 \(scopes: Scopes may not exceed the scopes of the acting token\)\. The new token's scopes may not exceed provider-token's/
    );
  });

  test('429 with Retry-After', async () => {
    sim.rateLimit = { ...sim.rateLimit, limit: 0 };
    const err = (await rejection(linode.getPersonalAccessTokens())) as {
      response: { status: number; headers: Record<string, string>; data: unknown };
    };
    expect(err.response.status).toBe(429);
    expect(Number(err.response.headers['retry-after'])).toBeGreaterThan(0);
    expect(shapeProblems(linodeShapes.error, err.response.data)).toEqual([]);
    const ours = clientFor('linode', sim, admin);
    await expect(ours.provider.list()).rejects.toThrow(
      /^Linode: listing tokens failed with HTTP 429 \(.+\)\. The provider is rate limiting; try again later\.$/
    );
    expect(ours.sleeps.length).toBeGreaterThan(0);
  });
});
