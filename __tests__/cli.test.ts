import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startGithubSim, startVercelSim, type GithubSim, type VercelSim } from '../sim/index.js';
import { mutations } from './helpers/world.js';

const GITHUB_TOKEN = 'github_pat_cli_0123456789';

function cli(
  args: string[],
  env: Record<string, string> = {}
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['dist/cli/index.js', ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const outputsOf = (stdout: string) =>
  Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])
  );

// The command line, built (dist/cli/index.js), against the simulators.
describe('ci-token-rotator command line', () => {
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

  const flags = () => [
    '--provider',
    'vercel',
    '--provider-url',
    vercel.url,
    '--secret-name',
    'API_TOKEN',
    '--repository',
    'octo/app',
    '--github-api-url',
    github.url
  ];

  test('rotate with flags, credentials from the environment: the secret holds the new token', async () => {
    const acting = vercel.issueToken({ name: 'admin' });
    const run = await cli(['rotate', ...flags()], { PROVIDER_TOKEN: acting.value, GITHUB_TOKEN });
    expect(run.code).toBe(0);
    const outputs = outputsOf(run.stdout);
    const value = github.secretValue('octo/app', 'API_TOKEN') ?? '';
    expect(vercel.tokens().find((t) => t.id === outputs['token-id'])?.value).toBe(value);
    expect(vercel.isLive(value)).toBe(true);
    expect(outputs).toMatchObject({
      'token-name': 'ci-token-rotator:octo/app:API_TOKEN',
      secrets: '["octo/app:API_TOKEN"]'
    });
    expect(outputs.token).toBeUndefined();
    expect(run.stderr).toContain('→ Checking access: vercel');
    expect(run.stderr).toContain('## ✅ Vercel token rotated');
    for (const secret of [value, acting.value, GITHUB_TOKEN])
      expect(run.stdout + run.stderr).not.toContain(secret);
  });

  test('INPUT_* variables instead of flags; --output-token prints the token on stdout only', async () => {
    const acting = vercel.issueToken({ name: 'admin' });
    const run = await cli(['rotate', '--output-token'], {
      INPUT_PROVIDER: 'vercel',
      'INPUT_PROVIDER-TOKEN': acting.value,
      'INPUT_PROVIDER-URL': vercel.url,
      'INPUT_SECRET-NAME': 'API_TOKEN',
      'INPUT_GITHUB-TOKEN': GITHUB_TOKEN,
      GITHUB_REPOSITORY: 'octo/app',
      GITHUB_API_URL: github.url
    });
    expect(run.code).toBe(0);
    const value = github.secretValue('octo/app', 'API_TOKEN') ?? '';
    expect(outputsOf(run.stdout).token).toBe(value);
    expect(run.stderr).not.toContain(value);
  });

  test('--dry-run changes nothing', async () => {
    const acting = vercel.issueToken({ name: 'admin' });
    const run = await cli(['rotate', ...flags(), '--dry-run'], {
      PROVIDER_TOKEN: acting.value,
      GITHUB_TOKEN
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('rotation plan (dry run: nothing was changed)');
    expect(mutations(github, vercel)).toEqual([]);
  });

  test('--help lists every input of action.yml', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    const inputs = [
      ...(
        readFileSync('action.yml', 'utf8')
          .split(/^inputs:\n/m)[1]
          ?.split(/^\S/m)[0] ?? ''
      ).matchAll(/^ {2}([a-z-]+):$/gm)
    ].map((m) => m[1]);
    expect(inputs.length).toBeGreaterThan(15);
    for (const name of inputs) expect(run.stdout).toContain(`--${name} `);
  });

  test('an unknown flag or command is a usage error (exit 2)', async () => {
    const flag = await cli(['rotate', '--colour', 'red']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("Unknown option '--colour'");
    expect((await cli(['renew'])).code).toBe(2);
  });

  test('bad input fails naming the input, with no request sent', async () => {
    const run = await cli(['rotate', ...flags(), '--lifetime', '1y'], {
      PROVIDER_TOKEN: 'x'.repeat(24),
      GITHUB_TOKEN
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      '✘ Invalid input: lifetime: "1y" is not a whole number with a unit m, h, d or w'
    );
    expect(github.requests).toEqual([]);
    expect(vercel.requests).toEqual([]);
  });
});
