import { createHash } from 'node:crypto';
import { startDatabricksSim, type DatabricksSim } from '../sim/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read loosely typed JSON bodies
type Json = any;

async function call(base: string, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as Json };
}

const T0 = Date.UTC(2026, 0, 1);
const DAY_MS = 86_400_000;

describe('Databricks simulator', () => {
  let sim: DatabricksSim;
  let clock: number;
  let token: string;
  beforeEach(async () => {
    clock = T0;
    sim = await startDatabricksSim({ now: () => clock });
    token = sim.issueToken({ name: 'seed' }).value;
  });
  afterEach(() => sim.close());

  it('rejects bad bearers with 403, a numeric error_code and the reason phrase header', async () => {
    for (const bearer of [undefined, 'dapi0000']) {
      const r = await call(sim.url, 'GET', '/api/2.0/token/list', bearer);
      expect(r.status).toBe(403);
      expect(r.body).toEqual({ error_code: 403, message: 'Invalid access token.' });
      expect(r.headers.get('x-databricks-reason-phrase')).toBe('Invalid access token.');
    }
  });

  it('create → list → delete; token_id is the SHA-256 of the value', async () => {
    const r = await call(sim.url, 'POST', '/api/2.0/token/create', token, {
      lifetime_seconds: 3600,
      comment: 'ci'
    });
    expect(r.status).toBe(200);
    const { token_value: value, token_info: info } = r.body;
    expect(value).toMatch(/^dapi[0-9a-f]{32}$/);
    expect(info).toEqual({
      token_id: createHash('sha256').update(value).digest('hex'),
      comment: 'ci',
      creation_time: T0,
      expiry_time: T0 + 3_600_000
    });
    const list = await call(sim.url, 'GET', '/api/2.0/token/list', value);
    expect(list.body.token_infos.map((t: { comment: string }) => t.comment)).toEqual(['seed', 'ci']);
    expect(list.body.token_infos[0].expiry_time).toBe(-1);
    expect(JSON.stringify(list.body)).not.toContain(value);

    expect(
      await call(sim.url, 'POST', '/api/2.0/token/delete', token, { token_id: info.token_id })
    ).toMatchObject({
      status: 200,
      body: {}
    });
    expect(sim.isLive(value)).toBe(false);
    expect((await call(sim.url, 'GET', '/api/2.0/token/list', value)).status).toBe(403);
  });

  it('defaults to a 2-year lifetime and enforces maxLifetimeSeconds', async () => {
    const r = await call(sim.url, 'POST', '/api/2.0/token/create', token, { comment: 'default' });
    expect(r.body.token_info.expiry_time).toBe(T0 + 730 * DAY_MS);
    sim.maxLifetimeSeconds = 7 * 86_400;
    const over = await call(sim.url, 'POST', '/api/2.0/token/create', token, {
      lifetime_seconds: 8 * 86_400
    });
    expect(over.status).toBe(400);
    expect(over.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(
      (await call(sim.url, 'POST', '/api/2.0/token/create', token, { lifetime_seconds: -5 })).status
    ).toBe(400);
  });

  it('lists only unexpired tokens and expired ones stop authenticating', async () => {
    const r = await call(sim.url, 'POST', '/api/2.0/token/create', token, {
      lifetime_seconds: 60,
      comment: 'short'
    });
    clock = T0 + 60_000;
    const list = await call(sim.url, 'GET', '/api/2.0/token/list', token);
    expect(list.body.token_infos.map((t: { comment: string }) => t.comment)).toEqual(['seed']);
    expect((await call(sim.url, 'GET', '/api/2.0/token/list', r.body.token_value)).status).toBe(403);
    const del = await call(sim.url, 'POST', '/api/2.0/token/delete', token, {
      token_id: r.body.token_info.token_id
    });
    expect(del.status).toBe(404);
  });

  it('delete of an unknown id → 404 RESOURCE_DOES_NOT_EXIST', async () => {
    expect(await call(sim.url, 'POST', '/api/2.0/token/delete', token, { token_id: 'abc' })).toEqual(
      expect.objectContaining({
        status: 404,
        body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'No valid token with ID abc found.' }
      })
    );
  });

  it('enforces the live-token quota with a configurable status', async () => {
    sim.quota = 3;
    for (let i = 0; i < 2; i++)
      expect((await call(sim.url, 'POST', '/api/2.0/token/create', token, { comment: `${i}` })).status).toBe(
        200
      );
    const full = await call(sim.url, 'POST', '/api/2.0/token/create', token, {});
    expect(full).toMatchObject({
      status: 400,
      body: { error_code: 'QUOTA_EXCEEDED', message: 'Cannot create more than 3 tokens.' }
    });
    sim.quotaStatus = 403;
    expect((await call(sim.url, 'POST', '/api/2.0/token/create', token, {})).status).toBe(403);
    sim.revokeToken(sim.liveTokens()[1]!.id);
    expect((await call(sim.url, 'POST', '/api/2.0/token/create', token, {})).status).toBe(200);
  });

  it('SCIM Me answers the user', async () => {
    const r = await call(sim.url, 'GET', '/api/2.0/preview/scim/v2/Me', token);
    expect(r.body).toMatchObject({ userName: 'sim-user@example.com', id: '4242424242424242' });
  });

  it('a 429 fault carries Retry-After', async () => {
    sim.fault({ status: 429 });
    const r = await call(sim.url, 'GET', '/api/2.0/token/list', token);
    expect(r).toMatchObject({ status: 429, body: { error_code: 'REQUEST_LIMIT_EXCEEDED' } });
    expect(r.headers.get('retry-after')).toBe('60');
  });
});
