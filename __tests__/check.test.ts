import { startGithubSim, startVercelSim, type GithubSim, type VercelSim } from '../sim/index.js';
import { runAction } from '../scripts/run-action.js';
import { mutations } from './helpers/world.js';

const GITHUB_TOKEN = 'github_pat_check_0123456789';

// mode: check through the bundle: read-only, health from what the provider says.
describe('node dist/index.js mode: check', () => {
  let github: GithubSim;
  let vercel: VercelSim;
  beforeEach(async () => {
    [github, vercel] = await Promise.all([startGithubSim(), startVercelSim()]);
    github.addRepo('octo/app');
    github.addToken(GITHUB_TOKEN);
  });
  afterEach(async () => {
    await Promise.all([github.close(), vercel.close()]);
  });

  const run = (inputs: Record<string, string>) =>
    runAction(
      {
        provider: 'vercel',
        'provider-url': vercel.url,
        'secret-name': 'API_TOKEN',
        'github-token': GITHUB_TOKEN,
        ...inputs
      },
      { GITHUB_API_URL: github.url }
    );
  const rotate = async (lifetime: string) => {
    const bootstrap = vercel.issueToken({ name: 'bootstrap' });
    const result = await run({ 'provider-token': bootstrap.value, lifetime });
    expect(result.code).toBe(0);
    return github.secretValue('octo/app', 'API_TOKEN') ?? '';
  };
  const check = (token: string, extra: Record<string, string> = {}) =>
    run({ 'provider-token': token, mode: 'check', ...extra });

  test('ok: live and far from expiry; nothing is changed', async () => {
    const token = await rotate('7d');
    github.clearLog();
    vercel.clearLog();
    const result = await check(token);
    expect(result.code).toBe(0);
    expect(result.outputs.health).toBe('ok');
    expect(result.outputs['token-id']).toBe(vercel.tokens().find((t) => t.value === token)?.id);
    expect(result.summary).toContain('token health: ok');
    expect(result.summary).toMatch(/in (6|7) days/);
    expect(mutations(github, vercel)).toEqual([]);
  });

  test('warn: expires within warn-before; the step passes with a warning', async () => {
    const token = await rotate('1d');
    const result = await check(token, { 'warn-before': '2d' });
    expect(result.code).toBe(0);
    expect(result.outputs.health).toBe('warn');
    expect(result.stdout).toMatch(/::warning::Token \S+ expires .* sooner than warn-before/);
  });

  test('fail: the recorded token was revoked; the message says how to re-bootstrap', async () => {
    const token = await rotate('7d');
    const admin = vercel.issueToken({ name: 'admin' });
    vercel.revokeToken(token);
    const result = await check(admin.value);
    expect(result.code).toBe(1);
    expect(result.outputs.health).toBe('fail');
    expect(result.stdout).toContain('is no longer live (expired or revoked)');
    expect(result.stdout).toContain('previous-token-id: current');
    expect(result.stdout).toContain('60 days');
  });

  test('fail: provider-token (the secret itself) is refused', async () => {
    const token = await rotate('7d');
    vercel.revokeToken(token);
    const result = await check(token);
    expect(result.code).toBe(1);
    expect(result.outputs.health).toBe('fail');
    expect(result.stdout).toContain('its token is dead');
  });

  test('fail: no state yet', async () => {
    const result = await check(vercel.issueToken({ name: 'x' }).value);
    expect(result.code).toBe(1);
    expect(result.outputs.health).toBe('fail');
    expect(result.stdout).toContain('No rotation state in variable API_TOKEN_TOKEN_STATE in octo/app');
  });
});
