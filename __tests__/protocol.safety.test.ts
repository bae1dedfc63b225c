import type { ProviderName } from '../src/providers/index.js';
import { setAt } from './helpers/json-path.js';
import { kitOf } from './helpers/kit/index.js';
import { PROVIDERS } from './helpers/providers.js';
import {
  LOCK_VARIABLE,
  mutations,
  REPO,
  SECRET,
  startWorld,
  STATE_VARIABLE,
  type World
} from './helpers/world.js';

/**
 * Issue 12's cases on the protocol itself, in-process against the simulators: ambiguous writes,
 * the rotation lock, another rotation's state, a tampered state, previous-token-id that names no
 * live token, an unreadable create answer, a lost first state create. Each asserts what the
 * services end up holding.
 */
const TOKEN_NAME = `ci-token-rotator:${REPO}:${SECRET}`;
const SECRET_PUT = { method: 'PUT', path: `/repos/${REPO}/actions/secrets/${SECRET}` };
const STORED_BUT_500 = { ...SECRET_PUT, status: 500, afterHandling: true };

/** A create answer whose expiry no date parser can read. */
const unreadableExpiry = (name: ProviderName) => (body: unknown) => setAt(body, kitOf(name).expiry, 'soon');

const lockRecord = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    version: 1,
    nonce: 'someone-else',
    run_id: '41',
    run_attempt: 1,
    acquired_at: new Date().toISOString(),
    expires_at: new Date(Date.now() + 600_000).toISOString(),
    ...over
  });

describe.each(PROVIDERS)('protocol safety: %s', (name) => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld(name);
  });
  afterEach(() => world.close());

  const secret = () => world.github.secretValue(REPO, SECRET) ?? '';
  const editState = (over: Record<string, unknown>) =>
    world.github.setVariable(
      REPO,
      STATE_VARIABLE,
      JSON.stringify({ ...JSON.parse(world.github.variable(REPO, STATE_VARIABLE) ?? '{}'), ...over })
    );
  /** A first rotation, then the secret's token acts (self-rotation). */
  const selfRotation = async () => {
    const first = await world.run();
    return { firstId: first.token?.id ?? '', firstValue: secret() };
  };

  describe('(1) a write without a definite answer is "maybe written"', () => {
    test('self-rotation, every write stored but answered 500: both tokens stay live, the new one recorded', async () => {
      const { firstValue } = await selfRotation();
      world.github.fault({ ...STORED_BUT_500, times: Infinity });
      const report = await world.run({}, { actingToken: firstValue });
      expect(report.outcome).toBe('failed');
      expect(world.sim.isLive(secret())).toBe(true);
      expect(world.sim.isLive(firstValue)).toBe(true);
      const newId = report.token?.id ?? '';
      expect(world.sim.isLive(newId)).toBe(true);
      expect(world.state()).toMatchObject({ tokenId: newId, incomplete: [`${REPO}:${SECRET}`] });
      expect(report.leftAs).toMatch(/may hold it or the previous token/);
      world.github.clearFaults();
      const rerun = await world.run({}, { actingToken: secret() });
      expect(rerun.outcome).toBe('rotated');
      expect(
        world.sim
          .liveTokens()
          .filter((t) => t.name === TOKEN_NAME)
          .map((t) => t.value)
      ).toEqual([secret()]);
    });

    test('self-rotation, one write stored but answered 500 on every retry: put back, then the new token revoked', async () => {
      const { firstId, firstValue } = await selfRotation();
      // Octokit tries a write four times; the put-back after it gets a definite answer.
      world.github.fault({ ...STORED_BUT_500, times: 4 });
      const report = await world.run({}, { actingToken: firstValue });
      expect(report.outcome).toBe('failed');
      expect(secret()).toBe(firstValue);
      expect(report.targets[0]?.outcome).toBe('put back');
      expect(world.sim.isLive(report.token?.id ?? '')).toBe(false);
      expect(world.state()?.tokenId).toBe(firstId);
    });

    test('admin provider-token, every write stored but answered 500: the new token stays live and recorded', async () => {
      await selfRotation();
      const before = secret();
      world.github.fault({ ...STORED_BUT_500, times: Infinity });
      const report = await world.run();
      expect(report.outcome).toBe('failed');
      const newId = report.token?.id ?? '';
      expect(world.sim.isLive(newId)).toBe(true);
      expect(world.sim.isLive(before)).toBe(true);
      expect(world.sim.isLive(secret())).toBe(true);
      expect(world.state()).toMatchObject({ tokenId: newId, incomplete: [`${REPO}:${SECRET}`] });
    });

    test('a definite refusal of every write: the new token is discarded', async () => {
      const { firstValue } = await selfRotation();
      world.github.fault({ ...SECRET_PUT, status: 422, times: Infinity });
      const report = await world.run({}, { actingToken: firstValue });
      expect(report.outcome).toBe('failed');
      expect(secret()).toBe(firstValue);
      expect(world.sim.isLive(report.token?.id ?? '')).toBe(false);
    });
  });

  describe('(2) one rotation, one owner', () => {
    test('a lock held by another run: this run changes nothing and says why', async () => {
      const { firstId, firstValue } = await selfRotation();
      world.github.setVariable(REPO, LOCK_VARIABLE, lockRecord());
      const tokensBefore = world.sim.tokens().length;
      world.github.clearLog();
      world.sim.clearLog();
      const report = await world.run({}, { actingToken: firstValue });
      expect(report.outcome).toBe('failed');
      expect(report.errors.join('\n')).toMatch(
        /Another run of this rotation holds the lock .*workflow run 41/
      );
      expect(mutations(world.sim)).toEqual([]);
      expect(mutations(world.github)).toEqual([`POST /repos/${REPO}/actions/variables`]);
      expect(world.sim.tokens()).toHaveLength(tokensBefore);
      expect(secret()).toBe(firstValue);
      expect(world.state()?.tokenId).toBe(firstId);
      // The other run's lock is left as it was.
      expect(JSON.parse(world.github.variable(REPO, LOCK_VARIABLE) ?? '{}')).toMatchObject({
        nonce: 'someone-else'
      });
    });

    test('an unreadable lock is not taken over', async () => {
      world.github.setVariable(REPO, LOCK_VARIABLE, 'locked by hand');
      const report = await world.run();
      expect(report.outcome).toBe('failed');
      expect(report.errors.join('\n')).toMatch(/holds something ci-token-rotator did not write/);
      expect(world.sim.tokens()).toHaveLength(1);
    });

    test.each([
      ['an expired lease', { expires_at: new Date(Date.now() - 1000).toISOString() }, undefined],
      [
        'an earlier attempt of the same workflow run',
        { run_id: '41', run_attempt: 1 },
        { id: '41', attempt: 2 }
      ]
    ])('a lock left by %s is taken over; the lock is gone afterwards', async (_case, over, run) => {
      world.github.setVariable(REPO, LOCK_VARIABLE, lockRecord(over));
      const report = await world.run({}, run ? { deps: { lock: { ...world.lock, run } } } : {});
      expect(report.outcome).toBe('rotated');
      expect(world.github.variable(REPO, LOCK_VARIABLE)).toBeUndefined();
    });

    test('a later attempt of another workflow run does not take over a live lock', async () => {
      world.github.setVariable(REPO, LOCK_VARIABLE, lockRecord());
      const report = await world.run(
        {},
        { deps: { lock: { ...world.lock, run: { id: '42', attempt: 3 } } } }
      );
      expect(report.outcome).toBe('failed');
      expect(world.sim.tokens()).toHaveLength(1);
    });

    test('the lock is released after a failed run too', async () => {
      world.github.fault({ ...SECRET_PUT, status: 422, times: Infinity });
      const report = await world.run();
      expect(report.outcome).toBe('failed');
      expect(world.github.variable(REPO, LOCK_VARIABLE)).toBeUndefined();
    });

    test('a lost answer to creating the lock: the retry finds its own lock and goes on', async () => {
      world.github.fault({
        method: 'POST',
        path: `/repos/${REPO}/actions/variables`,
        drop: true,
        afterHandling: true
      });
      const report = await world.run();
      expect(report.outcome).toBe('rotated');
      expect(world.github.variable(REPO, LOCK_VARIABLE)).toBeUndefined();
    });

    test('a lock taken over by another run meanwhile: this run undoes its own token and leaves their lock', async () => {
      const { firstValue } = await selfRotation();
      world.sim.fault({ ...kitOf(name).create, delayMs: 400 });
      // As if another run found the lock expired at the same moment, removed it and made its own.
      setTimeout(() => world.github.setVariable(REPO, LOCK_VARIABLE, lockRecord()), 150);
      const report = await world.run({}, { actingToken: firstValue });
      expect(report.outcome).toBe('failed');
      expect(report.errors.join('\n')).toMatch(/no longer holds this run's mark/);
      expect(secret()).toBe(firstValue);
      expect(report.revocations.map((r) => r.outcome)).toEqual(['revoked']);
      expect(world.sim.isLive(firstValue)).toBe(true);
      expect(JSON.parse(world.github.variable(REPO, LOCK_VARIABLE) ?? '{}')).toMatchObject({
        nonce: 'someone-else'
      });
    });

    test('a failure after this run wrote the state is not blamed on another run', async () => {
      world.github.addRepo('octo/lib');
      const { firstValue } = await selfRotation();
      world.github.fault({
        method: 'PUT',
        path: `/repos/octo/lib/actions/secrets/${SECRET}`,
        status: 422,
        times: Infinity
      });
      const partial = await world.run({}, { actingToken: firstValue, repositories: [REPO, 'octo/lib'] });
      expect(partial.outcome).toBe('failed');
      expect(world.state()?.tokenId).toBe(partial.token?.id);
      expect(partial.errors.join('\n')).not.toMatch(/another rotation/);
    });

    test('two runs at once: the second stops before any change, the first completes', async () => {
      const { firstValue } = await selfRotation();
      world.sim.fault({ ...kitOf(name).create, delayMs: 600 });
      const a = world.run({}, { actingToken: firstValue });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const b = await world.run({}, { actingToken: firstValue });
      const first = await a;
      expect(b.outcome).toBe('failed');
      expect(b.errors.join('\n')).toMatch(/Another run of this rotation/);
      expect(b.revocations).toEqual([]);
      expect(first.outcome).toBe('rotated');
      expect(world.sim.isLive(secret())).toBe(true);
      expect(world.state()?.tokenId).toBe(first.token?.id);
      expect(
        world.sim
          .liveTokens()
          .filter((t) => t.name === TOKEN_NAME)
          .map((t) => t.id)
      ).toEqual([first.token?.id]);
    });
  });

  describe("(3) another rotation's state is refused before any change", () => {
    test('another token-name', async () => {
      await selfRotation();
      editState({ token_name: 'ci-token-rotator:octo/app:OTHER' });
      world.sim.clearLog();
      const report = await world.run();
      expect(report.outcome).toBe('failed');
      expect(report.errors.join('\n')).toMatch(
        /written for token-name "ci-token-rotator:octo\/app:OTHER".*state-variable/
      );
      expect(mutations(world.sim)).toEqual([]);
    });

    test('targets that share none with this run', async () => {
      await selfRotation();
      editState({ targets: ['octo/other:API_TOKEN'] });
      const report = await world.run();
      expect(report.outcome).toBe('failed');
      expect(report.errors.join('\n')).toMatch(/written for other targets/);
    });

    test('adding a target to the same rotation keeps working', async () => {
      world.github.addRepo('octo/lib');
      await selfRotation();
      const report = await world.run({}, { repositories: [REPO, 'octo/lib'] });
      expect(report.outcome).toBe('rotated');
      expect(world.github.secretValue('octo/lib', SECRET)).toBe(secret());
    });
  });

  describe('(5) a tampered state cannot steer the provider credential', () => {
    test.each(['revoke', 'kept', 'token_id', 'previous'])(
      'a foreign live token as %s is refused, not revoked',
      async (field) => {
        await selfRotation();
        const foreign = world.sim.issueToken({ name: 'production-deploy' });
        editState({ [field]: field === 'token_id' || field === 'previous' ? foreign.id : [foreign.id] });
        world.sim.clearLog();
        const report = await world.run({}, { actingToken: secret() });
        expect(report.outcome).toBe('failed');
        expect(report.errors.join('\n')).toContain(`names token(s) ${foreign.id}`);
        expect(world.sim.isLive(foreign.id)).toBe(true);
        expect(mutations(world.sim)).toEqual([]);
      }
    );

    test('the admin provider-token as token_id, with a forged incomplete list, is neither revoked nor written', async () => {
      await selfRotation();
      const before = secret();
      editState({
        token_id: world.acting.id,
        incomplete: [`${REPO}:${SECRET}`],
        named: { [world.acting.id]: 'bootstrap' }
      });
      const report = await world.run();
      expect(report.outcome).toBe('failed');
      expect(report.errors.join('\n')).toContain('provider-token itself');
      expect(world.sim.isLive(world.acting.id)).toBe(true);
      expect(secret()).toBe(before);
    });

    test.each(['..', '../x', '', 'a b'])(
      'an ID of the wrong form (%j) is refused before any request',
      async (bad) => {
        await selfRotation();
        editState({ revoke: [bad] });
        world.sim.clearLog();
        const report = await world.run();
        expect(report.outcome).toBe('failed');
        expect(report.errors.join('\n')).toMatch(/field "revoke" that is not what ci-token-rotator writes/);
        expect(mutations(world.sim)).toEqual([]);
      }
    );

    test('the bootstrap token named by previous-token-id is remembered with its name and revoked by a later run', async () => {
      world.sim.fault({
        ...kitOf(name).revoke,
        status: 400,
        times: 1
      });
      const boot = await world.run({ previousTokenId: 'current' });
      expect(boot.outcome).toBe('failed');
      expect(world.state()?.named).toEqual({ [world.acting.id]: 'bootstrap' });
      const next = await world.run({}, { actingToken: secret() });
      expect(next.outcome).toBe('rotated');
      expect(world.sim.isLive(world.acting.id)).toBe(false);
    });
  });

  test('(7) previous-token-id that names no live token fails before anything is created', async () => {
    await selfRotation();
    const tokens = world.sim.tokens().length;
    const report = await world.run({ previousTokenId: kitOf(name).unknownId });
    expect(report.outcome).toBe('failed');
    expect(report.errors.join('\n')).toMatch(/previous-token-id: .* is not among the live tokens/);
    expect(world.sim.tokens()).toHaveLength(tokens);
  });

  test('(12) a create answer with an unreadable expiry: the minted token is revoked and the run says so', async () => {
    world.sim.fault({ ...kitOf(name).create, rewrite: unreadableExpiry(name) });
    const report = await world.run();
    expect(report.outcome).toBe('failed');
    const minted = world.sim.tokens().filter((t) => t.name === TOKEN_NAME);
    expect(minted).toHaveLength(1);
    expect(world.sim.isLive(minted[0]?.id ?? '')).toBe(false);
    expect(world.github.secretValue(REPO, SECRET)).toBeUndefined();
    expect(report.leftAs).toMatch(/revoked/);
  });

  test('(14) a lost answer to the first state create is not retried into 409s', async () => {
    world.github.fault({
      method: 'POST',
      path: `/repos/${REPO}/actions/variables`,
      skip: 1, // the lock's create comes first
      drop: true,
      afterHandling: true
    });
    const report = await world.run();
    expect(report.outcome).toBe('rotated');
    const creates = world.github.requests.filter(
      (r) => r.method === 'POST' && r.pathname.endsWith('/actions/variables')
    );
    // The lock, the state (lost), its one retry (409), then an update.
    expect(creates).toHaveLength(3);
    expect(world.state()?.tokenId).toBe(report.token?.id);
  });
});
