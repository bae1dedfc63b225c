import { InputError, parseInputs } from '../src/inputs.js';
import { DOCS_URL } from '../src/docs.js';
import type { ProviderName } from '../src/providers/index.js';
import type { DatabricksSim, LinodeSim, VercelSim } from '../sim/index.js';
import { LOCK_VARIABLE, REPO, SECRET, STATE_VARIABLE, startWorld, type World } from './helpers/world.js';

/**
 * The top failure causes, each with the message a user reads at 3 a.m.: what failed, which
 * credential or permission to check, and the README section that explains it.
 */
const docs = (anchor: string) => `See ${DOCS_URL}#${anchor}.`;

let world: World;
afterEach(() => world?.close());

async function failure(
  provider: ProviderName,
  arrange: (w: World) => void | Promise<void>,
  run?: (w: World) => ReturnType<World['run']>
) {
  world = await startWorld(provider);
  await arrange(world);
  const report = await (run ? run(world) : world.run());
  expect(report.outcome).toBe('failed');
  return [...report.errors, report.leftAs].join('\n');
}

test('1 a malformed input', () => {
  const err = (() => {
    try {
      parseInputs(
        (name) =>
          ({
            provider: 'vercel',
            'provider-token': 'x'.repeat(20),
            'secret-name': 'A',
            'github-token': 'y'.repeat(20),
            lifetime: '5m'
          })[name] ?? '',
        { GITHUB_REPOSITORY: 'o/r' }
      );
    } catch (e) {
      return e as InputError;
    }
  })();
  expect(err?.message).toBe(
    `Invalid input: lifetime: "5m" is shorter than the minimum 15m\n${docs('inputs')}`
  );
});

test.each([
  [
    'vercel',
    'Vercel: checking provider-token failed with HTTP 403 (Not authorized). Check that provider-token holds a live Vercel full-account token',
    'vercel-provider-vercel'
  ],
  [
    'databricks',
    'Databricks: checking provider-token failed with HTTP 403 (Invalid access token.). Check that provider-token holds a live Databricks personal access token',
    'databricks-provider-databricks'
  ],
  [
    'linode',
    'Linode: checking provider-token failed with HTTP 401 (Invalid Token). Check that provider-token holds a live Linode personal access token with the account:read_write scope',
    'linode-provider-linode'
  ]
] as const)('2–4 a dead provider-token (%s)', async (provider, start, anchor) => {
  const message = await failure(
    provider,
    () => undefined,
    (w) => w.run({}, { actingToken: 'dead-token-0123456789abcdef0123' })
  );
  expect(message).toContain(start);
  expect(message).toContain(docs(anchor));
  expect(message).toContain('Nothing was changed');
});

test('5 a Vercel token that may not create tokens', async () => {
  const message = await failure(
    'vercel',
    () => undefined,
    (w) => w.run({}, { actingToken: (w.sim as VercelSim).issueToken({ name: 'team', kind: 'team' }).value })
  );
  expect(message).toContain(
    'Only a full-account token can create tokens: give provider-token a token created with scope "Full Account"'
  );
  expect(message).toContain(docs('vercel-provider-vercel'));
});

test('6 the Databricks token quota', async () => {
  const message = await failure('databricks', (w) => {
    (w.sim as DatabricksSim).quota = 1;
  });
  expect(message).toContain(
    'the user has reached the workspace quota of 600 active tokens (QUOTA_EXCEEDED). Revoke unused tokens'
  );
  expect(message).toContain(docs('databricks-provider-databricks'));
});

test('7 Linode scopes beyond the acting token', async () => {
  const message = await failure(
    'linode',
    () => undefined,
    (w) =>
      w.run(
        { scopes: 'linodes:read_write' },
        {
          actingToken: (w.sim as LinodeSim).issueToken({ name: 'narrow', scopes: 'account:read_write' }).value
        }
      )
  );
  expect(message).toMatch(
    /^Linode: creating a token failed with HTTP 400 \(scopes: .+\)\. The new token's scopes may not exceed provider-token's/
  );
  expect(message).toContain(docs('linode-provider-linode'));
});

test('8 a dead github-token', async () => {
  const message = await failure(
    'vercel',
    (w) => w.github.addToken('github_pat_other_0123'),
    (w) => {
      w.github.fault({ status: 401, times: Infinity, body: { message: 'Bad credentials', status: '401' } });
      return w.run();
    }
  );
  expect(message).toContain(
    'failed with HTTP 401 (Bad credentials). github-token was refused: check that it is valid and not expired.'
  );
  expect(message).toContain(docs('github-github-token'));
});

test('9 github-token without the Secrets permission', async () => {
  const message = await failure('vercel', (w) =>
    w.github.fault({
      method: 'GET',
      path: /public-key$/,
      status: 403,
      body: { message: 'Resource not accessible by personal access token' }
    })
  );
  expect(message).toContain(
    `GitHub: reading the public key for ${REPO}:${SECRET} failed with HTTP 403 (Resource not accessible by personal access token). github-token lacks a permission: a fine-grained PAT or GitHub App needs "Secrets: Read and write". GITHUB_TOKEN can never write secrets or variables.`
  );
  expect(message).toContain(docs('github-github-token'));
});

test('10 a repository github-token cannot see', async () => {
  const message = await failure(
    'vercel',
    () => undefined,
    (w) => w.run({}, { repositories: ['octo/hidden'] })
  );
  expect(message).toContain('GitHub: reading the public key for octo/hidden:API_TOKEN failed with HTTP 404');
  expect(message).toContain(
    'Not found: check the name, and that github-token can access it (a fine-grained PAT must list the repository or organisation)'
  );
});

test('11 a missing environment', async () => {
  const message = await failure(
    'vercel',
    () => undefined,
    (w) => w.run({}, { targets: { environment: 'production' } })
  );
  expect(message).toContain(
    `GitHub: environment "production" does not exist in ${REPO}. Create it (Settings → Environments) or fix environment.`
  );
  expect(message).toContain(docs('secret-targets'));
});

test('12 github-token without the Variables permission', async () => {
  const message = await failure('vercel', (w) =>
    w.github.fault({
      method: 'GET',
      path: /variables/,
      status: 403,
      body: { message: 'Resource not accessible by personal access token' }
    })
  );
  expect(message).toContain(`GitHub: reading variable ${STATE_VARIABLE} in ${REPO} failed with HTTP 403`);
  expect(message).toContain('needs "Variables: Read and write"');
});

test('13 a state variable holding something else', async () => {
  const message = await failure('vercel', (w) => w.github.setVariable(REPO, STATE_VARIABLE, 'hello'));
  expect(message).toContain(
    `The state variable ${STATE_VARIABLE} in ${REPO} is not JSON written by ci-token-rotator. Delete the variable, or set state-variable to another name.`
  );
  expect(message).toContain(docs('how-it-works'));
});

test('14 previous-token-id: current that the provider does not list', async () => {
  const message = await failure(
    'linode',
    // The provider's list comes back without the acting token.
    (w) =>
      w.sim.fault({
        method: 'GET',
        path: '/v4/profile/tokens',
        status: 200,
        body: { data: [], page: 1, pages: 1, results: 0 }
      }),
    (w) => w.run({ previousTokenId: 'current' })
  );
  expect(message).toContain(
    'previous-token-id is "current", but the token given as provider-token was not found among the tokens the provider lists. Give its ID instead.'
  );
  expect(message).toContain(docs('inputs'));
});

test('15 the provider cannot be reached', async () => {
  const message = await failure('vercel', (w) => w.sim.close());
  expect(message).toContain(
    "Vercel: checking provider-token failed: GET /v5/user/tokens/current → no response (ECONNREFUSED). The provider API could not be reached; check provider-url and the runner's network"
  );
  expect(message).toContain(docs('troubleshooting'));
});

test('16 two rotations at once', async () => {
  const message = await failure('vercel', async (w) => {
    await w.run();
    w.sim.fault({ method: 'POST', path: '/v3/user/tokens', delayMs: 300 });
    setTimeout(
      () =>
        w.github.setVariable(
          REPO,
          STATE_VARIABLE,
          w.github.variable(REPO, STATE_VARIABLE)?.replace('"kept"', '"other":1,"kept"') ?? ''
        ),
      100
    );
  });
  expect(message).toContain(
    'changed while this run was rotating: another rotation of the same secret ran meanwhile. Give the workflow a concurrency: group'
  );
  expect(message).toContain('was not used, since another run rotated meanwhile; it was revoked');
  expect(message).toContain(docs('what-happens-when'));
});

test('17 another run holds the rotation lock', async () => {
  const message = await failure('vercel', async (w) => {
    const now = Date.now();
    w.github.setVariable(
      REPO,
      LOCK_VARIABLE,
      JSON.stringify({
        version: 1,
        nonce: 'n',
        run_id: '77',
        run_attempt: 1,
        acquired_at: new Date(now).toISOString(),
        expires_at: new Date(now + 600_000).toISOString()
      })
    );
  });
  expect(message).toContain(
    `Another run of this rotation holds the lock variable ${LOCK_VARIABLE} in ${REPO} (workflow run 77 (attempt 1)`
  );
  expect(message).toContain('so this run changed nothing. Give the workflow a concurrency: group');
  expect(message).toContain(
    `re-run that run's failed job, wait until its lock expires, or delete variable ${LOCK_VARIABLE}`
  );
  expect(message).toContain(docs('what-happens-when'));
});
