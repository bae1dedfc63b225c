import https from 'node:https';
import net from 'node:net';
import { WorkspaceClient } from '@databricks/sdk-experimental';
import * as linodeApi from '@linode/api-v4';
import * as linodeValidation from '@linode/validation';
import { Vercel } from '@vercel/sdk';
import { CreateAuthTokenRequestBody$outboundSchema } from '@vercel/sdk/models/createauthtokenop.js';
import {
  startDatabricksSim,
  startLinodeSim,
  startVercelSim,
  type DatabricksSim,
  type LinodeSim,
  type VercelSim
} from '../sim/index.js';
import { startWorld } from './helpers/world.js';

// @linode's type declarations re-export without file extensions, which NodeNext resolution
// cannot follow: describe the few functions used here.
interface LinodeToken {
  id: number;
  label: string;
  expiry: string | null;
  token?: string;
}
const {
  baseRequest,
  setToken,
  createPersonalAccessToken,
  getPersonalAccessTokens,
  getPersonalAccessToken,
  deletePersonalAccessToken
} = linodeApi as unknown as {
  baseRequest: typeof import('axios').default;
  setToken(token: string): number;
  createPersonalAccessToken(data: { label: string; expiry: string; scopes: string }): Promise<LinodeToken>;
  getPersonalAccessTokens(): Promise<{ data: LinodeToken[] }>;
  getPersonalAccessToken(id: number): Promise<LinodeToken>;
  deletePersonalAccessToken(id: number): Promise<unknown>;
};
const { createPersonalAccessTokenSchema } = linodeValidation as unknown as {
  createPersonalAccessTokenSchema: {
    validate(value: unknown, options: { strict: boolean }): Promise<unknown>;
  };
};

/**
 * The providers' own SDKs, pointed at our simulators: if a simulator's answer drifts from what
 * the real service sends, the SDK's parsing or types say so. And our action's requests, checked
 * against the request schemas the SDKs ship.
 */
const DAY = 86_400_000;

describe('@vercel/sdk against the Vercel simulator', () => {
  let sim: VercelSim;
  let sdk: Vercel;
  beforeEach(async () => {
    sim = await startVercelSim();
    sdk = new Vercel({ bearerToken: sim.issueToken({ name: 'admin' }).value, serverURL: sim.url });
  });
  afterEach(() => sim.close());

  test('create, get current, list, delete: the SDK validates every answer', async () => {
    const created = await sdk.authentication.createAuthToken({
      requestBody: { name: 'ci', expiresAt: Date.now() + DAY }
    });
    expect(sim.isLive(created.bearerToken)).toBe(true);
    expect(created.token).toMatchObject({ name: 'ci', type: 'oauth2-token' });
    const current = await new Vercel({
      bearerToken: created.bearerToken,
      serverURL: sim.url
    }).authentication.getAuthToken({ tokenId: 'current' });
    expect(current.token.id).toBe(created.token.id);
    const listed = await sdk.authentication.listAuthTokens({});
    expect(listed.tokens.map((t) => t.id)).toContain(created.token.id);
    expect((await sdk.authentication.deleteAuthToken({ tokenId: created.token.id })).tokenId).toBe(
      created.token.id
    );
    expect(sim.isLive(created.bearerToken)).toBe(false);
  });

  test('errors: 404 for an unknown token, 403 invalidToken for a dead bearer', async () => {
    await expect(sdk.authentication.deleteAuthToken({ tokenId: 'tok_unknown' })).rejects.toMatchObject({
      statusCode: 404
    });
    const dead = new Vercel({ bearerToken: 'dead-token-0123456789', serverURL: sim.url });
    const err = (await dead.authentication.getAuthToken({ tokenId: 'current' }).catch((e: unknown) => e)) as {
      statusCode: number;
      body: string;
    };
    expect(err.statusCode).toBe(403);
    expect(JSON.parse(err.body)).toEqual({
      error: { code: 'forbidden', message: 'Not authorized', invalidToken: true }
    });
  });

  test("our action's create body is what the SDK's request model sends", async () => {
    const world = await startWorld('vercel');
    try {
      await world.run();
      const body = world.sim.requests.find((r) => r.method === 'POST')?.body;
      const parsed = CreateAuthTokenRequestBody$outboundSchema.safeParse(body);
      expect(parsed.success).toBe(true);
      // Nothing we send is unknown to the model (a misspelt key would be stripped here).
      expect(parsed.data).toEqual(body);
    } finally {
      await world.close();
    }
  });
});

describe('@databricks/sdk-experimental against the Databricks simulator', () => {
  let sim: DatabricksSim;
  let workspace: WorkspaceClient;
  beforeEach(async () => {
    sim = await startDatabricksSim();
    // The SDK calls https://<host> with no port; this agent hands it a plain socket to the simulator.
    const agent = new https.Agent();
    const port = Number(new URL(sim.url).port);
    (agent as unknown as { createConnection: () => net.Socket }).createConnection = () =>
      net.connect(port, '127.0.0.1');
    workspace = new WorkspaceClient(
      {
        host: 'https://dbc-test.cloud.databricks.com',
        token: sim.issueToken({ name: 'admin' }).value,
        authType: 'pat'
      },
      { agent }
    );
  });
  afterEach(() => sim.close());

  test('create, list, delete', async () => {
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
  let interceptor: number;
  let auth: number;
  beforeEach(async () => {
    sim = await startLinodeSim();
    // The client builds https://api.linode.com/v4/… URLs: send them to the simulator.
    interceptor = baseRequest.interceptors.request.use((config) => ({
      ...config,
      url: config.url?.replace('https://api.linode.com/v4', `${sim.url}/v4`)
    }));
    // setToken adds an interceptor each time; each test removes its own.
    auth = setToken(sim.issueToken({ name: 'admin' }).value);
  });
  afterEach(async () => {
    baseRequest.interceptors.request.eject(interceptor);
    baseRequest.interceptors.request.eject(auth);
    await sim.close();
  });

  test('create, list, get, delete', async () => {
    const expiry = new Date(Date.now() + DAY).toISOString().slice(0, 19);
    const created = await createPersonalAccessToken({ label: 'ci', expiry, scopes: '*' });
    expect(sim.isLive(created.token ?? '')).toBe(true);
    expect(created).toMatchObject({ label: 'ci', expiry });
    expect((await getPersonalAccessTokens()).data.map((t) => t.id)).toContain(created.id);
    expect((await getPersonalAccessToken(created.id)).token).toBe(created.token?.slice(0, 16));
    expect(await deletePersonalAccessToken(created.id)).toEqual({});
    expect(sim.isLive(created.token ?? '')).toBe(false);
  });

  test('errors: 404 Not found; 401 Invalid Token', async () => {
    const bodyOf = (e: unknown) => (e as { response?: { status: number; data: unknown } }).response;
    expect(bodyOf(await getPersonalAccessToken(999_999).catch((e: unknown) => e))).toMatchObject({
      status: 404,
      data: { errors: [{ reason: 'Not found' }] }
    });
    baseRequest.interceptors.request.eject(auth);
    auth = setToken('dead-token-0123456789');
    expect(bodyOf(await getPersonalAccessTokens().catch((e: unknown) => e))).toMatchObject({
      status: 401,
      data: { errors: [{ reason: 'Invalid Token' }] }
    });
  });

  test("our action's create body passes @linode/validation's schema", async () => {
    const world = await startWorld('linode');
    try {
      await world.run({ scopes: 'account:read_write' });
      const body = world.sim.requests.find((r) => r.method === 'POST')?.body as Record<string, unknown>;
      await expect(createPersonalAccessTokenSchema.validate(body, { strict: true })).resolves.toEqual(body);
      expect(Object.keys(body).sort()).toEqual(['expiry', 'label', 'scopes']);
    } finally {
      await world.close();
    }
  });
});
