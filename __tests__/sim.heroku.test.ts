import { startHerokuSim, type HerokuSim } from '../sim/heroku.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read loosely typed JSON bodies
type Json = any;

const ACCEPT = 'application/vnd.heroku+json; version=3';
const T0 = Date.UTC(2026, 0, 1);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Options {
  token?: string;
  basic?: string;
  body?: unknown;
  accept?: string | null;
  range?: string;
}

async function call(base: string, method: string, path: string, o: Options = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (o.accept !== null) headers.accept = o.accept ?? ACCEPT;
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.basic !== undefined) headers.authorization = `Basic ${Buffer.from(o.basic).toString('base64')}`;
  if (o.range) headers.range = o.range;
  const res = await fetch(base + path, {
    method,
    headers,
    body: o.body === undefined ? undefined : JSON.stringify(o.body)
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as Json };
}

describe('Heroku simulator', () => {
  let sim: HerokuSim;
  let clock: number;
  let token: string;
  beforeEach(async () => {
    clock = T0;
    sim = await startHerokuSim({ now: () => clock });
    token = sim.issueToken({ name: 'seed' }).value;
  });
  afterEach(() => sim.close());

  it('answers 406 not_acceptable without the versioned Accept, before anything else', async () => {
    for (const accept of [null, 'application/json', 'application/vnd.heroku+json; version=2']) {
      const r = await call(sim.url, 'POST', '/oauth/authorizations', {
        token,
        accept,
        body: { scope: ['global'] }
      });
      expect(r).toMatchObject({ status: 406, body: { id: 'not_acceptable' } });
    }
    expect(sim.liveTokens()).toHaveLength(1);
    expect((await call(sim.url, 'GET', '/account', { token })).status).toBe(200);
  });

  it('takes Bearer and Basic with the token as password; refuses others with 401 unauthorized', async () => {
    expect((await call(sim.url, 'GET', '/account', { token })).status).toBe(200);
    expect((await call(sim.url, 'GET', '/account', { basic: `:${token}` })).status).toBe(200);
    for (const o of [{}, { token: `HRKU-${'0'.repeat(8)}` }, { basic: token }, { basic: ':nope' }])
      expect(await call(sim.url, 'GET', '/account', o)).toMatchObject({
        status: 401,
        body: { id: 'unauthorized', message: 'Invalid credentials provided.' }
      });
  });

  it('create (201, token in full) → info (redacted) → delete (200, the object) → 404 not_found authorization', async () => {
    const r = await call(sim.url, 'POST', '/oauth/authorizations', {
      token,
      body: { scope: ['global'], expires_in: 3600, description: 'ci' }
    });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      id: expect.stringMatching(UUID),
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
      description: 'ci',
      scope: ['global'],
      access_token: {
        id: expect.stringMatching(UUID),
        token: expect.stringMatching(/^HRKU-[0-9a-f-]{36}$/),
        expires_in: 3600
      },
      refresh_token: null,
      grant: null,
      client: null,
      session: null,
      user: { id: sim.account.id, email: sim.account.email, full_name: sim.account.name }
    });
    const value: string = r.body.access_token.token;
    clock += 600_000;
    const info = await call(sim.url, 'GET', `/oauth/authorizations/${r.body.id}`, { token: value });
    expect(info.body.access_token).toMatchObject({
      token: `${value.slice(0, 9)}**********${value.slice(-4)}`,
      expires_in: 3000
    });
    const gone = await call(sim.url, 'DELETE', `/oauth/authorizations/${r.body.id}`, { token });
    expect(gone).toMatchObject({ status: 200, body: { id: r.body.id, description: 'ci' } });
    expect(sim.isLive(value)).toBe(false);
    expect(await call(sim.url, 'DELETE', `/oauth/authorizations/${r.body.id}`, { token })).toMatchObject({
      status: 404,
      body: { id: 'not_found', resource: 'authorization' }
    });
  });

  it('expires authorizations: expires_in counts down; past it the token is refused', async () => {
    const r = await call(sim.url, 'POST', '/oauth/authorizations', {
      token,
      body: { scope: ['identity'], expires_in: 60 }
    });
    clock += 61_000;
    expect((await call(sim.url, 'GET', '/account', { token: r.body.access_token.token })).status).toBe(401);
  });

  it('validates the create body: scope required and known, expires_in positive, knobs for [U] limits', async () => {
    const post = (body: unknown) => call(sim.url, 'POST', '/oauth/authorizations', { token, body });
    expect(await post({})).toMatchObject({ status: 422, body: { id: 'invalid_params' } });
    expect((await post({ scope: [] })).status).toBe(422);
    expect((await post({ scope: ['admin'] })).status).toBe(422);
    expect((await post({ scope: ['global'], expires_in: 0 })).status).toBe(422);
    expect((await post({ scope: ['global'], expires_in: 1.5 })).status).toBe(422);
    expect((await post({ scope: ['global'] })).body.access_token.expires_in).toBeNull();
    sim.maxExpiresIn = 30 * 86400;
    expect((await post({ scope: ['global'], expires_in: 30 * 86400 + 1 })).status).toBe(422);
    expect((await post({ scope: ['global'] })).status).toBe(422);
    sim.maxDescriptionLength = 5;
    expect((await post({ scope: ['global'], expires_in: 60, description: 'toolong' })).status).toBe(422);
  });

  it('only global may manage authorizations (configurable); others get 403 forbidden', async () => {
    const reader = sim.issueToken({ name: 'r', scope: ['read', 'identity'] }).value;
    expect((await call(sim.url, 'GET', '/account', { token: reader })).status).toBe(200);
    for (const [method, path] of [
      ['GET', '/oauth/authorizations'],
      ['POST', '/oauth/authorizations'],
      ['GET', '/oauth/authorizations/~']
    ])
      expect(
        await call(sim.url, method as string, path as string, {
          token: reader,
          body: method === 'POST' ? { scope: ['read'] } : undefined
        })
      ).toMatchObject({
        status: 403,
        body: { id: 'forbidden' }
      });
    sim.manageScopes = ['global', 'read'];
    expect((await call(sim.url, 'GET', '/oauth/authorizations', { token: reader })).status).toBe(200);
  });

  it("~ is the account's API Key authorization, not the caller", async () => {
    expect(await call(sim.url, 'GET', '/oauth/authorizations/~', { token })).toMatchObject({
      status: 404,
      body: { resource: 'authorization' }
    });
    const key = sim.issueToken({ name: 'API Key', apiKey: true });
    expect((await call(sim.url, 'GET', '/oauth/authorizations/~', { token })).body.id).toBe(key.id);
  });

  it('lists by Range: 200 whole, or 206 with Content-Range and Next-Range to follow', async () => {
    for (let i = 0; i < 4; i++) sim.issueToken({ name: `t${i}` });
    const ids = sim
      .liveTokens()
      .map((t) => t.id)
      .sort();
    const whole = await call(sim.url, 'GET', '/oauth/authorizations', { token });
    expect(whole.status).toBe(200);
    expect(whole.body.map((a: Json) => a.id)).toEqual(ids);
    expect(whole.body.every((a: Json) => a.access_token.token.includes('**********'))).toBe(true);
    const first = await call(sim.url, 'GET', '/oauth/authorizations', { token, range: 'id ..; max=2' });
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe(`id ${ids[0]}..${ids[1]}`);
    expect(first.headers.get('accept-ranges')).toBe('id');
    const next = first.headers.get('next-range') ?? '';
    expect(next).toBe(`id ]${ids[1]}..; max=2`);
    const second = await call(sim.url, 'GET', '/oauth/authorizations', { token, range: next });
    expect(second.body.map((a: Json) => a.id)).toEqual(ids.slice(2, 4));
    const last = await call(sim.url, 'GET', '/oauth/authorizations', {
      token,
      range: second.headers.get('next-range') ?? ''
    });
    expect(last.status).toBe(200);
    expect(last.body.map((a: Json) => a.id)).toEqual(ids.slice(4));
    expect((await call(sim.url, 'GET', '/oauth/authorizations', { token, range: 'name ..' })).status).toBe(
      416
    );
    sim.maxPageSize = 3;
    expect(
      (await call(sim.url, 'GET', '/oauth/authorizations', { token, range: 'id ..; max=1000' })).body
    ).toHaveLength(3);
  });

  it('redaction is configurable, or off (full tokens, as before Heroku redacted them)', async () => {
    sim.redaction = { prefix: 5, suffix: 0 };
    expect((await call(sim.url, 'GET', '/oauth/authorizations', { token })).body[0].access_token.token).toBe(
      'HRKU-**********'
    );
    sim.redaction = null;
    expect((await call(sim.url, 'GET', '/oauth/authorizations', { token })).body[0].access_token.token).toBe(
      token
    );
  });

  it('sends Request-Id and RateLimit-Remaining; 429 rate_limit past the configured limit, without Retry-After', async () => {
    sim.rateLimit = { limit: 2, windowMs: 60_000, status: 429 };
    const a = await call(sim.url, 'GET', '/account', { token });
    expect(a.headers.get('request-id')).toMatch(UUID);
    expect(a.headers.get('ratelimit-remaining')).toBe('1');
    await call(sim.url, 'GET', '/account', { token });
    const limited = await call(sim.url, 'GET', '/account', { token });
    expect(limited).toMatchObject({
      status: 429,
      body: {
        id: 'rate_limit',
        message: expect.stringContaining('API rate limit'),
        url: expect.stringContaining('#rate-limits')
      }
    });
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('retry-after')).toBeNull();
  });

  it('has no regenerate route: the action never needs one', async () => {
    const id = sim.liveTokens()[0]?.id;
    expect(
      (await call(sim.url, 'POST', `/oauth/authorizations/${id}/actions/regenerate-tokens`, { token })).status
    ).toBe(404);
    expect(sim.isLive(token)).toBe(true);
  });
});
