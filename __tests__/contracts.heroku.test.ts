/**
 * Heroku's contract: the official client `heroku-client` against the simulator, and every answer
 * our client reads (and every body it sends) checked against the Platform API's JSON hyper-schema
 * (contracts/heroku/platform-api-oauth.schema.json, draft-04).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import * as formats from 'ajv-formats';
import type { FormatsPlugin } from 'ajv-formats';
import { createHttpClient } from '../src/http.js';
import { heroku } from '../src/providers/heroku.js';
import { Redactor } from '../src/redact.js';
import { startHerokuSim, type HerokuSim } from '../sim/heroku.js';
import type { LoggedRequest } from '../sim/server.js';

// ---------------------------------------------------------------------------------------------
// The hyper-schema, for ajv 8

type Schema = Record<string, unknown>;
const raw = JSON.parse(
  readFileSync(new URL('../contracts/heroku/platform-api-oauth.schema.json', import.meta.url), 'utf8')
) as Schema;

/** Definitions the cut schema refers to but leaves out (the account's team and identity provider). */
const CUT_AWAY = /^#\/definitions\/(team|identity-provider)\//;

/**
 * Draft-04 hyper-schema → what ajv 8 (draft-07) reads the same way, without ajv-draft-04 (not
 * installed): `$schema` and the root's draft-04 `id` dropped; Heroku's `strictProperties: true`
 * (every listed property present, no other) as `required` + `additionalProperties: false`; refs to
 * cut-away definitions accept anything; local refs point into the document added as `heroku`.
 */
export function convert(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(convert);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema as Schema)) {
    if (key === '$schema' || key === 'strictProperties') continue;
    if (key === '$ref' && typeof value === 'string') {
      if (CUT_AWAY.test(value)) return {};
      out.$ref = value.startsWith('#/') ? `heroku${value}` : value;
    } else out[key] = key === 'properties' ? mapValues(value as Schema, convert) : convert(value);
  }
  const s = schema as Schema;
  if (s.strictProperties === true && typeof s.properties === 'object' && s.properties !== null) {
    out.required = Object.keys(s.properties);
    out.additionalProperties = false;
  }
  return out;
}

function mapValues(o: Schema, f: (v: unknown) => unknown): Schema {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}

const document = convert(raw) as Schema;
// The root's draft-04 `id` (http://api.heroku.com/schema#) would be read by no one: the document is added as `heroku`.
delete document.id;
const addFormats = ((formats as unknown as { default?: FormatsPlugin }).default ??
  formats) as unknown as FormatsPlugin;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(document, 'heroku');

type Definitions = Record<string, { links: { rel: string; method: string; schema?: Schema }[] }>;
const createLink = (raw.definitions as Definitions)['oauth-authorization']?.links.find(
  (l) => l.rel === 'create' && l.method === 'POST'
);

/**
 * The fields our client reads, required even where the schema leaves the object open
 * (`access_token` carries no strictProperties there, unlike `refresh_token`).
 */
const READ_BY_CLIENT: Schema = {
  type: 'object',
  required: ['id', 'description', 'created_at', 'access_token', 'scope', 'user'],
  properties: {
    access_token: { type: ['object', 'null'], required: ['token', 'expires_in'] },
    user: { type: 'object', required: ['id'] }
  }
};

const validators: Record<string, ValidateFunction> = {
  authorization: ajv.compile({
    allOf: [{ $ref: 'heroku#/definitions/oauth-authorization' }, READ_BY_CLIENT]
  }),
  authorizations: ajv.compile({
    type: 'array',
    items: { allOf: [{ $ref: 'heroku#/definitions/oauth-authorization' }, READ_BY_CLIENT] }
  }),
  account: ajv.compile({ $ref: 'heroku#/definitions/account' }),
  // Our body may use only the fields the create link lists.
  createBody: ajv.compile({ ...(convert(createLink?.schema) as Schema), additionalProperties: false }),
  error: ajv.compile({
    type: 'object',
    required: ['id', 'message'],
    properties: { id: { type: 'string' }, message: { type: 'string' }, url: { type: 'string' } }
  })
};

function problems(name: string, value: unknown): string[] {
  const validate = validators[name] as ValidateFunction;
  return validate(value)
    ? []
    : (validate.errors ?? []).map((e) => `${name}${e.instancePath} ${e.message ?? ''}`.trim());
}

/** What the schema says of one logged exchange with the simulator (its answer, and a create's body). */
export function herokuAnswerProblems(r: LoggedRequest): string[] {
  if (r.status >= 400) return problems('error', r.response);
  const out: string[] = [];
  const item = /^\/oauth\/authorizations\/[^/]+$/.test(r.pathname);
  if (r.pathname === '/account') out.push(...problems('account', r.response));
  else if (r.pathname === '/oauth/authorizations' && r.method === 'GET')
    out.push(...problems('authorizations', r.response));
  else if (r.pathname === '/oauth/authorizations' || item) out.push(...problems('authorization', r.response));
  else out.push(`no schema for ${r.method} ${r.pathname}`);
  if (r.method === 'POST' && r.pathname === '/oauth/authorizations')
    out.push(...problems('createBody', r.body));
  return out;
}

// ---------------------------------------------------------------------------------------------
// heroku-client 3.1.4 (CommonJS, no types)

interface HerokuClientError extends Error {
  statusCode: number;
  body: { id?: string; message?: string; resource?: string };
}
interface HerokuClient {
  get<T>(path: string, options?: { headers?: Record<string, string>; partial?: boolean }): Promise<T>;
  post<T>(path: string, options?: { body?: unknown }): Promise<T>;
  delete<T>(path: string): Promise<T>;
}
type HerokuClientClass = new (options: {
  token: string;
  host: string;
  headers?: Record<string, string>;
}) => HerokuClient;
const Heroku = createRequire(import.meta.url)('heroku-client') as HerokuClientClass;

interface Authorization {
  id: string;
  description: string;
  scope: string[];
  access_token: { token: string; expires_in: number | null } | null;
}

const DAY = 86_400;

describe('heroku-client 3.1.4 against the Heroku simulator', () => {
  let sim: HerokuSim;
  let acting: { id: string; value: string };
  let client: HerokuClient;
  beforeEach(async () => {
    sim = await startHerokuSim();
    acting = sim.issueToken({ name: 'bootstrap' });
    client = new Heroku({ token: acting.value, host: sim.url });
  });
  afterEach(() => sim.close());

  const answered = () => sim.requests.flatMap(herokuAnswerProblems);

  test('create (201, the token in full), info and list (redacted), delete (200, the object)', async () => {
    const created = await client.post<Authorization>('/oauth/authorizations', {
      body: { scope: ['global'], expires_in: 7 * DAY, description: 'ci' }
    });
    expect(sim.requests.at(-1)?.status).toBe(201);
    expect(created.access_token?.token).toMatch(/^HRKU-[0-9a-f-]{36}$/);
    expect(sim.isLive(created.access_token?.token ?? '')).toBe(true);
    expect(created.access_token?.expires_in).toBe(7 * DAY);
    const info = await client.get<Authorization>(`/oauth/authorizations/${created.id}`);
    expect(info.access_token?.token).toContain('**********');
    expect(info.access_token?.token).not.toBe(created.access_token?.token);
    const listed = await client.get<Authorization[]>('/oauth/authorizations');
    expect(listed.map((a) => a.id).sort()).toEqual([acting.id, created.id].sort());
    const deleted = await client.delete<Authorization>(`/oauth/authorizations/${created.id}`);
    expect(deleted.id).toBe(created.id);
    expect(sim.isLive(created.id)).toBe(false);
    const gone = (await client
      .delete(`/oauth/authorizations/${created.id}`)
      .catch((e: unknown) => e)) as HerokuClientError;
    expect(gone.statusCode).toBe(404);
    expect(gone.body).toMatchObject({ id: 'not_found', resource: 'authorization' });
    expect(answered()).toEqual([]);
  });

  test('it sends Basic :token, the versioned Accept, and Range on every request; the simulator takes them', async () => {
    await client.get('/account');
    const sent = sim.requests[0]?.headers;
    expect(sent?.authorization).toBe(`Basic ${Buffer.from(`:${acting.value}`).toString('base64')}`);
    expect(sent?.accept).toBe('application/vnd.heroku+json; version=3');
    expect(sent?.range).toBe('id ..; max=1000');
    expect(answered()).toEqual([]);
  });

  test('it follows Next-Range across 206 pages to the whole list', async () => {
    sim.maxPageSize = 2;
    for (let i = 0; i < 4; i++) sim.issueToken({ name: `manual ${i}` });
    const listed = await client.get<Authorization[]>('/oauth/authorizations');
    expect(listed.map((a) => a.id).sort()).toEqual(
      sim
        .liveTokens()
        .map((t) => t.id)
        .sort()
    );
    expect(sim.requests.map((r) => r.status)).toEqual([206, 206, 200]);
    expect(sim.requests.map((r) => r.headers.range)).toEqual([
      'id ..; max=1000',
      `id ]${listed[1]?.id}..; max=2`,
      `id ]${listed[3]?.id}..; max=2`
    ]);
    expect(answered()).toEqual([]);
  });

  test('without the versioned Accept: 406 not_acceptable, and nothing done', async () => {
    const plain = new Heroku({ token: acting.value, host: sim.url, headers: { Accept: 'application/json' } });
    const err = (await plain
      .post('/oauth/authorizations', { body: { scope: ['global'] } })
      .catch((e: unknown) => e)) as HerokuClientError;
    expect(err.statusCode).toBe(406);
    expect(err.body.id).toBe('not_acceptable');
    expect(sim.liveTokens()).toHaveLength(1);
    expect(answered()).toEqual([]);
  });

  test('a dead token: 401 unauthorized, in the documented error shape', async () => {
    const dead = new Heroku({ token: 'HRKU-00000000-0000-4000-8000-000000000000', host: sim.url });
    const err = (await dead.get('/account').catch((e: unknown) => e)) as HerokuClientError;
    expect(err.statusCode).toBe(401);
    expect(err.body.id).toBe('unauthorized');
    expect(answered()).toEqual([]);
  });
});

function providerFor(sim: HerokuSim, actingToken: string) {
  const redactor = new Redactor();
  redactor.add(actingToken);
  const http = createHttpClient({ baseUrl: sim.url, token: actingToken, redactor, timeoutMs: 2000 });
  return heroku.create({ baseUrl: sim.url, actingToken, http });
}

describe('a rotation through our client: every answer and body against the hyper-schema', () => {
  let sim: HerokuSim;
  beforeEach(async () => {
    sim = await startHerokuSim();
  });
  afterEach(() => sim.close());

  test('checkAccess, create (replacing and not), verify, list, revoke, already-gone', async () => {
    const acting = sim.issueToken({ name: 'bootstrap' });
    const deploy = sim.issueToken({ name: 'deploy', scope: ['write', 'read'] });
    const provider = providerFor(sim, acting.value);
    const request = {
      name: 'ci-token-rotator:octo/app:TOKEN',
      expiresAt: new Date(Date.now() + 7 * DAY * 1000),
      lifetimeSeconds: 7 * DAY
    };
    expect((await provider.checkAccess()).actingTokenId).toBe(acting.id);
    const first = await provider.create({ ...request, replacing: null });
    const second = await provider.create({ ...request, replacing: deploy.id });
    await provider.verify(first);
    await provider.list();
    expect(await provider.revoke(first.id)).toBe('revoked');
    expect(await provider.revoke(first.id)).toBe('already-gone');
    expect(await provider.revoke(second.id)).toBe('revoked');
    expect(sim.requests.every((r) => r.headers.accept === 'application/vnd.heroku+json; version=3')).toBe(
      true
    );
    expect(sim.requests.filter((r) => r.method === 'POST').map((r) => r.body)).toEqual([
      { scope: ['global'], expires_in: 7 * DAY, description: request.name },
      { scope: ['write', 'read'], expires_in: 7 * DAY, description: request.name }
    ]);
    expect(sim.requests.flatMap(herokuAnswerProblems)).toEqual([]);
  });
});

describe('drift: a renamed field in a simulator answer fails the check', () => {
  let sim: HerokuSim;
  beforeEach(async () => {
    sim = await startHerokuSim();
  });
  afterEach(() => sim.close());

  const renamed =
    (from: string, to: string, inside?: string) =>
    (body: unknown): unknown => {
      const rename = (o: Record<string, unknown>) => {
        const { [from]: value, ...rest } = o;
        return { ...rest, [to]: value };
      };
      const outer = body as Record<string, unknown>;
      return inside
        ? { ...outer, [inside]: rename(outer[inside] as Record<string, unknown>) }
        : rename(outer);
    };

  test.each([
    [
      'access_token → accessToken',
      renamed('access_token', 'accessToken'),
      /must have required property 'access_token'/
    ],
    [
      'access_token.expires_in → expires',
      renamed('expires_in', 'expires', 'access_token'),
      /\/access_token must have required property 'expires_in'/
    ],
    ['created_at → createdAt', renamed('created_at', 'createdAt'), /must NOT have additional properties/]
  ])('the create answer: %s', async (_title, rewrite, problem) => {
    const acting = sim.issueToken({ name: 'bootstrap' });
    sim.fault({ method: 'POST', path: '/oauth/authorizations', rewrite });
    const outcome = await providerFor(sim, acting.value)
      .create({
        name: 'ci',
        expiresAt: new Date(Date.now() + DAY * 1000),
        lifetimeSeconds: DAY,
        replacing: null
      })
      .catch((e: unknown) => e);
    const drifted = sim.requests.filter((r) => r.faulted);
    expect(drifted).toHaveLength(1);
    expect(herokuAnswerProblems(drifted[0] as LoggedRequest)).toEqual(
      expect.arrayContaining([expect.stringMatching(problem)])
    );
    // Our client read it as a failure that still names the minted authorization, or not at all.
    if (outcome instanceof Error) expect(outcome).toMatchObject({ ambiguous: true });
  });

  test('a list item with access_token renamed fails the check', async () => {
    const acting = sim.issueToken({ name: 'bootstrap' });
    sim.fault({
      method: 'GET',
      path: '/oauth/authorizations',
      rewrite: (b) => (b as Record<string, unknown>[]).map(renamed('access_token', 'accessToken'))
    });
    await providerFor(sim, acting.value)
      .list()
      .catch(() => undefined);
    const drifted = sim.requests.filter((r) => r.faulted);
    expect(herokuAnswerProblems(drifted[0] as LoggedRequest)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/authorizations\/0 must have required property 'access_token'/)
      ])
    );
  });
});

describe('the converted schema still bites', () => {
  const good = {
    id: '01234567-89ab-cdef-0123-456789abcdef',
    created_at: '2012-01-01T12:00:00Z',
    updated_at: '2012-01-01T12:00:00Z',
    description: 'x',
    scope: ['global'],
    access_token: { id: '01234567-89ab-cdef-0123-456789abcdef', token: 'HRKU-x', expires_in: 60 },
    refresh_token: null,
    grant: null,
    client: null,
    session: null,
    user: { id: '01234567-89ab-cdef-0123-456789abcdef', email: 'a@example.com', full_name: null }
  };
  test.each([
    ['a scope that is a string', { ...good, scope: 'global' }, /\/scope must be array/],
    ['an ID that is no UUID', { ...good, id: '42' }, /\/id must match format "uuid"/],
    [
      'a fractional expires_in',
      { ...good, access_token: { ...good.access_token, expires_in: 0.5 } },
      /expires_in must be null,integer/
    ],
    [
      'a user without email',
      { ...good, user: { id: good.id, full_name: null } },
      /\/user must have required property 'email'/
    ]
  ])('%s', (_title, body, problem) => {
    expect(problems('authorization', good)).toEqual([]);
    expect(problems('authorization', body)).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
  });

  test("the create body may carry only the link's fields, and must carry scope", () => {
    expect(problems('createBody', { scope: ['global'], expires_in: 60, description: 'x' })).toEqual([]);
    expect(problems('createBody', { scopes: ['global'] }).join()).toMatch(/required property 'scope'/);
    expect(problems('createBody', { scope: ['global'], expire_in: 60 }).join()).toMatch(
      /additional properties/
    );
  });
});
