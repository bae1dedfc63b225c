import { Octokit } from '@octokit/rest';
import { RequestError } from '@octokit/request-error';
import { createGitHubClient } from '../src/github/client.js';
import { seal } from '../src/github/seal.js';
import { gitHubSecrets } from '../src/github/secrets.js';
import { secretTargets } from '../src/github/targets.js';
import { startGithubSim, type GithubSim, type SecretType } from '../sim/index.js';
import { checkExchange, checkExchanges, contracts, operationOf } from './helpers/contracts-openapi.js';
import { REPO, SECRET, startWorld } from './helpers/world.js';

/**
 * The GitHub simulator against GitHub's own artefacts: @octokit/rest (the official client) drives
 * every call the action makes, and every request and answer — the action's too — is checked against
 * the operations cut out of GitHub's OpenAPI description (contracts/github-operations.json).
 */
const TOKEN = 'github_pat_contracts_0123456789';
const ORG = 'octo';
const ENV = 'prod/eu';

async function startSim(): Promise<GithubSim> {
  const sim = await startGithubSim();
  sim.addRepo(REPO);
  sim.addRepo('octo/lib');
  sim.addEnvironment(REPO, ENV);
  sim.addToken(TOKEN);
  return sim;
}

const octokitFor = (sim: GithubSim, auth = TOKEN) =>
  new Octokit({
    auth,
    baseUrl: sim.url,
    request: { retries: 0 },
    log: { debug() {}, info() {}, warn() {}, error() {} }
  });

describe('@octokit/rest against the GitHub simulator', () => {
  let sim: GithubSim;
  let gh: Octokit;
  const [owner, repo] = REPO.split('/') as [string, string];
  beforeEach(async () => {
    sim = await startSim();
    gh = octokitFor(sim);
  });
  afterEach(async () => {
    // Whatever a test did, every exchange must be one the description allows.
    await sim.close();
    expect(checkExchanges(sim.requests)).toEqual([]);
  });

  test('repository Actions secret: public key, create (201), update (204), read', async () => {
    expect((await gh.rest.repos.get({ owner, repo })).data).toMatchObject({ full_name: REPO });
    const { data: key } = await gh.rest.actions.getRepoPublicKey({ owner, repo });
    const sealed = { encrypted_value: await seal('v1', key.key), key_id: key.key_id };
    const put = { owner, repo, secret_name: SECRET, ...sealed };
    expect((await gh.rest.actions.createOrUpdateRepoSecret(put)).status).toBe(201);
    expect((await gh.rest.actions.createOrUpdateRepoSecret(put)).status).toBe(204);
    expect((await gh.rest.actions.getRepoSecret({ owner, repo, secret_name: SECRET })).data.name).toBe(
      SECRET
    );
    expect(sim.secretValue(REPO, SECRET)).toBe('v1');
  });

  test('environment secret (name URL-encoded): public key, create, read', async () => {
    const where = { owner, repo, environment_name: ENV };
    const { data: key } = await gh.rest.actions.getEnvironmentPublicKey(where);
    const res = await gh.rest.actions.createOrUpdateEnvironmentSecret({
      ...where,
      secret_name: SECRET,
      encrypted_value: await seal('env', key.key),
      key_id: key.key_id
    });
    expect(res.status).toBe(201);
    expect((await gh.rest.actions.getEnvironmentSecret({ ...where, secret_name: SECRET })).data.name).toBe(
      SECRET
    );
    expect(sim.secretValue(REPO, SECRET, { environment: ENV })).toBe('env');
  });

  test.each<SecretType>(['actions', 'dependabot', 'codespaces'])(
    '%s: repository and organisation secrets, selected repositories',
    async (type) => {
      const api = gh.rest[type];
      const { data: repoKey } = await api.getRepoPublicKey({ owner, repo });
      const created = await api.createOrUpdateRepoSecret({
        owner,
        repo,
        secret_name: SECRET,
        encrypted_value: await seal(`${type}-repo`, repoKey.key),
        key_id: repoKey.key_id
      });
      expect(created.status).toBe(201);
      expect((await api.getRepoSecret({ owner, repo, secret_name: SECRET })).data.name).toBe(SECRET);
      expect(sim.secretValue(REPO, SECRET, { type })).toBe(`${type}-repo`);

      const { data: orgKey } = await api.getOrgPublicKey({ org: ORG });
      const ids = [sim.repoId(REPO), sim.repoId('octo/lib')];
      await api.createOrUpdateOrgSecret({
        org: ORG,
        secret_name: SECRET,
        encrypted_value: await seal(`${type}-org`, orgKey.key),
        key_id: orgKey.key_id,
        visibility: 'selected',
        selected_repository_ids: ids
      });
      expect((await api.getOrgSecret({ org: ORG, secret_name: SECRET })).data.visibility).toBe('selected');
      const selected = await api.listSelectedReposForOrgSecret({
        org: ORG,
        secret_name: SECRET,
        per_page: 100
      });
      expect(selected.data.repositories.map((r) => r.id)).toEqual(ids);
      expect(sim.orgSecretValue(ORG, SECRET, type)).toBe(`${type}-org`);
    }
  );

  test('repository variable: create (201), conflict (409), read, update (204)', async () => {
    const where = { owner, repo, name: 'STATE' };
    expect((await gh.rest.actions.createRepoVariable({ ...where, value: 'one' })).status).toBe(201);
    const conflict = await gh.rest.actions
      .createRepoVariable({ ...where, value: 'two' })
      .catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(RequestError);
    expect(conflict).toMatchObject({ status: 409 });
    expect((await gh.rest.actions.getRepoVariable(where)).data).toMatchObject({
      name: 'STATE',
      value: 'one'
    });
    expect((await gh.rest.actions.updateRepoVariable({ ...where, value: 'two' })).status).toBe(204);
    expect(sim.variable(REPO, 'STATE')).toBe('two');
  });
});

describe("GitHub's error answers, through Octokit's RequestError and our wording", () => {
  let sim: GithubSim;
  const [owner, repo] = REPO.split('/') as [string, string];
  beforeEach(async () => {
    sim = await startSim();
  });
  afterEach(async () => {
    await sim.close();
    expect(checkExchanges(sim.requests)).toEqual([]);
  });

  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e as RequestError
    );

  test('401 Bad credentials, 404 Not Found, 403 no permission: message and documentation_url parsed', async () => {
    const bad = await failure(octokitFor(sim, 'nope').rest.actions.getRepoPublicKey({ owner, repo }));
    expect(bad).toBeInstanceOf(RequestError);
    expect(bad?.status).toBe(401);
    expect(bad?.message).toBe('Bad credentials - https://docs.github.com/rest');

    const missing = await failure(octokitFor(sim).rest.actions.getRepoPublicKey({ owner, repo: 'nope' }));
    expect(missing?.status).toBe(404);
    expect(missing?.message).toBe('Not Found - https://docs.github.com/rest');

    sim.addToken('read-only', { secrets: 'read' });
    const readOnly = octokitFor(sim, 'read-only');
    const { data: key } = await readOnly.rest.actions.getRepoPublicKey({ owner, repo });
    const denied = await failure(
      readOnly.rest.actions.createOrUpdateRepoSecret({
        owner,
        repo,
        secret_name: SECRET,
        encrypted_value: await seal('x', key.key),
        key_id: key.key_id
      })
    );
    expect(denied?.status).toBe(403);
    expect(denied?.message).toMatch(/^Resource not accessible by personal access token - /);
  });

  test('422 Validation Failed: the errors list is part of the message', async () => {
    const gh = octokitFor(sim);
    const { data: key } = await gh.rest.actions.getRepoPublicKey({ owner, repo });
    const err = await failure(
      gh.rest.actions.createOrUpdateRepoSecret({
        owner,
        repo,
        secret_name: SECRET,
        encrypted_value: await seal('x', key.key),
        key_id: 'not-the-key'
      })
    );
    expect(err?.status).toBe(422);
    expect(err?.message).toMatch(
      /^Validation Failed: \{"resource":"Secret","field":"key_id","code":"invalid"/
    );
  });

  test('403 primary rate limit: x-ratelimit-remaining 0 and a reset time', async () => {
    sim.rateLimit = { ...sim.rateLimit, limit: 1 };
    const gh = octokitFor(sim);
    await gh.rest.repos.get({ owner, repo });
    const err = await failure(gh.rest.repos.get({ owner, repo }));
    expect(err?.status).toBe(403);
    expect(err?.message).toMatch(/^API rate limit exceeded/);
    expect(err?.response?.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(err?.response?.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
  });

  test('403 secondary rate limit carries retry-after', async () => {
    sim.secondaryLimit = { maxWritesPerWindow: 0, retryAfterSeconds: 7 };
    const gh = octokitFor(sim);
    const err = await failure(gh.rest.actions.createRepoVariable({ owner, repo, name: 'X', value: 'y' }));
    expect(err?.status).toBe(403);
    expect(err?.message).toMatch(/secondary rate limit/);
    expect(err?.response?.headers['retry-after']).toBe('7');
  });

  test('our client words each one: what failed, the status, what GitHub said', async () => {
    const targets = secretTargets({ secretName: SECRET, repositories: [REPO], secretType: 'actions' });
    const port = (token: string) =>
      gitHubSecrets(createGitHubClient({ token, baseUrl: sim.url, timeoutMs: 2000, waitUnitMs: 1 }));
    await expect(port('nope').prepare(targets[0]!)).rejects.toThrow(
      /^GitHub: reading the public key for octo\/app:API_TOKEN failed with HTTP 401 \(Bad credentials - https:\/\/docs\.github\.com\/rest\)\. github-token was refused/
    );
    sim.addToken('no-secrets', { secrets: 'none' });
    await expect(port('no-secrets').prepare(targets[0]!)).rejects.toThrow(
      /failed with HTTP 403 \(Resource not accessible by personal access token.*\)\. github-token lacks a permission: .*"Secrets: Read and write"/
    );
  });
});

describe("the action's own GitHub traffic against the description", () => {
  /** Every operation the runs below reached. */
  const reached = new Set<string>();

  afterAll(() => {
    // When a call is added to the action, extract its operation (npm run contracts:update) and
    // reach it here; the list-variables operation is extracted for completeness but not called.
    const notCalled = ['GET /repos/{owner}/{repo}/actions/variables'];
    expect([...reached].sort()).toEqual(
      Object.keys(contracts.operations)
        .filter((k) => !notCalled.includes(k))
        .sort()
    );
  });

  const targets: [string, Parameters<Awaited<ReturnType<typeof startWorld>>['run']>[1]][] = [
    ['repository Actions secret', {}],
    ['environment secret', { targets: { environment: ENV } }],
    ['Dependabot repository secret', { targets: { secretType: 'dependabot' } }],
    ['Codespaces repository secret', { targets: { secretType: 'codespaces' } }],
    ...(['actions', 'dependabot', 'codespaces'] as const).flatMap(
      (secretType): [string, Parameters<Awaited<ReturnType<typeof startWorld>>['run']>[1]][] => [
        [`${secretType} organisation secret, new`, { targets: { organization: ORG, secretType } }],
        [
          `${secretType} organisation secret, selected repositories`,
          { targets: { organization: ORG, secretType, visibility: 'selected' } }
        ]
      ]
    )
  ];

  test.each(targets)(
    '%s: two runs and a dry run, every request and answer documented',
    async (_label, options) => {
      const world = await startWorld('vercel');
      try {
        world.github.addEnvironment(REPO, ENV);
        expect((await world.run({}, options)).errors).toEqual([]);
        expect((await world.run({}, options)).outcome).toBe('rotated');
        expect((await world.run({ dryRun: true }, options)).outcome).toBe('planned');
        const log = world.github.requests;
        expect(log.length).toBeGreaterThan(0);
        for (const r of log) reached.add(operationOf(r.method, r.path) ?? `${r.method} ${r.pathname}`);
        expect(checkExchanges(log)).toEqual([]);
      } finally {
        await world.close();
      }
    }
  );

  test.each<SecretType>(['actions', 'dependabot', 'codespaces'])(
    '%s organisation secret that exists: its selected repositories are read back, and kept',
    async (type) => {
      const world = await startWorld('vercel', [REPO, 'octo/lib']);
      try {
        const lib = world.github.repoId('octo/lib');
        world.github.setOrgSecret(ORG, SECRET, 'old', {
          type,
          visibility: 'selected',
          selectedRepositoryIds: [lib]
        });
        const report = await world.run({}, { targets: { organization: ORG, secretType: type } });
        expect(report.outcome).toBe('rotated');
        for (const r of world.github.requests) reached.add(operationOf(r.method, r.path) ?? r.path);
        expect(checkExchanges(world.github.requests)).toEqual([]);
        expect(world.github.orgSecret(ORG, SECRET, type)?.selectedRepositoryIds).toEqual([lib]);
      } finally {
        await world.close();
      }
    }
  );
});

describe('repository objects', () => {
  // The action reads only `id`, but a client's typed model would reject a partial object.
  test('GET /repos/{owner}/{repo} is a full-repository; selected repositories are minimal-repository items', async () => {
    const sim = await startSim();
    try {
      const gh = octokitFor(sim);
      const [owner, repo] = REPO.split('/') as [string, string];
      await gh.rest.repos.get({ owner, repo });
      const { data: key } = await gh.rest.actions.getOrgPublicKey({ org: ORG });
      await gh.rest.actions.createOrUpdateOrgSecret({
        org: ORG,
        secret_name: SECRET,
        encrypted_value: await seal('x', key.key),
        key_id: key.key_id,
        visibility: 'selected',
        selected_repository_ids: [sim.repoId(REPO)]
      });
      await gh.rest.actions.listSelectedReposForOrgSecret({ org: ORG, secret_name: SECRET });
      expect(sim.requests.map((r) => `${r.method} ${r.status}`)).toEqual([
        'GET 200',
        'GET 200',
        'PUT 201',
        'GET 200'
      ]);
      expect(checkExchanges(sim.requests)).toEqual([]);
    } finally {
      await sim.close();
    }
  });
});

describe('the checker itself', () => {
  test('catches a misspelt body key, a wrong type, an undocumented status and a missing field', () => {
    const put = 'PUT';
    const path = '/orgs/octo/actions/secrets/API_TOKEN';
    const body = {
      encrypted_value: 'c2VjcmV0',
      key_id: '1',
      visibility: 'selected',
      selected_repositoy_ids: [1]
    };
    expect(checkExchange({ method: put, path, body, status: 204 })).toEqual([
      `${put} ${path} → 204: request body property selected_repositoy_ids is not in the operation`
    ]);
    expect(
      checkExchange({
        method: put,
        path,
        body: { encrypted_value: 'c2VjcmV0', key_id: '1', visibility: 'some' },
        status: 200
      })
    ).toEqual([
      expect.stringContaining('request body/visibility must be equal to one of the allowed values'),
      expect.stringContaining('status 200 is not documented')
    ]);
    expect(
      checkExchange({
        method: 'GET',
        path: '/repos/octo/app/actions/secrets/public-key',
        status: 200,
        response: { keyid: '1', key: 'k' }
      })
    ).toEqual([
      expect.stringContaining("response 200 must have required property 'key_id'"),
      expect.stringContaining(
        'response 200 must NOT have additional properties {"additionalProperty":"keyid"}'
      )
    ]);
    // An optional field renamed: only the closed schema can see it.
    expect(
      checkExchange({
        method: 'GET',
        path: '/orgs/octo/actions/secrets/API_TOKEN',
        status: 200,
        response: {
          name: 'API_TOKEN',
          created_at: '2026-01-01T00:00:00Z',
          updated_at: '2026-01-01T00:00:00Z',
          visibility: 'selected',
          selected_repositories_urls:
            'https://api.github.com/orgs/octo/actions/secrets/API_TOKEN/repositories'
        }
      })
    ).toEqual([
      expect.stringContaining(
        'must NOT have additional properties {"additionalProperty":"selected_repositories_urls"}'
      )
    ]);
  });
});
