import { ProviderError } from '../src/providers/errors.js';
import { terraform } from '../src/providers/terraform.js';
import type { NewToken, Provider, TokenOwner } from '../src/providers/types.js';
import { BOT_USER_ID, TEAM_ID, startTerraformSim, type TerraformSim } from '../sim/terraform.js';
import { clientFor as sharedClientFor } from './helpers/providers.js';

const DAY = 86_400_000;
const NAME = 'ci-token-rotator:octo/app:TF_API_TOKEN';
const TEAM: TokenOwner = { kind: 'team', id: TEAM_ID };

const clientFor = (sim: TerraformSim, actingToken: string, owner?: TokenOwner): Provider =>
  sharedClientFor('terraform', sim, actingToken, owner).provider;

const request = (days = 7, replacing: string | null = null) => ({
  name: NAME,
  expiresAt: new Date(Date.now() + days * DAY),
  lifetimeSeconds: days * 86400,
  replacing
});

/** One self-rotation: the acting token mints its successor, which then revokes it. */
async function rotate(sim: TerraformSim, acting: { id: string; value: string }, owner?: TokenOwner) {
  const provider = clientFor(sim, acting.value, owner);
  const access = await provider.checkAccess();
  const token = await provider.create(request(7, acting.id));
  await provider.verify(token);
  expect(await clientFor(sim, token.value, owner).revoke(acting.id)).toBe('revoked');
  return { access, token };
}

describe('HCP Terraform provider', () => {
  let sim: TerraformSim;
  beforeEach(async () => {
    sim = await startTerraformSim();
  });
  afterEach(() => sim.close());

  test('spec: defaults, ID forms, token-owner team/<team-…>, /api/v2 suffix', () => {
    expect(terraform).toMatchObject({ label: 'HCP Terraform', defaultUrl: 'https://app.terraform.io' });
    expect(terraform.urlPathSuffix).toBe('/api/v2');
    expect(terraform.idPattern.test('at-6yEmxNAhaoQLH1Da')).toBe(true);
    expect(terraform.idPattern.test('4111797')).toBe(false);
    expect(terraform.owners?.team?.idPattern.test('team-6p5jTwJQXwqZBncC')).toBe(true);
    expect(terraform.owners?.team?.idPattern.test('team-../x')).toBe(false);
  });

  test('user tokens end to end: account/details, create, verify, list, revoke (JSON:API headers)', async () => {
    const acting = sim.issueToken({ name: 'bootstrap' });
    const { access, token } = await rotate(sim, acting);
    expect(access).toEqual({
      actingTokenId: acting.id,
      tokens: [expect.objectContaining({ id: acting.id })]
    });
    expect(token).toMatchObject({ name: NAME, id: expect.stringMatching(/^at-/) });
    expect(sim.isLive(token.value)).toBe(true);
    expect(sim.isLive(acting.value)).toBe(false);
    expect(await clientFor(sim, token.value).list()).toEqual([
      { id: token.id, name: NAME, createdAt: expect.any(Date), expiresAt: token.expiresAt }
    ]);
    const post = sim.requests.find((r) => r.method === 'POST');
    expect(post?.pathname).toBe(`/api/v2/users/${BOT_USER_ID}/authentication-tokens`);
    expect(post?.headers).toMatchObject({
      'content-type': 'application/vnd.api+json',
      accept: 'application/vnd.api+json'
    });
    expect(post?.body).toEqual({
      data: {
        type: 'authentication-tokens',
        attributes: { description: NAME, 'expired-at': token.expiresAt?.toISOString() }
      }
    });
    expect(token.expiresAt?.toISOString()).toMatch(/\.000Z$/);
    // Never the legacy single-token or organization-token paths.
    expect(sim.requests.some((r) => /authentication-token$/.test(r.pathname))).toBe(false);
  });

  test('team tokens end to end, over two rotations: descriptions decorated, names read back', async () => {
    const first = sim.issueToken({ name: 'bootstrap', kind: 'team' });
    const one = await rotate(sim, first, TEAM);
    expect(one.access.tokens.map((t) => t.id)).toEqual([first.id]);
    expect(one.token.name).toBe(NAME);
    // The second rotation has the first's token live with the same name: unique descriptions.
    const two = await rotate(sim, { id: one.token.id, value: one.token.value }, TEAM);
    expect(two.access.tokens).toEqual([expect.objectContaining({ id: one.token.id, name: NAME })]);
    const created = sim.requests.filter((r) => r.method === 'POST');
    expect(new Set(created.map((r) => r.pathname))).toEqual(
      new Set([`/api/v2/teams/${TEAM_ID}/authentication-tokens`])
    );
    // Both rotations in the same second ask for the same expiry: the "taken" 422 is tried again a
    // second earlier (nothing was minted), so the statuses are 201, then 201 or 422 + 201.
    expect(created.map((r) => r.status).join(',')).toMatch(/^201,(422,)?201$/);
    const held = sim.tokens().find((t) => t.id === two.token.id);
    expect(held?.description).toBe(`${NAME} (${two.token.expiresAt?.toISOString()})`);
    expect(sim.liveTokens().map((t) => t.id)).toEqual([two.token.id]);
  });

  test("team list: only this team's tokens of the organization's, searched by team name", async () => {
    const acting = sim.issueToken({ kind: 'team' });
    sim.issueToken({ kind: 'team', owner: sim.plainTeam.id, name: 'other team' });
    const other = sim.addTeam('ci-bots-staging', false);
    sim.issueToken({ kind: 'team', owner: other.id, name: 'similar name' });
    const listed = await clientFor(sim, acting.value, TEAM).list();
    expect(listed.map((t) => t.id)).toEqual([acting.id]);
    expect(sim.requests.map((r) => r.path)).toContain(
      '/api/v2/organizations/sim-org/team-tokens?q=ci-bots&page%5Bnumber%5D=1&page%5Bsize%5D=100'
    );
  });

  test('a user token with "Manage teams" rotates a team token (admin provider-token)', async () => {
    const admin = sim.addUser('admin', true);
    const adminToken = sim.issueToken({ owner: admin.id });
    const old = sim.issueToken({ kind: 'team', name: NAME });
    const provider = clientFor(sim, adminToken.value, TEAM);
    const token = await provider.create(request());
    await provider.verify(token);
    expect(await provider.revoke(old.id)).toBe('revoked');
    expect(
      sim
        .liveTokens()
        .map((t) => t.id)
        .sort()
    ).toEqual([adminToken.id, token.id].sort());
  });

  test('user tokens: 404 is "no permission or not found", naming a user token (team tokens cannot)', async () => {
    const teamToken = sim.issueToken({ kind: 'team' });
    const err = (await clientFor(sim, teamToken.value)
      .create(request())
      .catch((e: unknown) => e)) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'permission' });
    expect(err.message).toMatch(/^HCP Terraform: provider-token is a team or organization token/);
    expect(err.message).toContain('only a user token can manage user tokens');
    // The API's own 404 (a user ID that is not the token's): worded the same way.
    sim.fault({ method: 'POST', status: 404 });
    const user = sim.issueToken();
    const denied = (await clientFor(sim, user.value)
      .create(request())
      .catch((e: unknown) => e)) as ProviderError;
    expect(denied).toMatchObject({ kind: 'permission' });
    expect(denied.message).toMatch(/^HCP Terraform: creating a token failed with HTTP 404 \(not found\)\./);
    expect(denied.message).toContain('a user token of that same user (not a team or organization token)');
  });

  test('team tokens: 404 names the team and "Manage teams"', async () => {
    const plain = sim.issueToken({ kind: 'team', owner: sim.plainTeam.id });
    for (const call of ['checkAccess', 'list'] as const) {
      const provider = clientFor(sim, plain.value, TEAM);
      const err = (await provider[call]().catch((e: unknown) => e)) as ProviderError;
      expect(err).toMatchObject({ kind: 'permission' });
      expect(err.message).toContain('failed with HTTP 404');
      expect(err.message).toContain(`existing team (${TEAM_ID})`);
      expect(err.message).toContain('"Manage teams"');
    }
    const create = (await clientFor(sim, plain.value, TEAM)
      .create(request())
      .catch((e: unknown) => e)) as Error;
    expect(create.message).toMatch(/^HCP Terraform: creating a token failed with HTTP 404.*"Manage teams"/);
    const user = sim.issueToken();
    const unknown = { kind: 'team', id: 'team-0000000000000000' };
    const missing = (await clientFor(sim, user.value, unknown)
      .list()
      .catch((e: unknown) => e)) as Error;
    expect(missing.message).toContain('existing team (team-0000000000000000)');
  });

  test('revoke: 404 is already-gone (only there); 401 is an auth failure', async () => {
    const acting = sim.issueToken();
    const provider = clientFor(sim, acting.value);
    expect(await provider.revoke('at-0000000000000000')).toBe('already-gone');
    const err = await clientFor(sim, 'QnbSxjjhVMHJgw.atlasv1.bad')
      .checkAccess()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'auth' });
    expect((err as Error).message).toMatch(
      /^HCP Terraform: checking provider-token failed with HTTP 401 \(unauthorized\)/
    );
  });

  test('pagination: every page, 100 a page, past the first', async () => {
    const acting = sim.issueToken();
    for (let i = 0; i < 230; i++) sim.issueToken({ name: `t${i}` });
    const listed = await clientFor(sim, acting.value).list();
    expect(listed).toHaveLength(231);
    const pages = sim.requests.filter((r) => r.pathname.endsWith('/authentication-tokens'));
    expect(pages.map((r) => new URL(r.path, 'http://x').searchParams.get('page[number]'))).toEqual([
      '1',
      '2',
      '3'
    ]);
  });

  test('pagination is strict: a current-page other than asked, or absurd total-pages, fails', async () => {
    const acting = sim.issueToken();
    const provider = clientFor(sim, acting.value);
    sim.fault({
      method: 'GET',
      path: /authentication-tokens$/,
      rewrite: (b) => {
        const body = b as { meta: { pagination: Record<string, unknown> } };
        return { ...body, meta: { pagination: { ...body.meta.pagination, 'current-page': 2 } } };
      }
    });
    await expect(provider.list()).rejects.toThrow(/unexpected response \(page 1 was asked for/);
    sim.fault({
      method: 'GET',
      path: /authentication-tokens$/,
      rewrite: (b) => {
        const body = b as { meta: { pagination: Record<string, unknown> } };
        return { ...body, meta: { pagination: { ...body.meta.pagination, 'total-pages': 1e6 } } };
      }
    });
    await expect(provider.list()).rejects.toThrow(/total-pages is 1000000, more than 100/);
  });

  test('a lost create answer is ambiguous; a garbled one names the minted token', async () => {
    const acting = sim.issueToken();
    const provider = clientFor(sim, acting.value);
    await provider.checkAccess();
    sim.fault({ method: 'POST', drop: true, afterHandling: true });
    expect(await provider.create(request()).catch((e: unknown) => e)).toMatchObject({ ambiguous: true });
    expect((await provider.list()).filter((t) => t.name === NAME)).toHaveLength(1);
    sim.fault({
      method: 'POST',
      rewrite: (b) => {
        const data = (b as { data: Record<string, unknown> }).data;
        return { data: { ...data, attributes: { ...(data.attributes as object), 'expired-at': 'soon' } } };
      }
    });
    const err = (await provider.create(request()).catch((e: unknown) => e)) as ProviderError;
    const minted = sim.liveTokens().at(-1);
    expect(err).toMatchObject({ ambiguous: true, mintedId: minted?.id });
    expect(err.message).toContain('data.attributes.expired-at is not an ISO 8601 date');
    expect(err.message).not.toContain(minted?.value ?? '?');
  });

  test('links.auth-token: the acting ID when there and well-formed, else null; verify uses it', async () => {
    const acting = sim.issueToken();
    expect((await clientFor(sim, acting.value).checkAccess()).actingTokenId).toBe(acting.id);
    sim.fault({
      method: 'GET',
      path: '/api/v2/account/details',
      rewrite: (b) => {
        const data = (b as { data: Record<string, unknown> }).data;
        return {
          data: { ...data, links: { self: 'x', 'auth-token': '/api/v2/authentication-tokens/../../x' } }
        };
      }
    });
    expect((await clientFor(sim, acting.value).checkAccess()).actingTokenId).toBeNull();
    sim.sendAuthTokenLink = false;
    const provider = clientFor(sim, acting.value);
    expect((await provider.checkAccess()).actingTokenId).toBeNull();
    const token = await provider.create(request());
    await expect(provider.verify(token)).resolves.toBeUndefined();
    sim.sendAuthTokenLink = true;
    // A value that authenticates as another token fails verify.
    const other = sim.issueToken();
    const wrong: NewToken = { ...token, value: other.value };
    await expect(provider.verify(wrong)).rejects.toThrow(/identifies as token at-.*, not at-/);
  });

  test('verify: a team token must act as the team (service user), a user token as the same user', async () => {
    const acting = sim.issueToken({ kind: 'team' });
    const provider = clientFor(sim, acting.value, TEAM);
    const token = await provider.create(request());
    await expect(provider.verify(token)).resolves.toBeUndefined();
    sim.sendAuthTokenLink = false;
    const userToken = sim.issueToken();
    await expect(provider.verify({ ...token, value: userToken.value })).rejects.toThrow(
      /it is a user token, not a team token/
    );
    const plain = sim.issueToken({ kind: 'team', owner: sim.plainTeam.id });
    await expect(provider.verify({ ...token, value: plain.value })).rejects.toThrow(
      new RegExp(`stands for teams ${sim.plainTeam.id}, not team ${TEAM_ID}`)
    );
  });

  test('replacing needs nothing: tokens inherit their user or team', async () => {
    const acting = sim.issueToken();
    const provider = clientFor(sim, acting.value);
    const token = await provider.create(request(7, 'at-0000000000000000'));
    expect(sim.requests.filter((r) => r.pathname.includes('at-0000000000000000'))).toEqual([]);
    expect(sim.isLive(token.value)).toBe(true);
  });

  test('a team description taken (an overlapping run, the same second) is tried a second earlier', async () => {
    const acting = sim.issueToken({ kind: 'team' });
    const provider = clientFor(sim, acting.value, TEAM);
    const asked = request();
    const first = await provider.create(asked);
    const second = await provider.create(asked);
    expect(second.name).toBe(NAME);
    expect((first.expiresAt?.getTime() ?? 0) - (second.expiresAt?.getTime() ?? 0)).toBe(1000);
    expect(sim.requests.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([201, 422, 201]);
    expect((await provider.list()).filter((t) => t.name === NAME)).toHaveLength(2);
  });

  test('user descriptions unique after all [U]: a 422 "taken" is retried once, decorated', async () => {
    sim.uniqueUserDescriptions = true;
    const acting = sim.issueToken({ name: NAME });
    const provider = clientFor(sim, acting.value);
    const token = await provider.create(request());
    expect(token.name).toBe(NAME);
    expect(sim.requests.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([422, 201]);
    expect((await provider.list()).map((t) => t.name)).toEqual([NAME, NAME]);
  });

  test('an organization TTL policy shorter than lifetime: 422 worded [U]', async () => {
    sim.maxTtlMs = { user: DAY };
    const acting = sim.issueToken();
    const err = (await clientFor(sim, acting.value)
      .create(request())
      .catch((e: unknown) => e)) as ProviderError;
    expect(err).toMatchObject({ kind: 'rejected', ambiguous: false });
    expect(err.message).toMatch(/HTTP 422 .*token TTL policy may allow less than lifetime/);
  });

  test('a name that only looks decorated is left as it is', async () => {
    sim.issueToken({ kind: 'team', name: 'deploy (2020-01-01T00:00:00.000Z)', expiresAt: Date.now() + DAY });
    const acting = sim.issueToken({ kind: 'team' });
    const names = (await clientFor(sim, acting.value, TEAM).list()).map((t) => t.name);
    expect(names).toContain('deploy (2020-01-01T00:00:00.000Z)');
  });

  test('429 without Retry-After (X-RateLimit-Reset only) backs off and succeeds', async () => {
    const acting = sim.issueToken();
    sim.fault({ method: 'GET', status: 429, headers: { 'x-ratelimit-reset': '0.250' } });
    expect((await clientFor(sim, acting.value).checkAccess()).actingTokenId).toBe(acting.id);
  });
});
