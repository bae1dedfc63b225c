import { BOT_USER_ID, TEAM_ID, startTerraformSim, type TerraformSim } from '../sim/terraform.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read loosely typed JSON bodies
type Json = any;

const JSON_API = 'application/vnd.api+json';

async function call(base: string, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      accept: JSON_API,
      ...(body === undefined ? {} : { 'content-type': JSON_API })
    },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as Json };
}

const T0 = Date.UTC(2026, 0, 1);
const USER_TOKENS = `/api/v2/users/${BOT_USER_ID}/authentication-tokens`;
const TEAM_TOKENS = `/api/v2/teams/${TEAM_ID}/authentication-tokens`;
const tokenBody = (description: unknown, expiredAt: unknown = '2026-01-08T00:00:00.000Z') => ({
  data: {
    type: 'authentication-tokens',
    attributes: { ...(description === undefined ? {} : { description }), 'expired-at': expiredAt }
  }
});

describe('HCP Terraform simulator', () => {
  let sim: TerraformSim;
  let clock: number;
  let user: { id: string; value: string };
  beforeEach(async () => {
    clock = T0;
    sim = await startTerraformSim({ now: () => clock });
    user = sim.issueToken({ name: 'seed' });
  });
  afterEach(() => sim.close());

  it('answers 401 {"errors":[{"status":"401","title":"unauthorized"}]} to a missing or bad token', async () => {
    for (const bearer of [undefined, 'x'.repeat(14) + '.atlasv1.' + 'y'.repeat(67)])
      expect(await call(sim.url, 'GET', '/api/v2/account/details', bearer)).toMatchObject({
        status: 401,
        body: { errors: [{ status: '401', title: 'unauthorized' }] }
      });
  });

  it('serves GET /api/v2/ping with 204, without a token', async () => {
    const r = await call(sim.url, 'GET', '/api/v2/ping');
    expect(r.status).toBe(204);
    expect(r.headers.get('tfp-api-version')).toBe('2.6');
  });

  it('account/details: the user, links.auth-token of the calling token (configurable off)', async () => {
    expect(user.id).toMatch(/^at-[A-Za-z0-9]{16}$/);
    expect(user.value).toMatch(/^[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9]{67}$/);
    const r = await call(sim.url, 'GET', '/api/v2/account/details', user.value);
    expect(r.body.data).toMatchObject({
      id: BOT_USER_ID,
      type: 'users',
      attributes: { username: 'ci-bot', 'is-service-account': false },
      relationships: { 'authenticated-resource': { data: { id: BOT_USER_ID, type: 'users' } } },
      links: {
        self: `/api/v2/users/${BOT_USER_ID}`,
        'auth-token': `/api/v2/authentication-tokens/${user.id}`
      }
    });
    sim.sendAuthTokenLink = false;
    const without = await call(sim.url, 'GET', '/api/v2/account/details', user.value);
    expect(without.body.data.links).toEqual({ self: `/api/v2/users/${BOT_USER_ID}` });
  });

  it("a team token acts as the team's service user; authenticated-resource is the team", async () => {
    const team = sim.issueToken({ name: 'team seed', kind: 'team' });
    const r = await call(sim.url, 'GET', '/api/v2/account/details', team.value);
    expect(r.body.data).toMatchObject({
      id: sim.team.serviceUserId,
      attributes: { 'is-service-account': true },
      relationships: { 'authenticated-resource': { data: { id: TEAM_ID, type: 'teams' } } }
    });
  });

  it('user token: create 201 (value once, ISO dates with ms) → get → delete 204 → 401, then 404', async () => {
    const r = await call(sim.url, 'POST', USER_TOKENS, user.value, tokenBody('ci'));
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      data: {
        id: expect.stringMatching(/^at-[A-Za-z0-9]{16}$/),
        type: 'authentication-tokens',
        attributes: {
          'created-at': '2026-01-01T00:00:00.000Z',
          'last-used-at': null,
          description: 'ci',
          token: expect.stringMatching(/\.atlasv1\./),
          'expired-at': '2026-01-08T00:00:00.000Z'
        },
        relationships: {
          team: { data: null },
          'created-by': { data: { id: BOT_USER_ID, type: 'users' } }
        }
      }
    });
    const id: string = r.body.data.id;
    const value: string = r.body.data.attributes.token;
    const got = await call(sim.url, 'GET', `/api/v2/authentication-tokens/${id}`, value);
    expect(got.body.data.attributes.token).toBeNull();
    expect(got.body.data.attributes['last-used-at']).toBe('2026-01-01T00:00:00.000Z');
    const del = await call(sim.url, 'DELETE', `/api/v2/authentication-tokens/${id}`, user.value);
    expect(del).toMatchObject({ status: 204, body: undefined });
    expect((await call(sim.url, 'GET', '/api/v2/account/details', value)).status).toBe(401);
    expect(await call(sim.url, 'DELETE', `/api/v2/authentication-tokens/${id}`, user.value)).toMatchObject({
      status: 404,
      body: { errors: [{ status: '404', title: 'not found' }] }
    });
  });

  it('only a user token of that same user creates user tokens; others get 404 (or an empty list)', async () => {
    const team = sim.issueToken({ kind: 'team' });
    const other = sim.addUser('someone', false);
    const theirs = sim.issueToken({ owner: other.id });
    expect((await call(sim.url, 'POST', USER_TOKENS, team.value, tokenBody('x'))).status).toBe(404);
    expect((await call(sim.url, 'POST', USER_TOKENS, theirs.value, tokenBody('x'))).status).toBe(404);
    const list = await call(sim.url, 'GET', USER_TOKENS, theirs.value);
    expect(list).toMatchObject({ status: 200, body: { data: [] } });
    expect(
      (await call(sim.url, 'DELETE', `/api/v2/authentication-tokens/${user.id}`, theirs.value)).status
    ).toBe(404);
    expect(sim.isLive(user.value)).toBe(true);
  });

  it('validates expired-at (422), applies the TTL policy (422 [U]) and the default expiry', async () => {
    const post = (expiredAt: unknown) =>
      call(sim.url, 'POST', USER_TOKENS, user.value, tokenBody('x', expiredAt));
    expect((await post('tomorrow')).status).toBe(422);
    expect((await post('2025-12-31T00:00:00.000Z')).body.errors[0]).toMatchObject({
      status: '422',
      title: 'invalid attributes'
    });
    expect((await post(null)).body.data.attributes['expired-at']).toBe('2028-01-01T00:00:00.000Z');
    sim.defaultExpiry = 'never';
    expect((await post(null)).body.data.attributes['expired-at']).toBeNull();
    sim.maxTtlMs = { user: 3 * 86_400_000 };
    const over = await post('2026-01-08T00:00:00.000Z');
    expect(over.status).toBe(422);
    expect(over.body.errors[0].detail).toMatch(/maximum token TTL/);
    expect((await post('2026-01-03T00:00:00.000Z')).status).toBe(201);
  });

  it('team tokens: many per team, descriptions unique per team (422 as go-tfe sees it)', async () => {
    const manager = sim.issueToken({ kind: 'team' });
    const a = await call(sim.url, 'POST', TEAM_TOKENS, manager.value, tokenBody('ci (1)'));
    expect(a.status).toBe(201);
    expect(a.body.data.relationships.team.data).toEqual({ id: TEAM_ID, type: 'teams' });
    expect(a.body.data.relationships['created-by'].data).toEqual({
      id: sim.team.serviceUserId,
      type: 'users'
    });
    const again = await call(sim.url, 'POST', TEAM_TOKENS, manager.value, tokenBody('ci (1)'));
    expect(again).toMatchObject({
      status: 422,
      body: {
        errors: [
          {
            status: '422',
            title: 'invalid attributes',
            detail: 'Validation failed: Description has already been taken'
          }
        ]
      }
    });
    expect((await call(sim.url, 'POST', TEAM_TOKENS, manager.value, tokenBody('ci (2)'))).status).toBe(201);
    expect((await call(sim.url, 'POST', TEAM_TOKENS, manager.value, tokenBody(undefined))).status).toBe(422);
    // The older token still works: creating does not invalidate.
    expect(sim.isLive(a.body.data.attributes.token)).toBe(true);
  });

  it('user descriptions are not unique unless configured so', async () => {
    const post = () => call(sim.url, 'POST', USER_TOKENS, user.value, tokenBody('same'));
    expect((await post()).status).toBe(201);
    expect((await post()).status).toBe(201);
    sim.uniqueUserDescriptions = true;
    expect((await post()).status).toBe(422);
  });

  it('team tokens need "Manage teams": a plain team, a plain user get 404', async () => {
    const plain = sim.issueToken({ kind: 'team', owner: sim.plainTeam.id });
    expect((await call(sim.url, 'POST', TEAM_TOKENS, plain.value, tokenBody('x'))).status).toBe(404);
    expect((await call(sim.url, 'POST', TEAM_TOKENS, user.value, tokenBody('x'))).status).toBe(404);
    expect((await call(sim.url, 'GET', '/api/v2/organizations/sim-org/team-tokens', user.value)).status).toBe(
      404
    );
    // The plain team sees itself, not the others.
    expect((await call(sim.url, 'GET', `/api/v2/teams/${sim.plainTeam.id}`, plain.value)).status).toBe(200);
    expect((await call(sim.url, 'GET', `/api/v2/teams/${TEAM_ID}`, plain.value)).status).toBe(404);
    const admin = sim.addUser('admin', true);
    const adminToken = sim.issueToken({ owner: admin.id });
    expect((await call(sim.url, 'POST', TEAM_TOKENS, adminToken.value, tokenBody('x'))).status).toBe(201);
  });

  it('GET /teams/:id gives the name and organization; team-tokens search by team name', async () => {
    const manager = sim.issueToken({ kind: 'team' });
    sim.issueToken({ kind: 'team', owner: sim.plainTeam.id, expiresAt: T0 + 1000 });
    const team = await call(sim.url, 'GET', `/api/v2/teams/${TEAM_ID}`, manager.value);
    expect(team.body.data).toMatchObject({
      id: TEAM_ID,
      attributes: { name: 'ci-bots' },
      relationships: { organization: { data: { id: 'sim-org', type: 'organizations' } } }
    });
    const all = await call(sim.url, 'GET', '/api/v2/organizations/sim-org/team-tokens', manager.value);
    // Ascending expiry; no expiry last.
    expect(all.body.data.map((t: Json) => t.relationships.team.data.id)).toEqual([sim.plainTeam.id, TEAM_ID]);
    const found = await call(
      sim.url,
      'GET',
      '/api/v2/organizations/sim-org/team-tokens?q=ci-bots',
      manager.value
    );
    expect(found.body.data.map((t: Json) => t.id)).toEqual([manager.id]);
    expect(found.body.data[0].attributes.token).toBeNull();
  });

  it('paginates page[number]/page[size] (max 100) with links and meta.pagination', async () => {
    for (let i = 1; i < 150; i++) sim.issueToken({ name: `t${i}` });
    const q = (n: number, size: number) => `${USER_TOKENS}?page%5Bnumber%5D=${n}&page%5Bsize%5D=${size}`;
    const first = await call(sim.url, 'GET', q(1, 500), user.value);
    expect(first.body.data).toHaveLength(100);
    expect(first.body.meta.pagination).toEqual({
      'current-page': 1,
      'page-size': 100,
      'prev-page': null,
      'next-page': 2,
      'total-pages': 2,
      'total-count': 150
    });
    expect(first.body.links.next).toMatch(/page%5Bnumber%5D=2/);
    const second = await call(sim.url, 'GET', q(2, 100), user.value);
    expect(second.body.data).toHaveLength(50);
    expect(second.body.meta.pagination['next-page']).toBeNull();
    expect(second.body.links.next).toBeNull();
    expect(
      (await call(sim.url, 'GET', `${USER_TOKENS}?page%5Bsize%5D=7`, user.value)).body.data
    ).toHaveLength(7);
    // No page parameters: not paginated, everything at once (user-tokens.mdx).
    expect((await call(sim.url, 'GET', USER_TOKENS, user.value)).body.data).toHaveLength(150);
  });

  it('an expired token is refused (401) but still listed until deleted', async () => {
    const r = await call(
      sim.url,
      'POST',
      USER_TOKENS,
      user.value,
      tokenBody('short', '2026-01-01T00:01:00.000Z')
    );
    clock = T0 + 60_000;
    expect((await call(sim.url, 'GET', '/api/v2/account/details', r.body.data.attributes.token)).status).toBe(
      401
    );
    const list = await call(sim.url, 'GET', USER_TOKENS, user.value);
    expect(list.body.data.map((t: Json) => t.attributes.description)).toEqual(['seed', 'short']);
  });

  it("rate limit: 429 with the docs' body (status a number) and X-RateLimit-Limit/Reset", async () => {
    sim.rateLimit = { limit: 30, windowMs: 1000, status: 429 };
    const ok = await call(sim.url, 'GET', '/api/v2/account/details', user.value);
    expect(ok.headers.get('x-ratelimit-limit')).toBe('30');
    for (let i = 0; i < 29; i++) await call(sim.url, 'GET', '/api/v2/account/details', user.value);
    const limited = await call(sim.url, 'GET', '/api/v2/account/details', user.value);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      errors: [{ status: 429, title: 'Too many requests', detail: "You have exceeded the API's rate limit." }]
    });
    expect(limited.headers.get('x-ratelimit-reset')).toMatch(/^\d+\.\d{3}$/);
    expect(limited.headers.get('retry-after')).toBeNull();
  });
});
