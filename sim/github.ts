/**
 * GitHub REST simulator: repository Actions secrets (sealed boxes) and variables (API-FACTS §0.10-0.13, §4).
 *
 * Data model, built to grow: every place that holds secrets is a `SecretStore` with its own keypair
 * (today: a repository's Actions secrets; later environments, organisations with visibility and selected
 * repositories, Dependabot and Codespaces — each one more store), and every place that holds variables
 * is a `VariableStore`. Routes resolve a store, check the token's permission for it, and share the same
 * handlers.
 */
import sodium from 'libsodium-wrappers';
import {
  SimError,
  SimServer,
  type RateLimit,
  type RateState,
  type SimOptions,
  type SimRequest
} from './server.js';

export type Access = 'none' | 'read' | 'write';
/** Fine-grained permissions the simulator knows (repository permissions of a fine-grained PAT). */
export type Permission = 'secrets' | 'variables';

export interface GithubTokenOptions {
  /** Full names ('owner/name') the token may see; default: all repositories, also ones added later. */
  repos?: string[];
  secrets?: Access;
  variables?: Access;
}

interface Grant {
  repos: Set<string> | 'all';
  access: Record<Permission, Access>;
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

interface StoredVariable {
  name: string;
  value: string;
  createdAt: string;
  updatedAt: string;
}

/** Secrets sealed to one keypair (a repo's Actions secrets; later an environment, org, Dependabot...). */
class SecretStore {
  /** Every key this store ever had, so secrets sealed to an older key still open. */
  readonly keys = new Map<string, KeyPair>();
  readonly secrets = new Map<string, StoredSecret>();
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

  open(s: StoredSecret): string {
    const key = this.keys.get(s.keyId) as KeyPair;
    const ct = sodium.from_base64(s.encryptedValue, sodium.base64_variants.ORIGINAL);
    return sodium.to_string(sodium.crypto_box_seal_open(ct, key.publicKey, key.privateKey));
  }
}

type VariableStore = Map<string, StoredVariable>;

interface Repo {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  private: boolean;
  /** Keyed by product; 'dependabot' and 'codespaces' stores slot in here. */
  secrets: { actions: SecretStore };
  variables: VariableStore;
}

const DOCS = 'https://docs.github.com/rest';
const MAX_VALUE_BYTES = 48 * 1024;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;
const NAME_RULES =
  'can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_). Spaces are not allowed. ' +
  'Must start with a letter ([a-z], [A-Z]) or underscores (_). Must not start with the GITHUB_ prefix.';

function validName(name: string): boolean {
  return NAME.test(name) && !name.toUpperCase().startsWith('GITHUB_');
}

export class GithubSim extends SimServer<Grant> {
  rateLimit: RateLimit = {
    limit: 5000,
    windowMs: 3_600_000,
    status: 403,
    message: 'API rate limit exceeded for user ID 1.'
  };
  private readonly repos = new Map<string, Repo>();
  private readonly grants = new Map<string, Grant>();
  private nextRepoId = 100_000_001;
  private nextKeyId = 568_250_167_242_549_743n;

  constructor(opts: SimOptions = {}) {
    super(opts);
    this.route('GET', '/repos/:owner/:repo', (_req, p, grant) => {
      const r = this.repo(p, grant);
      return {
        status: 200,
        body: { id: r.id, name: r.name, full_name: r.fullName, owner: { login: r.owner }, private: r.private }
      };
    });
    this.route('GET', '/repos/:owner/:repo/actions/secrets/public-key', (_req, p, grant) => {
      const key = this.repo(p, grant, 'secrets', 'read').secrets.actions.current;
      return { status: 200, body: this.keyView(key) };
    });
    this.route('GET', '/repos/:owner/:repo/actions/secrets/:name', (_req, p, grant) => {
      const s = this.repo(p, grant, 'secrets', 'read').secrets.actions.secrets.get(p.name.toUpperCase());
      if (!s) throw this.error(404);
      return { status: 200, body: { name: s.name, created_at: s.createdAt, updated_at: s.updatedAt } };
    });
    this.route('PUT', '/repos/:owner/:repo/actions/secrets/:name', (req, p, grant) =>
      this.putSecret(this.repo(p, grant, 'secrets', 'write').secrets.actions, p.name, req.body)
    );
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

  addRepo(fullName: string, opts: { private?: boolean } = {}): { id: number } {
    const [owner, name, ...rest] = fullName.split('/');
    if (!owner || !name || rest.length > 0)
      throw new Error(`repository must be 'owner/name', got '${fullName}'`);
    const id = this.nextRepoId++;
    this.repos.set(fullName.toLowerCase(), {
      id,
      owner,
      name,
      fullName,
      private: opts.private ?? true,
      secrets: { actions: new SecretStore(() => String(this.nextKeyId++)) },
      variables: new Map()
    });
    return { id };
  }

  addToken(value: string, opts: GithubTokenOptions = {}): void {
    this.grants.set(value, {
      repos: opts.repos ? new Set(opts.repos.map((r) => r.toLowerCase())) : 'all',
      access: { secrets: opts.secrets ?? 'write', variables: opts.variables ?? 'write' }
    });
  }

  /** The plaintext of a stored Actions secret (opened with crypto_box_seal_open); name case-insensitive. */
  secretValue(repo: string, name: string): string | undefined {
    const store = this.known(repo).secrets.actions;
    const s = store.secrets.get(name.toUpperCase());
    return s && store.open(s);
  }

  secretMeta(
    repo: string,
    name: string
  ): { name: string; created_at: string; updated_at: string } | undefined {
    const s = this.known(repo).secrets.actions.secrets.get(name.toUpperCase());
    return s && { name: s.name, created_at: s.createdAt, updated_at: s.updatedAt };
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

  publicKey(repo: string): { key_id: string; key: string } {
    return this.keyView(this.known(repo).secrets.actions.current);
  }

  /** Replace the repository's Actions key (as GitHub may); secrets sealed to the old key stay readable. */
  rotatePublicKey(repo: string): { key_id: string; key: string } {
    return this.keyView(this.known(repo).secrets.actions.rotate());
  }

  protected authenticate(req: SimRequest): Grant {
    if (req.bearer === undefined) throw this.error(401, 'Requires authentication');
    const grant = this.grants.get(req.bearer);
    if (!grant) throw this.error(401, 'Bad credentials');
    return grant;
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

  private known(fullName: string): Repo {
    const r = this.repos.get(fullName.toLowerCase());
    if (!r) throw new Error(`unknown repository '${fullName}'`);
    return r;
  }

  /** The repository if the token sees it (else 404) and holds `need` on `permission` (else 403). */
  private repo(
    p: { owner: string; repo: string },
    grant: Grant,
    permission?: Permission,
    need?: Access
  ): Repo {
    const key = `${p.owner}/${p.repo}`.toLowerCase();
    const r = this.repos.get(key);
    if (!r || (grant.repos !== 'all' && !grant.repos.has(key))) throw this.error(404);
    const has = permission ? grant.access[permission] : 'read';
    if (has === 'none' || (need === 'write' && has !== 'write'))
      throw this.error(403, 'Resource not accessible by personal access token');
    return r;
  }

  private putSecret(store: SecretStore, rawName: string, body: unknown): { status: number; body?: unknown } {
    if (!validName(rawName)) throw this.invalid('Secret', 'name', `Secret names ${NAME_RULES}`);
    const { encrypted_value: value, key_id: keyId } = this.fields({ body }, ['encrypted_value', 'key_id']);
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
    const name = rawName.toUpperCase();
    const old = store.secrets.get(name);
    const at = this.timestamp();
    store.secrets.set(name, {
      name,
      encryptedValue: value,
      keyId,
      createdAt: old?.createdAt ?? at,
      updatedAt: at
    });
    return old ? { status: 204 } : { status: 201, body: {} };
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
