/**
 * Checks an HTTP exchange with the GitHub simulator against GitHub's published OpenAPI description,
 * as cut out by `npm run contracts:update` into contracts/github-operations.json.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import * as formats from 'ajv-formats';
import type { FormatsPlugin } from 'ajv-formats';

type Schema = Record<string, unknown>;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
}

interface Operation {
  operationId: string;
  parameters: Parameter[];
  requestBody: Schema | null;
  /** Status → schema of the JSON body, or null when the status has no body. */
  responses: Record<string, Schema | null>;
}

export interface Contracts {
  source: { package: string; version: string; file: string };
  operations: Record<string, Operation>;
  errors: Record<'basic-error' | 'validation-error', Schema>;
}

/** What one request and its answer were (a simulator's `requests` entry has these fields). */
export interface Exchange {
  method: string;
  /** Path and query. */
  path: string;
  body?: unknown;
  status: number;
  /** The JSON body answered, if any. */
  response?: unknown;
}

export const contracts = JSON.parse(
  readFileSync(new URL('../../contracts/github-operations.json', import.meta.url), 'utf8')
) as Contracts;

const addFormats = ((formats as unknown as { default?: FormatsPlugin }).default ??
  formats) as unknown as FormatsPlugin;
// OpenAPI 3.0 schemas: `nullable` is understood by Ajv; documentation keywords are not errors.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);

/** A function of a schema, computed once per schema object. */
function perSchema<T>(f: (schema: Schema) => T): (schema: Schema) => T {
  const cache = new WeakMap<Schema, T>();
  return (schema) => {
    if (!cache.has(schema)) cache.set(schema, f(schema));
    return cache.get(schema) as T;
  };
}

const validator = perSchema((schema): ValidateFunction => ajv.compile(schema));

/**
 * Where the live service is known to send a field its description leaves out. GitHub's error
 * bodies carry `status` (the code as a string): `basic-error` documents it, `validation-error`
 * does not, yet a 422 answers `{"message":"Validation Failed","errors":[…],"documentation_url":…,
 * "status":"422"}` (seen in r-lib/gh#229, 2026).
 */
const UNDOCUMENTED_BUT_SENT: Record<string, Record<string, Schema>> = {
  'Validation Error': { status: { type: 'string' } }
};

function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema))
    out[k] =
      k === 'properties'
        ? Object.fromEntries(Object.entries(v as Schema).map(([n, p]) => [n, closed(p)]))
        : closed(v);
  if ('properties' in out && !('additionalProperties' in out)) {
    const extra = UNDOCUMENTED_BUT_SENT[String(out.title)];
    if (extra) out.properties = { ...(out.properties as Schema), ...extra };
    out.additionalProperties = false;
  }
  return out;
}

/**
 * A copy of an answer's schema in which every object that leaves extra properties open forbids
 * them. GitHub's description leaves most open, so a field the simulator renamed or invented would
 * otherwise pass wherever it is optional: the simulator's answers may use documented names only.
 */
const closedOf = perSchema((schema) => closed(schema) as Schema);

function problemsOf(schema: Schema, value: unknown, what: string): string[] {
  const validate = validator(schema);
  if (validate(value)) return [];
  return (validate.errors ?? []).map(
    (e) =>
      `${what}${e.instancePath || ''} ${e.message ?? 'is invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`
  );
}

/** Operation templates as regular expressions, fewest parameters first (`public-key` before `{name}`). */
const routes = Object.entries(contracts.operations)
  .map(([key, op]) => {
    const [method = '', template = ''] = key.split(' ');
    const names: string[] = [];
    const source = template.replace(/\{(\w+)\}/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    return { key, method, op, names, pattern: new RegExp(`^${source}$`) };
  })
  .sort((a, b) => a.names.length - b.names.length);

/** The documented operation of a request, e.g. `PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}`. */
export function operationOf(method: string, path: string): string | undefined {
  const pathname = new URL(path, 'http://x').pathname;
  return routes.find((r) => r.method === method && r.pattern.test(pathname))?.key;
}

/** A query value as the parameter's schema types it (query strings are text). */
function typed(schema: Schema, raw: string): unknown {
  return schema.type === 'integer' || schema.type === 'number' ? Number(raw) : raw;
}

/**
 * What in an exchange the description does not allow, one line each (empty: all documented).
 * Beyond the description, a request body may only use properties the operation declares: GitHub
 * ignores unknown ones, so a misspelt key would otherwise pass silently.
 */
export function checkExchange(ex: Exchange): string[] {
  const url = new URL(ex.path, 'http://x');
  const route = routes.find((r) => r.method === ex.method && r.pattern.test(url.pathname));
  const where = `${ex.method} ${ex.path} → ${ex.status}`;
  if (!route) return [`${where}: not an operation in contracts/github-operations.json`];
  const { op, names } = route;
  const problems: string[] = [];
  const match = route.pattern.exec(url.pathname) ?? [];
  names.forEach((name, i) => {
    const param = op.parameters.find((p) => p.in === 'path' && p.name === name);
    const value = decodeURIComponent(match[i + 1] ?? '');
    if (param) problems.push(...problemsOf(param.schema, value, `path parameter ${name}`));
  });
  for (const [name, raw] of url.searchParams) {
    const param = op.parameters.find((p) => p.in === 'query' && p.name === name);
    if (!param) problems.push(`query parameter ${name} is not documented`);
    else problems.push(...problemsOf(param.schema, typed(param.schema, raw), `query parameter ${name}`));
  }
  if (op.requestBody === null) {
    if (ex.body !== undefined) problems.push('request body sent, but the operation takes none');
  } else if (ex.body === undefined) {
    problems.push('request body missing');
  } else {
    problems.push(...problemsOf(op.requestBody, ex.body, 'request body'));
    const declared = op.requestBody.properties as Record<string, unknown> | undefined;
    if (declared && typeof ex.body === 'object' && ex.body !== null)
      for (const key of Object.keys(ex.body))
        if (!(key in declared)) problems.push(`request body property ${key} is not in the operation`);
  }
  const status = String(ex.status);
  if (status in op.responses) {
    const schema = op.responses[status];
    if (schema) problems.push(...problemsOf(closedOf(schema), ex.response, `response ${status}`));
    else if (ex.response !== undefined)
      problems.push(`response ${status} has a body, but is documented without`);
  } else if (ex.status >= 400) {
    // Error statuses an operation does not list still carry GitHub's generic error body.
    const generic = contracts.errors[ex.status === 422 ? 'validation-error' : 'basic-error'];
    problems.push(...problemsOf(closedOf(generic), ex.response, `response ${status} (generic error)`));
  } else {
    problems.push(`status ${status} is not documented (documented: ${Object.keys(op.responses).join(', ')})`);
  }
  return problems.map((p) => `${where}: ${p}`);
}

/** Every problem in a log of exchanges. */
export function checkExchanges(exchanges: Exchange[]): string[] {
  return exchanges.flatMap((ex) => checkExchange(ex));
}
