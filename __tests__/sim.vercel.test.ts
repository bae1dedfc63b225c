import { startVercelSim, type VercelSim } from '../sim/index.js';

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
const INVALID = { error: { code: 'forbidden', message: 'Not authorized', invalidToken: true } };

describe('Vercel simulator', () => {
  let sim: VercelSim;
  let clock: number;
  let token: string;
  beforeEach(async () => {
    clock = T0;
    sim = await startVercelSim({ now: () => clock });
    token = sim.issueToken({ name: 'seed' }).value;
  });
  afterEach(() => sim.close());

  it('rejects missing, unknown, expired and revoked bearers with 403 invalidToken', async () => {
    expect(await call(sim.url, 'GET', '/v5/user/tokens/current')).toMatchObject({
      status: 403,
      body: INVALID
    });
    expect(await call(sim.url, 'GET', '/v5/user/tokens/current', 'vcp_nope')).toMatchObject({
      status: 403,
      body: INVALID
    });
    const short = sim.issueToken({ name: 'short', expiresAt: T0 + 1000 });
    expect((await call(sim.url, 'GET', '/v5/user/tokens/current', short.value)).status).toBe(200);
    clock = T0 + 1000;
    expect(sim.isLive(short.id)).toBe(false);
    expect(await call(sim.url, 'GET', '/v5/user/tokens/current', short.value)).toMatchObject({
      status: 403,
      body: INVALID
    });
  });

  it('create → get → list → revoke; the new token works and dies', async () => {
    const created = await call(sim.url, 'POST', '/v3/user/tokens', token, {
      name: 'ci',
      expiresAt: T0 + 86_400_000
    });
    expect(created.status).toBe(200);
    const { token: info, bearerToken } = created.body;
    expect(bearerToken).toMatch(/^vcp_[A-Za-z0-9]{24}$/);
    expect(info).toEqual({
      id: expect.stringMatching(/^tok_[0-9a-f]{24}$/),
      name: 'ci',
      type: 'oauth2-token',
      prefix: 'vcp_',
      suffix: bearerToken.slice(-6),
      origin: 'manual',
      scopes: [{ type: 'user', origin: 'manual', createdAt: info.createdAt, expiresAt: T0 + 86_400_000 }],
      createdAt: info.createdAt,
      activeAt: info.createdAt,
      expiresAt: T0 + 86_400_000
    });
    expect(sim.isLive(bearerToken)).toBe(true);

    const me = await call(sim.url, 'GET', '/v5/user/tokens/current', bearerToken);
    expect(me.body.token.id).toBe(info.id);
    expect(JSON.stringify(me.body)).not.toContain(bearerToken);
    const byId = await call(sim.url, 'GET', `/v5/user/tokens/${info.id}`, token);
    expect(byId.body.token.name).toBe('ci');

    const list = await call(sim.url, 'GET', '/v6/user/tokens', bearerToken);
    expect(list.body.tokens.map((t: { name: string }) => t.name)).toEqual(['ci', 'seed']);
    expect(JSON.stringify(list.body)).not.toContain(bearerToken);

    expect(await call(sim.url, 'DELETE', `/v3/user/tokens/${info.id}`, token)).toMatchObject({
      status: 200,
      body: { tokenId: info.id }
    });
    expect(sim.isLive(info.id)).toBe(false);
    expect(await call(sim.url, 'GET', '/v5/user/tokens/current', bearerToken)).toMatchObject({ status: 403 });
    expect(await call(sim.url, 'DELETE', `/v3/user/tokens/${info.id}`, token)).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found', message: 'Token not found with the requested `tokenId`.' } }
    });
  });

  it('DELETE /v3/user/tokens/current revokes the caller', async () => {
    const id = sim.tokens()[0]!.id;
    expect(await call(sim.url, 'DELETE', '/v3/user/tokens/current', token)).toMatchObject({
      status: 200,
      body: { tokenId: id }
    });
    expect(sim.isLive(token)).toBe(false);
  });

  it('validates the create body', async () => {
    const bad = async (body: unknown) => (await call(sim.url, 'POST', '/v3/user/tokens', token, body)).body;
    expect(await bad({})).toEqual({
      error: { code: 'bad_request', message: expect.stringContaining('name') }
    });
    expect((await bad({ name: 'x', teamId: 't' })).error.code).toBe('bad_request');
    expect((await bad({ name: 'x', expiresAt: T0 - 1 })).error.code).toBe('bad_request');
    expect((await bad({ name: 'x', expiresAt: 'tomorrow' })).error.code).toBe('bad_request');
    expect(sim.tokens()).toHaveLength(1);
  });

  it('records teamId/slug query parameters in the log', async () => {
    await call(sim.url, 'POST', '/v3/user/tokens?teamId=team_1', token, { name: 'x' });
    expect(sim.requests[0]!.path).toBe('/v3/user/tokens?teamId=team_1');
  });

  it('non-classic tokens cannot create tokens', async () => {
    const oauth = sim.issueToken({ name: 'login', kind: 'oauth' }).value;
    const team = sim.issueToken({ name: 'team', kind: 'team' }).value;
    expect(await call(sim.url, 'POST', '/v3/user/tokens', oauth, { name: 'x' })).toMatchObject({
      status: 403,
      body: {
        error: {
          code: 'forbidden',
          message: 'Only user authentication tokens can be used to create new tokens.'
        }
      }
    });
    const r = await call(sim.url, 'POST', '/v3/user/tokens', team, { name: 'x' });
    expect(r.status).toBe(403);
    expect(r.body.error.message).toMatch(/^To create a token you must be authenticated to scope "/);
    // a token created with projectId is project-scoped, so it cannot mint either
    const proj = await call(sim.url, 'POST', '/v3/user/tokens', token, { name: 'p', projectId: 'prj_1' });
    expect(
      (await call(sim.url, 'POST', '/v3/user/tokens', proj.body.bearerToken, { name: 'x' })).status
    ).toBe(403);
  });

  it('pages newest first with a numeric until cursor (v5 and v6)', async () => {
    for (let i = 1; i <= 44; i++) sim.issueToken({ name: `t${i}` });
    for (const version of ['v5', 'v6']) {
      const names: string[] = [];
      let until: number | null | undefined;
      let pages = 0;
      do {
        const q = `?limit=10${until ? `&until=${until}` : ''}`;
        const r = await call(sim.url, 'GET', `/${version}/user/tokens${q}`, token);
        expect(r.status).toBe(200);
        expect(r.body.pagination.count).toBe(r.body.tokens.length);
        names.push(...r.body.tokens.map((t: { name: string }) => t.name));
        until = r.body.pagination.next;
        pages++;
      } while (until !== null);
      expect(pages).toBe(5);
      expect(names).toHaveLength(45);
      expect(names[0]).toBe('t44');
      expect(names[44]).toBe('seed');
      expect(new Set(names).size).toBe(45);
    }
    expect((await call(sim.url, 'GET', '/v6/user/tokens?limit=101', token)).status).toBe(400);
    expect((await call(sim.url, 'GET', '/v6/user/tokens?limit=0', token)).status).toBe(400);
  });

  it('sends X-RateLimit headers', async () => {
    const r = await call(sim.url, 'GET', '/v5/user/tokens/current', token);
    expect(r.headers.get('x-ratelimit-limit')).toBe('1000');
    expect(r.headers.get('x-ratelimit-remaining')).toBe('999');
    expect(Number(r.headers.get('x-ratelimit-reset'))).toBe(Math.ceil((T0 + 60_000) / 1000));
  });

  it('a 429 fault carries error.limit', async () => {
    sim.fault({ status: 429 });
    const r = await call(sim.url, 'GET', '/v6/user/tokens', token);
    expect(r.status).toBe(429);
    expect(r.body.error).toMatchObject({ code: 'rate_limited', limit: { remaining: 0, total: 1000 } });
    expect(r.headers.get('x-ratelimit-remaining')).toBe('0');
  });
});
