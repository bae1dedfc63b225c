import {
  PERMISSION_GROUPS,
  startCloudflareSim,
  type CloudflareSim,
  type PolicyInput
} from '../sim/cloudflare.js';

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
const invalid = {
  success: false,
  errors: [{ code: 1000, message: 'Invalid API Token' }],
  messages: [],
  result: null
};

describe('Cloudflare simulator', () => {
  let sim: CloudflareSim;
  let clock: number;
  let user: { id: string; value: string };
  let api: string;
  beforeEach(async () => {
    clock = T0;
    sim = await startCloudflareSim({ now: () => clock });
    user = sim.issueToken({ name: 'seed' });
    api = sim.apiUrl;
  });
  afterEach(() => sim.close());

  it('serves under /client/v4 with the envelope; verify answers id and status', async () => {
    expect(api).toBe(`${sim.url}/client/v4`);
    expect(await call(api, 'GET', '/user/tokens/verify', user.value)).toMatchObject({
      status: 200,
      body: {
        success: true,
        errors: [],
        messages: [{ code: 10000, message: 'This API Token is valid and active', type: null }],
        result: { id: user.id, status: 'active' }
      }
    });
    expect((await call(sim.url, 'GET', '/user/tokens/verify', user.value)).status).toBe(404);
  });

  it('an unknown bearer: 401 code 1000 "Invalid API Token"', async () => {
    for (const bearer of [undefined, 'f'.repeat(40)])
      expect(await call(api, 'GET', '/user/tokens/verify', bearer)).toEqual(
        expect.objectContaining({ status: 401, body: invalid })
      );
  });

  it('create: 200, RFC 3339 dates with Z, value only in the create answer, policies with IDs and names', async () => {
    const policies = sim.policiesOf(user.id);
    const r = await call(api, 'POST', '/user/tokens', user.value, {
      name: 'ci',
      policies,
      expires_on: '2026-01-08T00:00:00Z'
    });
    expect(r.status).toBe(200);
    expect(r.body.result).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      name: 'ci',
      status: 'active',
      issued_on: '2026-01-01T00:00:00Z',
      modified_on: '2026-01-01T00:00:00Z',
      expires_on: '2026-01-08T00:00:00Z',
      policies: [
        {
          id: expect.stringMatching(/^[0-9a-f]{32}$/),
          effect: 'allow',
          permission_groups: [{ id: PERMISSION_GROUPS.apiTokensWrite, name: 'API Tokens Write' }],
          resources: { [`com.cloudflare.api.user.${sim.userTag}`]: '*' }
        }
      ],
      value: expect.stringMatching(/^cfut_[A-Za-z0-9]{40}[0-9a-f]{8}$/)
    });
    const got = await call(api, 'GET', `/user/tokens/${r.body.result.id}`, user.value);
    expect(got.body.result.value).toBeUndefined();
    expect(sim.tokens()[1]?.expiresAt).toBe(Date.parse('2026-01-08T00:00:00Z'));
    clock = Date.parse('2026-01-08T00:00:00Z');
    expect((await call(api, 'GET', '/user/tokens/verify', r.body.result.value)).status).toBe(401);
  });

  it('create refuses what the schema refuses: a long name, read-only policy IDs, unknown keys, past expiry', async () => {
    const policies = sim.policiesOf(user.id);
    const bad = [
      { name: 'x'.repeat(121), policies },
      { name: 'ci', policies: [{ ...policies[0], id: 'f'.repeat(32) }] },
      { name: 'ci', policies, expires: '2027-01-01T00:00:00Z' },
      { name: 'ci', policies, expires_on: '2025-01-01T00:00:00Z' },
      { name: 'ci', policies, expires_on: '2027-01-01 00:00:00' },
      { name: 'ci', policies: [] }
    ];
    for (const body of bad)
      expect(await call(api, 'POST', '/user/tokens', user.value, body)).toMatchObject({
        status: 400,
        body: { success: false, result: null, errors: [{ code: expect.any(Number) }] }
      });
    expect(sim.tokens()).toHaveLength(1);
  });

  it('account tokens: listed under their account only, refused by the user verify (1000)', async () => {
    const acct = sim.issueToken({ name: 'acct', account: sim.accountId });
    expect(acct.value).toMatch(/^cfat_/);
    expect(await call(api, 'GET', '/user/tokens/verify', acct.value)).toMatchObject({
      status: 401,
      body: invalid
    });
    expect(await call(api, 'GET', '/user/tokens', acct.value)).toMatchObject({ status: 401, body: invalid });
    const verified = await call(api, 'GET', `/accounts/${sim.accountId}/tokens/verify`, acct.value);
    expect(verified.body.result).toEqual({ id: acct.id, status: 'active' });
    const other = 'a'.repeat(32);
    expect((await call(api, 'GET', `/accounts/${other}/tokens/verify`, acct.value)).status).toBe(401);
    expect((await call(api, 'GET', `/accounts/${sim.accountId}/tokens/verify`, user.value)).status).toBe(401);
    const listed = await call(api, 'GET', `/accounts/${sim.accountId}/tokens`, acct.value);
    expect(listed.body.result.map((t: Json) => t.id)).toEqual([acct.id]);
    const users = await call(api, 'GET', '/user/tokens', user.value);
    expect(users.body.result.map((t: Json) => t.id)).toEqual([user.id]);
    // Another family's token is not found there.
    expect((await call(api, 'GET', `/user/tokens/${acct.id}`, user.value)).status).toBe(404);
  });

  it('managing tokens takes API Tokens Write (user) / Account API Tokens Write (account): else 403 9109', async () => {
    const zone: PolicyInput = {
      effect: 'allow',
      permission_groups: [{ id: PERMISSION_GROUPS.zoneRead }],
      resources: { 'com.cloudflare.api.account.zone.*': '*' }
    };
    const reader = sim.issueToken({ name: 'reader', policies: [zone] });
    const acctReader = sim.issueToken({ name: 'acct reader', account: sim.accountId, policies: [zone] });
    const forbidden = {
      success: false,
      errors: [{ code: 9109, message: 'Unauthorized to access requested resource' }]
    };
    expect(await call(api, 'GET', '/user/tokens', reader.value)).toMatchObject({
      status: 403,
      body: forbidden
    });
    expect(
      await call(api, 'POST', `/accounts/${sim.accountId}/tokens`, acctReader.value, {
        name: 'x',
        policies: [zone]
      })
    ).toMatchObject({ status: 403, body: forbidden });
    // Verify needs no permission.
    expect((await call(api, 'GET', '/user/tokens/verify', reader.value)).status).toBe(200);
    // A deny on the group wins over the allow.
    const denied = sim.issueToken({
      name: 'denied',
      policies: [...sim.tokenManagerPolicies(null), { ...sim.tokenManagerPolicies(null)[0]!, effect: 'deny' }]
    });
    expect((await call(api, 'DELETE', `/user/tokens/${reader.id}`, denied.value)).status).toBe(403);
  });

  it('list pages: per_page (default 20), result_info with counts, result [] past the last page', async () => {
    for (let i = 0; i < 24; i++) sim.issueToken({ name: `t${i}` });
    const first = await call(api, 'GET', '/user/tokens', user.value);
    expect(first.body.result).toHaveLength(20);
    expect(first.body.result_info).toEqual({
      page: 1,
      per_page: 20,
      count: 20,
      total_count: 25,
      total_pages: 2
    });
    const second = await call(api, 'GET', '/user/tokens?page=2', user.value);
    expect(second.body.result).toHaveLength(5);
    const past = await call(api, 'GET', '/user/tokens?page=3', user.value);
    expect(past.body).toMatchObject({ success: true, result: [], result_info: { page: 3, count: 0 } });
    expect((await call(api, 'GET', '/user/tokens?per_page=51', user.value)).status).toBe(400);
  });

  it('expired tokens are listed only with include_expired=true, as status "expired"', async () => {
    const t = sim.issueToken({ name: 'short', expiresAt: T0 + 1000 });
    clock = T0 + 2000;
    expect((await call(api, 'GET', '/user/tokens', user.value)).body.result.map((x: Json) => x.id)).toEqual([
      user.id
    ]);
    const all = await call(api, 'GET', '/user/tokens?include_expired=true', user.value);
    expect(all.body.result.find((x: Json) => x.id === t.id)?.status).toBe('expired');
  });

  it('delete: result {id}; again 404 (or 400 code 7003 with notFoundStatus 400); a token may delete itself', async () => {
    const t = sim.issueToken({ name: 'x' });
    expect(await call(api, 'DELETE', `/user/tokens/${t.id}`, user.value)).toMatchObject({
      status: 200,
      body: { success: true, result: { id: t.id } }
    });
    expect(await call(api, 'DELETE', `/user/tokens/${t.id}`, user.value)).toMatchObject({
      status: 404,
      body: { success: false, errors: [{ code: 1003 }] }
    });
    sim.notFoundStatus = 400;
    expect(await call(api, 'DELETE', `/user/tokens/${t.id}`, user.value)).toMatchObject({
      status: 400,
      body: { errors: [{ code: 7003 }] }
    });
    expect((await call(api, 'DELETE', `/user/tokens/${user.id}`, user.value)).status).toBe(200);
    expect(sim.isLive(user.value)).toBe(false);
  });

  it('quotas: 50 user tokens, 500 per account', async () => {
    for (let i = 0; i < 49; i++) sim.issueToken({ name: `t${i}` });
    const policies = sim.policiesOf(user.id);
    expect(await call(api, 'POST', '/user/tokens', user.value, { name: 'one more', policies })).toMatchObject(
      {
        status: 400,
        body: { success: false, errors: [{ message: expect.stringMatching(/quota/) }] }
      }
    );
    const acct = sim.issueToken({ name: 'acct', account: sim.accountId });
    sim.accountQuota = 1;
    expect(
      (
        await call(api, 'POST', `/accounts/${sim.accountId}/tokens`, acct.value, {
          name: 'x',
          policies: sim.policiesOf(acct.id)
        })
      ).status
    ).toBe(400);
  });

  it('rate limit: 429 with retry-after (seconds) and x-ratelimit-* headers', async () => {
    sim.rateLimit = { limit: 1, windowMs: 300_000, status: 429 };
    const ok = await call(api, 'GET', '/user/tokens/verify', user.value);
    expect(ok.headers.get('x-ratelimit-limit')).toBe('1');
    expect(ok.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(ok.headers.get('retry-after')).toBeNull();
    const limited = await call(api, 'GET', '/user/tokens/verify', user.value);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('300');
    expect(limited.headers.get('x-ratelimit-reset')).toBe(new Date(T0 + 300_000).toUTCString());
    expect(limited.body).toMatchObject({ success: false, errors: [{ code: 971 }], result: null });
  });

  it("records the IP condition with whichever key arrives (request.ip or the TS SDK's request_ip)", async () => {
    const policies = sim.policiesOf(user.id);
    for (const key of ['request.ip', 'request_ip']) {
      const r = await call(api, 'POST', '/user/tokens', user.value, {
        name: key,
        policies,
        condition: { [key]: { in: ['192.0.2.0/24'] } }
      });
      expect(r.body.result.condition).toEqual({ [key]: { in: ['192.0.2.0/24'] } });
    }
  });

  it('bad JSON: 400 code 6007', async () => {
    const res = await fetch(`${api}/user/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.value}` },
      body: '{'
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ success: false, errors: [{ code: 6007 }] });
  });
});
