import {
  startCloudflareSim,
  startGithubSim,
  startTerraformSim,
  type GithubSim,
  type ProviderSim
} from '../sim/index.js';
import { runAction } from '../scripts/run-action.js';
import { BAD_INPUTS, VALID_INPUTS } from './helpers/bad-inputs.js';
import { pool } from './helpers/faults.js';
import { kitOf } from './helpers/kit/index.js';
import { PROVIDERS, startProviderSim } from './helpers/providers.js';

const GITHUB_TOKEN = 'github_pat_dist_0123456789';

// The bundle itself, run as the runner runs it, against the simulators over loopback.
describe.each(PROVIDERS)('node dist/index.js with %s', (name) => {
  let github: GithubSim;
  let sim: ProviderSim;
  let acting: { id: string; value: string };

  beforeAll(async () => {
    [github, sim] = await Promise.all([startGithubSim(), startProviderSim(name)]);
    github.addRepo('octo/app');
    github.addToken(GITHUB_TOKEN);
    acting = sim.issueToken({ name: 'bootstrap' });
  });
  afterAll(async () => {
    await Promise.all([github.close(), sim.close()]);
  });

  const inputs = (extra: Record<string, string> = {}) => ({
    provider: name,
    'provider-token': acting.value,
    'provider-url': sim.apiUrl,
    'secret-name': 'api_token',
    'github-token': GITHUB_TOKEN,
    ...extra
  });
  const env = () => ({ GITHUB_API_URL: github.url });

  test('bootstrap run with previous-token-id: current, then a scheduled rotation', async () => {
    const first = await runAction(inputs({ 'previous-token-id': 'current', 'output-token': 'true' }), env());
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const newValue = github.secretValue('octo/app', 'API_TOKEN') ?? '';
    const issued = sim.tokens().find((t) => t.value === newValue);
    expect(issued?.name).toBe('ci-token-rotator:octo/app:API_TOKEN');
    expect(first.outputs).toMatchObject({
      'token-id': issued?.id,
      'token-name': 'ci-token-rotator:octo/app:API_TOKEN',
      'previous-token-id': acting.id,
      'revoked-token-ids': acting.id,
      secrets: '["octo/app:API_TOKEN"]',
      token: newValue
    });
    expect(first.outputs['expires-at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(
      Math.abs(Date.parse(first.outputs['expires-at'] ?? '') - (Date.now() + 7 * 86_400_000))
    ).toBeLessThan(60_000);
    expect(sim.isLive(acting.value)).toBe(false);
    expect(first.stdout).toContain(`::add-mask::${newValue}`);
    // Masked, then never printed again; absent from the summary.
    expect(first.stdout.split(newValue)).toHaveLength(2);
    expect(first.summary).toContain('token rotated');
    expect(first.summary).not.toContain(newValue);

    // The scheduled run acts with the token the secret now holds.
    const second = await runAction({ ...inputs(), 'provider-token': newValue }, env());
    expect(second.code).toBe(0);
    const newest = github.secretValue('octo/app', 'API_TOKEN') ?? '';
    expect(newest).not.toBe(newValue);
    expect(sim.isLive(newest)).toBe(true);
    expect(sim.isLive(newValue)).toBe(false);
    expect(second.outputs['revoked-token-ids']).toBe(issued?.id);
    expect(second.outputs.token).toBeUndefined();
    for (const text of [
      second.stdout.replace(`::add-mask::${newValue}`, '').replace(`::add-mask::${newest}`, ''),
      second.stderr,
      second.summary,
      second.outputsFile
    ])
      for (const secret of [newest, newValue]) expect(text).not.toContain(secret);
  });

  const liveIds = () => new Set(sim.liveTokens().map((t) => t.id));

  test("an admin provider-token rotates a deploy token: the successor has the deploy token's permissions, never the admin's", async () => {
    const kit = kitOf(name);
    const deploy = kit.permissions?.issueNarrow(sim, 'deploy') ?? sim.issueToken({ name: 'deploy' });
    const admin = sim.issueToken({ name: 'admin' });
    const granted = kit.permissions?.of(sim, deploy.id);
    const adminRun = (extra: Record<string, string> = {}) =>
      runAction(inputs({ 'provider-token': admin.value, 'secret-name': 'deploy_token', ...extra }), env());
    const first = await adminRun({ 'previous-token-id': deploy.id });
    expect(first.stdout).not.toContain('::error::');
    expect(first.code).toBe(0);
    const second = await adminRun();
    expect(second.code).toBe(0);
    const held = github.secretValue('octo/app', 'DEPLOY_TOKEN') ?? '';
    const successor = sim.tokens().find((t) => t.value === held);
    expect(successor && sim.isLive(successor.id)).toBe(true);
    expect(second.outputs['revoked-token-ids']).toBe(first.outputs['token-id']);
    expect(sim.isLive(deploy.id)).toBe(false);
    expect(sim.isLive(admin.id)).toBe(true);
    if (kit.permissions) {
      expect(kit.permissions.of(sim, successor?.id ?? '')).toEqual(granted);
      expect(kit.permissions.of(sim, successor?.id ?? '')).not.toEqual(kit.permissions.of(sim, admin.id));
    }
  });

  test('a new token that fails verification is revoked, and nothing else changes', async () => {
    const own = sim.issueToken({ name: 'bootstrap' }).value;
    const before = await runAction(
      inputs({ 'secret-name': 'verify_token', 'provider-token': own, 'previous-token-id': 'current' }),
      env()
    );
    expect(before.code).toBe(0);
    const value = github.secretValue('octo/app', 'VERIFY_TOKEN') ?? '';
    const live = liveIds();
    const { verify, authFailure } = kitOf(name);
    sim.fault({ ...verify, ...authFailure, times: 20 });
    const run = await runAction(inputs({ 'secret-name': 'verify_token', 'provider-token': value }), env());
    sim.clearFaults();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::.*verif/i);
    expect(github.secretValue('octo/app', 'VERIFY_TOKEN')).toBe(value);
    expect(liveIds()).toEqual(live);
  });

  test('a revoke that fails leaves the new token in place, and the re-run revokes the old one', async () => {
    const own = sim.issueToken({ name: 'bootstrap' }).value;
    const boot = await runAction(
      inputs({ 'secret-name': 'revoke_token', 'provider-token': own, 'previous-token-id': 'current' }),
      env()
    );
    expect(boot.code).toBe(0);
    const old = github.secretValue('octo/app', 'REVOKE_TOKEN') ?? '';
    const oldId = boot.outputs['token-id'] ?? '';
    sim.fault({ ...kitOf(name).revoke, status: 500, times: Infinity });
    const failed = await runAction(inputs({ 'secret-name': 'revoke_token', 'provider-token': old }), env());
    sim.clearFaults();
    expect(failed.code).toBe(1);
    const current = github.secretValue('octo/app', 'REVOKE_TOKEN') ?? '';
    expect(current).not.toBe(old);
    expect(sim.isLive(current)).toBe(true);
    expect(sim.isLive(oldId)).toBe(true);
    const rerun = await runAction(
      inputs({ 'secret-name': 'revoke_token', 'provider-token': current }),
      env()
    );
    expect(rerun.code).toBe(0);
    expect(sim.isLive(oldId)).toBe(false);
    expect(sim.isLive(github.secretValue('octo/app', 'REVOKE_TOKEN') ?? '')).toBe(true);
  });

  test('bad input fails with the input named, before any request', async () => {
    github.clearLog();
    sim.clearLog();
    const run = await runAction(inputs({ lifetime: '5m' }), env());
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::Invalid input: lifetime: "5m" is shorter than the minimum 15m');
    expect(github.requests).toEqual([]);
    expect(sim.requests).toEqual([]);
  });
});

describe('node dist/index.js with malformed inputs', () => {
  let github: GithubSim;
  let sim: ProviderSim;
  beforeAll(async () => {
    [github, sim] = await Promise.all([startGithubSim(), startProviderSim('vercel')]);
  });
  afterAll(async () => {
    await Promise.all([github.close(), sim.close()]);
  });

  test(`${BAD_INPUTS.length} malformed inputs: each fails with its message and sends no request`, async () => {
    const runs = await pool(
      BAD_INPUTS.map(({ overrides, env }) => () => {
        // Point everything at the simulators, so a missed check would show as a request there.
        const urls: Record<string, string> =
          overrides.provider === 'databricks' || 'provider-url' in overrides
            ? {}
            : { 'provider-url': sim.url };
        return runAction({ ...VALID_INPUTS, ...urls, ...overrides }, {
          GITHUB_API_URL: github.url,
          ...env
        } as Record<string, string>);
      }),
      6
    );
    const wrong = BAD_INPUTS.filter(({ problem }, i) => {
      const run = runs[i];
      return (
        run?.code !== 1 || !run.stdout.includes(`::error::Invalid input: ${problem.replace(/%/g, '%25')}`)
      );
    }).map((c) => c.name);
    expect(wrong).toEqual([]);
    expect(github.requests).toEqual([]);
    expect(sim.requests).toEqual([]);
  });
});

describe('node dist/index.js with token-owner', () => {
  const owned: [
    string,
    () => Promise<{ sim: ProviderSim; owner: string; boot: { id: string; value: string } }>
  ][] = [
    [
      'cloudflare account/<id>: account-owned tokens',
      async () => {
        const sim = await startCloudflareSim();
        return {
          sim,
          owner: `account/${sim.accountId}`,
          boot: sim.issueToken({ name: 'boot', account: sim.accountId })
        };
      }
    ],
    [
      'terraform team/<id>: team tokens',
      async () => {
        const sim = await startTerraformSim();
        return { sim, owner: `team/${sim.team.id}`, boot: sim.issueToken({ name: 'boot', kind: 'team' }) };
      }
    ]
  ];

  test.each(owned)('%s: bootstrap, then a scheduled self-rotation', async (_label, start) => {
    const [github, { sim, owner, boot }] = await Promise.all([startGithubSim(), start()]);
    try {
      github.addRepo('octo/app');
      github.addToken(GITHUB_TOKEN);
      const provider = _label.split(' ')[0] ?? '';
      const run = (token: string, extra: Record<string, string> = {}) =>
        runAction(
          {
            provider,
            'provider-token': token,
            'provider-url': sim.apiUrl,
            'secret-name': 'owned_token',
            'github-token': GITHUB_TOKEN,
            'token-owner': owner,
            ...extra
          },
          { GITHUB_API_URL: github.url }
        );
      const first = await run(boot.value, { 'previous-token-id': 'current' });
      expect(first.stdout).not.toContain('::error::');
      expect(first.code).toBe(0);
      const value = github.secretValue('octo/app', 'OWNED_TOKEN') ?? '';
      expect(sim.isLive(value)).toBe(true);
      expect(sim.isLive(boot.id)).toBe(false);
      const second = await run(value);
      expect(second.code).toBe(0);
      const newest = github.secretValue('octo/app', 'OWNED_TOKEN') ?? '';
      expect(sim.isLive(newest)).toBe(true);
      expect(sim.isLive(value)).toBe(false);
    } finally {
      await Promise.all([github.close(), sim.close()]);
    }
  });
});
