import { InputError, parseInputs, splitList } from '../src/inputs.js';
import { BAD_INPUTS, VALID_INPUTS } from './helpers/bad-inputs.js';

const ENV = { GITHUB_REPOSITORY: 'octo/app', GITHUB_API_URL: 'https://api.github.com' };
const BASE = VALID_INPUTS;

function parse(overrides: Record<string, string>, env: Record<string, string | undefined> = ENV) {
  const values = { ...BASE, ...overrides };
  return parseInputs((name) => values[name] ?? '', env);
}

function problemsOf(overrides: Record<string, string>, env?: Record<string, string | undefined>): string[] {
  try {
    parse(overrides, env);
  } catch (err) {
    if (err instanceof InputError) return err.problems;
    throw err;
  }
  throw new Error('expected an InputError');
}

test('defaults', () => {
  expect(parse({})).toEqual({
    provider: 'vercel',
    providerToken: 'vcp_abcdefghijklmnopqrstuvwx',
    providerUrl: 'https://api.vercel.com',
    secretName: 'VERCEL_TOKEN',
    githubToken: 'github_pat_123456789',
    githubApiUrl: 'https://api.github.com',
    currentRepository: 'octo/app',
    repositories: ['octo/app'],
    environment: undefined,
    organization: undefined,
    visibility: undefined,
    secretType: 'actions',
    lifetime: '7d',
    lifetimeSeconds: 7 * 86400,
    tokenName: 'ci-token-rotator:octo/app:VERCEL_TOKEN',
    scopes: undefined,
    stateVariable: 'VERCEL_TOKEN_TOKEN_STATE',
    previousTokenId: undefined,
    keepPrevious: 0,
    dryRun: false,
    outputToken: false,
    requestTimeoutMs: 30000,
    mode: 'rotate',
    warnBeforeSeconds: 2 * 86400
  });
});

test('lists split on newlines and commas, trimmed, blanks and repeats dropped', () => {
  expect(splitList(' a/b ,\n\nc/d,, \n')).toEqual(['a/b', 'c/d']);
  expect(parse({ repositories: 'octo/app\nOcto/App, octo/web' }).repositories).toEqual([
    'octo/app',
    'octo/web'
  ]);
});

test.each([
  ['90m', 5400],
  ['36h', 129600],
  ['2w', 1209600],
  ['15m', 900]
])('lifetime %s is %i seconds', (lifetime, seconds) => {
  expect(parse({ lifetime }).lifetimeSeconds).toBe(seconds);
});

test('provider-specific: Linode strips /v4, accepts scopes; Databricks keeps the workspace URL', () => {
  const linode = parse({
    provider: 'linode',
    'provider-url': 'https://api.linode.com/v4/',
    scopes: 'account:read_write  linodes:read_only'
  });
  expect(linode.providerUrl).toBe('https://api.linode.com');
  expect(linode.scopes).toBe('account:read_write linodes:read_only');
  expect(
    parse({ provider: 'databricks', 'provider-url': 'https://dbc-1.cloud.databricks.com/' }).providerUrl
  ).toBe('https://dbc-1.cloud.databricks.com');
  expect(parse({ 'provider-url': 'http://127.0.0.1:4010' }).providerUrl).toBe('http://127.0.0.1:4010');
});

test('booleans, keep-previous, previous-token-id', () => {
  const parsed = parse({
    'dry-run': 'TRUE',
    'output-token': 'true',
    'keep-previous': '2',
    'previous-token-id': 'current'
  });
  expect([parsed.dryRun, parsed.outputToken, parsed.keepPrevious, parsed.previousTokenId]).toEqual([
    true,
    true,
    2,
    'current'
  ]);
});

test('targets: environments, organisations, visibility, secret types', () => {
  expect(parse({ repositories: 'octo/app, octo/web', environment: 'production/eu 1' })).toMatchObject({
    repositories: ['octo/app', 'octo/web'],
    environment: 'production/eu 1'
  });
  expect(parse({ organization: 'octo' })).toMatchObject({
    organization: 'octo',
    repositories: [],
    visibility: undefined
  });
  expect(
    parse({
      organization: 'octo',
      visibility: 'selected',
      repositories: 'octo/app',
      'secret-type': 'dependabot'
    })
  ).toMatchObject({ repositories: ['octo/app'], visibility: 'selected', secretType: 'dependabot' });
  expect(parse({ 'secret-type': 'codespaces' }).secretType).toBe('codespaces');
});

test('a long default token name is cut to the provider limit', () => {
  const repo = `o/${'r'.repeat(100)}`;
  const parsed = parse({ provider: 'linode' }, { GITHUB_REPOSITORY: repo });
  expect(parsed.tokenName).toHaveLength(100);
  expect(parsed.tokenName).toBe(`ci-token-rotator:${repo}`.slice(0, 100));
});

// Every bad input names the input, what was given and what is allowed.
test.each(BAD_INPUTS.map((c) => ({ ...c, env: c.env ?? ENV })))('$name', ({ overrides, problem, env }) => {
  expect(problemsOf(overrides, env)).toEqual([problem]);
});

test('a very long value is shortened in the message', () => {
  const [problem] = problemsOf({ 'provider-url': 'a'.repeat(300) });
  expect(problem?.length).toBeLessThan(200);
});

test('every problem is reported at once, and no credential is echoed', () => {
  const token = 'secret value with spaces';
  const err = (() => {
    try {
      parse({ provider: 'heroku', 'secret-name': '', 'github-token': token, lifetime: 'x' });
    } catch (e) {
      return e as InputError;
    }
  })();
  expect(err?.message.split('\n')[0]).toBe('Invalid inputs:');
  expect(err?.problems).toHaveLength(3);
  expect(err?.message).not.toContain(token);
});
