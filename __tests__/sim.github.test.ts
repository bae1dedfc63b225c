import sodium from 'libsodium-wrappers';
import { githubSecondaryLimit, startGithubSim, type GithubSim } from '../sim/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read loosely typed JSON bodies
type Json = any;

async function call(base: string, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    body: (text ? JSON.parse(text) : undefined) as Json
  };
}

const B64 = sodium.base64_variants.ORIGINAL;
const DOCS = 'https://docs.github.com/rest';
const T0 = Date.UTC(2026, 0, 1);

function seal(value: string | Uint8Array, key: string): string {
  return sodium.to_base64(sodium.crypto_box_seal(value, sodium.from_base64(key, B64)), B64);
}

describe('sealed-box known-answer vector (STYLE.md)', () => {
  it('opens with libsodium', async () => {
    await sodium.ready;
    const kp = sodium.crypto_box_seed_keypair(new Uint8Array(32).fill(1));
    expect(sodium.to_base64(kp.publicKey, B64)).toBe('GxtY3VDqFLYNoXt5DNAnVNlwybq4ZOuzwPMBb+UdP1c=');
    expect(sodium.to_base64(kp.privateKey, B64)).toBe('XOhu+3X6TixBD0bhben2rK4aFwNShlG2m8F2wIi+8+4=');
    const ct = sodium.from_base64(
      '3xtOtVNjygB3CwncHDiIJaDzEhhFQzbecmNLOlPmKEjGjIYB3Q/0dHsN++gMePorHbMh1NgFG17sRM/QB/mI/pY=',
      B64
    );
    expect(ct).toHaveLength(48 + 17);
    expect(sodium.to_string(sodium.crypto_box_seal_open(ct, kp.publicKey, kp.privateKey))).toBe(
      'vercel_tok_ABC123'
    );
  });
});

describe('GitHub simulator', () => {
  let gh: GithubSim;
  let clock: number;
  const token = 'ghp_write';
  const secret = (name: string) => `/repos/octo/app/actions/secrets/${name}`;
  const vars = '/repos/octo/app/actions/variables';

  beforeEach(async () => {
    clock = T0;
    gh = await startGithubSim({ now: () => clock });
    gh.addRepo('octo/app');
    gh.addRepo('octo/other');
    gh.addToken(token);
  });
  afterEach(() => gh.close());

  it('auth failures: 401 Bad credentials / Requires authentication', async () => {
    expect(await call(gh.url, 'GET', '/repos/octo/app', 'ghp_nope')).toMatchObject({
      status: 401,
      body: { message: 'Bad credentials', documentation_url: DOCS, status: '401' }
    });
    expect((await call(gh.url, 'GET', '/repos/octo/app')).body.message).toBe('Requires authentication');
  });

  it('GET repo and 404 for unknown repos and routes', async () => {
    const r = await call(gh.url, 'GET', '/repos/octo/app', token);
    // Identity here; that it is a complete full-repository is contracts.github.test.ts's job.
    expect(r.body).toMatchObject({
      id: expect.any(Number),
      name: 'app',
      full_name: 'octo/app',
      owner: { login: 'octo' },
      private: true
    });
    expect(r.headers.get('x-ratelimit-remaining')).toBe('4999');
    expect(r.headers.get('x-ratelimit-resource')).toBe('core');
    expect(await call(gh.url, 'GET', '/repos/octo/missing', token)).toMatchObject({
      status: 404,
      body: { message: 'Not Found', documentation_url: DOCS, status: '404' }
    });
    expect((await call(gh.url, 'GET', '/nope', token)).status).toBe(404);
  });

  it('seal with the public key, PUT → 201 {} then 204, stored upper-cased and decryptable', async () => {
    await sodium.ready;
    const pk = await call(gh.url, 'GET', secret('public-key'), token);
    expect(pk.body).toEqual(gh.publicKey('octo/app'));
    expect(pk.body.key_id).toMatch(/^\d+$/);
    expect(sodium.from_base64(pk.body.key, B64)).toHaveLength(32);

    const put1 = await call(gh.url, 'PUT', secret('vercel_token'), token, {
      encrypted_value: seal('first', pk.body.key),
      key_id: pk.body.key_id
    });
    expect(put1).toMatchObject({ status: 201, body: {} });
    expect(gh.secretValue('octo/app', 'VERCEL_TOKEN')).toBe('first');
    clock = T0 + 5000;
    const put2 = await call(gh.url, 'PUT', secret('VERCEL_TOKEN'), token, {
      encrypted_value: seal('second', pk.body.key),
      key_id: pk.body.key_id
    });
    expect(put2.status).toBe(204);
    expect(put2.text).toBe('');
    expect(gh.secretValue('octo/app', 'vercel_token')).toBe('second');
    expect(gh.secretMeta('octo/app', 'vercel_token')).toEqual({
      name: 'VERCEL_TOKEN',
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:05Z'
    });
    expect((await call(gh.url, 'GET', secret('Vercel_Token'), token)).body).toEqual(
      gh.secretMeta('octo/app', 'VERCEL_TOKEN')
    );
    expect((await call(gh.url, 'GET', secret('NOPE'), token)).status).toBe(404);
    expect(gh.secretValue('octo/other', 'VERCEL_TOKEN')).toBeUndefined();
  });

  it('rejects bad secrets with 422 and stores nothing', async () => {
    await sodium.ready;
    const { key, key_id } = gh.publicKey('octo/app');
    const put = (name: string, body: unknown) => call(gh.url, 'PUT', secret(name), token, body);
    const wrongKey = await put('A', { encrypted_value: seal('x', key), key_id: '1' });
    expect(wrongKey).toMatchObject({ status: 422, body: { message: 'Validation Failed', status: '422' } });
    expect(wrongKey.body.errors[0].field).toBe('key_id');
    const other = gh.publicKey('octo/other').key;
    expect((await put('A', { encrypted_value: seal('x', other), key_id })).status).toBe(422);
    expect((await put('A', { encrypted_value: 'not base64!', key_id })).status).toBe(422);
    expect(
      (await put('A', { encrypted_value: sodium.to_base64(new Uint8Array(80), B64), key_id })).status
    ).toBe(422);
    expect((await put('A', { key_id })).status).toBe(422);
    for (const name of ['1ABC', 'GITHUB_TOKEN', 'github_x', 'A-B'])
      expect((await put(name, { encrypted_value: seal('x', key), key_id })).status).toBe(422);
    expect((await put('BIG', { encrypted_value: seal(new Uint8Array(49_153), key), key_id })).status).toBe(
      422
    );
    expect(gh.secretValue('octo/app', 'A')).toBeUndefined();
    expect((await put('OK', { encrypted_value: seal(new Uint8Array(49_152), key), key_id })).status).toBe(
      201
    );
  });

  it('after rotatePublicKey the old key_id is refused, old secrets still open', async () => {
    await sodium.ready;
    const old = gh.publicKey('octo/app');
    await call(gh.url, 'PUT', secret('S'), token, {
      encrypted_value: seal('v1', old.key),
      key_id: old.key_id
    });
    const fresh = gh.rotatePublicKey('octo/app');
    expect(fresh.key_id).not.toBe(old.key_id);
    expect(gh.secretValue('octo/app', 'S')).toBe('v1');
    const stale = await call(gh.url, 'PUT', secret('S'), token, {
      encrypted_value: seal('v2', old.key),
      key_id: old.key_id
    });
    expect(stale.status).toBe(422);
  });

  it('variables: POST 201 / 409, GET, PATCH 204, DELETE 204, 404s', async () => {
    expect(await call(gh.url, 'POST', vars, token, { name: 'state', value: '{"a":1}' })).toMatchObject({
      status: 201,
      body: {}
    });
    expect(gh.variable('octo/app', 'STATE')).toBe('{"a":1}');
    expect(await call(gh.url, 'POST', vars, token, { name: 'STATE', value: 'x' })).toMatchObject({
      status: 409,
      body: { message: 'Already exists - Variable already exists', status: '409' }
    });
    expect((await call(gh.url, 'GET', `${vars}/state`, token)).body).toEqual({
      name: 'STATE',
      value: '{"a":1}',
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z'
    });
    const patched = await call(gh.url, 'PATCH', `${vars}/STATE`, token, { value: '{"a":2}' });
    expect(patched.status).toBe(204);
    expect(gh.variable('octo/app', 'state')).toBe('{"a":2}');
    expect((await call(gh.url, 'PATCH', `${vars}/MISSING`, token, { value: 'x' })).status).toBe(404);
    expect((await call(gh.url, 'POST', vars, token, { name: 'GITHUB_X', value: 'x' })).status).toBe(422);
    expect((await call(gh.url, 'POST', vars, token, { name: 'BIG', value: 'x'.repeat(49_153) })).status).toBe(
      422
    );
    expect((await call(gh.url, 'DELETE', `${vars}/STATE`, token)).status).toBe(204);
    expect(await call(gh.url, 'GET', `${vars}/STATE`, token)).toMatchObject({
      status: 404,
      body: { message: 'Not Found', documentation_url: DOCS, status: '404' }
    });
    expect((await call(gh.url, 'DELETE', `${vars}/STATE`, token)).status).toBe(404);
    gh.setVariable('octo/app', 'seeded', 'v');
    expect((await call(gh.url, 'GET', `${vars}/SEEDED`, token)).body.value).toBe('v');
    expect([gh.deleteVariable('octo/app', 'Seeded'), gh.deleteVariable('octo/app', 'SEEDED')]).toEqual([
      true,
      false
    ]);
    expect((await call(gh.url, 'GET', `${vars}/SEEDED`, token)).status).toBe(404);
  });

  it('permissions: hidden repo → 404, missing permission → 403', async () => {
    gh.addToken('ghp_other_only', { repos: ['octo/other'] });
    gh.addToken('ghp_read', { secrets: 'read', variables: 'read' });
    gh.addToken('ghp_vars_only', { secrets: 'none' });
    const forbidden = {
      status: 403,
      body: {
        message: 'Resource not accessible by personal access token',
        documentation_url: DOCS,
        status: '403'
      }
    };
    expect((await call(gh.url, 'GET', '/repos/octo/app', 'ghp_other_only')).status).toBe(404);
    expect((await call(gh.url, 'GET', secret('public-key'), 'ghp_other_only')).status).toBe(404);
    expect((await call(gh.url, 'GET', '/repos/octo/other', 'ghp_other_only')).status).toBe(200);

    const { key, key_id } = gh.publicKey('octo/app');
    await sodium.ready;
    expect((await call(gh.url, 'GET', secret('public-key'), 'ghp_read')).status).toBe(200);
    expect(
      await call(gh.url, 'PUT', secret('X'), 'ghp_read', { encrypted_value: seal('v', key), key_id })
    ).toMatchObject(forbidden);
    expect(await call(gh.url, 'POST', vars, 'ghp_read', { name: 'X', value: 'v' })).toMatchObject(forbidden);
    expect(await call(gh.url, 'GET', secret('public-key'), 'ghp_vars_only')).toMatchObject(forbidden);
    expect((await call(gh.url, 'POST', vars, 'ghp_vars_only', { name: 'X', value: 'v' })).status).toBe(201);
  });
});

describe('GitHub simulator: environments, Dependabot, Codespaces and organisation secrets', () => {
  let gh: GithubSim;
  const token = 'ghp_write';
  const ENV = 'production/eu west';
  const env = encodeURIComponent(ENV); // 'production%2Feu%20west'
  const forbidden = {
    status: 403,
    body: {
      message: 'Resource not accessible by personal access token',
      documentation_url: DOCS,
      status: '403'
    }
  };
  const notFound = { status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } };

  /** Every secret store the simulator has, with its paths and how to read back a stored value. */
  type Kind = { kind: string; base: string; body?: object; value(name: string): string | undefined };
  const kinds = (): Kind[] => [
    {
      kind: 'repo actions',
      base: '/repos/octo/app/actions/secrets',
      value: (n) => gh.secretValue('octo/app', n)
    },
    {
      kind: 'repo dependabot',
      base: '/repos/octo/app/dependabot/secrets',
      value: (n) => gh.secretValue('octo/app', n, { type: 'dependabot' })
    },
    {
      kind: 'repo codespaces',
      base: '/repos/octo/app/codespaces/secrets',
      value: (n) => gh.secretValue('octo/app', n, { type: 'codespaces' })
    },
    {
      kind: 'environment',
      base: `/repos/octo/app/environments/${env}/secrets`,
      value: (n) => gh.secretValue('octo/app', n, { environment: ENV })
    },
    {
      kind: 'other environment',
      base: '/repos/octo/app/environments/staging/secrets',
      value: (n) => gh.secretValue('octo/app', n, { environment: 'staging' })
    },
    ...(['actions', 'dependabot', 'codespaces'] as const).map((type) => ({
      kind: `org ${type}`,
      base: `/orgs/octo/${type}/secrets`,
      body: { visibility: 'private' },
      value: (n: string) => gh.orgSecretValue('octo', n, type)
    }))
  ];

  async function put(path: string, value: string, key: { key: string; key_id: string }, extra: object = {}) {
    return call(gh.url, 'PUT', path, token, {
      encrypted_value: seal(value, key.key),
      key_id: key.key_id,
      ...extra
    });
  }
  const orgKey = async (type = 'actions') =>
    (await call(gh.url, 'GET', `/orgs/octo/${type}/secrets/public-key`, token)).body as {
      key: string;
      key_id: string;
    };

  beforeEach(async () => {
    await sodium.ready;
    gh = await startGithubSim({ now: () => T0 });
    gh.addRepo('octo/app');
    gh.addRepo('octo/web', { private: false });
    gh.addRepo('octo/api');
    gh.addRepo('acme/tool');
    gh.addOrg('empty-org');
    gh.addEnvironment('octo/app', ENV);
    gh.addEnvironment('octo/app', 'staging');
    gh.addToken(token);
  });
  afterEach(() => gh.close());

  it('each kind: seal with its public key, PUT → 201 {} then 204, stored value decrypts', async () => {
    for (const k of kinds()) {
      const pk = await call(gh.url, 'GET', `${k.base}/public-key`, token);
      expect({ kind: k.kind, status: pk.status }).toEqual({ kind: k.kind, status: 200 });
      expect(sodium.from_base64(pk.body.key, B64)).toHaveLength(32);
      const first = await put(`${k.base}/dep_token`, `${k.kind} v1`, pk.body, k.body);
      expect({ kind: k.kind, status: first.status, body: first.body }).toEqual({
        kind: k.kind,
        status: 201,
        body: {}
      });
      expect(k.value('DEP_TOKEN')).toBe(`${k.kind} v1`);
      const second = await put(`${k.base}/DEP_TOKEN`, `${k.kind} v2`, pk.body, k.body);
      expect({ kind: k.kind, status: second.status, text: second.text }).toEqual({
        kind: k.kind,
        status: 204,
        text: ''
      });
      expect(k.value('dep_token')).toBe(`${k.kind} v2`);
      expect((await call(gh.url, 'GET', `${k.base}/DEP_TOKEN`, token)).body).toMatchObject({
        name: 'DEP_TOKEN',
        created_at: '2026-01-01T00:00:00Z',
        updated_at: '2026-01-01T00:00:00Z'
      });
      expect((await call(gh.url, 'GET', `${k.base}/MISSING`, token)).status).toBe(404);
    }
    // Each value landed only in its own store.
    expect(gh.secretValue('octo/web', 'DEP_TOKEN', { type: 'dependabot' })).toBeUndefined();
    expect(gh.secretValue('octo/app', 'DEP_TOKEN')).toBe('repo actions v2');
  });

  it('every store has its own keypair; a key_id or key of another store → 422, nothing stored', async () => {
    const all = kinds();
    const keys = await Promise.all(
      all.map(async (k) => (await call(gh.url, 'GET', `${k.base}/public-key`, token)).body)
    );
    keys.push(gh.publicKey('octo/web'), gh.orgPublicKey('acme'));
    expect(new Set(keys.map((k) => k.key)).size).toBe(keys.length);
    expect(new Set(keys.map((k) => k.key_id)).size).toBe(keys.length);
    expect(keys.slice(0, all.length)).toEqual([
      gh.publicKey('octo/app'),
      gh.publicKey('octo/app', { type: 'dependabot' }),
      gh.publicKey('octo/app', { type: 'codespaces' }),
      gh.publicKey('octo/app', { environment: ENV }),
      gh.publicKey('octo/app', { environment: 'staging' }),
      gh.orgPublicKey('octo', 'actions'),
      gh.orgPublicKey('octo', 'dependabot'),
      gh.orgPublicKey('octo', 'codespaces')
    ]);
    for (const [i, k] of all.entries()) {
      const other = keys[(i + 1) % all.length];
      const own = keys[i];
      const wrongId = await put(`${k.base}/X`, 'v', { key: own.key, key_id: other.key_id }, k.body);
      expect({ kind: k.kind, status: wrongId.status, field: wrongId.body.errors[0].field }).toEqual({
        kind: k.kind,
        status: 422,
        field: 'key_id'
      });
      const wrongKey = await put(`${k.base}/X`, 'v', { key: other.key, key_id: own.key_id }, k.body);
      expect({ kind: k.kind, status: wrongKey.status, field: wrongKey.body.errors[0].field }).toEqual({
        kind: k.kind,
        status: 422,
        field: 'encrypted_value'
      });
      expect(k.value('X')).toBeUndefined();
    }
  });

  it('the same 422 rules as repository secrets: names, base64, 48 KB', async () => {
    const key = await orgKey('codespaces');
    const body = { visibility: 'all' };
    const path = (n: string) => `/orgs/octo/codespaces/secrets/${n}`;
    expect((await put(path('GITHUB_X'), 'v', key, body)).status).toBe(422);
    expect((await put(path('1A'), 'v', key, body)).status).toBe(422);
    expect(
      (
        await call(gh.url, 'PUT', path('A'), token, {
          encrypted_value: 'not base64!',
          key_id: key.key_id,
          ...body
        })
      ).status
    ).toBe(422);
    const big = sodium.to_base64(
      sodium.crypto_box_seal(new Uint8Array(49_153), sodium.from_base64(key.key, B64)),
      B64
    );
    expect(
      (await call(gh.url, 'PUT', path('A'), token, { encrypted_value: big, key_id: key.key_id, ...body }))
        .status
    ).toBe(422);
    expect(gh.orgSecret('octo', 'A', 'codespaces')).toBeUndefined();
  });

  it('environments: GET by URL-encoded name, 404 for a missing one; helpers seed and rotate', async () => {
    const got = await call(gh.url, 'GET', `/repos/octo/app/environments/${env}`, token);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: expect.any(Number), name: ENV, protection_rules: [] });
    expect(got.body.url).toBe(`${gh.url}/repos/octo/app/environments/production%2Feu%20west`);
    expect(gh.requests[0]?.pathname).toBe('/repos/octo/app/environments/production%2Feu%20west');
    const staging = await call(gh.url, 'GET', '/repos/octo/app/environments/staging', token);
    expect(staging.body.id).not.toBe(got.body.id);

    for (const path of [
      '/repos/octo/app/environments/production',
      '/repos/octo/app/environments/production/secrets/public-key', // '/' not encoded: another path
      '/repos/octo/web/environments/staging',
      '/repos/octo/web/environments/staging/secrets/public-key',
      '/repos/octo/web/environments/staging/secrets/A'
    ])
      expect(await call(gh.url, 'GET', path, token)).toMatchObject(notFound);
    const key = gh.publicKey('octo/app', { environment: 'staging' });
    expect(await put('/repos/octo/web/environments/staging/secrets/A', 'v', key)).toMatchObject(notFound);

    gh.setSecret('octo/app', 'SEEDED', 'old', { environment: ENV });
    expect(gh.secretValue('octo/app', 'seeded', { environment: ENV })).toBe('old');
    expect(gh.secretValue('octo/app', 'SEEDED')).toBeUndefined();
    const fresh = gh.rotatePublicKey('octo/app', { environment: ENV });
    expect(gh.secretValue('octo/app', 'SEEDED', { environment: ENV })).toBe('old');
    expect((await put(`/repos/octo/app/environments/${env}/secrets/SEEDED`, 'new', fresh)).status).toBe(204);
    expect(gh.secretValue('octo/app', 'SEEDED', { environment: ENV })).toBe('new');
    expect(() => gh.secretValue('octo/app', 'X', { environment: 'nope' })).toThrow(/unknown environment/);
  });

  it('seeded repository Dependabot/Codespaces secrets are updated with 204', async () => {
    gh.setSecret('octo/app', 'S', 'old', { type: 'codespaces' });
    expect(gh.secretValue('octo/app', 'S', { type: 'codespaces' })).toBe('old');
    const key = gh.publicKey('octo/app', { type: 'codespaces' });
    expect((await put('/repos/octo/app/codespaces/secrets/S', 'new', key)).status).toBe(204);
    expect(gh.secretValue('octo/app', 'S', { type: 'codespaces' })).toBe('new');
    expect(gh.secretValue('octo/app', 'S')).toBeUndefined();
  });

  it('organisation secrets: private, all, selected with IDs; GET shows the visibility', async () => {
    const key = await orgKey();
    const [app, web] = [gh.repoId('octo/app'), gh.repoId('octo/web')];
    const path = (n: string) => `/orgs/octo/actions/secrets/${n}`;
    expect((await put(path('PRIV'), 'p', key, { visibility: 'private' })).status).toBe(201);
    expect((await put(path('ALL'), 'a', key, { visibility: 'all' })).status).toBe(201);
    const sel = await put(path('SEL'), 's', key, {
      visibility: 'selected',
      selected_repository_ids: [web, app]
    });
    expect(sel.status).toBe(201);
    expect(gh.orgSecret('octo', 'PRIV')).toEqual({ visibility: 'private', selectedRepositoryIds: [] });
    expect(gh.orgSecret('octo', 'ALL')).toEqual({ visibility: 'all', selectedRepositoryIds: [] });
    expect(gh.orgSecret('octo', 'SEL')).toEqual({
      visibility: 'selected',
      selectedRepositoryIds: [web, app]
    });
    expect([
      gh.orgSecretValue('octo', 'PRIV'),
      gh.orgSecretValue('octo', 'ALL'),
      gh.orgSecretValue('octo', 'SEL')
    ]).toEqual(['p', 'a', 's']);

    expect((await call(gh.url, 'GET', path('ALL'), token)).body).toEqual({
      name: 'ALL',
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
      visibility: 'all'
    });
    expect((await call(gh.url, 'GET', path('sel'), token)).body).toEqual({
      name: 'SEL',
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
      visibility: 'selected',
      selected_repositories_url: `${gh.url}/orgs/octo/actions/secrets/SEL/repositories`
    });
    expect(await call(gh.url, 'GET', path('NOPE'), token)).toMatchObject(notFound);
    expect(await call(gh.url, 'GET', '/orgs/nobody/actions/secrets/public-key', token)).toMatchObject(
      notFound
    );
    expect(await call(gh.url, 'GET', '/orgs/octo/agents/secrets/public-key', token)).toMatchObject(notFound);
    // An organisation added explicitly, without repositories, holds secrets too.
    const empty = (await call(gh.url, 'GET', '/orgs/empty-org/dependabot/secrets/public-key', token)).body;
    expect(
      (await put('/orgs/empty-org/dependabot/secrets/E', 'e', empty, { visibility: 'all' })).status
    ).toBe(201);
    expect(gh.orgSecretValue('empty-org', 'E', 'dependabot')).toBe('e');
  });

  it('organisation secrets: selection kept when omitted on update, changed or cleared when given', async () => {
    const key = await orgKey('dependabot');
    const [app, web, api] = [gh.repoId('octo/app'), gh.repoId('octo/web'), gh.repoId('octo/api')];
    const path = '/orgs/octo/dependabot/secrets/DEP';
    gh.setOrgSecret('octo', 'DEP', 'old', {
      type: 'dependabot',
      visibility: 'selected',
      selectedRepositoryIds: [app, api]
    });
    expect(await put(path, 'v2', key, { visibility: 'selected' })).toMatchObject({ status: 204, text: '' });
    expect(gh.orgSecret('octo', 'DEP', 'dependabot')).toEqual({
      visibility: 'selected',
      selectedRepositoryIds: [app, api]
    });
    expect(gh.orgSecretValue('octo', 'DEP', 'dependabot')).toBe('v2');

    expect(
      (await put(path, 'v3', key, { visibility: 'selected', selected_repository_ids: [web] })).status
    ).toBe(204);
    expect(gh.orgSecret('octo', 'DEP', 'dependabot')).toEqual({
      visibility: 'selected',
      selectedRepositoryIds: [web]
    });
    expect((await put(path, 'v4', key, { visibility: 'all' })).status).toBe(204);
    expect(gh.orgSecret('octo', 'DEP', 'dependabot')).toEqual({
      visibility: 'all',
      selectedRepositoryIds: []
    });
    // From 'all' to 'selected' without IDs: nothing to keep, an empty selection.
    expect((await put(path, 'v5', key, { visibility: 'selected' })).status).toBe(204);
    expect(gh.orgSecret('octo', 'DEP', 'dependabot')).toEqual({
      visibility: 'selected',
      selectedRepositoryIds: []
    });
    expect(gh.orgSecretValue('octo', 'DEP', 'dependabot')).toBe('v5');
  });

  it('organisation secrets: bad visibility or selected_repository_ids → 422, nothing changes', async () => {
    const key = await orgKey('dependabot');
    const [app, tool] = [gh.repoId('octo/app'), gh.repoId('acme/tool')];
    const path = '/orgs/octo/dependabot/secrets/DEP';
    gh.setOrgSecret('octo', 'DEP', 'old', {
      type: 'dependabot',
      visibility: 'selected',
      selectedRepositoryIds: [app]
    });
    const before = gh.orgSecret('octo', 'DEP', 'dependabot');
    const refused = async (extra: object, field: string) => {
      const r = await put(path, 'new', key, extra);
      expect({ extra, status: r.status, field: r.body.errors?.[0]?.field ?? r.body.message }).toEqual({
        extra,
        status: 422,
        field
      });
    };
    await refused({}, 'Invalid request.\n\n"visibility" wasn\'t supplied.');
    await refused({ visibility: 'public' }, 'visibility');
    await refused({ visibility: 'all', selected_repository_ids: [app] }, 'selected_repository_ids');
    await refused({ visibility: 'private', selected_repository_ids: [] }, 'selected_repository_ids');
    await refused(
      { visibility: 'selected', selected_repository_ids: [String(app)] },
      'selected_repository_ids'
    );
    await refused({ visibility: 'selected', selected_repository_ids: app }, 'selected_repository_ids');
    await refused({ visibility: 'selected', selected_repository_ids: [app, 999] }, 'selected_repository_ids');
    await refused({ visibility: 'selected', selected_repository_ids: [tool] }, 'selected_repository_ids'); // another org's
    expect(gh.orgSecret('octo', 'DEP', 'dependabot')).toEqual(before);
    expect(gh.orgSecretValue('octo', 'DEP', 'dependabot')).toBe('old');
    expect(() =>
      gh.setOrgSecret('octo', 'X', 'v', { visibility: 'selected', selectedRepositoryIds: [tool] })
    ).toThrow(/not in organisation/);
  });

  it('organisation secrets: the selected repositories listing, paged', async () => {
    const ids = ['octo/app', 'octo/web', 'octo/api'].map((r) => gh.repoId(r));
    gh.setOrgSecret('octo', 'SEL', 'v', {
      type: 'codespaces',
      visibility: 'selected',
      selectedRepositoryIds: ids
    });
    const list = (q: string) =>
      call(gh.url, 'GET', `/orgs/octo/codespaces/secrets/SEL/repositories${q}`, token);
    const all = await list('');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({
      total_count: 3,
      repositories: [
        { id: ids[0], name: 'app', full_name: 'octo/app', owner: { login: 'octo' }, private: true },
        { id: ids[1], name: 'web', full_name: 'octo/web', owner: { login: 'octo' }, private: false },
        { id: ids[2], name: 'api', full_name: 'octo/api', owner: { login: 'octo' }, private: true }
      ]
    });
    const names = async (q: string) => {
      const r = await list(q);
      return [r.body.total_count, r.body.repositories.map((x: { name: string }) => x.name)];
    };
    expect(await names('?per_page=2')).toEqual([3, ['app', 'web']]);
    expect(await names('?per_page=2&page=2')).toEqual([3, ['api']]);
    expect(await names('?per_page=2&page=3')).toEqual([3, []]);
    expect(await names('?per_page=1000')).toEqual([3, ['app', 'web', 'api']]);
    gh.setOrgSecret('octo', 'PRIV', 'v', { type: 'codespaces', visibility: 'private' });
    expect(
      (await call(gh.url, 'GET', '/orgs/octo/codespaces/secrets/PRIV/repositories', token)).body
    ).toEqual({
      total_count: 0,
      repositories: []
    });
    expect(await call(gh.url, 'GET', '/orgs/octo/actions/secrets/SEL/repositories', token)).toMatchObject(
      notFound
    );
  });

  it('the listing pages at most 100 repositories', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => gh.addRepo(`big/r${i}`).id);
    gh.setOrgSecret('big', 'SEL', 'v', { visibility: 'selected', selectedRepositoryIds: ids });
    const page = async (q: string) =>
      (await call(gh.url, 'GET', `/orgs/big/actions/secrets/SEL/repositories${q}`, token)).body;
    expect((await page('')).repositories).toHaveLength(30);
    const first = await page('?per_page=100');
    expect([first.total_count, first.repositories.length]).toEqual([101, 100]);
    expect((await page('?per_page=100&page=2')).repositories.map((r: { id: number }) => r.id)).toEqual([
      ids[100]
    ]);
  });

  it('permissions per kind: an unseen repository or organisation → 404, a missing permission → 403', async () => {
    const cases: { kind: string; base: string; body?: object; permission: string }[] = [
      {
        kind: 'repo dependabot',
        base: '/repos/octo/app/dependabot/secrets',
        permission: 'dependabot_secrets'
      },
      {
        kind: 'repo codespaces',
        base: '/repos/octo/app/codespaces/secrets',
        permission: 'codespaces_secrets'
      },
      {
        kind: 'environment',
        base: `/repos/octo/app/environments/${env}/secrets`,
        permission: 'environments'
      },
      ...(['actions', 'dependabot', 'codespaces'] as const).map((type) => ({
        kind: `org ${type}`,
        base: `/orgs/octo/${type}/secrets`,
        body: { visibility: 'all' },
        permission: type === 'actions' ? 'organization_secrets' : `organization_${type}_secrets`
      }))
    ];
    gh.addToken('ghp_elsewhere', { repos: ['octo/web'], orgs: ['acme'] });
    for (const c of cases) {
      const key = (await call(gh.url, 'GET', `${c.base}/public-key`, token)).body;
      gh.addToken(`ghp_no_${c.permission}`, { [c.permission]: 'none' });
      gh.addToken(`ghp_read_${c.permission}`, { [c.permission]: 'read' });
      const write = (t: string) =>
        call(gh.url, 'PUT', `${c.base}/P`, t, {
          encrypted_value: seal('v', key.key),
          key_id: key.key_id,
          ...c.body
        });
      const at = (r: { status: number; body: unknown }) => ({ kind: c.kind, status: r.status, body: r.body });

      expect(at(await call(gh.url, 'GET', `${c.base}/public-key`, 'ghp_elsewhere'))).toEqual({
        kind: c.kind,
        ...notFound
      });
      expect(at(await write('ghp_elsewhere'))).toEqual({ kind: c.kind, ...notFound });
      expect(at(await call(gh.url, 'GET', `${c.base}/public-key`, `ghp_no_${c.permission}`))).toEqual({
        kind: c.kind,
        ...forbidden
      });
      expect(at(await write(`ghp_no_${c.permission}`))).toEqual({ kind: c.kind, ...forbidden });
      expect((await call(gh.url, 'GET', `${c.base}/public-key`, `ghp_read_${c.permission}`)).status).toBe(
        200
      );
      expect(at(await write(`ghp_read_${c.permission}`))).toEqual({ kind: c.kind, ...forbidden });
      // Lacking this permission does not hide the repository's Actions secrets.
      expect(
        (await call(gh.url, 'GET', '/repos/octo/app/actions/secrets/public-key', `ghp_no_${c.permission}`))
          .status
      ).toBe(200);
      expect(at(await write(token))).toEqual({ kind: c.kind, status: 201, body: {} });
    }
    // A token limited to other organisations still sees those it names.
    expect((await call(gh.url, 'GET', '/orgs/acme/actions/secrets/public-key', 'ghp_elsewhere')).status).toBe(
      200
    );
    expect((await call(gh.url, 'GET', '/repos/octo/web/environments/staging', 'ghp_elsewhere')).status).toBe(
      404
    );
  });

  describe('secondary rate limit', () => {
    const limitBody = {
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      documentation_url:
        'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      status: '403'
    };
    const write = (name: string, key = gh.publicKey('octo/app')) =>
      put(`/repos/octo/app/actions/secrets/${name}`, name, key);

    it('is off by default: five concurrent writes pass', async () => {
      expect(gh.secondaryLimit).toBeNull();
      gh.latencyMs = 50;
      const results = await Promise.all(['A', 'B', 'C', 'D', 'E'].map((n) => write(n)));
      expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    });

    it('too many concurrent writes: the extra ones get 403 + retry-after and change nothing', async () => {
      gh.latencyMs = 50;
      gh.secondaryLimit = { maxConcurrentWrites: 2, retryAfterSeconds: 7 };
      const names = ['A', 'B', 'C', 'D', 'E'];
      const results = await Promise.all(names.map((n) => write(n)));
      const refused = results.filter((r) => r.status === 403);
      expect(results.map((r) => r.status).sort()).toEqual([201, 201, 403, 403, 403]);
      for (const r of refused) {
        expect(r.body).toEqual(limitBody);
        expect(r.headers.get('retry-after')).toBe('7');
      }
      const stored = names.filter((n) => gh.secretValue('octo/app', n) === n);
      expect(stored).toHaveLength(2);
      expect(gh.requests.map((r) => r.status).sort()).toEqual([201, 201, 403, 403, 403]);
      expect(gh.requests.filter((r) => r.status === 403).map((r) => r.method)).toEqual(['PUT', 'PUT', 'PUT']);

      // Reads are not counted; sequential writes all pass.
      const reads = await Promise.all(
        names.map(() => call(gh.url, 'GET', '/repos/octo/app/actions/secrets/public-key', token))
      );
      expect(reads.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      const sequential = [];
      for (const n of names) sequential.push((await write(n)).status);
      expect(sequential.filter((s) => s === 403)).toEqual([]);
      expect(sequential.filter((s) => s === 201)).toHaveLength(3); // the three refused before
      for (const n of names) expect(gh.secretValue('octo/app', n)).toBe(n);
    });

    it('too many writes in a window: refused until the window ends', async () => {
      let clock = T0;
      await gh.close();
      gh = await startGithubSim({ now: () => clock });
      gh.addRepo('octo/app');
      gh.addToken(token);
      gh.secondaryLimit = { maxWritesPerWindow: 3, windowMs: 60_000, retryAfterSeconds: 60 };
      const statuses = [];
      for (const n of ['A', 'B', 'C', 'D']) statuses.push((await write(n)).status);
      expect(statuses).toEqual([201, 201, 201, 403]);
      expect(gh.secretValue('octo/app', 'D')).toBeUndefined();
      const variable = await call(gh.url, 'POST', '/repos/octo/app/actions/variables', token, {
        name: 'V',
        value: 'v'
      });
      expect([variable.status, variable.headers.get('retry-after')]).toEqual([403, '60']);
      clock += 59_999;
      expect((await write('D')).status).toBe(403);
      clock += 1;
      expect((await write('D')).status).toBe(201);
      expect(gh.secretValue('octo/app', 'D')).toBe('D');
    });

    describe("GitHub's documented limits (githubSecondaryLimit)", () => {
      let clock = T0;
      const keyPath = '/repos/octo/app/actions/secrets/public-key';
      const read = () => call(gh.url, 'GET', keyPath, token);
      const createVariable = (name: string) =>
        call(gh.url, 'POST', '/repos/octo/app/actions/variables', token, { name, value: 'v' });

      beforeEach(async () => {
        clock = T0;
        await gh.close();
        gh = await startGithubSim({ now: () => clock });
        gh.addRepo('octo/app');
        gh.addToken(token);
      });

      it('are the documented figures, on a minute that may be scaled, off until set', () => {
        expect(gh.secondaryLimit).toBeNull();
        expect(githubSecondaryLimit()).toEqual({
          minuteMs: 60_000,
          maxConcurrent: 100,
          pointsPerMinute: 900,
          writePoints: 5,
          readPoints: 1,
          contentPerMinute: 80,
          secretWritesCreateContent: false,
          status: 403,
          retryAfterSeconds: 60
        });
        expect(
          githubSecondaryLimit({ minuteMs: 60, secretWritesCreateContent: true, status: 429 })
        ).toMatchObject({
          minuteMs: 60,
          secretWritesCreateContent: true,
          status: 429
        });
      });

      it('names each endpoint by method and route, the secret product filled in', () => {
        expect(gh.endpointOf('PUT', '/repos/a/b/actions/secrets/X')).toBe(
          'PUT /repos/:owner/:repo/actions/secrets/:name'
        );
        expect(gh.endpointOf('PUT', '/repos/c/d/dependabot/secrets/Y')).toBe(
          'PUT /repos/:owner/:repo/dependabot/secrets/:name'
        );
        expect(gh.endpointOf('GET', '/repos/a/b/actions/secrets/public-key')).toBe(
          'GET /repos/:owner/:repo/actions/secrets/public-key'
        );
        expect(gh.endpointOf('GET', '/repos/a/b/actions/secrets/X')).toBe(
          'GET /repos/:owner/:repo/actions/secrets/:name'
        );
        expect(gh.endpointOf('GET', '/nowhere')).toBe('GET /nowhere');
      });

      it('no more than 100 in flight, reads included: the extra ones get 403 + retry-after', async () => {
        gh.secondaryLimit = { ...githubSecondaryLimit(), maxConcurrent: 3 };
        gh.latencyMs = 50;
        const results = await Promise.all([1, 2, 3, 4, 5].map(() => read()));
        expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 403, 403]);
        for (const r of results.filter((x) => x.status === 403)) {
          expect(r.body.message).toMatch(/secondary rate limit/);
          expect(r.headers.get('retry-after')).toBe('60');
        }
        expect(gh.secondaryStats()).toMatchObject({ peakInFlight: 3, refused: { concurrent: 2 } });
        // Answered requests no longer count.
        expect((await Promise.all([1, 2, 3].map(() => read()))).map((r) => r.status)).toEqual([
          200, 200, 200
        ]);
      });

      it('900 points a minute per endpoint: 180 secret writes, then 403 on that endpoint only; a sliding minute', async () => {
        gh.secondaryLimit = githubSecondaryLimit();
        const names = Array.from({ length: 181 }, (_, i) => `S${i}`);
        const key = gh.publicKey('octo/app');
        const statuses: number[] = [];
        for (let i = 0; i < 90; i++) statuses.push((await write(names[i] as string, key)).status);
        clock += 30_000;
        for (let i = 90; i < 181; i++) statuses.push((await write(names[i] as string, key)).status);
        expect(statuses.filter((s) => s === 201)).toHaveLength(180);
        expect(statuses.at(-1)).toBe(403);
        expect(gh.secretValue('octo/app', 'S180')).toBeUndefined();
        // Other endpoints have their own 900 points: the key read, a Dependabot secret, a variable.
        expect((await read()).status).toBe(200);
        const depKey = gh.publicKey('octo/app', { type: 'dependabot' });
        const dep = await call(gh.url, 'PUT', '/repos/octo/app/dependabot/secrets/D', token, {
          encrypted_value: seal('d', depKey.key),
          key_id: depKey.key_id
        });
        expect(dep.status).toBe(201);
        expect((await createVariable('V')).status).toBe(201);
        // A sliding minute: at +60 s the first 90 writes (450 points) are out, the other 90 still
        // in (a refused request counts for nothing): room for 90 writes.
        clock += 29_999;
        expect((await write('LATE', key)).status).toBe(403);
        clock += 1;
        const again = [];
        for (let i = 0; i < 91; i++) again.push((await write(`N${i}`, key)).status);
        expect(again.slice(0, 90).every((s) => s === 201)).toBe(true);
        expect(again.slice(90)).toEqual([403]);
        const stats = gh.secondaryStats();
        expect(stats.peakPoints['PUT /repos/:owner/:repo/actions/secrets/:name']).toBe(900);
        expect(stats.peakPoints['GET /repos/:owner/:repo/actions/secrets/public-key']).toBe(1);
        expect(stats.refused.points).toBe(3);
      });

      it('a read costs 1 point: 900 reads a minute on one endpoint, the 901st refused', async () => {
        gh.secondaryLimit = { ...githubSecondaryLimit(), pointsPerMinute: 30 };
        const statuses = [];
        for (let i = 0; i < 31; i++) statuses.push((await read()).status);
        expect(statuses.filter((s) => s === 200)).toHaveLength(30);
        expect(statuses.at(-1)).toBe(403);
        gh.secondaryLimit = { ...githubSecondaryLimit(), pointsPerMinute: 30 };
        gh.clearSecondaryWindows();
        expect((await read()).status).toBe(200);
        expect(gh.secondaryStats().refused.points).toBe(0);
      });

      it('content creation, 80 a minute: POSTs count; secret writes only when set to', async () => {
        gh.secondaryLimit = { ...githubSecondaryLimit(), contentPerMinute: 2 };
        const key = gh.publicKey('octo/app');
        expect([(await createVariable('A')).status, (await createVariable('B')).status]).toEqual([201, 201]);
        expect((await write('X', key)).status).toBe(201);
        expect((await createVariable('C')).status).toBe(403);
        clock += 60_000;
        gh.secondaryLimit = {
          ...githubSecondaryLimit(),
          contentPerMinute: 2,
          secretWritesCreateContent: true
        };
        expect((await write('Y', key)).status).toBe(201);
        expect((await createVariable('C')).status).toBe(201);
        expect((await write('Z', key)).status).toBe(403);
        expect(gh.secretValue('octo/app', 'Z')).toBeUndefined();
        expect(gh.secondaryStats()).toMatchObject({ peakContent: 2, refused: { content: 2 } });
      });

      it('answers 429 when set to, with the same message and retry-after', async () => {
        gh.secondaryLimit = { ...githubSecondaryLimit({ status: 429 }), pointsPerMinute: 1 };
        await read();
        const refused = await read();
        expect(refused.status).toBe(429);
        expect(refused.body).toEqual({ ...limitBody, status: '429' });
        expect(refused.headers.get('retry-after')).toBe('60');
      });

      it("GitHub's minute scaled: with minuteMs 200, a refused endpoint is open again 200 ms later", async () => {
        await gh.close();
        gh = await startGithubSim();
        gh.addRepo('octo/app');
        gh.addToken(token);
        gh.secondaryLimit = { ...githubSecondaryLimit({ minuteMs: 200 }), pointsPerMinute: 2 };
        expect([(await read()).status, (await read()).status, (await read()).status]).toEqual([
          200, 200, 403
        ]);
        await new Promise((resolve) => setTimeout(resolve, 210));
        expect((await read()).status).toBe(200);
      });
    });
  });
});
