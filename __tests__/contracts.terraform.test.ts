import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import * as formats from 'ajv-formats';
import type { FormatsPlugin } from 'ajv-formats';
import type { Provider, TokenOwner } from '../src/providers/types.js';
import type { LoggedRequest } from '../sim/server.js';
import { BOT_USER_ID, TEAM_ID, startTerraformSim, type TerraformSim } from '../sim/terraform.js';
import { clientFor as sharedClientFor } from './helpers/providers.js';

/**
 * HCP Terraform has no official npm client: the contract is the API's OpenAPI description
 * (contracts/terraform/openapi-v2-beta.json, go-tfe v2/openapi/spec.json). Every answer our client
 * reads and every body it sends in a rotation is validated against its operation's schemas, each
 * object closed (no property the description does not name), so a renamed field fails.
 */
type Schema = Record<string, unknown>;
interface Spec {
  paths: Record<string, Record<string, Schema>>;
  components: { schemas: Record<string, Schema>; parameters: Record<string, Schema> };
}
const spec = JSON.parse(
  readFileSync(new URL('../contracts/terraform/openapi-v2-beta.json', import.meta.url), 'utf8')
) as Spec;

/**
 * Sent by the live service but not in the description: `links.auth-token` of account/details is in
 * the docs' sample (account.mdx) [U], and the docs' 429 sample has `status` as a number.
 */
const UNDOCUMENTED_BUT_SENT = {
  userLinks: { 'auth-token': { type: 'string' } },
  errorStatus: { type: ['string', 'number'] }
};

/** `$ref`s inlined, `allOf` of objects merged into one, every object with properties closed. */
function resolve(schema: unknown, depth = 0): unknown {
  if (depth > 40) throw new Error('schema too deep');
  if (Array.isArray(schema)) return schema.map((s) => resolve(s, depth + 1));
  if (typeof schema !== 'object' || schema === null) return schema;
  const s = schema as Schema;
  if (typeof s.$ref === 'string') {
    const [, kind, name] = /^#\/components\/(\w+)\/(.+)$/.exec(s.$ref) ?? [];
    const target = (spec.components as unknown as Record<string, Record<string, Schema>>)[kind ?? '']?.[
      name ?? ''
    ];
    if (!target) throw new Error(`unresolved ${s.$ref}`);
    return resolve(target, depth + 1);
  }
  const out: Schema = {};
  for (const [k, v] of Object.entries(s))
    out[k] =
      k === 'properties'
        ? Object.fromEntries(Object.entries(v as Schema).map(([n, p]) => [n, resolve(p, depth + 1)]))
        : resolve(v, depth + 1);
  if (Array.isArray(out.allOf)) {
    const parts = out.allOf as Schema[];
    delete out.allOf;
    for (const part of parts) {
      out.properties = { ...(out.properties as Schema), ...(part.properties as Schema) };
      out.required = [...((out.required as string[]) ?? []), ...((part.required as string[]) ?? [])];
      if (part.type && !out.type) out.type = part.type;
    }
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

const addFormats = ((formats as unknown as { default?: FormatsPlugin }).default ??
  formats) as unknown as FormatsPlugin;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);

const component = (name: string) => resolve({ $ref: `#/components/schemas/${name}` }) as Schema;
const jsonBody = (op: Schema | undefined, status?: string): Schema | undefined => {
  const holder = status === undefined ? op?.requestBody : (op?.responses as Schema | undefined)?.[status];
  return (
    ((holder as Schema | undefined)?.content as Schema | undefined)?.['application/vnd.api+json'] as Schema
  )?.schema as Schema | undefined;
};

function withUserLinks(schema: Schema): Schema {
  const data = (schema.properties as Schema).data as Schema;
  const props = data.properties as Schema;
  const links = props.links as Schema;
  links.properties = { ...(links.properties as Schema), ...UNDOCUMENTED_BUT_SENT.userLinks };
  return schema;
}

const errors = component('errors');
((((errors.properties as Schema).errors as Schema).items as Schema).properties as Schema).status =
  UNDOCUMENTED_BUT_SENT.errorStatus;

/**
 * The multiple-team-tokens create is not in the description (facts batch-a §2.2: only the legacy
 * /teams/{id}/authentication-token is): its schema per team-tokens.mdx, from the description's
 * `authentication-tokens` component: the body needs `description` (unique per team), the answer
 * names the team in `relationships.team`.
 */
function teamTokenCreate(): { request: Schema; response: Schema } {
  const request = component('authentication-tokens-envelope');
  const data = (request.properties as Schema).data as Schema;
  data.required = ['type', 'attributes'];
  ((data.properties as Schema).attributes as Schema).required = ['description'];
  const response = component('authentication-tokens-envelope');
  const rdata = (response.properties as Schema).data as Schema;
  rdata.required = ['id', 'type', 'attributes', 'relationships'];
  ((rdata.properties as Schema).relationships as Schema).required = ['team'];
  return { request, response };
}

interface Operation {
  method: string;
  pattern: RegExp;
  name: string;
  request?: Schema;
  /** Status → schema; null: no body. */
  responses: Record<string, Schema | null>;
  query: Record<string, Schema>;
}

function fromSpec(method: string, template: string, patch: (s: Schema) => Schema = (s) => s): Operation {
  const op = spec.paths[template]?.[method.toLowerCase()];
  if (!op) throw new Error(`${method} ${template} is not in the description`);
  const responses: Record<string, Schema | null> = {};
  for (const status of Object.keys(op.responses as Schema).filter((s) => s !== 'default')) {
    const schema = jsonBody(op, status);
    responses[status] = schema ? patch(resolve(schema) as Schema) : null;
  }
  const query: Record<string, Schema> = {};
  for (const p of ((op.parameters as Schema[]) ?? []).map((x) => resolve(x) as Schema))
    if (p.in === 'query') query[String(p.name)] = p.schema as Schema;
  const request = jsonBody(op);
  return {
    method,
    name: `${method} ${template}`,
    pattern: new RegExp(`^/api/v2${template.replace(/\{\w+\}/g, '[^/]+')}$`),
    request: request ? (resolve(request) as Schema) : undefined,
    responses,
    query
  };
}

const team = teamTokenCreate();
const OPERATIONS: Operation[] = [
  fromSpec('GET', '/account/details', withUserLinks),
  fromSpec('GET', '/users/{user_id}/authentication-tokens'),
  fromSpec('POST', '/users/{user_id}/authentication-tokens'),
  fromSpec('GET', '/authentication-tokens/{id}'),
  fromSpec('DELETE', '/authentication-tokens/{id}'),
  fromSpec('GET', '/teams/{team_id}'),
  fromSpec('GET', '/organizations/{organization_name}/team-tokens'),
  {
    method: 'POST',
    name: 'POST /teams/{team_id}/authentication-tokens (team-tokens.mdx)',
    pattern: /^\/api\/v2\/teams\/[^/]+\/authentication-tokens$/,
    request: team.request,
    responses: { '201': team.response },
    query: {}
  }
];

const compiled = new WeakMap<Schema, ValidateFunction>();
function problemsOf(schema: Schema, value: unknown, what: string): string[] {
  const validate = compiled.get(schema) ?? ajv.compile(schema);
  compiled.set(schema, validate);
  if (validate(value)) return [];
  return (validate.errors ?? []).map(
    (e) => `${what}${e.instancePath} ${e.message ?? 'is invalid'} ${JSON.stringify(e.params)}`
  );
}

/** What in one exchange the description (or the facts, for team tokens) does not allow. */
export function problems(r: LoggedRequest): string[] {
  const where = `${r.method} ${r.path} → ${r.status}`;
  const op = OPERATIONS.find((o) => o.method === r.method && o.pattern.test(r.pathname));
  if (!op) return [`${where}: not an operation the client may use`];
  const out: string[] = [];
  for (const [name, raw] of new URL(r.path, 'http://x').searchParams) {
    const schema = op.query[name];
    if (!schema) out.push(`query parameter ${name} is not documented`);
    else out.push(...problemsOf(schema, schema.type === 'integer' ? Number(raw) : raw, `query ${name}`));
  }
  if (op.request)
    out.push(
      ...(r.body === undefined ? ['request body missing'] : problemsOf(op.request, r.body, 'request body'))
    );
  else if (r.body !== undefined) out.push('request body sent, but the operation takes none');
  if (r.body !== undefined && r.headers['content-type'] !== 'application/vnd.api+json')
    out.push(`request content-type ${String(r.headers['content-type'])}`);
  const status = String(r.status);
  if (r.status >= 400) out.push(...problemsOf(errors, r.response, `response ${status}`));
  else if (!(status in op.responses)) out.push(`status ${status} is not documented`);
  else {
    const schema = op.responses[status];
    if (schema) out.push(...problemsOf(schema, r.response, `response ${status}`));
    else if (r.response !== undefined) out.push(`response ${status} has a body, documented without`);
  }
  return out.map((p) => `${where}: ${p}`);
}

const DAY = 86_400_000;

const client = (sim: TerraformSim, acting: string, owner?: TokenOwner): Provider =>
  sharedClientFor('terraform', sim, acting, owner).provider;

/** A rotation as the protocol runs it: preflight, create, verify, list, revoke the old. */
async function rotation(provider: Provider, previous: string) {
  await provider.checkAccess();
  const token = await provider.create({
    name: 'ci-token-rotator:octo/app:TF_API_TOKEN',
    expiresAt: new Date(Date.now() + 7 * DAY),
    lifetimeSeconds: 7 * 86400,
    replacing: previous
  });
  await provider.verify(token);
  await provider.list();
  await provider.revoke(previous);
  return token;
}

describe('HCP Terraform: the simulator and the client against the OpenAPI description', () => {
  let sim: TerraformSim;
  beforeEach(async () => {
    sim = await startTerraformSim();
  });
  afterEach(() => sim.close());

  test('the operations the client uses are in the description, but the multi-team-token create', () => {
    expect(spec.paths['/users/{user_id}/authentication-tokens']).toHaveProperty('post');
    expect(spec.paths['/teams/{team_id}/authentication-tokens']).toBeUndefined();
    expect(spec.paths['/teams/{id}/authentication-token']).toHaveProperty('post');
  });

  test('a user-token rotation: every exchange matches its operation', async () => {
    const acting = sim.issueToken({ name: 'bootstrap' });
    await rotation(client(sim, acting.value), acting.id);
    const paths = sim.requests.map((r) => `${r.method} ${r.pathname}`);
    expect(paths).toContain(`POST /api/v2/users/${BOT_USER_ID}/authentication-tokens`);
    expect(sim.requests.flatMap(problems)).toEqual([]);
  });

  test('a team-token rotation: every exchange matches its operation (or the facts)', async () => {
    const acting = sim.issueToken({ name: 'bootstrap', kind: 'team' });
    await rotation(client(sim, acting.value, { kind: 'team', id: TEAM_ID }), acting.id);
    expect(sim.requests.map((r) => `${r.method} ${r.pathname}`)).toContain(
      `POST /api/v2/teams/${TEAM_ID}/authentication-tokens`
    );
    expect(sim.requests.flatMap(problems)).toEqual([]);
  });

  test('error answers (401, 404, 422, 429) match the errors schema', async () => {
    const acting = sim.issueToken();
    const provider = client(sim, acting.value);
    await provider.revoke('at-0000000000000000');
    await client(sim, 'x.atlasv1.y')
      .checkAccess()
      .catch(() => undefined);
    sim.maxTtlMs = { user: DAY };
    await provider
      .create({
        name: 'n',
        expiresAt: new Date(Date.now() + 7 * DAY),
        lifetimeSeconds: 7 * 86400,
        replacing: null
      })
      .catch(() => undefined);
    sim.rateLimit = { limit: 1, windowMs: 60_000, status: 429 };
    await provider.list().catch(() => undefined);
    expect(sim.requests.map((r) => r.status)).toEqual(expect.arrayContaining([401, 404, 422, 429]));
    expect(sim.requests.flatMap(problems)).toEqual([]);
  });
});

describe('HCP Terraform: a renamed field in an answer fails the checks', () => {
  let sim: TerraformSim;
  beforeEach(async () => {
    sim = await startTerraformSim();
  });
  afterEach(() => sim.close());

  type Json = Record<string, unknown>;
  const renameAttribute = (from: string, to: string) => (body: unknown) => {
    const data = (body as { data: Json }).data;
    const { [from]: value, ...rest } = data.attributes as Json;
    return { data: { ...data, attributes: { ...rest, [to]: value } } };
  };

  test.each([
    ['expired-at', 'expires-at'],
    ['token', 'value']
  ])('user token create: attributes.%s → %s', async (from, to) => {
    const acting = sim.issueToken();
    sim.fault({ method: 'POST', rewrite: renameAttribute(from, to) });
    const err = await client(sim, acting.value)
      .create({ name: 'n', expiresAt: new Date(Date.now() + DAY), lifetimeSeconds: 86400, replacing: null })
      .catch((e: unknown) => e);
    // The client refuses it too, naming the token it minted.
    expect(err).toMatchObject({ ambiguous: true, mintedId: expect.stringMatching(/^at-/) });
    const drifted = sim.requests.filter((r) => r.faulted);
    expect(drifted.flatMap(problems)).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`must NOT have additional properties {"additionalProperty":"${to}"}`)
      ])
    );
  });

  test('team token create: relationships.team left out', async () => {
    const acting = sim.issueToken({ kind: 'team' });
    sim.fault({
      method: 'POST',
      rewrite: (b) => {
        const data = (b as { data: Json }).data;
        return {
          data: { ...data, relationships: { 'created-by': (data.relationships as Json)['created-by'] } }
        };
      }
    });
    await client(sim, acting.value, { kind: 'team', id: TEAM_ID }).create({
      name: 'n',
      expiresAt: new Date(Date.now() + DAY),
      lifetimeSeconds: 86400,
      replacing: null
    });
    expect(sim.requests.filter((r) => r.faulted).flatMap(problems)).toEqual([
      expect.stringContaining("must have required property 'team'")
    ]);
  });

  test('list: meta.pagination.next-page → next_page', async () => {
    const acting = sim.issueToken();
    sim.fault({
      method: 'GET',
      path: `/api/v2/users/${BOT_USER_ID}/authentication-tokens`,
      rewrite: (b) => {
        const body = b as { meta: { pagination: Json } };
        const { 'next-page': next, ...rest } = body.meta.pagination;
        return { ...body, meta: { pagination: { ...rest, next_page: next } } };
      }
    });
    await client(sim, acting.value).list();
    expect(sim.requests.filter((r) => r.faulted).flatMap(problems)).toEqual([
      expect.stringContaining('"additionalProperty":"next_page"')
    ]);
  });

  test('account/details: is-service-account → service-account', async () => {
    const acting = sim.issueToken();
    sim.fault({
      method: 'GET',
      path: '/api/v2/account/details',
      rewrite: (b) => renameAttribute('is-service-account', 'service-account')(b)
    });
    await client(sim, acting.value).checkAccess();
    expect(sim.requests.filter((r) => r.faulted).flatMap(problems)).toEqual([
      expect.stringContaining('"additionalProperty":"service-account"')
    ]);
  });

  test('a misspelt attribute in a request body fails too', () => {
    const [problem] = problems({
      method: 'POST',
      path: `/api/v2/users/${BOT_USER_ID}/authentication-tokens`,
      pathname: `/api/v2/users/${BOT_USER_ID}/authentication-tokens`,
      status: 201,
      start: 0,
      end: 0,
      faulted: false,
      headers: { 'content-type': 'application/vnd.api+json' },
      body: {
        data: { type: 'authentication-tokens', attributes: { description: 'x', 'expires-at': 'soon' } }
      },
      response: { data: { type: 'authentication-tokens' } }
    });
    expect(problem).toContain('"additionalProperty":"expires-at"');
  });
});
