import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  CREDENTIAL_INPUTS,
  credentialVariants,
  defaultStateVariable,
  defaultTokenName,
  InputError,
  NON_CREDENTIAL_INPUTS,
  parseInputs,
  shortenName,
  splitList,
  targetQualifier,
  type RotationIdentity
} from '../src/inputs.js';
import { BAD_INPUTS, CREDENTIAL_LOOKALIKE, VALID_INPUTS } from './helpers/bad-inputs.js';

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
      parse({ provider: 'gitlab', 'secret-name': '', 'github-token': token, lifetime: 'x' });
    } catch (e) {
      return e as InputError;
    }
  })();
  expect(err?.message.split('\n')[0]).toBe('Invalid inputs:');
  expect(err?.problems).toHaveLength(3);
  expect(err?.message).not.toContain(token);
});

const sha8 = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8);
const namesOf = (overrides: Record<string, string>, env?: Record<string, string | undefined>) => {
  const { tokenName, stateVariable } = parse({ 'secret-name': 'api_token', ...overrides }, env);
  return { tokenName, stateVariable };
};

describe('default state-variable and token-name (issue 12, case 3)', () => {
  test("a plain repository Actions secret keeps today's defaults, whatever repositories it lists", () => {
    const today = {
      tokenName: 'ci-token-rotator:octo/app:API_TOKEN',
      stateVariable: 'API_TOKEN_TOKEN_STATE'
    };
    expect(namesOf({})).toEqual(today);
    expect(namesOf({ 'secret-type': 'actions' })).toEqual(today);
    expect(namesOf({ repositories: 'octo/web, octo/api' })).toEqual(today);
  });

  test.each([
    [{ environment: 'staging' }, 'env:staging', 'ENV_STAGING'],
    [{ environment: 'production' }, 'env:production', 'ENV_PRODUCTION'],
    [{ 'secret-type': 'dependabot' }, 'dependabot', 'DEPENDABOT'],
    [{ 'secret-type': 'codespaces' }, 'codespaces', 'CODESPACES'],
    [{ organization: 'octo' }, 'org:octo', 'ORG_OCTO'],
    [
      { organization: 'octo', 'secret-type': 'dependabot', visibility: 'all' },
      'dependabot:org:octo',
      'DEPENDABOT_ORG_OCTO'
    ],
    // GitHub compares environment names and logins ignoring case: one target, one identity.
    [{ environment: 'Staging' }, 'env:staging', 'ENV_STAGING'],
    [{ organization: 'Octo' }, 'org:octo', 'ORG_OCTO']
  ])('%j is named by its qualifier %s', (overrides, qualifier, stateSuffix) => {
    expect(namesOf(overrides)).toEqual({
      tokenName: `ci-token-rotator:octo/app:${qualifier}:API_TOKEN`,
      stateVariable: `API_TOKEN_TOKEN_STATE_${stateSuffix}`
    });
  });

  test('a qualifier that does not fit a variable name is sanitised and keeps a digest of itself', () => {
    expect(namesOf({ environment: 'pre-prod' })).toEqual({
      tokenName: 'ci-token-rotator:octo/app:env:pre-prod:API_TOKEN',
      stateVariable: `API_TOKEN_TOKEN_STATE_ENV_PRE_PROD_${sha8('env:pre-prod').toUpperCase()}`
    });
    // The example README.md and action.yml give.
    expect(namesOf({ environment: 'pre-prod' }).stateVariable).toBe(
      'API_TOKEN_TOKEN_STATE_ENV_PRE_PROD_5F3F7674'
    );
  });

  test('environments that sanitise alike still get distinct, valid state variables', () => {
    const environments = [
      'preprod',
      'pre-prod',
      'pre_prod',
      'pre.prod',
      'pre prod',
      'pre/prod',
      'pré-prod',
      'pre:prod',
      `${'e'.repeat(200)}1`,
      `${'e'.repeat(200)}2`,
      `${'e'.repeat(254)}é`
    ];
    const names = environments.map((environment) => namesOf({ environment }));
    const states = names.map((n) => n.stateVariable);
    expect(new Set(states).size).toBe(environments.length);
    expect(new Set(names.map((n) => n.tokenName)).size).toBe(environments.length);
    for (const state of [
      ...states,
      namesOf({ organization: 'a-b', 'secret-type': 'codespaces' }).stateVariable
    ]) {
      expect(state).toMatch(/^[A-Z_][A-Z0-9_]*$/);
      expect(state).not.toMatch(/^GITHUB_/);
      expect(state.length).toBeLessThanOrEqual(120);
    }
  });

  test('the repositories list is not part of the derivation', () => {
    const environment = namesOf({ environment: 'staging', repositories: 'octo/app' });
    expect(namesOf({ environment: 'staging', repositories: 'octo/app, octo/web' })).toEqual(environment);
    const selected = { organization: 'octo', visibility: 'selected' };
    expect(namesOf({ ...selected, repositories: 'octo/app' })).toEqual(
      namesOf({ ...selected, repositories: 'octo/app, octo/web' })
    );
    expect(namesOf({ ...selected, repositories: 'octo/app' })).toEqual(namesOf({ organization: 'octo' }));
  });

  test('explicit state-variable and token-name are kept as given', () => {
    expect(namesOf({ environment: 'staging', 'state-variable': 'my_state', 'token-name': 'mine' })).toEqual({
      tokenName: 'mine',
      stateVariable: 'MY_STATE'
    });
  });

  test('the derivation is exported as pure functions', () => {
    const plain: RotationIdentity = {
      repository: 'octo/app',
      secretName: 'API_TOKEN',
      secretType: 'actions'
    };
    expect(targetQualifier(plain)).toBe('');
    expect(defaultStateVariable(plain)).toBe('API_TOKEN_TOKEN_STATE');
    expect(defaultTokenName(plain, 100)).toBe('ci-token-rotator:octo/app:API_TOKEN');
    const staging = { ...plain, environment: 'staging' };
    expect(targetQualifier(staging)).toBe('env:staging');
    expect(defaultStateVariable(staging)).toBe('API_TOKEN_TOKEN_STATE_ENV_STAGING');
    expect(defaultTokenName(staging, 100)).toBe('ci-token-rotator:octo/app:env:staging:API_TOKEN');
    expect(targetQualifier({ ...plain, organization: 'octo', secretType: 'dependabot' })).toBe(
      'dependabot:org:octo'
    );
  });
});

describe('a shortened default token-name stays unique (issue 12, case 4)', () => {
  test('the middle is cut and a digest of the full name takes its place, within the limit', () => {
    const repo = `o/${'r'.repeat(100)}`;
    const full = `ci-token-rotator:${repo}:VERCEL_TOKEN`;
    const { tokenName } = parse({ provider: 'linode' }, { GITHUB_REPOSITORY: repo });
    expect(tokenName).toHaveLength(100);
    expect(tokenName).toContain(`~${sha8(full)}`);
    expect(tokenName.startsWith('ci-token-rotator:o/rrr')).toBe(true);
    expect(tokenName.endsWith('rrr:VERCEL_TOKEN')).toBe(true);
  });

  test('two long names that differ only past the cut still get different defaults', () => {
    const env = { GITHUB_REPOSITORY: `o/${'r'.repeat(95)}` };
    const a = parse({ provider: 'linode', 'secret-name': 'a_token' }, env).tokenName;
    const b = parse({ provider: 'linode', 'secret-name': 'b_token' }, env).tokenName;
    expect(a).not.toBe(b);
    const long = (environment: string) => parse({ provider: 'vercel', environment }).tokenName;
    const [x, y] = [
      long(`${'x'.repeat(100)}1${'x'.repeat(100)}`),
      long(`${'x'.repeat(100)}2${'x'.repeat(100)}`)
    ];
    expect(x).not.toBe(y);
    expect([x.length, y.length]).toEqual([100, 100]);
    expect(
      parse({ provider: 'databricks', 'provider-url': 'https://x.cloud.databricks.com' }, env).tokenName
    ).toBe(`ci-token-rotator:o/${'r'.repeat(95)}:VERCEL_TOKEN`);
  });

  test.each([20, 50, 99, 100, 200])('shortenName keeps any name within %i characters', (max) => {
    for (const name of ['short', 'x'.repeat(max), 'y'.repeat(max + 1), `a${'😀'.repeat(150)}z`]) {
      const shortened = shortenName(name, max);
      expect(shortened.length).toBeLessThanOrEqual(max);
      if (name.length <= max) expect(shortened).toBe(name);
      else expect(shortened).toContain(`~${sha8(name)}`);
      expect(shortened).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
  });
});

describe('a credential given as another input (issue 12, case 6)', () => {
  const actionYml = readFileSync(new URL('../action.yml', import.meta.url), 'utf8');
  const declared = [
    ...(actionYml.split(/^inputs:\n/m)[1]?.split(/^\S/m)[0] ?? '').matchAll(/^ {2}([a-z-]+):$/gm)
  ].map((m) => m[1]);

  test('every input action.yml declares is either a credential or checked against them', () => {
    expect([...CREDENTIAL_INPUTS, ...NON_CREDENTIAL_INPUTS].sort()).toEqual([...declared].sort());
  });

  const token = VALID_INPUTS['provider-token'] ?? '';
  test.each(NON_CREDENTIAL_INPUTS.map((input) => [input]))(
    '%s holding provider-token in any case is refused, naming it and never showing the value',
    (input) => {
      for (const value of [token, token.toUpperCase(), `x ${token.toLowerCase()} y`]) {
        const err = (() => {
          try {
            parse({ [input]: value });
          } catch (e) {
            return e as InputError;
          }
          throw new Error(`${input}: expected an InputError`);
        })();
        expect(err.problems).toEqual([CREDENTIAL_LOOKALIKE(input)]);
        for (const variant of credentialVariants(token)) expect(err.message).not.toContain(variant);
        expect(err.message.toLowerCase()).not.toContain(token.slice(4, 20).toLowerCase());
      }
    }
  );

  test.each(['GITHUB_REPOSITORY', 'GITHUB_API_URL'])('%s holding github-token is refused too', (name) => {
    const github = VALID_INPUTS['github-token'] ?? '';
    const value = name === 'GITHUB_REPOSITORY' ? `octo/${github.toUpperCase()}` : `https://${github}.example`;
    expect(problemsOf({}, { ...ENV, [name]: value })).toEqual([CREDENTIAL_LOOKALIKE(name)]);
  });

  test('a short value merely inside a credential, or a credential-free value, is accepted', () => {
    expect(parse({ 'secret-name': 'vcp' }).secretName).toBe('VCP');
    expect(parse({ environment: 'abcdefgh' }).environment).toBe('abcdefgh');
  });

  test('credentialVariants gives the value and its case-folded forms, for masking', () => {
    expect(credentialVariants('vcp_AbC')).toEqual(['vcp_AbC', 'VCP_ABC', 'vcp_abc']);
    expect(credentialVariants('VCP_1')).toEqual(['VCP_1', 'vcp_1']);
    expect(credentialVariants('')).toEqual([]);
  });
});

describe('names that are not GitHub names (issue 12, cases 13 and 14)', () => {
  test('dots inside a name are still names', () => {
    expect(parse({ repositories: 'octo/.github, octo/a..b, octo/.x' }).repositories).toEqual([
      'octo/.github',
      'octo/a..b',
      'octo/.x'
    ]);
    expect(parse({ environment: 'prod.eu/..x' }).environment).toBe('prod.eu/..x');
  });

  test("selected repositories of the organisation's own, in any case, are accepted", () => {
    expect(
      parse({ organization: 'Octo', visibility: 'selected', repositories: 'octo/app, OCTO/web' }).repositories
    ).toEqual(['octo/app', 'OCTO/web']);
  });
});

describe('github-api-url', () => {
  test("the input wins over the runner's GITHUB_API_URL, which wins over the default", () => {
    expect(parse({ 'github-api-url': 'http://127.0.0.1:4000/' }).githubApiUrl).toBe('http://127.0.0.1:4000');
    expect(parse({}, { ...ENV, GITHUB_API_URL: 'https://ghe.example.com/api/v3' }).githubApiUrl).toBe(
      'https://ghe.example.com/api/v3'
    );
    expect(parse({}, { GITHUB_REPOSITORY: 'octo/app' }).githubApiUrl).toBe('https://api.github.com');
  });

  test('a bad value is named as the input it came from', () => {
    expect(problemsOf({ 'github-api-url': 'http://ghe.example.com' })).toEqual([
      'github-api-url: "http://ghe.example.com" must use https (http is allowed only for localhost, 127.0.0.1 or [::1])'
    ]);
  });
});
