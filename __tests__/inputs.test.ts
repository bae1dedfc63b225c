import { InputError, parseInputs, splitList } from '../src/inputs.js';

const ENV = { GITHUB_REPOSITORY: 'octo/app', GITHUB_API_URL: 'https://api.github.com' };
const BASE: Record<string, string> = {
  provider: 'vercel',
  'provider-token': 'vcp_abcdefghijklmnopqrstuvwx',
  'secret-name': 'vercel_token',
  'github-token': 'github_pat_123456789'
};

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
    requestTimeoutMs: 30000
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
test.each(
  (
    [
      ['no provider', { provider: '' }, 'provider is required: one of vercel, databricks, linode'],
      [
        'unknown provider',
        { provider: 'heroku' },
        'provider: "heroku" is not supported; use one of vercel, databricks, linode'
      ],
      ['no provider-token', { 'provider-token': '' }, 'provider-token is required'],
      [
        'provider-token with a newline',
        { 'provider-token': 'abc\ndef' },
        'provider-token contains white space or a line break; check the secret it comes from'
      ],
      ['no github-token', { 'github-token': '' }, 'github-token is required'],
      [
        'databricks without URL',
        { provider: 'databricks' },
        'provider-url is required for Databricks: the workspace URL, e.g. https://dbc-1234.cloud.databricks.com'
      ],
      [
        'http to a remote host',
        { 'provider-url': 'http://api.vercel.com' },
        'provider-url: "http://api.vercel.com" must use https (http is allowed only for localhost, 127.0.0.1 or [::1])'
      ],
      ['not a URL', { 'provider-url': 'api.vercel.com' }, 'provider-url: "api.vercel.com" is not a URL'],
      [
        'URL with credentials',
        { 'provider-url': 'https://u:p@api.vercel.com' },
        'provider-url: "https://u:p@api.vercel.com" must not contain credentials'
      ],
      [
        'URL with query',
        { 'provider-url': 'https://api.vercel.com/?teamId=1' },
        'provider-url: "https://api.vercel.com/?teamId=1" must not have a query or fragment'
      ],
      [
        'ftp URL',
        { 'provider-url': 'ftp://example.com' },
        'provider-url: "ftp://example.com" must use https (http is allowed only for localhost, 127.0.0.1 or [::1])'
      ],
      ['no secret-name', { 'secret-name': '' }, 'secret-name is required'],
      [
        'secret-name with a dash',
        { 'secret-name': 'my-token' },
        'secret-name: "MY-TOKEN" may contain only letters, digits and underscores, and must not start with a digit'
      ],
      [
        'secret-name starting with a digit',
        { 'secret-name': '1TOKEN' },
        'secret-name: "1TOKEN" may contain only letters, digits and underscores, and must not start with a digit'
      ],
      [
        'secret-name GITHUB_',
        { 'secret-name': 'github_token' },
        'secret-name: "GITHUB_TOKEN" must not start with GITHUB_ (reserved by GitHub)'
      ],
      [
        'unicode secret-name',
        { 'secret-name': 'TÖKEN' },
        'secret-name: "T?KEN" may contain only letters, digits and underscores, and must not start with a digit'
      ],
      [
        'bad repository',
        { repositories: 'octo/app, not a repo' },
        'repositories: "not a repo" is not owner/repo'
      ],
      [
        'repository with extra slash',
        { repositories: 'octo/app/x' },
        'repositories: "octo/app/x" is not owner/repo'
      ],
      [
        'lifetime without unit',
        { lifetime: '7' },
        'lifetime: "7" is not a whole number with a unit m, h, d or w (e.g. 90m, 36h, 7d, 2w)'
      ],
      [
        'lifetime with a fraction',
        { lifetime: '1.5d' },
        'lifetime: "1.5d" is not a whole number with a unit m, h, d or w (e.g. 90m, 36h, 7d, 2w)'
      ],
      [
        'lifetime in seconds',
        { lifetime: '3600s' },
        'lifetime: "3600s" is not a whole number with a unit m, h, d or w (e.g. 90m, 36h, 7d, 2w)'
      ],
      ['lifetime too short', { lifetime: '10m' }, 'lifetime: "10m" is shorter than the minimum 15m'],
      [
        'lifetime too long',
        { lifetime: '53w' },
        'lifetime: "53w" is longer than Vercel allows here (at most 365d)'
      ],
      [
        'databricks lifetime too long',
        { provider: 'databricks', 'provider-url': 'https://x.cloud.databricks.com', lifetime: '731d' },
        'lifetime: "731d" is longer than Databricks allows here (at most 730d)'
      ],
      [
        'token-name too long',
        { provider: 'linode', 'token-name': 'x'.repeat(101) },
        'token-name is 101 characters; Linode allows at most 100'
      ],
      [
        'token-name with a control character',
        { 'token-name': 'a\u0007b' },
        'token-name must not contain control characters'
      ],
      [
        'scopes for vercel',
        { scopes: 'account:read_write' },
        "scopes applies to linode only; Vercel tokens take the acting token's access"
      ],
      [
        'bad linode scope',
        { provider: 'linode', scopes: 'account:write' },
        'scopes: "account:write" not a Linode OAuth scope; use space-separated area:read_only or area:read_write (e.g. "account:read_write linodes:read_only"), or *'
      ],
      [
        'bad state-variable',
        { 'state-variable': 'state var' },
        'state-variable: "STATE VAR" may contain only letters, digits and underscores, and must not start with a digit'
      ],
      [
        'state-variable GITHUB_',
        { 'state-variable': 'GITHUB_STATE' },
        'state-variable: "GITHUB_STATE" must not start with GITHUB_ (reserved by GitHub)'
      ],
      [
        'linode previous-token-id not a number',
        { provider: 'linode', 'previous-token-id': 'abc' },
        'previous-token-id: "abc" is not a Linode token ID (a whole number) or "current"'
      ],
      [
        'previous-token-id with a slash',
        { 'previous-token-id': '../x' },
        'previous-token-id: "../x" is not a Vercel token ID (letters, digits, "_" or "-") or "current"'
      ],
      [
        'keep-previous negative',
        { 'keep-previous': '-1' },
        'keep-previous: "-1" is not a whole number from 0 to 10'
      ],
      [
        'keep-previous too large',
        { 'keep-previous': '11' },
        'keep-previous: "11" is not a whole number from 0 to 10'
      ],
      [
        'keep-previous word',
        { 'keep-previous': 'one' },
        'keep-previous: "one" is not a whole number from 0 to 10'
      ],
      [
        'unknown secret-type',
        { 'secret-type': 'pages' },
        'secret-type: "pages" is not one of actions, dependabot, codespaces'
      ],
      [
        'unknown visibility',
        { organization: 'octo', visibility: 'public' },
        'visibility: "public" is not one of all, private, selected'
      ],
      ['visibility without organization', { visibility: 'all' }, 'visibility applies only with organization'],
      [
        'environment with organization',
        { organization: 'octo', environment: 'prod' },
        'environment cannot be combined with organization: organisation secrets have no environments'
      ],
      [
        'selected without repositories',
        { organization: 'octo', visibility: 'selected' },
        'visibility: "selected" needs repositories: the owner/repo list that may use the organisation secret'
      ],
      [
        'organization with repositories but not selected',
        { organization: 'octo', repositories: 'octo/app' },
        'repositories with organization lists the repositories selected to use the secret: set visibility: selected, or leave repositories out'
      ],
      [
        'environment with dependabot',
        { environment: 'prod', 'secret-type': 'dependabot' },
        'environment secrets are Actions secrets only; secret-type dependabot cannot be used with environment'
      ],
      [
        'bad organization',
        { organization: 'octo/app' },
        'organization: "octo/app" is not a GitHub organisation name (letters, digits and "-")'
      ],
      [
        'environment too long',
        { environment: 'e'.repeat(256) },
        `environment: "${'e'.repeat(57)}..." is not an environment name (at most 255 printable characters)`
      ],
      [
        'request-timeout zero',
        { 'request-timeout': '0' },
        'request-timeout: "0" is not a whole number of seconds from 1 to 300'
      ],
      [
        'request-timeout with unit',
        { 'request-timeout': '30s' },
        'request-timeout: "30s" is not a whole number of seconds from 1 to 300'
      ],
      ['dry-run yes', { 'dry-run': 'yes' }, 'dry-run: "yes" is not a boolean; use true or false'],
      ['output-token 1', { 'output-token': '1' }, 'output-token: "1" is not a boolean; use true or false'],
      [
        'no GITHUB_REPOSITORY',
        {},
        'GITHUB_REPOSITORY: "" is not owner/repo; run inside GitHub Actions or set it',
        { GITHUB_API_URL: 'https://api.github.com' }
      ],
      [
        'plain-http GITHUB_API_URL',
        {},
        'GITHUB_API_URL: "http://ghes.example.com/api/v3" must use https (http is allowed only for localhost, 127.0.0.1 or [::1])',
        { GITHUB_REPOSITORY: 'o/r', GITHUB_API_URL: 'http://ghes.example.com/api/v3' }
      ]
    ] as [string, Record<string, string>, string, Record<string, string | undefined>?][]
  ).map(([name, overrides, problem, env]) => ({ name, overrides, problem, env: env ?? ENV }))
)('$name', ({ overrides, problem, env }) => {
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
