/**
 * npm run contracts:update [-- <version>]
 *
 * Refreshes contracts/github-operations.json: the GitHub REST operations this action calls (and the ones
 * being added for other secret targets), cut out of GitHub's published OpenAPI description. The source
 * package, @octokit/openapi, is about 400 MB unpacked, so it is never a dependency: this script fetches
 * its tarball with `npm pack` into a temporary folder, reads `generated/api.github.com.json`, and keeps
 * only our operations (parameters, request body and responses, `$ref`s to parameters and responses
 * inlined) with the component schemas they reference, transitively. The version defaults to the
 * registry's latest; the source package, version and file are recorded in the output.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';

const PACKAGE = '@octokit/openapi';
const FILE = 'generated/api.github.com.json';
const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'contracts', 'github-operations.json');

type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';

/** Secret scopes: each has a public key, and secrets to read and write. */
const SECRET_SCOPES = [
  '/repos/{owner}/{repo}/actions/secrets',
  '/repos/{owner}/{repo}/dependabot/secrets',
  '/repos/{owner}/{repo}/codespaces/secrets',
  '/repos/{owner}/{repo}/environments/{environment_name}/secrets',
  '/orgs/{org}/actions/secrets',
  '/orgs/{org}/dependabot/secrets',
  '/orgs/{org}/codespaces/secrets'
];

/** Every GitHub call the action makes (or is about to: environment, organisation, Dependabot, Codespaces). */
const OPERATIONS: [Method, string][] = [
  ['get', '/repos/{owner}/{repo}'],
  ...SECRET_SCOPES.flatMap((scope): [Method, string][] => [
    ['get', `${scope}/public-key`],
    ['get', `${scope}/{secret_name}`],
    ['put', `${scope}/{secret_name}`],
    ...(scope.startsWith('/orgs/')
      ? [['get', `${scope}/{secret_name}/repositories`] as [Method, string]]
      : [])
  ]),
  ['get', '/repos/{owner}/{repo}/actions/variables'],
  ['post', '/repos/{owner}/{repo}/actions/variables'],
  ['get', '/repos/{owner}/{repo}/actions/variables/{name}'],
  ['patch', '/repos/{owner}/{repo}/actions/variables/{name}'],
  // The rotation lock is deleted after each run.
  ['delete', '/repos/{owner}/{repo}/actions/variables/{name}']
];

/** Documentation-only keys, dropped to keep the file small. */
const DROP = new Set(['description', 'example', 'examples', 'externalDocs']);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

function isObj(v: Json | undefined): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fetchSpec(version: string): { spec: Obj; version: string } {
  const dir = mkdtempSync(join(tmpdir(), 'octokit-openapi-'));
  try {
    const out = execFileSync(
      'npm',
      ['pack', `${PACKAGE}@${version}`, '--pack-destination', dir, '--json', '--silent'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }
    );
    const [packed] = JSON.parse(out) as { filename: string; version: string }[];
    if (!packed) throw new Error(`npm pack ${PACKAGE}@${version} packed nothing`);
    execFileSync('tar', ['-xzf', join(dir, packed.filename), '-C', dir, `package/${FILE}`]);
    const spec = JSON.parse(readFileSync(join(dir, 'package', FILE), 'utf8')) as Obj;
    return { spec, version: packed.version };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A copy with every `$ref` (to `#/components/...`) replaced by what it points at, and without
 * documentation or vendor-extension keywords. `names`: `v` is a map of property names (a schema's
 * `properties`), whose keys are kept whatever they are. A reference cycle would be endless: it throws.
 */
function resolve(spec: Obj, v: Json, seen: string[] = [], names = false): Json {
  if (Array.isArray(v)) return v.map((x) => resolve(spec, x, seen));
  if (!isObj(v)) return v;
  if (!names && typeof v.$ref === 'string') {
    const ref = v.$ref;
    if (seen.includes(ref)) throw new Error(`reference cycle: ${[...seen, ref].join(' -> ')}`);
    const [hash, components, kind = '', name = ''] = ref.split('/');
    const group = hash === '#' && components === 'components' ? (spec.components as Obj)[kind] : undefined;
    const target = isObj(group) ? group[name] : undefined;
    if (target === undefined) throw new Error(`unresolved ${ref}`);
    return resolve(spec, target, [...seen, ref]);
  }
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    // Vendor extensions go too, except the changes the next API version makes to a schema.
    if (!names && (DROP.has(k) || (k.startsWith('x-') && k !== 'x-github-breaking-changes'))) continue;
    out[k] = resolve(spec, x, seen, !names && k === 'properties');
  }
  return out;
}

const schemaOf = (content: Json | undefined): Json =>
  isObj(content) && isObj(content['application/json']) ? (content['application/json'].schema ?? null) : null;

/**
 * Per operation: `operationId`; `parameters` (path and query: name, in, required, schema);
 * `requestBody` (the JSON schema, or null); `responses` (status → JSON schema of the body, or null
 * when the status has no body).
 */
function extract(spec: Obj): Obj {
  const operations: Obj = {};
  const paths = spec.paths as Obj;
  for (const [method, path] of OPERATIONS) {
    const item = paths[path];
    const op = isObj(item) ? item[method] : undefined;
    if (!isObj(op)) throw new Error(`${method.toUpperCase()} ${path} is not in the description`);
    const resolved = resolve(spec, op) as Obj;
    const parameters = (Array.isArray(resolved.parameters) ? resolved.parameters : []).map((p) => {
      const { name, in: where, required, schema } = p as Obj;
      return { name, in: where, required: required ?? false, schema } as Obj;
    });
    const responses: Obj = {};
    for (const [status, r] of Object.entries(resolved.responses as Obj))
      responses[status] = schemaOf((r as Obj).content);
    operations[`${method.toUpperCase()} ${path}`] = {
      operationId: op.operationId as string,
      parameters,
      requestBody: isObj(resolved.requestBody) ? schemaOf(resolved.requestBody.content) : null,
      responses
    };
  }
  return operations;
}

/** Error bodies for statuses an operation does not list: GitHub's generic shapes. */
function errorSchemas(spec: Obj): Obj {
  const out: Obj = {};
  for (const name of ['basic-error', 'validation-error'])
    out[name] = resolve(spec, { $ref: `#/components/schemas/${name}` });
  return out;
}

async function main(): Promise<void> {
  const wanted = process.argv[2] ?? 'latest';
  const { spec, version } = fetchSpec(wanted);
  const operations = extract(spec);
  const doc = {
    source: { package: PACKAGE, version, file: FILE },
    generatedBy: 'npm run contracts:update -- [version] (scripts/contracts-update.ts)',
    operations,
    errors: errorSchemas(spec)
  };
  mkdirSync(dirname(OUT), { recursive: true });
  // Written as `npm run lint` (prettier --check) wants it.
  const options = (await resolveConfig(OUT)) ?? {};
  writeFileSync(OUT, await format(JSON.stringify(doc), { ...options, filepath: OUT }));
  console.log(`${OUT}: ${Object.keys(operations).length} operations from ${PACKAGE}@${version}`);
}

await main();
