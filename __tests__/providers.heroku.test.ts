import { ProviderError } from '../src/providers/errors.js';
import { showsToken } from '../src/providers/heroku.js';
import type { CreateRequest, Provider } from '../src/providers/index.js';
import { startHerokuSim, type HerokuSim } from '../sim/heroku.js';
import { clientFor as sharedClientFor } from './helpers/providers.js';

// Heroku's quirks through src/providers/heroku.ts against the simulator over real HTTP.

const DAY = 86_400;
const NAME = 'ci-token-rotator:octo/app:HEROKU_API_KEY';
const request = (replacing: string | null): CreateRequest => ({
  name: NAME,
  expiresAt: new Date(Date.now() + 7 * DAY * 1000),
  lifetimeSeconds: 7 * DAY,
  replacing
});

const clientFor = (sim: HerokuSim, actingToken: string) => sharedClientFor('heroku', sim, actingToken);

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as ProviderError
  );

describe('Heroku provider', () => {
  let sim: HerokuSim;
  let acting: { id: string; value: string };
  let provider: Provider;
  beforeEach(async () => {
    sim = await startHerokuSim();
    acting = sim.issueToken({ name: 'bootstrap' });
    provider = clientFor(sim, acting.value).provider;
  });
  afterEach(() => sim.close());

  const posts = () => sim.requests.filter((r) => r.method === 'POST');
  const held = (id: string) => sim.tokens().find((t) => t.id === id);

  test('end to end: create, verify, list, revoke; every request with the versioned Accept; never regenerate', async () => {
    const token = await provider.create(request(acting.id));
    expect(token.value).toMatch(/^HRKU-[0-9a-f]{8}-/);
    expect(held(token.id)).toMatchObject({ name: NAME, value: token.value, scope: ['global'] });
    expect(Math.abs((token.expiresAt?.getTime() ?? 0) - (Date.now() + 7 * DAY * 1000))).toBeLessThan(5000);
    await provider.verify(token);
    const listed = await provider.list();
    expect(listed.map((t) => t.id).sort()).toEqual([acting.id, token.id].sort());
    expect(JSON.stringify(listed)).not.toContain(token.value);
    expect(await provider.revoke(token.id)).toBe('revoked');
    expect(sim.isLive(token.value)).toBe(false);
    expect(await provider.revoke(token.id)).toBe('already-gone');
    expect(sim.requests.map((r) => r.headers.accept)).toEqual(
      sim.requests.map(() => 'application/vnd.heroku+json; version=3')
    );
    expect(sim.requests.filter((r) => /regenerate|\/~$/.test(r.pathname))).toEqual([]);
  });

  describe('the successor carries the scope of the authorization it replaces', () => {
    test("replacing: the replaced authorization's scope, read with GET /oauth/authorizations/{id}", async () => {
      const deploy = sim.issueToken({ name: 'deploy', scope: ['write-protected', 'read-protected'] });
      const token = await provider.create(request(deploy.id));
      expect(held(token.id)?.scope).toEqual(['write-protected', 'read-protected']);
      expect(sim.requests.map((r) => `${r.method} ${r.pathname}`)).toEqual([
        `GET /oauth/authorizations/${deploy.id}`,
        'POST /oauth/authorizations'
      ]);
    });

    test("replacing null: the acting authorization's, found by its redacted token in the list", async () => {
      const admin = sim.issueToken({ name: 'admin', scope: ['global', 'identity'] });
      const token = await clientFor(sim, admin.value).provider.create(request(null));
      expect(held(token.id)?.scope).toEqual(['global', 'identity']);
    });

    test('an admin acting token replacing a narrower deploy authorization: the deploy scope, never global', async () => {
      const admin = sim.issueToken({ name: 'admin', scope: ['global'] });
      const deploy = sim.issueToken({ name: 'deploy', scope: ['write'] });
      const token = await clientFor(sim, admin.value).provider.create(request(deploy.id));
      expect(held(token.id)?.scope).toEqual(['write']);
      expect(posts().map((r) => r.body)).toEqual([
        { scope: ['write'], expires_in: 7 * DAY, description: NAME }
      ]);
    });

    // The protocol passes a live one (successor.ts); one revoked meanwhile is never replaced by a guess.
    test('a replaced authorization that is gone fails before anything is created, naming previous-token-id', async () => {
      sim.issueToken({ name: NAME, scope: ['write'] });
      const err = await failure(provider.create(request('00000000-0000-4000-8000-000000000000')));
      expect(err).toBeInstanceOf(ProviderError);
      expect(err.message).toMatch(
        /^Heroku: creating a token: authorization 0{8}-.* which the new one replaces, is gone/
      );
      expect(err.message).toContain('previous-token-id');
      expect(posts()).toEqual([]);
    });

    test('replacing null with an acting authorization the list cannot single out fails before creating', async () => {
      sim.redaction = { prefix: 5, suffix: 0 };
      sim.issueToken({ name: 'another' });
      const err = await failure(provider.create(request(null)));
      expect(err.message).toMatch(/provider-token is not one listed authorization/);
      expect(err.message).toContain('previous-token-id');
      expect(posts()).toEqual([]);
    });

    test.each([
      ['an unknown scope', ['global', 'deploy']],
      ['an empty scope', []],
      ['a scope that is no list', 'global']
    ])('%s read back fails clearly, before creating', async (_title, scope) => {
      sim.fault({
        method: 'GET',
        path: `/oauth/authorizations/${acting.id}`,
        rewrite: (b) => ({ ...(b as object), scope })
      });
      const err = await failure(provider.create(request(acting.id)));
      expect(err.message).toMatch(
        /^Heroku: reading the scope of authorization .*: unexpected response \(scope/
      );
      expect(posts()).toEqual([]);
    });

    test('a create answer with another scope than asked is refused, naming the minted authorization', async () => {
      const deploy = sim.issueToken({ name: 'deploy', scope: ['write'] });
      sim.fault({
        method: 'POST',
        path: '/oauth/authorizations',
        rewrite: (b) => ({ ...(b as object), scope: ['global'] })
      });
      const err = await failure(provider.create(request(deploy.id)));
      const minted = sim.liveTokens().find((t) => t.name === NAME);
      expect(err).toMatchObject({ ambiguous: true, mintedId: minted?.id });
      expect(err.message).toContain('scope is global, not the write asked for');
    });
  });

  describe('the acting authorization, by its redacted token (GET /oauth/authorizations/~ is the API Key)', () => {
    test('found when exactly one listed token shows provider-token', async () => {
      sim.issueToken({ name: 'API Key', apiKey: true });
      sim.issueToken({ name: 'another' });
      expect((await provider.checkAccess()).actingTokenId).toBe(acting.id);
      expect(sim.requests.map((r) => r.pathname)).toEqual(['/oauth/authorizations']);
    });

    test('found with tokens shown in full, as before Heroku redacted them', async () => {
      sim.redaction = null;
      expect((await provider.checkAccess()).actingTokenId).toBe(acting.id);
    });

    test('null when two listed tokens show the same', async () => {
      sim.redaction = { prefix: 5, suffix: 0 };
      sim.issueToken({ name: 'another' });
      const access = await provider.checkAccess();
      expect(access.actingTokenId).toBeNull();
      expect(access.tokens).toHaveLength(2);
    });

    test('null when none shows it', async () => {
      sim.fault({
        method: 'GET',
        path: '/oauth/authorizations',
        rewrite: (b) =>
          (b as { access_token: object }[]).map((a) => ({
            ...a,
            access_token: { ...a.access_token, token: 'HRKU-ffff**********ffff' }
          }))
      });
      expect((await provider.checkAccess()).actingTokenId).toBeNull();
    });

    test.each([
      ['HRKU-abcd**********wxyz', 'HRKU-abcd-1234-wxyz', true],
      ['HRKU-abcd**********', 'HRKU-abcd-1234-wxyz', true],
      ['HRKU-abcd**********wxyz', 'HRKU-abce-1234-wxyz', false],
      ['HRKU-abcd**********wxyz', 'HRKU-abcd-1234-wxy0', false],
      ['**********', 'HRKU-abcd', false],
      ['HRKU-abcd', 'HRKU-abcd', true]
    ])('showsToken(%p, %p) is %p', (shown, value, expected) => {
      expect(showsToken(shown, value)).toBe(expected);
    });
  });

  describe('list pages by Range, following Next-Range', () => {
    test('past one page: 206 + Next-Range, then 200; every authorization once', async () => {
      sim.maxPageSize = 2;
      for (let i = 0; i < 4; i++) sim.issueToken({ name: `manual ${i}` });
      const listed = await provider.list();
      expect(listed.map((t) => t.id).sort()).toEqual(
        sim
          .liveTokens()
          .map((t) => t.id)
          .sort()
      );
      const lists = sim.requests.filter((r) => r.pathname === '/oauth/authorizations');
      expect(lists.map((r) => r.status)).toEqual([206, 206, 200]);
      expect(lists[0]?.headers.range).toBe('id ..; max=1000');
      expect(lists[1]?.headers.range).toMatch(/^id \][0-9a-f-]{36}\.\.; max=2$/);
    });

    test('a 206 without Next-Range fails clearly rather than passing a list cut short', async () => {
      sim.maxPageSize = 1;
      sim.issueToken({ name: 'another' });
      sim.fault({ method: 'GET', path: '/oauth/authorizations', headers: { 'next-range': '' } });
      const err = await failure(provider.list());
      expect(err.message).toMatch(
        /^Heroku: listing tokens: unexpected response \(a 206 Partial Content answer without one Next-Range header\)/
      );
    });

    test('a list of more than 100 pages fails rather than passing a list cut short', async () => {
      sim.maxPageSize = 1;
      for (let i = 0; i < 100; i++) sim.issueToken({ name: `manual ${i}` });
      const err = await failure(provider.list());
      expect(err.message).toMatch(
        /^Heroku: listing tokens: unexpected response \(the list goes on past 100 pages\)/
      );
      expect(sim.requests).toHaveLength(100);
    });

    test.each([
      [
        'a Next-Range followed before',
        { 'next-range': 'id ..; max=1000' },
        /a Next-Range that was followed before/
      ],
      [
        'no new authorization on a partial page',
        {},
        /a 206 Partial Content answer with no authorization not seen before/
      ]
    ])(
      '%s fails clearly: a server going round in circles never ends the list quietly',
      async (_t, headers, problem) => {
        sim.maxPageSize = 1;
        sim.issueToken({ name: 'another' });
        sim.issueToken({ name: 'a third' });
        const first = sim.liveTokens().sort((x, y) => (x.id < y.id ? -1 : 1))[0]?.id;
        // The second page answered as the first again.
        sim.fault({
          method: 'GET',
          path: '/oauth/authorizations',
          skip: 1,
          headers,
          rewrite: (b) =>
            Array.isArray(b) && Object.keys(headers).length === 0
              ? b.map((a: object) => ({ ...a, id: first }))
              : b
        });
        const err = await failure(provider.list());
        expect(err.message).toMatch(problem);
      }
    );
  });

  describe('failures, worded', () => {
    test('a dead provider-token: auth, naming provider-token and the global scope', async () => {
      const err = await failure(
        clientFor(sim, 'HRKU-00000000-0000-4000-8000-000000000000').provider.checkAccess()
      );
      expect(err).toMatchObject({ kind: 'auth' });
      expect(err.message).toMatch(
        /^Heroku: checking provider-token failed with HTTP 401 \(Invalid credentials provided\.\)/
      );
      expect(err.message).toContain(
        'provider-token holds a live Heroku OAuth authorization (or API key) with the global scope'
      );
    });

    test('a narrower scope may not manage authorizations: 403, permission, the same hint', async () => {
      const reader = sim.issueToken({ name: 'reader', scope: ['read', 'write'] });
      const err = await failure(clientFor(sim, reader.value).provider.checkAccess());
      expect(err).toMatchObject({ kind: 'permission' });
      expect(err.message).toMatch(/^Heroku: checking provider-token failed with HTTP 403/);
      expect(err.message).toContain('with the global scope');
    });

    test('…and where Heroku lets a narrower scope manage them, the simulator can say so', async () => {
      sim.manageScopes = ['global', 'write'];
      const writer = sim.issueToken({ name: 'writer', scope: ['write'] });
      const token = await clientFor(sim, writer.value).provider.create(request(null));
      expect(held(token.id)?.scope).toEqual(['write']);
    });

    test("a lifetime over a server maximum is refused with Heroku's message", async () => {
      sim.maxExpiresIn = DAY;
      const err = await failure(provider.create(request(acting.id)));
      expect(err).toMatchObject({ kind: 'rejected', ambiguous: false });
      expect(err.message).toMatch(
        /^Heroku: creating a token failed with HTTP 422 \(expires_in may be at most 86400 seconds\.\)/
      );
    });

    test('verify with a token that acts as another account fails', async () => {
      const token = await provider.create(request(acting.id));
      sim.fault({
        method: 'GET',
        path: '/account',
        rewrite: (b) => ({ ...(b as object), id: '00000000-0000-4000-8000-000000000001' })
      });
      const err = await failure(provider.verify(token));
      expect(err.message).toMatch(
        /^Heroku: verifying the new token: it acts as account 0{8}-0000-4000-8000-000000000001, not /
      );
    });
  });

  describe('a lost or garbled create answer', () => {
    test('garbled after the ID: ambiguous, and mintedId names the authorization to revoke', async () => {
      sim.fault({
        method: 'POST',
        path: '/oauth/authorizations',
        rewrite: (b) => ({ ...(b as object), access_token: 'garbled' })
      });
      const err = await failure(provider.create(request(acting.id)));
      const minted = sim.liveTokens().find((t) => t.name === NAME);
      expect(minted).toBeDefined();
      expect(err).toMatchObject({ kind: 'rejected', ambiguous: true, mintedId: minted?.id });
      expect(err.message).toContain('access_token is not an object');
    });

    test('a redacted token in a create answer is no token', async () => {
      sim.fault({
        method: 'POST',
        path: '/oauth/authorizations',
        rewrite: (b) => ({
          ...(b as object),
          access_token: { id: acting.id, token: 'HRKU-abcd**********wxyz', expires_in: 60 }
        })
      });
      const err = await failure(provider.create(request(acting.id)));
      expect(err).toMatchObject({ ambiguous: true, mintedId: expect.any(String) });
      expect(err.message).toContain('access_token.token is redacted');
    });

    test('lost (connection dropped after minting): ambiguous, not retried; the authorization is listed by name', async () => {
      sim.fault({ method: 'POST', path: '/oauth/authorizations', drop: true, afterHandling: true });
      const err = await failure(provider.create(request(acting.id)));
      expect(err).toMatchObject({ kind: 'unavailable', ambiguous: true });
      expect(posts()).toHaveLength(1);
      expect((await provider.list()).filter((t) => t.name === NAME)).toHaveLength(1);
    });
  });
});
