import sodium from 'libsodium-wrappers';
import { startGithubSim, type GithubSim } from '../sim/index.js';

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
    expect(r.body).toEqual({
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
