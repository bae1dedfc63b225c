import { ProviderError } from '../src/providers/errors.js';
import type { CreateRequest, Provider, TokenOwner } from '../src/providers/index.js';
import {
  PERMISSION_GROUPS,
  startCloudflareSim,
  type CloudflareSim,
  type PolicyInput
} from '../sim/cloudflare.js';
import { clientFor as sharedClientFor } from './helpers/providers.js';

const DAY = 86_400_000;
const NAME = 'ci-token-rotator:octo/app:CLOUDFLARE_API_TOKEN';

const clientFor = (sim: CloudflareSim, actingToken: string, owner?: TokenOwner): Provider =>
  sharedClientFor('cloudflare', sim, actingToken, owner).provider;

const request = (replacing: string | null): CreateRequest => ({
  name: NAME,
  expiresAt: new Date(Date.now() + 7 * DAY),
  lifetimeSeconds: 7 * 86400,
  replacing
});

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as ProviderError
  );

describe('Cloudflare provider', () => {
  let sim: CloudflareSim;
  beforeEach(async () => {
    sim = await startCloudflareSim();
  });
  afterEach(() => sim.close());

  describe.each([
    ['user-owned', false],
    ['account-owned', true]
  ] as const)('%s tokens, end to end', (_title, accountOwned) => {
    test('checkAccess, create, verify, list, revoke', async () => {
      const owner = accountOwned ? { kind: 'account', id: sim.accountId } : undefined;
      const acting = sim.issueToken({ name: 'bootstrap', ...(owner ? { account: owner.id } : {}) });
      const other = sim.issueToken(
        accountOwned ? { name: 'a user token' } : { name: 'an account token', account: sim.accountId }
      );
      const provider = clientFor(sim, acting.value, owner);
      expect(await provider.checkAccess()).toMatchObject({
        actingTokenId: acting.id,
        tokens: [{ id: acting.id, name: 'bootstrap' }]
      });
      const token = await provider.create(request(null));
      expect(token.value).toMatch(accountOwned ? /^cfat_/ : /^cfut_/);
      await expect(provider.verify(token)).resolves.toBeUndefined();
      expect((await provider.list()).map((t) => t.id)).toEqual([acting.id, token.id]);
      expect(await provider.revoke(token.id)).toBe('revoked');
      expect(sim.isLive(token.value)).toBe(false);
      expect(await provider.revoke(token.id)).toBe('already-gone');
      expect(sim.isLive(other.value)).toBe(true);
      const prefix = accountOwned ? `/client/v4/accounts/${sim.accountId}/tokens` : '/client/v4/user/tokens';
      expect(sim.requests.every((r) => r.pathname.startsWith(prefix))).toBe(true);
      expect(sim.requests.some((r) => r.method === 'PUT')).toBe(false);
    });
  });

  test('an account token given without token-owner: "Invalid API Token", with the token-owner hint', async () => {
    const acting = sim.issueToken({ name: 'account bootstrap', account: sim.accountId });
    const err = await failure(clientFor(sim, acting.value).checkAccess());
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'auth' });
    expect(err?.message).toMatch(
      /^Cloudflare: checking provider-token failed with HTTP 401 \(1000: Invalid API Token\)/
    );
    expect(err?.message).toContain('"API Tokens Write"');
    expect(err?.message).toContain('set token-owner: account/<account-id>');
    expect(err?.message).not.toContain(acting.value);
  });

  test('a user token with token-owner account/…: refused by the account verify, hint names the account', async () => {
    const acting = sim.issueToken({ name: 'user bootstrap' });
    const err = await failure(
      clientFor(sim, acting.value, { kind: 'account', id: sim.accountId }).checkAccess()
    );
    expect(err).toMatchObject({ kind: 'auth' });
    expect(err?.message).toContain(
      `"Account API Tokens Write" permission (token-owner: account/${sim.accountId})`
    );
    expect(err?.message).not.toContain('set token-owner: account/<account-id>');
  });

  describe('a token without the permission to manage tokens', () => {
    const zoneReader: PolicyInput[] = [
      {
        effect: 'allow',
        permission_groups: [{ id: PERMISSION_GROUPS.zoneRead }],
        resources: { 'com.cloudflare.api.account.zone.*': '*' }
      }
    ];
    test.each([
      ['user', undefined, 'API Tokens Write'],
      ['account', 'account', 'Account API Tokens Write']
    ] as const)('%s family: 403 9109, the message names the permission', async (_f, kind, permission) => {
      const owner = kind ? { kind, id: sim.accountId } : undefined;
      const acting = sim.issueToken({
        name: 'reader',
        policies: zoneReader,
        ...(owner ? { account: owner.id } : {})
      });
      const err = await failure(clientFor(sim, acting.value, owner).checkAccess());
      expect(err).toMatchObject({ kind: 'permission' });
      expect(err?.message).toMatch(
        /^Cloudflare: checking provider-token failed with HTTP 403 \(9109: Unauthorized to access requested resource\)/
      );
      expect(err?.message).toContain(`"${permission}" permission`);
    });
  });

  describe('the successor inherits permissions', () => {
    const deploy = (sim: CloudflareSim): PolicyInput[] => [
      {
        effect: 'allow',
        permission_groups: [{ id: PERMISSION_GROUPS.workersScriptsWrite }],
        resources: { [`com.cloudflare.api.account.${sim.accountId}`]: '*' }
      },
      ...sim.tokenManagerPolicies(null)
    ];

    test('of the token it replaces', async () => {
      const acting = sim.issueToken({ name: 'bootstrap' });
      const previous = sim.issueToken({ name: NAME, policies: deploy(sim) });
      const token = await clientFor(sim, acting.value).create(request(previous.id));
      expect(sim.policiesOf(token.id)).toEqual(sim.policiesOf(previous.id));
      expect(sim.policiesOf(token.id)).toEqual(deploy(sim));
    });

    test('with replacing null: of the acting token (found through verify)', async () => {
      const acting = sim.issueToken({ name: 'bootstrap', policies: deploy(sim) });
      const token = await clientFor(sim, acting.value).create(request(null));
      expect(sim.policiesOf(token.id)).toEqual(deploy(sim));
      expect(sim.requests.map((r) => `${r.method} ${r.pathname}`)).toEqual([
        'GET /client/v4/user/tokens/verify',
        `GET /client/v4/user/tokens/${acting.id}`,
        'POST /client/v4/user/tokens'
      ]);
    });

    test("an admin acting token and a narrower deploy token: the deploy token's, never the admin's", async () => {
      const admin: PolicyInput[] = [
        {
          effect: 'allow',
          permission_groups: [{ id: PERMISSION_GROUPS.dnsWrite }, { id: PERMISSION_GROUPS.zoneRead }],
          resources: { 'com.cloudflare.api.account.zone.*': '*' }
        },
        ...deploy(sim)
      ];
      const acting = sim.issueToken({ name: 'admin', policies: admin });
      const narrow = sim.issueToken({ name: NAME, policies: deploy(sim) });
      const token = await clientFor(sim, acting.value).create(request(narrow.id));
      expect(sim.policiesOf(token.id)).toEqual(deploy(sim));
      expect(sim.policiesOf(token.id)).not.toEqual(sim.policiesOf(acting.id));
      const post = sim.requests.find((r) => r.method === 'POST')?.body as Record<string, unknown>;
      expect(Object.keys(post).sort()).toEqual(['expires_on', 'name', 'policies']);
      // Read-only fields stripped: no policy ID, no group name.
      expect(JSON.stringify(post.policies)).not.toMatch(/"(id|name)":"(?![0-9a-f]{32}")/);
      expect((post.policies as { id?: string }[]).every((p) => p.id === undefined)).toBe(true);
      expect(post.expires_on).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    });

    // The protocol passes a live one (successor.ts); one gone meanwhile is never replaced by the
    // acting token's permissions, which may be an admin's.
    test('a replaced token gone meanwhile fails before any create', async () => {
      const acting = sim.issueToken({ name: 'bootstrap', policies: deploy(sim) });
      const err = await clientFor(sim, acting.value)
        .create(request('e'.repeat(32)))
        .then(
          () => new Error('created'),
          (e: unknown) => e as Error
        );
      expect(err).toBeInstanceOf(ProviderError);
      expect(err.message).toMatch(
        /^Cloudflare: reading the permissions of token e{32} \(which the new one replaces\) failed with HTTP 404/
      );
      expect(sim.requests.map((r) => `${r.method} ${r.pathname} ${r.status}`)).toEqual([
        `GET /client/v4/user/tokens/${'e'.repeat(32)} 404`
      ]);
    });
  });

  describe('a lost or garbled create answer', () => {
    let provider: Provider;
    let acting: { id: string; value: string };
    beforeEach(() => {
      acting = sim.issueToken({ name: 'bootstrap' });
      provider = clientFor(sim, acting.value);
    });
    const minted = () => sim.liveTokens().find((t) => t.id !== acting.id);

    test('value unreadable: the minted ID is named', async () => {
      sim.fault({
        method: 'POST',
        rewrite: (b) => ({ ...(b as object), result: { ...(b as { result: object }).result, value: 42 } })
      });
      const err = await failure(provider.create(request(null)));
      expect(err).toMatchObject({ kind: 'rejected', ambiguous: true, mintedId: minted()?.id });
      expect(err?.message).toContain('result.value is not a string');
    });

    test('success:false on a 200 that minted: ambiguous, the minted ID named', async () => {
      sim.fault({ method: 'POST', rewrite: (b) => ({ ...(b as object), success: false }) });
      const err = await failure(provider.create(request(null)));
      expect(err).toMatchObject({ ambiguous: true, mintedId: minted()?.id });
      expect(err?.message).toContain('success is not true');
    });

    test('the answer lost after minting: ambiguous, found by name in the list, POST sent once', async () => {
      sim.fault({ method: 'POST', drop: true, afterHandling: true });
      const err = await failure(provider.create(request(null)));
      expect(err).toMatchObject({ kind: 'unavailable', ambiguous: true });
      expect(sim.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
      expect((await provider.list()).filter((t) => t.name === NAME).map((t) => t.id)).toEqual([minted()?.id]);
    });
  });

  test('pagination past 20 tokens: every token, ending on an empty page', async () => {
    const acting = sim.issueToken({ name: 'bootstrap' });
    for (let i = 0; i < 57; i++) sim.issueToken({ name: `t${i}` });
    sim.clearLog();
    const listed = await clientFor(sim, acting.value).list();
    expect(listed).toHaveLength(58);
    expect(new Set(listed.map((t) => t.id)).size).toBe(58);
    expect(sim.requests.map((r) => r.path)).toEqual([
      '/client/v4/user/tokens?page=1&per_page=50',
      '/client/v4/user/tokens?page=2&per_page=50',
      '/client/v4/user/tokens?page=3&per_page=50'
    ]);
  });

  test('a server that never ends its list fails past MAX_PAGES instead of looping', async () => {
    const acting = sim.issueToken({ name: 'bootstrap' });
    sim.clearLog();
    await clientFor(sim, acting.value).list();
    const item = (sim.requests[0]?.response as { result: object[] }).result[0];
    let n = 0;
    sim.fault({
      method: 'GET',
      path: '/client/v4/user/tokens',
      times: Infinity,
      rewrite: (b) => ({ ...(b as object), result: [{ ...item, id: (n++).toString(16).padStart(32, '0') }] })
    });
    sim.clearLog();
    const err = await failure(clientFor(sim, acting.value).list());
    expect(err?.message).toMatch(
      /^Cloudflare: listing tokens: unexpected response \(the list goes on past 100 pages\)/
    );
    expect(sim.requests).toHaveLength(100);
  });

  test('the user token quota (50): a quota error that says what to do', async () => {
    const acting = sim.issueToken({ name: 'bootstrap' });
    for (let i = 0; i < 49; i++) sim.issueToken({ name: `t${i}` });
    const err = await failure(clientFor(sim, acting.value).create(request(null)));
    expect(err).toMatchObject({ kind: 'quota' });
    expect(err?.message).toContain('Cloudflare allows 50 user tokens');
  });

  test('429 with retry-after on a read is waited for; on create it is not retried', async () => {
    const acting = sim.issueToken({ name: 'bootstrap' });
    sim.rateLimit = { limit: 1, windowMs: 300_000, status: 429 };
    const provider = clientFor(sim, acting.value);
    await expect(provider.list()).rejects.toMatchObject({ kind: 'unavailable' });
    const throttled = sim.requests.find((r) => r.status === 429);
    expect(throttled?.response).toMatchObject({ success: false, errors: [{ code: 971 }] });
  });

  test('not found answered as 400 code 7003 [U] is "already gone" too', async () => {
    const acting = sim.issueToken({ name: 'bootstrap' });
    sim.notFoundStatus = 400;
    expect(await clientFor(sim, acting.value).revoke('a'.repeat(32))).toBe('already-gone');
    expect(sim.requests[0]?.status).toBe(400);
  });

  test('an ID not of the form is never sent', async () => {
    const acting = sim.issueToken({ name: 'bootstrap' });
    await expect(clientFor(sim, acting.value).revoke('../verify')).rejects.toThrow(/nothing was sent/);
    await expect(clientFor(sim, acting.value).create(request('../verify'))).rejects.toThrow(
      /nothing was sent/
    );
    expect(sim.requests).toHaveLength(0);
  });
});
