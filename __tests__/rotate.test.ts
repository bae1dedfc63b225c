import { kitOf } from './helpers/kit/index.js';
import { PROVIDERS } from './helpers/providers.js';
import { mutations, REPO, SECRET, startWorld, STATE_VARIABLE, type World } from './helpers/world.js';

describe.each(PROVIDERS)('rotation protocol: %s', (name) => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld(name);
  });
  afterEach(() => world.close());

  const secretValue = (repo = REPO) => world.github.secretValue(repo, SECRET);

  test('first run: the secret decrypts to a new live token, the state records its ID', async () => {
    const report = await world.run();
    expect(report.outcome).toBe('rotated');
    const id = report.token?.id ?? '';
    const held = world.sim.tokens().find((t) => t.id === id);
    expect(secretValue()).toBe(held?.value);
    expect(world.sim.isLive(secretValue() ?? '')).toBe(true);
    expect(world.masked).toEqual([held?.value]);
    expect(world.state()).toMatchObject({ tokenId: id, kept: [], revoke: [] });
    expect(report.previousTokenId).toBeUndefined();
    expect(report.targets).toEqual([
      { label: `${REPO}:${SECRET}`, kind: 'repository secret', outcome: 'created' }
    ]);
    // Nothing recorded yet, so the hand-made token is left alone.
    expect(world.sim.isLive(world.acting.value)).toBe(true);
    expect(JSON.stringify({ ...report, tokenValue: undefined })).not.toContain(held?.value);
  });

  test('second run revokes the token the state recorded', async () => {
    const first = await world.run();
    const second = await world.run();
    expect(second.outcome).toBe('rotated');
    expect(second.previousTokenId).toBe(first.token?.id);
    expect(second.revocations).toEqual([{ id: first.token?.id, outcome: 'revoked' }]);
    expect(world.sim.isLive(first.token?.id ?? '')).toBe(false);
    expect(world.sim.isLive(secretValue() ?? '')).toBe(true);
    expect(world.state()?.tokenId).toBe(second.token?.id);
    expect(second.targets[0]?.outcome).toBe('updated');
  });

  test('the state owes only what is still live: it does not grow run after run', async () => {
    const runs = [];
    for (let i = 0; i < 4; i++) runs.push(await world.run());
    expect(runs.map((r) => r.outcome)).toEqual(['rotated', 'rotated', 'rotated', 'rotated']);
    expect(runs[3]?.revocations).toEqual([{ id: runs[2]?.token?.id, outcome: 'revoked' }]);
    expect(world.state()).toMatchObject({
      tokenId: runs[3]?.token?.id,
      kept: [],
      revoke: [runs[2]?.token?.id]
    });
    expect(
      world.sim
        .liveTokens()
        .map((t) => t.id)
        .sort()
    ).toEqual([world.acting.id, runs[3]?.token?.id].sort());
  });

  test('previous-token-id "current" revokes the acting token, after everything else', async () => {
    const first = await world.run();
    const firstValue = secretValue() ?? '';
    // Self-rotation: the recorded token acts, and an owed revocation (of an earlier token of this
    // rotation) is pending too.
    const owed = world.sim.issueToken({ name: `ci-token-rotator:${REPO}:${SECRET}` });
    world.github.setVariable(
      REPO,
      STATE_VARIABLE,
      JSON.stringify({
        ...JSON.parse(world.github.variable(REPO, STATE_VARIABLE) ?? '{}'),
        revoke: [owed.id]
      })
    );
    const report = await world.run({ previousTokenId: 'current' }, { actingToken: firstValue });
    expect(report.outcome).toBe('rotated');
    expect(report.previousTokenId).toBe(first.token?.id);
    expect(report.revocations.map((r) => r.id)).toEqual([owed.id, first.token?.id]);
    expect(world.sim.isLive(owed.id)).toBe(false);
    expect(world.sim.isLive(firstValue)).toBe(false);
    expect(world.sim.isLive(secretValue() ?? '')).toBe(true);
  });

  test('keep-previous 1 keeps the replaced token until the next rotation', async () => {
    const first = await world.run({ keepPrevious: 1 });
    const second = await world.run({ keepPrevious: 1 });
    expect(world.sim.isLive(first.token?.id ?? '')).toBe(true);
    expect(second.kept).toEqual([first.token?.id]);
    const third = await world.run({ keepPrevious: 1 });
    expect(third.revocations).toEqual([{ id: first.token?.id, outcome: 'revoked' }]);
    expect(world.sim.isLive(first.token?.id ?? '')).toBe(false);
    expect(world.sim.isLive(second.token?.id ?? '')).toBe(true);
    expect(world.state()?.kept).toEqual([second.token?.id]);
  });

  test('dry run: read-only calls only, and the plan names what would be revoked', async () => {
    const first = await world.run();
    world.github.clearLog();
    world.sim.clearLog();
    const report = await world.run({ dryRun: true });
    expect(report.outcome).toBe('planned');
    expect(report.revocations).toEqual([{ id: first.token?.id, outcome: 'would revoke' }]);
    expect(report.targets).toEqual([
      { label: `${REPO}:${SECRET}`, kind: 'repository secret', outcome: 'would update' }
    ]);
    expect(mutations(world.github, world.sim)).toEqual([]);
    expect(world.sim.isLive(first.token?.id ?? '')).toBe(true);
  });

  test('a bad provider token fails the preflight: nothing created or written', async () => {
    const report = await world.run({}, { actingToken: 'dead-token-value-0123456789abcdef' });
    expect(report.outcome).toBe('failed');
    expect(report.errors.join('\n')).toContain('provider-token');
    expect(report.leftAs).toBe(
      'Nothing was changed: no token was created and no secret or state was written. Fix the cause above and run again.'
    );
    expect(mutations(world.github, world.sim)).toEqual([]);
  });

  test('verification fails: the new token is revoked, secret and state untouched', async () => {
    const first = await world.run();
    const before = secretValue();
    world.sim.fault({ ...kitOf(name).verify, status: kitOf(name).authFailure.status, times: 10 });
    const report = await world.run();
    expect(report.outcome).toBe('failed');
    const created = world.sim.tokens().at(-1);
    expect(created?.id).not.toBe(first.token?.id);
    expect(world.sim.isLive(created?.id ?? '')).toBe(false);
    expect(secretValue()).toBe(before);
    expect(world.state()?.tokenId).toBe(first.token?.id);
    expect(world.sim.isLive(first.token?.id ?? '')).toBe(true);
    expect(report.leftAs).toMatch(/failed verification; it was revoked/);
  });

  test('create answers 2xx but unreadably: the token it minted is found by name and revoked', async () => {
    const first = await world.run();
    const before = secretValue();
    // An answer without the new token's value (or ID): a token exists that nobody can hold.
    world.sim.fault({ ...kitOf(name).create, rewrite: () => ({}) });
    const report = await world.run();
    expect(report.outcome).toBe('failed');
    expect(report.errors[0]).toMatch(/creating a token: unexpected response/);
    const minted = world.sim.tokens().at(-1);
    expect(minted?.id).not.toBe(first.token?.id);
    expect(world.sim.isLive(minted?.id ?? '')).toBe(false);
    expect(report.leftAs).toMatch(/created by the lost request were found and revoked/);
    expect(secretValue()).toBe(before);
    expect(world.state()?.tokenId).toBe(first.token?.id);
    expect(world.sim.isLive(first.token?.id ?? '')).toBe(true);
  });

  test('no target can be written: the new token is revoked, nothing else changes', async () => {
    const first = await world.run();
    const before = secretValue();
    world.github.fault({ method: 'PUT', status: 403, times: 10 });
    const report = await world.run();
    expect(report.outcome).toBe('failed');
    expect(report.targets[0]?.outcome).toBe('failed');
    expect(report.errors[0]).toMatch(/Secrets: Read and write/);
    expect(
      world.sim
        .liveTokens()
        .map((t) => t.id)
        .sort()
    ).toEqual([world.acting.id, first.token?.id].sort());
    expect(secretValue()).toBe(before);
    expect(world.state()?.tokenId).toBe(first.token?.id);
  });

  test('the state cannot be written: fail loudly, the old token stays live', async () => {
    const first = await world.run();
    world.github.fault({ method: 'PATCH', status: 403, times: 10 });
    const report = await world.run();
    expect(report.outcome).toBe('failed');
    expect(world.sim.isLive(first.token?.id ?? '')).toBe(true);
    expect(secretValue()).toBe(world.sim.tokens().find((t) => t.id === report.token?.id)?.value);
    expect(world.state()?.tokenId).toBe(first.token?.id);
    expect(report.revocations).toEqual([]);
    expect(report.leftAs).toContain(`the previous token ${first.token?.id} was NOT revoked`);
  });

  test('orphans of crashed runs (live, this exact name, unrecorded) are swept after a rotation', async () => {
    const first = await world.run();
    const orphan = world.sim.issueToken({ name: `ci-token-rotator:${REPO}:${SECRET}` });
    const stranger = world.sim.issueToken({ name: `ci-token-rotator:${REPO}:${SECRET}-other` });
    const second = await world.run();
    expect(second.outcome).toBe('rotated');
    expect(second.revocations).toEqual([
      { id: first.token?.id, outcome: 'revoked' },
      { id: orphan.id, outcome: 'revoked', orphan: true }
    ]);
    expect(world.sim.isLive(orphan.id)).toBe(false);
    expect(world.sim.isLive(stranger.id)).toBe(true);
    expect(world.sim.isLive(world.acting.id)).toBe(true);
  });

  test('the state changed by someone else while this run rotates: it undoes only its own token', async () => {
    const first = await world.run();
    world.sim.fault({ ...kitOf(name).create, delayMs: 400 });
    const other = JSON.stringify({
      ...JSON.parse(world.github.variable(REPO, STATE_VARIABLE) ?? '{}'),
      rotated_at: 'other run'
    });
    setTimeout(() => world.github.setVariable(REPO, STATE_VARIABLE, other), 150);
    const held = secretValue();
    const report = await world.run();
    expect(report.outcome).toBe('failed');
    expect(report.errors[0]).toContain('concurrency: group');
    expect(world.github.variable(REPO, STATE_VARIABLE)).toBe(other);
    expect(secretValue()).toBe(held);
    // Its own new token, which no target got, is revoked; nothing else is.
    expect(report.revocations.map((r) => [r.id, r.outcome])).toEqual([
      [report.revocations[0]?.id, 'revoked']
    ]);
    expect(report.revocations[0]?.id).not.toBe(first.token?.id);
    expect(world.sim.isLive(first.token?.id ?? '')).toBe(true);
    expect(world.sim.isLive(secretValue() ?? '')).toBe(true);
  });

  test('self-rotation, the state cannot be written: secrets are put back, the new token revoked', async () => {
    const first = await world.run();
    const firstValue = secretValue() ?? '';
    world.github.fault({ method: 'PATCH', status: 403, times: 10 });
    const report = await world.run({}, { actingToken: firstValue });
    expect(report.outcome).toBe('failed');
    expect(secretValue()).toBe(firstValue);
    expect(world.sim.isLive(firstValue)).toBe(true);
    expect(world.sim.isLive(report.token?.id ?? '')).toBe(false);
    expect(world.state()?.tokenId).toBe(first.token?.id);
    expect(report.targets[0]?.outcome).toBe('put back');
    expect(report.tokenValue).toBeUndefined();
    expect(report.leftAs).toContain('put back to the previous token; it was revoked');
  });

  test('revocation fails: the step fails, the state owes it, the next run revokes it', async () => {
    const first = await world.run();
    world.sim.fault({ ...kitOf(name).revoke, status: 500, times: 10 });
    const second = await world.run();
    expect(second.outcome).toBe('failed');
    expect(world.sim.isLive(secretValue() ?? '')).toBe(true);
    expect(world.sim.isLive(first.token?.id ?? '')).toBe(true);
    expect(world.state()).toMatchObject({ tokenId: second.token?.id, revoke: [first.token?.id] });
    expect(second.leftAs).toContain('the next run revokes them');
    world.sim.clearFaults();
    const third = await world.run();
    expect(third.outcome).toBe('rotated');
    expect(world.sim.isLive(first.token?.id ?? '')).toBe(false);
    expect(world.sim.isLive(second.token?.id ?? '')).toBe(false);
  });
});

describe('several repositories', () => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld('vercel', ['octo/app', 'octo/web']);
  });
  afterEach(() => world.close());

  test('every repository gets the same new token', async () => {
    const report = await world.run();
    expect(report.outcome).toBe('rotated');
    const value = world.sim.tokens().find((t) => t.id === report.token?.id)?.value;
    expect(world.github.secretValue('octo/app', SECRET)).toBe(value);
    expect(world.github.secretValue('octo/web', SECRET)).toBe(value);
  });

  test('one target fails: nothing is revoked, the state owes the old token, a re-run completes', async () => {
    const first = await world.run();
    world.github.fault({ method: 'PUT', path: `/repos/octo/web/actions/secrets/${SECRET}`, status: 422 });
    const second = await world.run();
    expect(second.outcome).toBe('failed');
    expect(second.targets.map((t) => t.outcome)).toEqual(['updated', 'failed']);
    // octo/web still holds the first token, which must stay live.
    expect(world.sim.isLive(world.github.secretValue('octo/web', SECRET) ?? '')).toBe(true);
    expect(world.github.secretValue('octo/web', SECRET)).toBe(
      world.sim.tokens().find((t) => t.id === first.token?.id)?.value
    );
    expect(world.state()).toMatchObject({ tokenId: second.token?.id, revoke: [first.token?.id] });
    const third = await world.run();
    expect(third.outcome).toBe('rotated');
    expect(world.sim.isLive(first.token?.id ?? '')).toBe(false);
    expect(world.sim.isLive(second.token?.id ?? '')).toBe(false);
  });

  test('self-rotation: a re-run completes a partial rotation without minting another token', async () => {
    const first = await world.run();
    const firstValue = world.github.secretValue('octo/app', SECRET) ?? '';
    world.github.fault({ method: 'PUT', path: `/repos/octo/web/actions/secrets/${SECRET}`, status: 422 });
    const second = await world.run({}, { actingToken: firstValue });
    expect(second.outcome).toBe('failed');
    expect(world.state()).toMatchObject({ tokenId: second.token?.id, incomplete: ['octo/web:API_TOKEN'] });
    const secondValue = world.github.secretValue('octo/app', SECRET) ?? '';
    const minted = world.sim.tokens().length;

    // The scheduled re-run acts with the secret of octo/app: the token the partial run created.
    const third = await world.run({}, { actingToken: secondValue });
    expect(third.outcome).toBe('rotated');
    expect(world.sim.tokens()).toHaveLength(minted);
    expect(third.token?.id).toBe(second.token?.id);
    expect(world.github.secretValue('octo/web', SECRET)).toBe(secondValue);
    expect(third.revocations).toEqual([{ id: first.token?.id, outcome: 'revoked' }]);
    expect(world.sim.isLive(firstValue)).toBe(false);
    expect(world.sim.isLive(secondValue)).toBe(true);
    expect(world.state()).toMatchObject({
      tokenId: second.token?.id,
      incomplete: [],
      revoke: [first.token?.id]
    });
    expect(third.leftAs).toContain('Completed the last rotation');
  });

  test('a repository the GitHub token cannot see fails the preflight, before any token exists', async () => {
    const report = await world.run({}, { repositories: ['octo/app', 'octo/hidden'] });
    expect(report.outcome).toBe('failed');
    expect(report.errors.join('\n')).toContain('octo/hidden');
    expect(world.sim.liveTokens()).toHaveLength(1);
  });
});
