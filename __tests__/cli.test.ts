import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { CLI_INPUTS, markdownToText } from '../src/cli.js';
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

  test('rotate with flags: the secret holds the new token; no value printed', async () => {
    const acting = vercel.issueToken({ name: 'admin' });
    const run = await cli([
      'rotate',
      ...flags(),
      '--provider-token',
      acting.value,
      '--github-token',
      GITHUB_TOKEN,
      '--lifetime',
      '10d'
    ]);
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
    // The summary as plain text: no Markdown table or heading syntax on a terminal.
    expect(run.stderr).toContain('\n✅ Vercel token rotated\n');
    expect(run.stderr).toMatch(/^target +kind +result$/m);
    expect(run.stderr).not.toMatch(/^#|\|---|\*\*/m);
    expect(outputs['expires-at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(outputs['expires-at'] ?? '') - Date.now()).toBeGreaterThan(9.9 * 86400_000);
    for (const secret of [value, acting.value, GITHUB_TOKEN])
      expect(run.stdout + run.stderr).not.toContain(secret);
  });

  test('credentials from PROVIDER_TOKEN / GITHUB_TOKEN, nothing on the command line', async () => {
    const acting = vercel.issueToken({ name: 'admin' });
    const run = await cli(['rotate', ...flags()], { PROVIDER_TOKEN: acting.value, GITHUB_TOKEN });
    expect(run.code).toBe(0);
    const value = github.secretValue('octo/app', 'API_TOKEN') ?? '';
    expect(vercel.isLive(value)).toBe(true);
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
    expect(run.stdout.split('\n').filter((line) => line.includes(value))).toEqual([`token=${value}`]);
    expect(run.stderr).not.toContain(value);
    expect(run.stderr).not.toContain(acting.value);
    expect(run.stderr).toContain('token=… on stdout is the new token itself');
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

  test('--help and rotate --help list every input of action.yml', async () => {
    for (const args of [['--help'], ['rotate', '--help'], ['help']]) {
      const run = await cli(args);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      for (const name of Object.keys(ACTION.inputs))
        expect(run.stdout).toMatch(new RegExp(`^  --${name} `, 'm'));
      expect(run.stdout).toContain('--repository');
      expect(run.stdout).toContain('--github-api-url');
    }
  });

  test('an unknown flag or command is a usage error (exit 2)', async () => {
    const flag = await cli(['rotate', '--colour', 'red']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("Unknown option '--colour'");
    expect(flag.stderr).toContain('Run ci-token-rotator --help');
    expect(flag.stdout).toBe('');
    for (const args of [['renew'], [], ['rotate', 'now']]) {
      const run = await cli(args);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('Run ci-token-rotator --help');
    }
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

  test('a failed rotation: message on stderr, exit 1, no outputs claiming a token', async () => {
    const acting = vercel.issueToken({ name: 'admin' });
    const run = await cli(['rotate', ...flags()], {
      PROVIDER_TOKEN: acting.value,
      GITHUB_TOKEN: 'github_pat_not_known_to_github'
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^✘ /m);
    expect(mutations(github, vercel)).toEqual([]);
    expect(github.secretValue('octo/app', 'API_TOKEN')).toBeUndefined();
    expect(run.stdout + run.stderr).not.toContain(acting.value);
    expect(run.stdout + run.stderr).not.toContain('github_pat_not_known_to_github');
  });
});

const ACTION = parse(readFileSync('action.yml', 'utf8')) as {
  inputs: Record<string, { required?: boolean; default?: string }>;
};

test("--help's option table is action.yml's inputs, in order, with their required marks and defaults", () => {
  expect(CLI_INPUTS.map(([name]) => name)).toEqual(Object.keys(ACTION.inputs));
  for (const [name, meaning] of CLI_INPUTS) {
    const input = ACTION.inputs[name];
    expect([name, meaning.includes('(required)')]).toEqual([name, input?.required === true]);
    if (input?.default !== undefined && input.default !== 'false')
      expect([name, meaning]).toEqual([name, expect.stringContaining(`(default ${input.default})`)]);
  }
});

test('the summary as plain text: headings bare, tables aligned, escaped bars kept', () => {
  const text = markdownToText(
    [
      '## ✅ Done',
      '',
      '| | |',
      '|---|---|',
      '| provider | Vercel |',
      '| token ID | `tok_1` |',
      '',
      '| target | result |',
      '|---|---|',
      '| a\\|b | **ok** |',
      '',
      'See [the README](https://example.test/#x).'
    ].join('\n')
  );
  expect(text).toBe(
    [
      '✅ Done',
      '',
      'provider  Vercel',
      'token ID  tok_1',
      '',
      'target  result',
      'a|b     ok',
      '',
      'See the README (https://example.test/#x).'
    ].join('\n')
  );
});
