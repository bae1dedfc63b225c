/**
 * GitHub REST simulator: secrets (sealed boxes) and variables (API-FACTS §0.10-0.13, §4).
 *
 * Data model: every place that holds secrets is a `SecretStore` with its own keypair — a repository's
 * Actions, Dependabot and Codespaces secrets, each environment's secrets, and an organisation's Actions,
 * Dependabot and Codespaces secrets (whose entries also carry visibility and selected repositories). Every
 * place that holds variables is a `VariableStore`. Routes resolve a store (404 when the token cannot see
 * its repository or organisation, 403 when it lacks the permission) and share the same handlers.
 *
 * The secondary rate limits (§4.8) are off by default: set `secondaryLimit` (`githubSecondaryLimit()`
 * gives GitHub's documented figures, on a minute as short as a test wants) to refuse, with 403 (or
 * 429) and `retry-after`, requests that are too many at once, too many points a minute to one REST
 * endpoint, or too many content-creating requests a minute.
 */
import sodium from 'libsodium-wrappers';
import {
  SimError,
  SimServer,
  type RateLimit,
  type RateState,
  type SimOptions,
  type SimRequest,
  type SimResponse
} from './server.js';
import { fullRepository, minimalRepository, type RepositoryFacts } from './github-repository.js';

/** The products that hold secrets; each has its own keypair per repository and per organisation. */
export type SecretType = 'actions' | 'dependabot' | 'codespaces';
/** The level a fine-grained token holds on one permission. */
export type Permission = 'none' | 'read' | 'write';
export type Visibility = 'all' | 'private' | 'selected';

const SECRET_TYPES: readonly SecretType[] = ['actions', 'dependabot', 'codespaces'];
const VISIBILITIES: readonly Visibility[] = ['all', 'private', 'selected'];
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The permissions a token's grant names: repository ones, then organisation ones (API-FACTS §4.7). */
const PERMISSIONS = [
  'secrets',
  'variables',
  'environments',
  'dependabot_secrets',
  'codespaces_secrets',
  'organization_secrets',
  'organization_dependabot_secrets',
  'organization_codespaces_secrets'
] as const;
type PermissionName = (typeof PERMISSIONS)[number];

/** The permission that guards each kind of secret, in a repository and in an organisation. */
const REPO_PERMISSION: Record<SecretType, PermissionName> = {
  actions: 'secrets',
  dependabot: 'dependabot_secrets',
  codespaces: 'codespaces_secrets'
};
const ORG_PERMISSION: Record<SecretType, PermissionName> = {
  actions: 'organization_secrets',
  dependabot: 'organization_dependabot_secrets',
  codespaces: 'organization_codespaces_secrets'
};

export type GithubTokenOptions = {
  /** Full names ('owner/name') the token may see; default: all repositories, also ones added later. */
  repos?: string[];
  /** Organisations the token may act on; default: all. */
  orgs?: string[];
} & { [P in PermissionName]?: Permission }; // each defaults to 'write'

/** Where a repository-level secret lives: one of the repository's products, or an environment. */
export interface SecretScope {
  type?: SecretType;
  environment?: string;
}

export interface OrgSecretAccess {
  visibility: Visibility;
  /** The selected repositories (empty unless visibility is 'selected'). */
  selectedRepositoryIds: number[];
}

/**
 * GitHub's secondary rate limits (API-FACTS §4.8; docs.github.com "Rate limits for the REST API"):
 * every limit is optional. Requests are counted on arrival, in a sliding minute (the strictest
 * reading of "per minute": any fixed minute lies within one); a refused request changes nothing
 * and counts toward no limit but the older per-window count of writes.
 */
export interface SecondaryLimit {
  /** Refuse a write when this many writes are already in flight (arrival until response, latency included). */
  maxConcurrentWrites?: number;
  /** Refuse writes beyond this many arrived in the current window of `windowMs` (default 60 s). */
  maxWritesPerWindow?: number;
  windowMs?: number;
  /** GitHub's minute in milliseconds of the simulator's clock (default 60 000), for the limits below. */
  minuteMs?: number;
  /** Refuse any request, read or write, that arrives when this many are in flight (GitHub: 100). */
  maxConcurrent?: number;
  /**
   * Refuse a request that would take its REST endpoint (method and route, e.g. `PUT
   * /repos/:owner/:repo/actions/secrets/:name`) over this many points in any minute (GitHub: 900).
   */
  pointsPerMinute?: number;
  /** Points of a POST, PATCH, PUT or DELETE (default 5) and of a GET, HEAD or OPTIONS (default 1). */
  writePoints?: number;
  readPoints?: number;
  /** Refuse content-creating requests beyond this many in any minute (GitHub: 80). POSTs create content. */
  contentPerMinute?: number;
  /** Whether secret writes (PUT …/secrets/:name) count as content creation: GitHub does not say. */
  secretWritesCreateContent?: boolean;
  /** The status of a refusal: 403 (default) or 429; GitHub answers either. */
  status?: 403 | 429;
  /** The `retry-after` header of a refusal. */
  retryAfterSeconds: number;
}

/**
 * GitHub's documented secondary limits, with GitHub's minute lasting `minuteMs` (a test or the
 * bench scales time with it; a client scaled the same way waits `retry-after` × minuteMs / 60).
 */
export function githubSecondaryLimit(
  opts: { minuteMs?: number; secretWritesCreateContent?: boolean; status?: 403 | 429 } = {}
): SecondaryLimit {
  return {
    minuteMs: opts.minuteMs ?? 60_000,
    maxConcurrent: 100,
    pointsPerMinute: 900,
    writePoints: 5,
    readPoints: 1,
    contentPerMinute: 80,
    secretWritesCreateContent: opts.secretWritesCreateContent ?? false,
    status: opts.status ?? 403,
    retryAfterSeconds: 60
  };
}

/** A route as the secondary limit names it: its method and pattern. */
interface EndpointRoute {
  method: string;
  path: string;
  pattern: RegExp;
  names: string[];
}

/** Arrivals within a sliding minute, each with its points. */
interface Arrival {
  t: number;
  points: number;
}

/** What a `secondaryLimit` has seen since it was set or `clearSecondaryWindows()` ran. */
export interface SecondaryStats {
  /** Most requests in flight at once. */
  peakInFlight: number;
  /** Most points within one minute on one endpoint, by endpoint. */
  peakPoints: Record<string, number>;
  /** Most content-creating requests within one minute. */
  peakContent: number;
  /** Requests refused, by the limit that refused them. */
  refused: { concurrent: number; points: number; content: number; writes: number };
}

/** The same parameter types as the base router's, for the override that records each route. */
type RouteParams<P extends string> = P extends `${string}:${infer N}/${infer R}`
  ? { [K in N]: string } & RouteParams<R>
  : P extends `${string}:${infer N}`
    ? { [K in N]: string }
    : Record<never, never>;

interface Grant {
  repos: Set<string> | 'all';
  orgs: Set<string> | 'all';
  access: Record<PermissionName, Permission>;
}

interface KeyPair {
  keyId: string;
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

interface StoredSecret {
  name: string;
  encryptedValue: string;
  keyId: string;
  createdAt: string;
  updatedAt: string;
}

/** A validated PUT: what a store keeps of it. */
interface Sealed {
  name: string;
  encryptedValue: string;
  keyId: string;
}

interface StoredVariable {
  name: string;
  value: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * Secrets sealed to one keypair. `Extra` is what a kind of store keeps besides the sealed value
 * (organisation secrets: visibility and selected repositories).
 */
class SecretStore<Extra extends object = object> {
  /** Every key this store ever had, so secrets sealed to an older key still open. */
  readonly keys = new Map<string, KeyPair>();
  readonly secrets = new Map<string, StoredSecret & Extra>();
  current: KeyPair;

  constructor(private readonly newKeyId: () => string) {
    this.current = this.rotate();
  }

  rotate(): KeyPair {
    const { publicKey, privateKey } = sodium.crypto_box_keypair();
    this.current = { keyId: this.newKeyId(), publicKey, privateKey };
    this.keys.set(this.current.keyId, this.current);
    return this.current;
  }

  /** Seal a plaintext to the current key, as a client would. */
  seal(name: string, value: string): Sealed {
    const ct = sodium.crypto_box_seal(sodium.from_string(value), this.current.publicKey);
    return {
      name: name.toUpperCase(),
      encryptedValue: sodium.to_base64(ct, sodium.base64_variants.ORIGINAL),
      keyId: this.current.keyId
    };
  }

  open(s: StoredSecret): string {
    const key = this.keys.get(s.keyId) as KeyPair;
    const ct = sodium.from_base64(s.encryptedValue, sodium.base64_variants.ORIGINAL);
    return sodium.to_string(sodium.crypto_box_seal_open(ct, key.publicKey, key.privateKey));
  }

  value(name: string): string | undefined {
    const s = this.secrets.get(name.toUpperCase());
    return s && this.open(s);
  }

  /** Store a sealed value (keeping `createdAt` of an existing one); true when the name is new. */
  write(sealed: Sealed, at: string, extra: Extra): boolean {
    const old = this.secrets.get(sealed.name);
    this.secrets.set(sealed.name, { ...sealed, ...extra, createdAt: old?.createdAt ?? at, updatedAt: at });
    return old === undefined;
  }
}

type SecretStores<Extra extends object = object> = Record<SecretType, SecretStore<Extra>>;
type VariableStore = Map<string, StoredVariable>;

interface Environment {
  id: number;
  name: string;
  createdAt: string;
  secrets: SecretStore;
}

interface Repo {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  private: boolean;
  createdAt: string;
  secrets: SecretStores;
  /** Keyed by lower-cased name (GitHub's environment names are case-insensitive). */
  environments: Map<string, Environment>;
  variables: VariableStore;
}

interface Org {
  id: number;
  login: string;
  secrets: SecretStores<OrgSecretAccess>;
}

const DOCS = 'https://docs.github.com/rest';
const SECONDARY_DOCS =
  'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits';
const MAX_VALUE_BYTES = 48 * 1024;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;
const NAME_RULES =
  'can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_). Spaces are not allowed. ' +
  'Must start with a letter ([a-z], [A-Z]) or underscores (_). Must not start with the GITHUB_ prefix.';

function validName(name: string): boolean {
  return NAME.test(name) && !name.toUpperCase().startsWith('GITHUB_');
}

function isSecretType(type: string): type is SecretType {
  return (SECRET_TYPES as readonly string[]).includes(type);
}

/** A positive integer query parameter, else `fallback`; at most `max`. */
function positiveInt(raw: string | null, fallback: number, max = Infinity): number {
  const n = Number(raw ?? '');
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : fallback;
}

export class GithubSim extends SimServer<Grant> {
  rateLimit: RateLimit = {
    limit: 5000,
    windowMs: 3_600_000,
    status: 403,
    message: 'API rate limit exceeded for user ID 1.'
  };
  /** Off (null) by default. */
  secondaryLimit: SecondaryLimit | null = null;
  private readonly repos = new Map<string, Repo>();
  private readonly orgs = new Map<string, Org>();
  private readonly grants = new Map<string, Grant>();
  private nextRepoId = 100_000_001;
  private nextOrgId = 9_000_001;
  private nextEnvironmentId = 4_000_000_001;
  private nextKeyId = 568_250_167_242_549_743n;
  private writesInFlight = 0;
  private writeWindow = { start: 0, count: 0 };
  private readonly endpointRoutes: EndpointRoute[] = [];
  private inFlight = 0;
  private pointWindows = new Map<string, Arrival[]>();
  private contentWindow: Arrival[] = [];
  private stats: SecondaryStats = GithubSim.noStats();

  constructor(opts: SimOptions = {}) {
    super(opts);
    this.route('GET', '/repos/:owner/:repo', (_req, p, grant) => ({
      status: 200,
      body: fullRepository(this.url, this.repoFacts(this.repo(p, grant)))
    }));

    // Repository secrets of each product: /repos/{o}/{r}/{actions|dependabot|codespaces}/secrets/...
    this.route('GET', '/repos/:owner/:repo/:type/secrets/public-key', (_req, p, grant) =>
      this.keyResponse(this.repoStore(p, grant, 'read'))
    );
    this.route('GET', '/repos/:owner/:repo/:type/secrets/:name', (_req, p, grant) =>
      this.getSecret(this.repoStore(p, grant, 'read'), p.name)
    );
    this.route('PUT', '/repos/:owner/:repo/:type/secrets/:name', (req, p, grant) => {
      const store = this.repoStore(p, grant, 'write');
      return this.saved(store.write(this.sealed(store, p.name, req.body), this.timestamp(), {}));
    });

    // Environments and their secrets; the name arrives URL-encoded and is decoded by the router.
    this.route('GET', '/repos/:owner/:repo/environments/:env', (_req, p, grant) => {
      const r = this.repo(p, grant);
      const env = this.environment(r, p.env);
      const url = `${this.url}/repos/${r.fullName}/environments/${encodeURIComponent(env.name)}`;
      return {
        status: 200,
        body: {
          id: env.id,
          name: env.name,
          url,
          html_url: `https://github.com/${r.fullName}/deployments/activity_log?environments_filter=${encodeURIComponent(env.name)}`,
          created_at: env.createdAt,
          updated_at: env.createdAt,
          protection_rules: [],
          deployment_branch_policy: null
        }
      };
    });
    this.route('GET', '/repos/:owner/:repo/environments/:env/secrets/public-key', (_req, p, grant) =>
      this.keyResponse(this.environmentStore(p, grant, 'read'))
    );
    this.route('GET', '/repos/:owner/:repo/environments/:env/secrets/:name', (_req, p, grant) =>
      this.getSecret(this.environmentStore(p, grant, 'read'), p.name)
    );
    this.route('PUT', '/repos/:owner/:repo/environments/:env/secrets/:name', (req, p, grant) => {
      const store = this.environmentStore(p, grant, 'write');
      return this.saved(store.write(this.sealed(store, p.name, req.body), this.timestamp(), {}));
    });

    // Organisation secrets of each product: /orgs/{org}/{actions|dependabot|codespaces}/secrets/...
    this.route('GET', '/orgs/:org/:type/secrets/public-key', (_req, p, grant) =>
      this.keyResponse(this.orgStore(p, grant, 'read').store)
    );
    this.route('GET', '/orgs/:org/:type/secrets/:name', (_req, p, grant) => {
      const { org, store } = this.orgStore(p, grant, 'read');
      const s = store.secrets.get(p.name.toUpperCase());
      if (!s) throw this.error(404);
      const selected =
        s.visibility === 'selected'
          ? {
              selected_repositories_url: `${this.url}/orgs/${org.login}/${p.type}/secrets/${s.name}/repositories`
            }
          : {};
      return {
        status: 200,
        body: {
          name: s.name,
          created_at: s.createdAt,
          updated_at: s.updatedAt,
          visibility: s.visibility,
          ...selected
        }
      };
    });
    this.route('PUT', '/orgs/:org/:type/secrets/:name', (req, p, grant) => {
      const { org, store } = this.orgStore(p, grant, 'write');
      const sealed = this.sealed(store, p.name, req.body, ['visibility']);
      const access = this.orgAccess(org, req.body as Record<string, unknown>, store.secrets.get(sealed.name));
      return this.saved(store.write(sealed, this.timestamp(), access));
    });
    this.route('GET', '/orgs/:org/:type/secrets/:name/repositories', (req, p, grant) => {
      const { store } = this.orgStore(p, grant, 'read');
      const s = store.secrets.get(p.name.toUpperCase());
      if (!s) throw this.error(404);
      const perPage = positiveInt(req.query.get('per_page'), 30, 100);
      const page = positiveInt(req.query.get('page'), 1);
      const repos = [...this.repos.values()]
        .filter((r) => s.selectedRepositoryIds.includes(r.id))
        .sort((a, b) => a.id - b.id);
      return {
        status: 200,
        body: {
          total_count: repos.length,
          repositories: repos
            .slice((page - 1) * perPage, page * perPage)
            .map((r) => minimalRepository(this.url, this.repoFacts(r)))
        }
      };
    });

    this.route('GET', '/repos/:owner/:repo/actions/variables/:name', (_req, p, grant) => {
      const v = this.repo(p, grant, 'variables', 'read').variables.get(p.name.toUpperCase());
      if (!v) throw this.error(404);
      return {
        status: 200,
        body: { name: v.name, value: v.value, created_at: v.createdAt, updated_at: v.updatedAt }
      };
    });
    this.route('POST', '/repos/:owner/:repo/actions/variables', (req, p, grant) => {
      const vars = this.repo(p, grant, 'variables', 'write').variables;
      const { name, value } = this.fields(req, ['name', 'value']);
      const key = this.variableName(name).toUpperCase();
      this.variableValue(value);
      if (vars.has(key)) throw this.conflict();
      const at = this.timestamp();
      vars.set(key, { name: key, value: value as string, createdAt: at, updatedAt: at });
      return { status: 201, body: {} };
    });
    this.route('PATCH', '/repos/:owner/:repo/actions/variables/:name', (req, p, grant) => {
      const vars = this.repo(p, grant, 'variables', 'write').variables;
      const v = vars.get(p.name.toUpperCase());
      if (!v) throw this.error(404);
      const { name, value } = this.fields(req, []);
      const key = name === undefined ? v.name : this.variableName(name).toUpperCase();
      if (value !== undefined) this.variableValue(value);
      if (key !== v.name && vars.has(key)) throw this.conflict();
      vars.delete(v.name);
      vars.set(key, {
        ...v,
        name: key,
        value: (value as string | undefined) ?? v.value,
        updatedAt: this.timestamp()
      });
      return { status: 204 };
    });
    this.route('DELETE', '/repos/:owner/:repo/actions/variables/:name', (_req, p, grant) => {
      const vars = this.repo(p, grant, 'variables', 'write').variables;
      if (!vars.delete(p.name.toUpperCase())) throw this.error(404);
      return { status: 204 };
    });
  }

  /** Add a repository; its owner becomes an organisation too (if it is not one yet). */
  addRepo(fullName: string, opts: { private?: boolean } = {}): { id: number } {
    const [owner, name, ...rest] = fullName.split('/');
    if (!owner || !name || rest.length > 0)
      throw new Error(`repository must be 'owner/name', got '${fullName}'`);
    this.addOrg(owner);
    const id = this.nextRepoId++;
    this.repos.set(fullName.toLowerCase(), {
      id,
      owner,
      name,
      fullName,
      private: opts.private ?? true,
      createdAt: new Date(this.now()).toISOString(),
      secrets: this.secretStores(),
      environments: new Map(),
      variables: new Map()
    });
    return { id };
  }

  /** Add an organisation (no-op if it exists). */
  addOrg(org: string): void {
    if (this.orgs.has(org.toLowerCase())) return;
    this.orgs.set(org.toLowerCase(), {
      id: this.nextOrgId++,
      login: org,
      secrets: this.secretStores<OrgSecretAccess>()
    });
  }

  /** Add an environment, with a keypair of its own, to a repository (no-op if it exists). */
  addEnvironment(repo: string, environment: string): void {
    const r = this.known(repo);
    if (r.environments.has(environment.toLowerCase())) return;
    r.environments.set(environment.toLowerCase(), {
      id: this.nextEnvironmentId++,
      name: environment,
      createdAt: this.timestamp(),
      secrets: this.secretStore()
    });
  }

  repoId(fullName: string): number {
    return this.known(fullName).id;
  }

  addToken(value: string, opts: GithubTokenOptions = {}): void {
    const names = (list?: string[]) => (list ? new Set(list.map((n) => n.toLowerCase())) : 'all');
    this.grants.set(value, {
      repos: names(opts.repos),
      orgs: names(opts.orgs),
      access: Object.fromEntries(PERMISSIONS.map((p) => [p, opts[p] ?? 'write'])) as Grant['access']
    });
  }

  /** The plaintext of a stored repository or environment secret (crypto_box_seal_open); name case-insensitive. */
  secretValue(repo: string, name: string, opts: SecretScope = {}): string | undefined {
    return this.scoped(repo, opts).value(name);
  }

  secretMeta(
    repo: string,
    name: string,
    opts: SecretScope = {}
  ): { name: string; created_at: string; updated_at: string } | undefined {
    const s = this.scoped(repo, opts).secrets.get(name.toUpperCase());
    return s && { name: s.name, created_at: s.createdAt, updated_at: s.updatedAt };
  }

  /** Seed a repository or environment secret, sealed to the store's current key. */
  setSecret(repo: string, name: string, value: string, opts: SecretScope = {}): void {
    const store = this.scoped(repo, opts);
    store.write(store.seal(name, value), this.timestamp(), {});
  }

  orgSecretValue(org: string, name: string, type: SecretType = 'actions'): string | undefined {
    return this.knownOrg(org).secrets[type].value(name);
  }

  orgSecret(org: string, name: string, type: SecretType = 'actions'): OrgSecretAccess | undefined {
    const s = this.knownOrg(org).secrets[type].secrets.get(name.toUpperCase());
    return s && { visibility: s.visibility, selectedRepositoryIds: [...s.selectedRepositoryIds] };
  }

  /** Seed an organisation secret; selected repository IDs must belong to the organisation. */
  setOrgSecret(
    org: string,
    name: string,
    value: string,
    opts: { type?: SecretType; visibility: Visibility; selectedRepositoryIds?: number[] }
  ): void {
    const o = this.knownOrg(org);
    const ids = opts.selectedRepositoryIds ?? [];
    if (ids.length > 0 && opts.visibility !== 'selected')
      throw new Error('selectedRepositoryIds need visibility selected');
    const foreign = ids.find((id) => !this.orgRepoIds(o).has(id));
    if (foreign !== undefined) throw new Error(`repository ${foreign} is not in organisation '${org}'`);
    const store = o.secrets[opts.type ?? 'actions'];
    store.write(store.seal(name, value), this.timestamp(), {
      visibility: opts.visibility,
      selectedRepositoryIds: [...ids]
    });
  }

  variable(repo: string, name: string): string | undefined {
    return this.known(repo).variables.get(name.toUpperCase())?.value;
  }

  setVariable(repo: string, name: string, value: string): void {
    const vars = this.known(repo).variables;
    const key = name.toUpperCase();
    const at = this.timestamp();
    vars.set(key, { name: key, value, createdAt: vars.get(key)?.createdAt ?? at, updatedAt: at });
  }

  /** Remove a variable; true when it existed. */
  deleteVariable(repo: string, name: string): boolean {
    return this.known(repo).variables.delete(name.toUpperCase());
  }

  publicKey(repo: string, opts: SecretScope = {}): { key_id: string; key: string } {
    return this.keyView(this.scoped(repo, opts).current);
  }

  /** Replace a store's key (as GitHub may); secrets sealed to the old key stay readable. */
  rotatePublicKey(repo: string, opts: SecretScope = {}): { key_id: string; key: string } {
    return this.keyView(this.scoped(repo, opts).rotate());
  }

  orgPublicKey(org: string, type: SecretType = 'actions'): { key_id: string; key: string } {
    return this.keyView(this.knownOrg(org).secrets[type].current);
  }

  protected authenticate(req: SimRequest): Grant {
    if (req.bearer === undefined) throw this.error(401, 'Requires authentication');
    const grant = this.grants.get(req.bearer);
    if (!grant) throw this.error(401, 'Bad credentials');
    return grant;
  }

  /** What the secondary limits have seen: peaks and refusals. */
  secondaryStats(): SecondaryStats {
    return structuredClone(this.stats);
  }

  /** Forget the requests counted so far, as if GitHub's minute had passed. */
  clearSecondaryWindows(): void {
    this.pointWindows = new Map();
    this.contentWindow = [];
    this.writeWindow = { start: 0, count: 0 };
    this.stats = GithubSim.noStats();
  }

  /** The endpoint of a request: its method and route (`:type` filled in), else its own path. */
  endpointOf(method: string, pathname: string): string {
    for (const r of this.endpointRoutes) {
      const m = r.method === method ? r.pattern.exec(pathname) : null;
      if (!m) continue;
      const type = m[r.names.indexOf('type') + 1];
      return `${method} ${type === undefined ? r.path : r.path.replace(':type', type)}`;
    }
    return `${method} ${pathname}`;
  }

  protected override route<P extends string>(
    method: string,
    path: P,
    handler: (req: SimRequest, params: RouteParams<P>, caller: Grant) => SimResponse | Promise<SimResponse>
  ): void {
    const names: string[] = [];
    const source = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.endpointRoutes.push({ method, path, pattern: new RegExp(`^${source}$`), names });
    super.route(method, path, handler as never);
  }

  /** The secondary limits: refuse a request over a limit on arrival, else count it. */
  protected override admit(req: SimRequest): (() => void) | undefined {
    const limit = this.secondaryLimit;
    if (!limit) return undefined;
    const t = this.now();
    const write = MUTATING.has(req.method);
    const endpoint = this.endpointOf(req.method, req.pathname);
    const points = write ? (limit.writePoints ?? 5) : (limit.readPoints ?? 1);
    const window = this.slide(this.pointWindows.get(endpoint) ?? [], limit, t);
    const used = window.reduce((sum, a) => sum + a.points, 0);
    const secretWrite = req.method === 'PUT' && /\/secrets\/[^/]+$/.test(req.pathname);
    const content =
      limit.contentPerMinute !== undefined &&
      (req.method === 'POST' || (secretWrite && limit.secretWritesCreateContent === true));
    if (content) this.contentWindow = this.slide(this.contentWindow, limit, t);
    const refusedBy: keyof SecondaryStats['refused'] | undefined =
      write && this.overWriteLimit(limit, t)
        ? 'writes'
        : limit.maxConcurrent !== undefined && this.inFlight >= limit.maxConcurrent
          ? 'concurrent'
          : limit.pointsPerMinute !== undefined && used + points > limit.pointsPerMinute
            ? 'points'
            : content && this.contentWindow.length >= (limit.contentPerMinute as number)
              ? 'content'
              : undefined;
    if (refusedBy) {
      this.stats.refused[refusedBy]++;
      const status = limit.status ?? 403;
      throw new SimError({
        status,
        body: {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url: SECONDARY_DOCS,
          status: String(status)
        },
        headers: { 'retry-after': String(limit.retryAfterSeconds) }
      });
    }
    if (limit.pointsPerMinute !== undefined) {
      window.push({ t, points });
      this.pointWindows.set(endpoint, window);
      this.stats.peakPoints[endpoint] = Math.max(this.stats.peakPoints[endpoint] ?? 0, used + points);
    }
    if (content) {
      this.contentWindow.push({ t, points: 1 });
      this.stats.peakContent = Math.max(this.stats.peakContent, this.contentWindow.length);
    }
    this.inFlight++;
    this.stats.peakInFlight = Math.max(this.stats.peakInFlight, this.inFlight);
    if (write) this.writesInFlight++;
    return () => {
      this.inFlight--;
      if (write) this.writesInFlight--;
    };
  }

  /** The older limit on writes alone, at once and per fixed window (it counts refused writes too). */
  private overWriteLimit(limit: SecondaryLimit, t: number): boolean {
    const windowMs = limit.windowMs ?? 60_000;
    if (t >= this.writeWindow.start + windowMs || t < this.writeWindow.start)
      this.writeWindow = { start: t, count: 0 };
    this.writeWindow.count++;
    return (
      (limit.maxConcurrentWrites !== undefined && this.writesInFlight >= limit.maxConcurrentWrites) ||
      (limit.maxWritesPerWindow !== undefined && this.writeWindow.count > limit.maxWritesPerWindow)
    );
  }

  /** The arrivals still within the minute ending at `t` (a clock set back forgets them). */
  private slide(window: Arrival[], limit: SecondaryLimit, t: number): Arrival[] {
    const minuteMs = limit.minuteMs ?? 60_000;
    return window.filter((a) => a.t > t - minuteMs && a.t <= t);
  }

  private static noStats(): SecondaryStats {
    return {
      peakInFlight: 0,
      peakPoints: {},
      peakContent: 0,
      refused: { concurrent: 0, points: 0, content: 0, writes: 0 }
    };
  }

  protected errorBody(status: number, message?: string): unknown {
    const text =
      message ??
      {
        401: 'Bad credentials',
        403: 'Forbidden',
        404: 'Not Found',
        409: 'Conflict',
        422: 'Validation Failed',
        429: 'API rate limit exceeded',
        500: 'Internal Server Error',
        502: 'Bad Gateway',
        503: 'Service Unavailable'
      }[status] ??
      `HTTP ${status}`;
    return { message: text, documentation_url: DOCS, status: String(status) };
  }

  protected responseHeaders(rate: RateState, status: number): Record<string, string> {
    const limited = rate.used > rate.limit || status === 429;
    return {
      'x-ratelimit-limit': String(rate.limit),
      'x-ratelimit-remaining': String(limited ? 0 : rate.remaining),
      'x-ratelimit-used': String(Math.min(rate.used, rate.limit)),
      'x-ratelimit-reset': String(rate.reset),
      'x-ratelimit-resource': 'core',
      'x-github-api-version-selected': '2022-11-28'
    };
  }

  private secretStore<Extra extends object = object>(): SecretStore<Extra> {
    return new SecretStore<Extra>(() => String(this.nextKeyId++));
  }

  private secretStores<Extra extends object = object>(): SecretStores<Extra> {
    return {
      actions: this.secretStore<Extra>(),
      dependabot: this.secretStore<Extra>(),
      codespaces: this.secretStore<Extra>()
    };
  }

  private known(fullName: string): Repo {
    const r = this.repos.get(fullName.toLowerCase());
    if (!r) throw new Error(`unknown repository '${fullName}'`);
    return r;
  }

  private knownOrg(org: string): Org {
    const o = this.orgs.get(org.toLowerCase());
    if (!o) throw new Error(`unknown organisation '${org}'`);
    return o;
  }

  /** The store of a repository-level secret, for the helpers (environment secrets have no type). */
  private scoped(repo: string, opts: SecretScope): SecretStore {
    const r = this.known(repo);
    if (opts.environment === undefined) return r.secrets[opts.type ?? 'actions'];
    if (opts.type !== undefined && opts.type !== 'actions')
      throw new Error(`environments hold Actions secrets only, not ${opts.type}`);
    const env = r.environments.get(opts.environment.toLowerCase());
    if (!env) throw new Error(`unknown environment '${opts.environment}' in '${repo}'`);
    return env.secrets;
  }

  private orgRepoIds(org: Org): Set<number> {
    const owner = org.login.toLowerCase();
    return new Set([...this.repos.values()].filter((r) => r.owner.toLowerCase() === owner).map((r) => r.id));
  }

  /** 404 when the token cannot see it; 403 when it holds less than `need` on `permission`. */
  private check(grant: Grant, permission: PermissionName | undefined, need: Permission | undefined): void {
    const has = permission ? grant.access[permission] : 'read';
    if (has === 'none' || (need === 'write' && has !== 'write'))
      throw this.error(403, 'Resource not accessible by personal access token');
  }

  /** The repository if the token sees it (else 404) and holds `need` on `permission` (else 403). */
  private repo(
    p: { owner: string; repo: string },
    grant: Grant,
    permission?: PermissionName,
    need?: Permission
  ): Repo {
    const key = `${p.owner}/${p.repo}`.toLowerCase();
    const r = this.repos.get(key);
    if (!r || (grant.repos !== 'all' && !grant.repos.has(key))) throw this.error(404);
    this.check(grant, permission, need);
    return r;
  }

  /** The organisation if the token may act on it (else 404) with `need` on `permission` (else 403). */
  private org(p: { org: string }, grant: Grant, permission: PermissionName, need: Permission): Org {
    const key = p.org.toLowerCase();
    const o = this.orgs.get(key);
    if (!o || (grant.orgs !== 'all' && !grant.orgs.has(key))) throw this.error(404);
    this.check(grant, permission, need);
    return o;
  }

  private secretType(type: string): SecretType {
    if (!isSecretType(type)) throw this.error(404);
    return type;
  }

  private repoStore(p: { owner: string; repo: string; type: string }, grant: Grant, need: Permission) {
    const type = this.secretType(p.type);
    return this.repo(p, grant, REPO_PERMISSION[type], need).secrets[type];
  }

  private environmentStore(p: { owner: string; repo: string; env: string }, grant: Grant, need: Permission) {
    return this.environment(this.repo(p, grant, 'environments', need), p.env).secrets;
  }

  private orgStore(p: { org: string; type: string }, grant: Grant, need: Permission) {
    const type = this.secretType(p.type);
    const org = this.org(p, grant, ORG_PERMISSION[type], need);
    return { org, store: org.secrets[type] };
  }

  private environment(r: Repo, name: string): Environment {
    const env = r.environments.get(name.toLowerCase());
    if (!env) throw this.error(404);
    return env;
  }

  /** addRepo adds each owner as an organisation, so every repository here is an organisation's. */
  private repoFacts(r: Repo): RepositoryFacts {
    const ownerId = this.orgs.get(r.owner.toLowerCase())?.id ?? 0;
    return { ...r, ownerId, ownerType: 'Organization' };
  }

  private keyResponse(store: SecretStore<object>): SimResponse {
    return { status: 200, body: this.keyView(store.current) };
  }

  private getSecret(store: SecretStore<object>, name: string): SimResponse {
    const s = store.secrets.get(name.toUpperCase());
    if (!s) throw this.error(404);
    return { status: 200, body: { name: s.name, created_at: s.createdAt, updated_at: s.updatedAt } };
  }

  private saved(created: boolean): SimResponse {
    return created ? { status: 201, body: {} } : { status: 204 };
  }

  /**
   * A PUT body checked against `store` (422 on a bad name, a missing field, a key_id that is not the
   * store's current one, a value that does not open with its key, or a plaintext over 48 KB).
   */
  private sealed(
    store: SecretStore<object>,
    rawName: string,
    body: unknown,
    required: string[] = []
  ): Sealed {
    if (!validName(rawName)) throw this.invalid('Secret', 'name', `Secret names ${NAME_RULES}`);
    const { encrypted_value: value, key_id: keyId } = this.fields({ body }, [
      'encrypted_value',
      'key_id',
      ...required
    ]);
    if (typeof value !== 'string' || !BASE64.test(value))
      throw this.invalid('Secret', 'encrypted_value', 'encrypted_value must be a base64 encoded string.');
    if (typeof keyId !== 'string' || keyId !== store.current.keyId)
      throw this.invalid('Secret', 'key_id', 'key_id does not match the current public key of this scope.');
    let plaintext: Uint8Array;
    try {
      const ct = sodium.from_base64(value, sodium.base64_variants.ORIGINAL);
      plaintext = sodium.crypto_box_seal_open(ct, store.current.publicKey, store.current.privateKey);
    } catch {
      throw this.invalid('Secret', 'encrypted_value', 'encrypted_value could not be decrypted with the key.');
    }
    if (plaintext.length > MAX_VALUE_BYTES)
      throw this.invalid('Secret', 'encrypted_value', 'Secret value is larger than 48 KB.');
    return { name: rawName.toUpperCase(), encryptedValue: value, keyId };
  }

  /**
   * Visibility and selected repositories of an organisation secret PUT. `selected_repository_ids` only
   * with `selected`, integers only, each a repository of the organisation; omitted on an update with
   * `selected`, the current selection stays.
   */
  private orgAccess(
    org: Org,
    body: Record<string, unknown>,
    old: OrgSecretAccess | undefined
  ): OrgSecretAccess {
    const { visibility, selected_repository_ids: ids } = body;
    if (!VISIBILITIES.includes(visibility as Visibility))
      throw this.invalid('Secret', 'visibility', 'visibility must be one of: all, private, selected.');
    const v = visibility as Visibility;
    if (ids === undefined) {
      const keep = v === 'selected' && old?.visibility === 'selected';
      return { visibility: v, selectedRepositoryIds: keep ? [...old.selectedRepositoryIds] : [] };
    }
    if (v !== 'selected')
      throw this.invalid(
        'Secret',
        'selected_repository_ids',
        'selected_repository_ids can only be set when visibility is selected.'
      );
    if (!Array.isArray(ids) || !ids.every((id) => Number.isInteger(id)))
      throw this.invalid('Secret', 'selected_repository_ids', 'selected_repository_ids must be integers.');
    const inOrg = this.orgRepoIds(org);
    const foreign = (ids as number[]).find((id) => !inOrg.has(id));
    if (foreign !== undefined)
      throw this.invalid(
        'Secret',
        'selected_repository_ids',
        `Repository ${foreign} is not a repository of ${org.login}.`
      );
    return { visibility: v, selectedRepositoryIds: [...new Set(ids as number[])] };
  }

  /** The body's properties; `required` ones missing → 422 like GitHub's schema validation. */
  private fields(req: { body: unknown }, required: string[]): Record<string, unknown> {
    const body = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw this.error(422, 'Invalid request.\n\nInvalid input: object is expected.');
    const missing = required.find((k) => !(k in body));
    if (missing !== undefined) throw this.error(422, `Invalid request.\n\n"${missing}" wasn't supplied.`);
    return body as Record<string, unknown>;
  }

  private variableName(name: unknown): string {
    if (typeof name !== 'string' || !validName(name))
      throw this.invalid('Variable', 'name', `Variable names ${NAME_RULES}`);
    return name;
  }

  private variableValue(value: unknown): void {
    if (typeof value !== 'string') throw this.invalid('Variable', 'value', 'value must be a string.');
    if (Buffer.byteLength(value) > MAX_VALUE_BYTES)
      throw this.invalid('Variable', 'value', 'Variable value is larger than 48 KB.');
  }

  private invalid(resource: string, field: string, message: string): SimError {
    return new SimError({
      status: 422,
      body: {
        message: 'Validation Failed',
        errors: [{ resource, field, code: 'invalid', message }],
        documentation_url: DOCS,
        status: '422'
      }
    });
  }

  private conflict(): SimError {
    return this.error(409, 'Already exists - Variable already exists');
  }

  private keyView(k: KeyPair): { key_id: string; key: string } {
    return { key_id: k.keyId, key: sodium.to_base64(k.publicKey, sodium.base64_variants.ORIGINAL) };
  }

  private timestamp(): string {
    return new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}

export async function startGithubSim(opts: SimOptions = {}): Promise<GithubSim> {
  await sodium.ready;
  return new GithubSim(opts).listen(opts.port);
}
