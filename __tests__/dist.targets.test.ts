import { startGithubSim, startVercelSim, type GithubSim, type VercelSim } from '../sim/index.js';
import { runAction } from '../scripts/run-action.js';

const GITHUB_TOKEN = 'github_pat_targets_0123456789';

// Every kind of target, through the bundled action, checked by what GitHub ends up holding.
describe('node dist/index.js: secret targets', () => {
  let github: GithubSim;
  let vercel: VercelSim;
  let acting: { id: string; value: string };

  beforeAll(async () => {
    [github, vercel] = await Promise.all([startGithubSim(), startVercelSim()]);
    for (const repo of ['octo/app', 'octo/web', 'octo/api']) github.addRepo(repo);
    for (const repo of ['octo/app', 'octo/web']) github.addEnvironment(repo, 'production/eu');
    github.addToken(GITHUB_TOKEN);
    acting = vercel.issueToken({ name: 'admin' });
  });
  afterAll(async () => {
    await Promise.all([github.close(), vercel.close()]);
  });

  // A separate admin token acts; each test writes its own secret, so each has its own state.
  const run = (inputs: Record<string, string>, githubToken = GITHUB_TOKEN) =>
    runAction(
      {
        provider: 'vercel',
        'provider-token': acting.value,
        'provider-url': vercel.url,
        'github-token': githubToken,
        ...inputs
      },
      { GITHUB_API_URL: github.url }
    );
  const valueOf = (id: string | undefined) => vercel.tokens().find((t) => t.id === id)?.value;

  test('several repositories', async () => {
    const result = await run({ 'secret-name': 'MULTI', repositories: 'octo/app\nocto/web' });
    expect(result.code).toBe(0);
    const value = valueOf(result.outputs['token-id']);
    expect(github.secretValue('octo/app', 'MULTI')).toBe(value);
    expect(github.secretValue('octo/web', 'MULTI')).toBe(value);
    expect(JSON.parse(result.outputs.secrets ?? '')).toEqual(['octo/app:MULTI', 'octo/web:MULTI']);
    expect(result.summary).toContain('| octo/web:MULTI | repository secret | ✅ created |');
  });

  test('environment secrets in several repositories (name with a slash)', async () => {
    const result = await run({
      'secret-name': 'ENVY',
      repositories: 'octo/app, octo/web',
      environment: 'production/eu'
    });
    expect(result.code).toBe(0);
    const value = valueOf(result.outputs['token-id']);
    for (const repo of ['octo/app', 'octo/web'])
      expect(github.secretValue(repo, 'ENVY', { environment: 'production/eu' })).toBe(value);
    expect(github.secretValue('octo/app', 'ENVY')).toBeUndefined();
    expect(JSON.parse(result.outputs.secrets ?? '')).toEqual([
      'octo/app/production/eu:ENVY',
      'octo/web/production/eu:ENVY'
    ]);
  });

  test('a missing environment fails the preflight naming the repository; no token is created', async () => {
    const before = vercel.tokens().length;
    const result = await run({
      'secret-name': 'NOENV',
      repositories: 'octo/api',
      environment: 'production/eu'
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('environment "production/eu" does not exist in octo/api');
    expect(vercel.tokens()).toHaveLength(before);
  });

  test('a new organisation secret is private', async () => {
    const result = await run({ 'secret-name': 'ORG_NEW', organization: 'octo' });
    expect(result.code).toBe(0);
    expect(github.orgSecretValue('octo', 'ORG_NEW')).toBe(valueOf(result.outputs['token-id']));
    expect(github.orgSecret('octo', 'ORG_NEW')).toEqual({ visibility: 'private', selectedRepositoryIds: [] });
    expect(JSON.parse(result.outputs.secrets ?? '')).toEqual(['org:octo:ORG_NEW']);
  });

  test('an existing organisation secret keeps its visibility and selected repositories', async () => {
    const selected = [github.repoId('octo/app'), github.repoId('octo/api')];
    github.setOrgSecret('octo', 'ORG_KEEP', 'old-value-0123456789', {
      visibility: 'selected',
      selectedRepositoryIds: selected
    });
    const result = await run({ 'secret-name': 'ORG_KEEP', organization: 'octo' });
    expect(result.code).toBe(0);
    expect(github.orgSecretValue('octo', 'ORG_KEEP')).toBe(valueOf(result.outputs['token-id']));
    expect(github.orgSecret('octo', 'ORG_KEEP')).toEqual({
      visibility: 'selected',
      selectedRepositoryIds: selected
    });
  });

  test('visibility: selected resolves repositories to IDs', async () => {
    github.setOrgSecret('octo', 'ORG_SEL', 'old-value-0123456789', { visibility: 'all' });
    const result = await run({
      'secret-name': 'ORG_SEL',
      organization: 'octo',
      visibility: 'selected',
      repositories: 'octo/web'
    });
    expect(result.code).toBe(0);
    expect(github.orgSecret('octo', 'ORG_SEL')).toEqual({
      visibility: 'selected',
      selectedRepositoryIds: [github.repoId('octo/web')]
    });
  });

  test('Dependabot repository secret and Codespaces organisation secret use their own keys', async () => {
    const dependabot = await run({
      'secret-name': 'DEP',
      'secret-type': 'dependabot',
      repositories: 'octo/app'
    });
    expect(dependabot.code).toBe(0);
    expect(github.secretValue('octo/app', 'DEP', { type: 'dependabot' })).toBe(
      valueOf(dependabot.outputs['token-id'])
    );
    expect(github.secretValue('octo/app', 'DEP')).toBeUndefined();
    expect(JSON.parse(dependabot.outputs.secrets ?? '')).toEqual(['dependabot:octo/app:DEP']);

    const codespaces = await run({
      'secret-name': 'CS',
      'secret-type': 'codespaces',
      organization: 'octo',
      visibility: 'all'
    });
    expect(codespaces.code).toBe(0);
    expect(github.orgSecretValue('octo', 'CS', 'codespaces')).toBe(valueOf(codespaces.outputs['token-id']));
    expect(github.orgSecret('octo', 'CS', 'codespaces')?.visibility).toBe('all');
  });

  test('a token without the permission for a kind fails the preflight naming target and permission', async () => {
    github.addToken('github_pat_no_dependabot_01', { dependabot_secrets: 'none' });
    const before = vercel.tokens().length;
    const result = await run(
      { 'secret-name': 'DEP2', 'secret-type': 'dependabot' },
      'github_pat_no_dependabot_01'
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('dependabot:octo/app:DEP2');
    expect(result.stdout).toContain('Dependabot secrets: Read and write');
    expect(vercel.tokens()).toHaveLength(before);
  });
});
