import { startLinodeSim, type LinodeSim } from '../sim/index.js';

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

describe('Linode simulator', () => {
  let sim: LinodeSim;
  let clock: number;
  let token: string;
  beforeEach(async () => {
    clock = T0;
    sim = await startLinodeSim({ now: () => clock });
    token = sim.issueToken({ name: 'seed' }).value;
  });
  afterEach(() => sim.close());

  it('rejects bad bearers with 401 Invalid Token', async () => {
    for (const bearer of [undefined, 'f'.repeat(64)])
      expect(await call(sim.url, 'GET', '/v4/profile', bearer)).toMatchObject({
        status: 401,
        body: { errors: [{ reason: 'Invalid Token' }] }
      });
  });

  it('create (200, full token) → get (16 chars) → delete (200 {}) → bearer dead', async () => {
    const r = await call(sim.url, 'POST', '/v4/profile/tokens', token, {
      label: 'ci',
      expiry: '2026-01-02T00:00:00',
      scopes: 'account:read_write'
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      id: expect.any(Number),
      label: 'ci',
      scopes: 'account:read_write',
      created: '2026-01-01T00:00:00',
      expiry: '2026-01-02T00:00:00',
      token: expect.stringMatching(/^[0-9a-f]{64}$/)
    });
    const value: string = r.body.token;
    expect(sim.tokens()[1]).toMatchObject({ id: String(r.body.id), expiresAt: T0 + 86_400_000 });
    const got = await call(sim.url, 'GET', `/v4/profile/tokens/${r.body.id}`, value);
    expect(got.body.token).toBe(value.slice(0, 16));
    expect(got.headers.get('x-oauth-scopes')).toBe('account:read_write');
    expect(await call(sim.url, 'DELETE', `/v4/profile/tokens/${r.body.id}`, token)).toMatchObject({
      status: 200,
      body: {}
    });
    expect(sim.isLive(value)).toBe(false);
    expect((await call(sim.url, 'GET', '/v4/profile', value)).status).toBe(401);
    expect(await call(sim.url, 'DELETE', `/v4/profile/tokens/${r.body.id}`, token)).toMatchObject({
      status: 404,
      body: { errors: [{ reason: 'Not found' }] }
    });
    expect((await call(sim.url, 'GET', '/v4/profile/tokens/abc', token)).status).toBe(404);
  });

  it('validates label and expiry', async () => {
    const post = (body: unknown) => call(sim.url, 'POST', '/v4/profile/tokens', token, body);
    expect((await post({})).body).toEqual({
      errors: [{ field: 'label', reason: 'Length must be 1-100 characters' }]
    });
    expect((await post({ label: 'x'.repeat(101) })).status).toBe(400);
    const past = await post({ label: 'x', expiry: '2025-12-31T23:59:59' });
    expect(past.status).toBe(400);
    expect(past.body.errors[0].field).toBe('expiry');
    expect((await post({ label: 'x', expiry: 'tomorrow' })).body.errors[0].field).toBe('expiry');
    expect((await post({ label: 'x', expiry: null })).body.expiry).toBeNull();
  });

  it('expiry kills the token and hides it from the list', async () => {
    const r = await call(sim.url, 'POST', '/v4/profile/tokens', token, {
      label: 'short',
      expiry: '2026-01-01T00:01:00'
    });
    clock = T0 + 60_000;
    expect((await call(sim.url, 'GET', '/v4/profile', r.body.token)).status).toBe(401);
    const list = await call(sim.url, 'GET', '/v4/profile/tokens', token);
    expect(list.body.data.map((t: { label: string }) => t.label)).toEqual(['seed']);
  });

  it('scope rules: account:read_write to create, 401 otherwise; no escalation', async () => {
    const ro = sim.issueToken({ name: 'ro', scopes: 'account:read_only linodes:read_write' }).value;
    const rw = sim.issueToken({ name: 'rw', scopes: 'account:read_write linodes:read_only' }).value;
    const none = sim.issueToken({ name: 'none', scopes: 'linodes:read_write' }).value;
    expect(await call(sim.url, 'POST', '/v4/profile/tokens', ro, { label: 'x' })).toMatchObject({
      status: 401,
      body: { errors: [{ reason: 'Unauthorized' }] }
    });
    expect((await call(sim.url, 'GET', '/v4/profile/tokens', ro)).status).toBe(200);
    expect((await call(sim.url, 'GET', '/v4/profile/tokens', none)).status).toBe(401);
    expect((await call(sim.url, 'GET', '/v4/profile', none)).status).toBe(200);

    const same = await call(sim.url, 'POST', '/v4/profile/tokens', rw, { label: 'same', scopes: '*' });
    expect(same.body.scopes).toBe('account:read_write linodes:read_only');
    const omitted = await call(sim.url, 'POST', '/v4/profile/tokens', rw, { label: 'omitted' });
    expect(omitted.body.scopes).toBe('account:read_write linodes:read_only');
    const narrower = await call(sim.url, 'POST', '/v4/profile/tokens', rw, {
      label: 'n',
      scopes: 'account:read_only'
    });
    expect(narrower.body.scopes).toBe('account:read_only');
    const wider = await call(sim.url, 'POST', '/v4/profile/tokens', rw, {
      label: 'w',
      scopes: 'linodes:read_write'
    });
    expect(wider.status).toBe(400);
    expect(wider.body.errors[0].field).toBe('scopes');
    expect(
      (await call(sim.url, 'POST', '/v4/profile/tokens', rw, { label: 'w', scopes: 'bogus' })).status
    ).toBe(400);
  });

  it('paginates with page/page_size (25..500), incl. page_size 400', async () => {
    for (let i = 1; i < 450; i++) sim.issueToken({ name: `t${i}` });
    const first = await call(sim.url, 'GET', '/v4/profile/tokens?page_size=400', token);
    expect(first.body).toMatchObject({ page: 1, pages: 2, results: 450 });
    expect(first.body.data).toHaveLength(400);
    expect(first.body.data[0]).toMatchObject({
      label: 'seed',
      token: expect.stringMatching(/^[0-9a-f]{16}$/)
    });
    const second = await call(sim.url, 'GET', '/v4/profile/tokens?page=2&page_size=400', token);
    expect(second.body.data).toHaveLength(50);
    expect(second.body.data[49].label).toBe('t449');
    const dflt = await call(sim.url, 'GET', '/v4/profile/tokens', token);
    expect(dflt.body).toMatchObject({ page: 1, pages: 5, results: 450 });
    expect(dflt.body.data).toHaveLength(100);
    for (const size of ['24', '501', 'x'])
      expect(await call(sim.url, 'GET', `/v4/profile/tokens?page_size=${size}`, token)).toMatchObject({
        status: 400,
        body: { errors: [{ field: 'page_size', reason: 'Must be 25-500' }] }
      });
  });

  it('sends Retry-After and X-RateLimit headers on a 200', async () => {
    const r = await call(sim.url, 'GET', '/v4/profile', token);
    expect(r.status).toBe(200);
    expect(r.headers.get('retry-after')).toBe('120');
    expect(r.headers.get('x-ratelimit-limit')).toBe('800');
    expect(r.headers.get('x-ratelimit-remaining')).toBe('799');
    expect(r.headers.get('x-ratelimit-reset')).toBe(String((T0 + 120_000) / 1000));
    expect(r.headers.get('x-oauth-scopes')).toBe('*');
  });
});
