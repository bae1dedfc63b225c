import { readFileSync } from 'node:fs';
import * as linodeValidation from '@linode/validation';
import { CreateAuthTokenRequestBody$outboundSchema } from '@vercel/sdk/models/createauthtokenop.js';
import type { ProviderName } from '../src/providers/index.js';
import {
  startDatabricksSim,
  startLinodeSim,
  startVercelSim,
  type DatabricksSim,
  type LinodeSim,
  type ProviderSim,
  type VercelSim
} from '../sim/index.js';
import {
  answerProblems,
  databricksSdk,
  databricksShapes,
  endpointOf,
  linode,
  shapeProblems,
  useLinodeSdk,
  vercelSdk
} from './helpers/contracts-providers.js';
import { kitOf } from './helpers/kit/index.js';
import { startProviderSim } from './helpers/providers.js';
import { startWorld } from './helpers/world.js';

const { createPersonalAccessTokenSchema } = linodeValidation as unknown as {
  createPersonalAccessTokenSchema: {
    validate(value: unknown, options: { strict: boolean }): Promise<unknown>;
  };
};

/**
 * The providers' own SDKs, pointed at our simulators: if a simulator's answer drifts from what
 * the real service sends, the SDK's parsing or types say so. And our action's requests: the same
 * endpoints and methods the SDK uses, with bodies its request models (or schemas) accept.
 */
const DAY = 86_400_000;

describe('@vercel/sdk against the Vercel simulator', () => {
  let sim: VercelSim;
  let admin: string;
  beforeEach(async () => {
    sim = await startVercelSim();
    admin = sim.issueToken({ name: 'admin' }).value;
  });
  afterEach(() => sim.close());

  test('create, get current, list, delete: the SDK validates every answer', async () => {
    const sdk = vercelSdk(sim, admin);
    const created = await sdk.authentication.createAuthToken({
      requestBody: { name: 'ci', expiresAt: Date.now() + DAY }
    });
    expect(sim.isLive(created.bearerToken)).toBe(true);
    expect(created.token).toMatchObject({ name: 'ci', type: 'oauth2-token' });
    const current = await vercelSdk(sim, created.bearerToken).authentication.getAuthToken({
      tokenId: 'current'
    });
    expect(current.token.id).toBe(created.token.id);
    const listed = await sdk.authentication.listAuthTokens({});
    expect(listed.tokens.map((t) => t.id)).toContain(created.token.id);
    expect((await sdk.authentication.deleteAuthToken({ tokenId: created.token.id })).tokenId).toBe(
      created.token.id
    );
    expect(sim.isLive(created.bearerToken)).toBe(false);
  });

  test('errors: 404 for an unknown token, 403 invalidToken for a dead bearer', async () => {
    await expect(
      vercelSdk(sim, admin).authentication.deleteAuthToken({ tokenId: 'tok_unknown' })
    ).rejects.toMatchObject({ statusCode: 404 });
    const err = (await vercelSdk(sim, 'dead-token-0123456789')
      .authentication.getAuthToken({ tokenId: 'current' })
      .catch((e: unknown) => e)) as { statusCode: number; body: string };
    expect(err.statusCode).toBe(403);
    expect(JSON.parse(err.body)).toEqual({
      error: { code: 'forbidden', message: 'Not authorized', invalidToken: true }
    });
  });
});

describe('@databricks/sdk-experimental against the Databricks simulator', () => {
  let sim: DatabricksSim;
  let admin: string;
  beforeEach(async () => {
    sim = await startDatabricksSim();
    admin = sim.issueToken({ name: 'admin' }).value;
  });
  afterEach(() => sim.close());

  test('create, list, delete', async () => {
    const workspace = databricksSdk(sim, admin);
    const created = await workspace.tokens.create({ comment: 'ci', lifetime_seconds: 3600 });
    expect(sim.isLive(created.token_value ?? '')).toBe(true);
    expect(created.token_info?.comment).toBe('ci');
    const listed = [];
    for await (const t of workspace.tokens.list()) listed.push(t.token_id);
    expect(listed).toContain(created.token_info?.token_id);
    await workspace.tokens.delete({ token_id: created.token_info?.token_id ?? '' });
    expect(sim.isLive(created.token_value ?? '')).toBe(false);
  });

  test("errors parse as the SDK's ApiError: RESOURCE_DOES_NOT_EXIST, QUOTA_EXCEEDED", async () => {
    const workspace = databricksSdk(sim, admin);
    await expect(workspace.tokens.delete({ token_id: 'unknown' })).rejects.toMatchObject({
      errorCode: 'RESOURCE_DOES_NOT_EXIST',
      statusCode: 404,
      message: 'No valid token with ID unknown found.'
    });
    sim.quota = 1;
    await expect(workspace.tokens.create({ comment: 'ci' })).rejects.toMatchObject({
      errorCode: 'QUOTA_EXCEEDED'
    });
  });
});

describe('@linode/api-v4 against the Linode simulator', () => {
  let sim: LinodeSim;
  let restore: () => void;
  beforeEach(async () => {
    sim = await startLinodeSim();
    restore = useLinodeSdk(sim, sim.issueToken({ name: 'admin' }).value);
  });
  afterEach(async () => {
    restore();
    await sim.close();
  });

  test('create, list, get, delete', async () => {
    const expiry = new Date(Date.now() + DAY).toISOString().slice(0, 19);
    const created = await linode.createPersonalAccessToken({ label: 'ci', expiry, scopes: '*' });
    expect(sim.isLive(created.token ?? '')).toBe(true);
    expect(created).toMatchObject({ label: 'ci', expiry });
    expect((await linode.getPersonalAccessTokens()).data.map((t) => t.id)).toContain(created.id);
    expect((await linode.getPersonalAccessToken(created.id)).token).toBe(created.token?.slice(0, 16));
    expect(await linode.deletePersonalAccessToken(created.id)).toEqual({});
    expect(sim.isLive(created.token ?? '')).toBe(false);
  });

  test('errors: 404 Not found; 401 Invalid Token', async () => {
    const bodyOf = (e: unknown) => (e as { response?: { status: number; data: unknown } }).response;
    expect(bodyOf(await linode.getPersonalAccessToken(999_999).catch((e: unknown) => e))).toMatchObject({
      status: 404,
      data: { errors: [{ reason: 'Not found' }] }
    });
    restore();
    restore = useLinodeSdk(sim, 'dead-token-0123456789');
    expect(bodyOf(await linode.getPersonalAccessTokens().catch((e: unknown) => e))).toMatchObject({
      status: 401,
      data: { errors: [{ reason: 'Invalid Token' }] }
    });
  });
});

/** What the action does with a provider, done once by the provider's SDK: mint, verify, list, revoke. */
/** The first three providers' SDK sessions; each later provider has its own contracts.<name>.test.ts. */
const sdkSessions: Partial<Record<ProviderName, (sim: ProviderSim, admin: string) => Promise<void>>> = {
  async vercel(sim, admin) {
    const sdk = vercelSdk(sim as VercelSim, admin);
    const created = await sdk.authentication.createAuthToken({
      requestBody: { name: 'ci', expiresAt: Date.now() + DAY }
    });
    await vercelSdk(sim as VercelSim, created.bearerToken).authentication.getAuthToken({
      tokenId: 'current'
    });
    await sdk.authentication.listAuthTokens();
    await sdk.authentication.deleteAuthToken({ tokenId: created.token.id });
  },
  async databricks(sim, admin) {
    const workspace = databricksSdk(sim as DatabricksSim, admin);
    const created = await workspace.tokens.create({ comment: 'ci', lifetime_seconds: 3600 });
    for await (const _ of workspace.tokens.list()) void _;
    await workspace.tokens.delete({ token_id: created.token_info?.token_id ?? '' });
  },
  async linode(sim, admin) {
    const restore = useLinodeSdk(sim as LinodeSim, admin);
    try {
      const created = await linode.createPersonalAccessToken({ label: 'ci', scopes: '*' });
      await linode.getPersonalAccessTokens({ page: 1, page_size: 100 });
      await linode.getProfile();
      await linode.deletePersonalAccessToken(created.id);
    } finally {
      restore();
    }
  }
};

/** Each request body the action sends, checked against what the provider's SDK would send. */
const bodyChecks: Record<string, (body: unknown) => Promise<void>> = {
  'POST /v3/user/tokens': async (body) => {
    const parsed = CreateAuthTokenRequestBody$outboundSchema.safeParse(body);
    expect(parsed.success).toBe(true);
    // Nothing we send is unknown to the model (a misspelt key would be stripped here).
    expect(parsed.data).toEqual(body);
  },
  'POST /api/2.0/token/create': async (body) =>
    expect(shapeProblems(databricksShapes.createRequest, body)).toEqual([]),
  'POST /api/2.0/token/delete': async (body) =>
    expect(shapeProblems(databricksShapes.revokeRequest, body)).toEqual([]),
  'POST /v4/profile/tokens': async (body) => {
    await expect(createPersonalAccessTokenSchema.validate(body, { strict: true })).resolves.toEqual(body);
    expect(Object.keys(body as object).sort()).toEqual(['expiry', 'label', 'scopes']);
  }
};

describe("the action's provider requests are the official SDK's", () => {
  test.each(Object.keys(sdkSessions) as ProviderName[])(
    '%s: every endpoint the action calls, the SDK calls with the same method; bodies and answers as its models have them',
    async (name) => {
      const sim = await startProviderSim(name);
      const world = await startWorld(name);
      try {
        await sdkSessions[name]?.(sim, sim.issueToken({ name: 'admin' }).value);
        const sdkEndpoints = new Set(sim.requests.map(endpointOf));

        // A bootstrap and a scheduled run: check, create, verify, write, revoke the replaced token.
        const plan = kitOf(name).plan ?? {};
        expect((await world.run(plan)).errors).toEqual([]);
        expect((await world.run(plan)).outcome).toBe('rotated');
        const sent = world.sim.requests;
        expect(sent.some((r) => r.method === 'DELETE' || r.pathname.endsWith('/delete'))).toBe(true);

        expect([...new Set(sent.map(endpointOf))].filter((e) => !sdkEndpoints.has(e))).toEqual([]);
        const withBody = sent.filter((r) => r.body !== undefined);
        expect(withBody.length).toBeGreaterThan(0);
        for (const r of withBody) {
          const check = bodyChecks[endpointOf(r)];
          expect({ endpoint: endpointOf(r), checked: check !== undefined }).toEqual({
            endpoint: endpointOf(r),
            checked: true
          });
          await check?.(r.body);
        }
        // And every answer it got is one the SDK's models describe.
        expect(
          sent.map((r) => ({
            endpoint: endpointOf(r),
            status: r.status,
            problems: answerProblems(r)
          }))
        ).toEqual(sent.map((r) => ({ endpoint: endpointOf(r), status: r.status, problems: [] })));
      } finally {
        await Promise.all([sim.close(), world.close()]);
      }
    }
  );
});

describe('the official clients stay out of the action', () => {
  const OFFICIAL = [
    '@vercel/sdk',
    '@databricks/sdk-experimental',
    '@linode/api-v4',
    '@linode/validation',
    '@octokit/rest',
    '@octokit/openapi',
    'ajv',
    'ajv-formats'
  ];
  test('dev dependencies only, and in neither bundle (ncc lists every bundled package in licenses.txt)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(OFFICIAL.filter((name) => name in pkg.dependencies)).toEqual([]);
    expect(OFFICIAL.filter((name) => name !== '@octokit/openapi' && !(name in pkg.devDependencies))).toEqual(
      []
    );
    for (const licenses of ['../dist/licenses.txt', '../dist/cli/licenses.txt']) {
      const lines = new Set(readFileSync(new URL(licenses, import.meta.url), 'utf8').split('\n'));
      expect(lines.has('@actions/github')).toBe(true);
      expect(OFFICIAL.filter((name) => lines.has(name))).toEqual([]);
    }
  });
});
