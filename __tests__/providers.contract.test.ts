import { ProviderError } from '../src/providers/errors.js';
import { providers } from '../src/providers/index.js';
import type { ProviderSim } from '../sim/index.js';
import { clientFor, PROVIDERS, startProviderSim } from './helpers/providers.js';

const DAY = 86_400_000;

// One contract every provider passes; provider quirks live in providers.<name>.test.ts.
describe.each(PROVIDERS)('%s provider contract', (name) => {
  let sim: ProviderSim;
  let acting: { id: string; value: string };

  beforeEach(async () => {
    sim = await startProviderSim(name);
    acting = sim.issueToken({ name: 'bootstrap' });
  });
  afterEach(() => sim.close());

  const create = (provider = clientFor(name, sim, acting.value).provider) =>
    provider.create({
      name: 'ci-token-rotator:octo/app:TOKEN',
      expiresAt: new Date(Date.now() + 7 * DAY),
      lifetimeSeconds: 7 * 86400,
      replacing: null
    });

  test('checkAccess finds the acting token', async () => {
    const { provider } = clientFor(name, sim, acting.value);
    const access = await provider.checkAccess();
    expect(access.actingTokenId).toBe(acting.id);
    expect(access.tokens.map((t) => t.id)).toEqual([acting.id]);
  });

  test('create mints a live token with the name and expiry asked for', async () => {
    const token = await create();
    expect(sim.isLive(token.value)).toBe(true);
    const held = sim.tokens().find((t) => t.id === token.id);
    expect(held?.value).toBe(token.value);
    expect(held?.name).toBe('ci-token-rotator:octo/app:TOKEN');
    expect(Math.abs((held?.expiresAt ?? 0) - (Date.now() + 7 * DAY))).toBeLessThan(5000);
    expect(Math.abs((token.expiresAt?.getTime() ?? 0) - (Date.now() + 7 * DAY))).toBeLessThan(5000);
    expect(token.name).toBe('ci-token-rotator:octo/app:TOKEN');
  });

  test('verify passes for the new token and fails once it is revoked', async () => {
    const { provider } = clientFor(name, sim, acting.value);
    const token = await create(provider);
    await expect(provider.verify(token)).resolves.toBeUndefined();
    expect(await provider.revoke(token.id)).toBe('revoked');
    await expect(provider.verify(token)).rejects.toMatchObject({ kind: 'auth' });
  });

  test('revoke kills the token; revoking it again is "already-gone"', async () => {
    const { provider } = clientFor(name, sim, acting.value);
    const token = await create(provider);
    expect(await provider.revoke(token.id)).toBe('revoked');
    expect(sim.isLive(token.value)).toBe(false);
    expect(await provider.revoke(token.id)).toBe('already-gone');
  });

  test('list shows live tokens by name, without values', async () => {
    const { provider } = clientFor(name, sim, acting.value);
    const token = await create(provider);
    const listed = await provider.list();
    expect(listed.map((t) => t.id).sort()).toEqual([acting.id, token.id].sort());
    expect(JSON.stringify(listed)).not.toContain(token.value);
    expect(listed.find((t) => t.id === token.id)?.name).toBe('ci-token-rotator:octo/app:TOKEN');
  });

  test('a dead acting token is an auth failure that names the credential', async () => {
    const { provider } = clientFor(name, sim, 'not-a-live-token-value-0123456789');
    const err = await provider.checkAccess().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'auth' });
    expect((err as Error).message).toMatch(
      new RegExp(`^${providers[name].label}: checking provider-token failed with HTTP 40[13]`, 'i')
    );
    expect((err as Error).message).toContain('provider-token');
  });

  test('429 with Retry-After on a read is retried after the time asked', async () => {
    const { provider, sleeps } = clientFor(name, sim, acting.value);
    sim.fault({ method: 'GET', status: 429, headers: { 'retry-after': '2' } });
    expect((await provider.checkAccess()).actingTokenId).toBe(acting.id);
    expect(sleeps).toEqual([2000]);
  });

  test('5xx on a revoke is retried until it succeeds', async () => {
    const { provider } = clientFor(name, sim, acting.value);
    const token = await create(provider);
    sim.fault({ status: 503, times: 2 });
    expect(await provider.revoke(token.id)).toBe('revoked');
    expect(sim.isLive(token.value)).toBe(false);
  });

  test('a server error on create is not retried and is flagged ambiguous', async () => {
    const { provider } = clientFor(name, sim, acting.value);
    sim.fault({ method: 'POST', status: 500 });
    const err = await create(provider).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'unavailable', ambiguous: true });
    expect(sim.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(sim.liveTokens().map((t) => t.id)).toEqual([acting.id]);
  });

  test('a dropped connection on create is ambiguous; the token it minted is listed', async () => {
    const { provider } = clientFor(name, sim, acting.value);
    sim.fault({ method: 'POST', drop: true, afterHandling: true });
    const err = await create(provider).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'unavailable', ambiguous: true });
    expect((await provider.list()).filter((t) => t.name === 'ci-token-rotator:octo/app:TOKEN')).toHaveLength(
      1
    );
  });

  test('a token value echoed in an error body never reaches the message', async () => {
    const { provider } = clientFor(name, sim, acting.value);
    sim.fault({
      method: 'GET',
      status: 400,
      body: {
        message: `bad token ${acting.value}`,
        error: { message: acting.value },
        errors: [{ reason: acting.value }]
      }
    });
    const err = (await provider.checkAccess().catch((e: unknown) => e)) as Error;
    expect(err.message).not.toContain(acting.value);
    expect(err.message).toContain('***');
  });
});
