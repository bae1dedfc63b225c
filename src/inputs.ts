import { createHash } from 'node:crypto';
import { seeDocs } from './docs.js';
import { SECRET_TYPES, VISIBILITIES, type SecretType, type Visibility } from './github/targets.js';
import {
  providers,
  PROVIDER_NAMES,
  type ProviderName,
  type ProviderSpec,
  type TokenOwner
} from './providers/index.js';
import { MAX_TARGETS } from './state.js';

export interface Inputs {
  provider: ProviderName;
  providerToken: string;
  providerUrl: string;
  /** Upper-cased, as GitHub stores it. */
  secretName: string;
  githubToken: string;
  githubApiUrl: string;
  /** The repository running the workflow; holds the state variable. */
  currentRepository: string;
  /** Where the secret goes; without organization, at least the current repository. */
  repositories: string[];
  environment?: string;
  organization?: string;
  visibility?: Visibility;
  secretType: SecretType;
  lifetime: string;
  lifetimeSeconds: number;
  tokenName: string;
  scopes?: string;
  /** Whose tokens are rotated, when not the acting user's own (token-owner). */
  tokenOwner?: TokenOwner;
  stateVariable: string;
  previousTokenId?: string;
  keepPrevious: number;
  dryRun: boolean;
  outputToken: boolean;
  /** rotate: the rotation; check: only report how long the token in use has left. */
  mode: Mode;
  warnBeforeSeconds: number;
  /** Per request: connect, headers and body each. */
  requestTimeoutMs: number;
}

export const MODES = ['rotate', 'check'] as const;
export type Mode = (typeof MODES)[number];

/** Reads one input as the runner gives it (`''` when unset). */
export type InputGetter = (name: string) => string;

/** The inputs that hold credentials: masked, never shown, never compared away. */
export const CREDENTIAL_INPUTS = ['provider-token', 'github-token'] as const;
/** Every other input action.yml declares: none may hold a credential (a test keeps this in sync). */
export const NON_CREDENTIAL_INPUTS = [
  'provider',
  'provider-url',
  'secret-name',
  'github-api-url',
  'repositories',
  'environment',
  'organization',
  'visibility',
  'secret-type',
  'lifetime',
  'token-name',
  'scopes',
  'token-owner',
  'state-variable',
  'previous-token-id',
  'keep-previous',
  'mode',
  'warn-before',
  'dry-run',
  'request-timeout',
  'output-token'
] as const;
/** The runner's variables the parser reads; checked against the credentials like inputs. */
const ENV_INPUTS = ['GITHUB_REPOSITORY', 'GITHUB_API_URL'] as const;

export class InputError extends Error {
  constructor(readonly problems: string[]) {
    super(
      (problems.length === 1
        ? `Invalid input: ${problems[0]}`
        : `Invalid inputs:\n${problems.map((p) => `- ${p}`).join('\n')}`) + `\n${seeDocs('inputs').trim()}.`
    );
    this.name = 'InputError';
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const SECRET_NAME = /^[A-Z_][A-Z0-9_]*$/;
const REPOSITORY = /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/;
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const CONTROL_CHARACTER = /[\x00-\x1f\x7f]/;
// GitHub logins: alphanumerics and single hyphens, at most 39 characters.
const ORGANIZATION = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
/** Path segments a URL resolves away: never a name that goes into an API path. */
const DOT_SEGMENTS = ['.', '..'];
const LIFETIME = /^(\d{1,6})([mhdw])$/;
const UNIT_SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86400, w: 604800 };
const MIN_LIFETIME_SECONDS = 15 * 60;
const LINODE_SCOPE = /^(\*|[a-z_]+:(read_only|read_write))$/;
const MAX_KEEP_PREVIOUS = 10;
const MAX_REQUEST_TIMEOUT_S = 300;
const TRUE_WORDS = ['true', 'True', 'TRUE'];
const FALSE_WORDS = ['false', 'False', 'FALSE'];
/** A value this long or longer that contains a credential is refused; shorter ones only if equal. */
const MIN_CONTAINED_CREDENTIAL = 8;
const TOKEN_NAME_PREFIX = 'ci-token-rotator';
/** Of an environment name or login in the default state-variable: longer ones are cut, with a digest. */
const MAX_QUALIFIER_VALUE = 64;

/** Shows a user's value in an error without echoing secrets or flooding the log. */
function shown(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, '?');
  return JSON.stringify(printable.length > 60 ? `${printable.slice(0, 57)}...` : printable);
}

/** The first 8 hex digits of SHA-256: enough to tell names apart, short enough to read. */
const digest8 = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 8);

/** Splits a list input on newlines and commas; blanks dropped. */
export function splitList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** `https://…`, or `http://` to a loopback host; returned without a trailing slash. */
export function parseApiUrl(value: string): { url?: string; problem?: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: `${shown(value)} is not a URL` };
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    return {
      problem: `${shown(value)} must use https (http is allowed only for localhost, 127.0.0.1 or [::1])`
    };
  if (url.username || url.password) return { problem: `${shown(value)} must not contain credentials` };
  if (url.search || url.hash) return { problem: `${shown(value)} must not have a query or fragment` };
  return { url: `${url.origin}${url.pathname}`.replace(/\/+$/, '') };
}

export function checkSecretName(name: string): string | undefined {
  if (!SECRET_NAME.test(name))
    return 'may contain only letters, digits and underscores, and must not start with a digit';
  if (name.startsWith('GITHUB_')) return 'must not start with GITHUB_ (reserved by GitHub)';
  return undefined;
}

/** `owner/repo` as GitHub names repositories; what is wrong with `value` otherwise. */
export function checkRepository(value: string): string | undefined {
  if (!REPOSITORY.test(value)) return 'is not owner/repo';
  if (DOT_SEGMENTS.includes(value.split('/')[1] ?? ''))
    return 'is not owner/repo: "." and ".." are not repository names';
  return undefined;
}

/** An environment name: at most 255 printable characters, no `.` or `..` between slashes. */
export function checkEnvironment(value: string): string | undefined {
  if (value.length > 255 || CONTROL_CHARACTER.test(value))
    return 'is not an environment name (at most 255 printable characters)';
  if (value.split('/').some((part) => DOT_SEGMENTS.includes(part)))
    return 'is not an environment name: "." and ".." are not allowed, as the name or as a part of it between "/"';
  return undefined;
}

/** `90m`, `36h`, `7d`, `2w` → seconds. */
export function parseDuration(value: string): { seconds?: number; problem?: string } {
  const match = LIFETIME.exec(value);
  if (!match)
    return {
      problem: `${shown(value)} is not a whole number with a unit m, h, d or w (e.g. 90m, 36h, 7d, 2w)`
    };
  return { seconds: Number(match[1]) * (UNIT_SECONDS[match[2] ?? 'd'] ?? 86400) };
}

export function parseLifetime(value: string, spec: ProviderSpec): { seconds?: number; problem?: string } {
  const { seconds, problem } = parseDuration(value);
  if (seconds === undefined) return { problem };
  if (seconds < MIN_LIFETIME_SECONDS) return { problem: `${shown(value)} is shorter than the minimum 15m` };
  if (seconds > spec.maxLifetimeSeconds)
    return {
      problem: `${shown(value)} is longer than ${spec.label} allows here (at most ${spec.maxLifetimeSeconds / 86400}d)`
    };
  return { seconds };
}

// ---------------------------------------------------------------------------------------------
// Credentials given where a name belongs

/**
 * The forms of a credential that must be masked: the value itself, upper-cased and lower-cased
 * (an input that upper-cases what it is given, like secret-name, would print the upper-case
 * form). Distinct, empties dropped.
 */
export function credentialVariants(value: string): string[] {
  return [...new Set([value, value.toUpperCase(), value.toLowerCase()])].filter((v) => v !== '');
}

/**
 * Whether `value` would publish `credential`: equal to it ignoring case and surrounding blanks,
 * or containing it where the credential has at least 8 characters (shorter ones would match by
 * chance). A value that is only a part of the credential is not refused.
 */
export function looksLikeCredential(value: string, credential: string): boolean {
  const [v, c] = [value.trim().toLowerCase(), credential.trim().toLowerCase()];
  if (v === '' || c === '') return false;
  return v === c || (c.length >= MIN_CONTAINED_CREDENTIAL && v.includes(c));
}

/** The inputs and runner variables, of those the parser reads, whose value looks like a credential. */
function credentialLookalikes(get: InputGetter, env: Record<string, string | undefined>): string[] {
  const credentials = CREDENTIAL_INPUTS.map((name) => get(name));
  const values: [string, string][] = [
    ...NON_CREDENTIAL_INPUTS.map((name): [string, string] => [name, get(name)]),
    ...ENV_INPUTS.map((name): [string, string] => [name, env[name] ?? ''])
  ];
  return values
    .filter(([, value]) => credentials.some((credential) => looksLikeCredential(value, credential)))
    .map(([name]) => name);
}

/**
 * Collects problems. An input whose value looks like a credential gets exactly one problem,
 * which never shows the value; any other problem about that input is dropped, since it would.
 */
class Problems {
  readonly list: string[] = [];
  private readonly hidden: ReadonlySet<string>;

  constructor(lookalikes: string[]) {
    this.hidden = new Set(lookalikes);
    for (const name of lookalikes)
      this.list.push(
        `${name} looks like a credential: its value equals or contains provider-token or github-token (ignoring case); it is not shown, and only a credential input may hold a credential`
      );
  }

  /** A problem with `input` (the message names it). */
  add(input: string, message: string): void {
    if (!this.hidden.has(input)) this.list.push(message);
  }
}

// ---------------------------------------------------------------------------------------------
// Default names: one state and one token-name per target

/** What identifies a rotation: where its state lives and what its secret is. Not the repositories list. */
export interface RotationIdentity {
  /** The repository running the workflow (GITHUB_REPOSITORY). */
  repository: string;
  /** Upper-cased. */
  secretName: string;
  secretType: SecretType;
  environment?: string;
  organization?: string;
}

/**
 * What tells this target apart from the plain repository Actions secret of the same name: the
 * secret type unless `actions`, then `env:<environment>` or `org:<organization>`, joined by `:`
 * (e.g. `dependabot:org:octo`, `env:staging`); `''` for a plain repository Actions secret. The
 * environment name and the login are lower-cased: GitHub compares both ignoring case. Which
 * repositories are written is not part of it, so adding or removing one keeps the same rotation.
 */
export function targetQualifier(identity: RotationIdentity): string {
  const parts: string[] = [];
  if (identity.secretType !== 'actions') parts.push(identity.secretType);
  if (identity.organization) parts.push(`org:${identity.organization.toLowerCase()}`);
  else if (identity.environment) parts.push(`env:${identity.environment.toLowerCase()}`);
  return parts.join(':');
}

/**
 * The qualifier as part of a variable name, upper-case `[A-Z0-9_]`. An environment name or login
 * that is not plain letters and digits (or longer than 64) loses information here, so 8 hex
 * digits of the SHA-256 of the whole qualifier are added: a plain name maps back to exactly one
 * target, and two others share a variable only if their digests collide (one in 2^32).
 */
function qualifierForVariable(identity: RotationIdentity): string {
  const parts: string[] = [];
  if (identity.secretType !== 'actions') parts.push(identity.secretType.toUpperCase());
  const scope = identity.organization
    ? { word: 'ORG', value: identity.organization.toLowerCase() }
    : identity.environment
      ? { word: 'ENV', value: identity.environment.toLowerCase() }
      : undefined;
  if (!scope) return parts.join('_');
  const sanitised = scope.value.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  parts.push(scope.word, sanitised.slice(0, MAX_QUALIFIER_VALUE));
  const lossless = /^[a-z0-9]+$/.test(scope.value) && scope.value.length <= MAX_QUALIFIER_VALUE;
  if (!lossless) parts.push(digest8(targetQualifier(identity)).toUpperCase());
  return parts.join('_');
}

/**
 * The default state-variable: `{SECRET_NAME}_TOKEN_STATE` for a plain repository Actions secret
 * (as before), else `{SECRET_NAME}_TOKEN_STATE_{QUALIFIER}`, e.g. `API_TOKEN_TOKEN_STATE_ENV_STAGING`,
 * `API_TOKEN_TOKEN_STATE_DEPENDABOT_ORG_OCTO`, `API_TOKEN_TOKEN_STATE_ENV_PRE_PROD_5F3F7674`.
 */
export function defaultStateVariable(identity: RotationIdentity): string {
  const qualifier = qualifierForVariable(identity);
  return `${identity.secretName}_TOKEN_STATE${qualifier ? `_${qualifier}` : ''}`;
}

/**
 * The default token-name: `ci-token-rotator:{owner/repo}:{SECRET_NAME}` for a plain repository
 * Actions secret (as before), else `ci-token-rotator:{owner/repo}:{qualifier}:{SECRET_NAME}`;
 * shortened to `maxLength` by shortenName().
 */
export function defaultTokenName(identity: RotationIdentity, maxLength: number): string {
  const qualifier = targetQualifier(identity);
  const parts = [
    TOKEN_NAME_PREFIX,
    identity.repository,
    ...(qualifier ? [qualifier] : []),
    identity.secretName
  ];
  return shortenName(parts.join(':'), maxLength);
}

/**
 * `name` if it fits `maxLength`; else its start and end with `~` and 8 hex digits of the full
 * name's SHA-256 in place of the middle, so two long names shorten alike only if their digests
 * collide (one in 2^32), however much of them is cut.
 * Exactly `maxLength` long, or one less where a character outside the BMP would be split.
 */
export function shortenName(name: string, maxLength: number): string {
  if (name.length <= maxLength) return name;
  const marker = `~${digest8(name)}`;
  const room = Math.max(0, maxLength - marker.length);
  let head = name.slice(0, Math.floor(room / 2));
  let tail = name.slice(name.length - (room - head.length));
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  if (/^[\uDC00-\uDFFF]/.test(tail)) tail = tail.slice(1);
  return `${head}${marker}${tail}`.slice(0, maxLength);
}

// ---------------------------------------------------------------------------------------------
// The parser, one concern per step

type Read = (name: string) => string;

interface Step {
  read: Read;
  env: Record<string, string | undefined>;
  problems: Problems;
}

function oneOf<T extends string>(
  step: Step,
  name: string,
  value: string,
  allowed: readonly T[]
): T | undefined {
  if (value === '') return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  step.problems.add(name, `${name}: ${shown(value)} is not one of ${allowed.join(', ')}`);
  return undefined;
}

function parseBoolean(step: Step, name: string): boolean {
  const value = step.read(name);
  if (value === '' || FALSE_WORDS.includes(value)) return false;
  if (TRUE_WORDS.includes(value)) return true;
  step.problems.add(name, `${name}: ${shown(value)} is not a boolean; use true or false`);
  return false;
}

function parseCredential(step: Step, name: string): string {
  const value = step.read(name);
  if (value === '') step.problems.add(name, `${name} is required`);
  // Never show the value: it is a credential.
  else if (/\s/.test(value))
    step.problems.add(name, `${name} contains white space or a line break; check the secret it comes from`);
  return value;
}

function parseProvider(step: Step) {
  const value = step.read('provider').toLowerCase();
  const provider = (PROVIDER_NAMES as readonly string[]).includes(value)
    ? (value as ProviderName)
    : undefined;
  if (!provider)
    step.problems.add(
      'provider',
      value === ''
        ? `provider is required: one of ${PROVIDER_NAMES.join(', ')}`
        : `provider: ${shown(value)} is not supported; use one of ${PROVIDER_NAMES.join(', ')}`
    );
  const spec = provider ? providers[provider] : undefined;
  return { provider, spec, providerUrl: spec ? parseProviderUrl(step, spec) : '' };
}

function parseProviderUrl(step: Step, spec: ProviderSpec): string {
  const value = step.read('provider-url');
  if (value === '' && !spec.defaultUrl) {
    step.problems.add(
      'provider-url',
      `provider-url is required for ${spec.label}: the workspace URL, e.g. https://dbc-1234.cloud.databricks.com`
    );
    return '';
  }
  const parsed = parseApiUrl(value || (spec.defaultUrl ?? ''));
  if (parsed.problem) step.problems.add('provider-url', `provider-url: ${parsed.problem}`);
  const url = parsed.url ?? '';
  const suffix = spec.urlPathSuffix;
  return suffix && url.endsWith(suffix) ? url.slice(0, -suffix.length) : url;
}

function parseGitHub(step: Step) {
  // The input first (the runner sets GITHUB_API_URL itself for a `uses:` step), then the runner's.
  const given = step.read('github-api-url');
  const source = given ? 'github-api-url' : 'GITHUB_API_URL';
  const githubApi = parseApiUrl(given || step.env.GITHUB_API_URL?.trim() || 'https://api.github.com');
  if (githubApi.problem) step.problems.add(source, `${source}: ${githubApi.problem}`);
  const currentRepository = step.env.GITHUB_REPOSITORY?.trim() ?? '';
  const repositoryProblem = checkRepository(currentRepository);
  if (repositoryProblem)
    step.problems.add(
      'GITHUB_REPOSITORY',
      `GITHUB_REPOSITORY: ${shown(currentRepository)} ${repositoryProblem}; run inside GitHub Actions or set it`
    );
  return {
    githubApiUrl: githubApi.url ?? '',
    currentRepository,
    currentRepositoryValid: !repositoryProblem
  };
}

function parseSecretName(step: Step) {
  const secretName = step.read('secret-name').toUpperCase();
  const problem = secretName === '' ? 'is required' : checkSecretName(secretName);
  if (secretName === '') step.problems.add('secret-name', 'secret-name is required');
  else if (problem) step.problems.add('secret-name', `secret-name: ${shown(secretName)} ${problem}`);
  return { secretName, secretNameValid: !problem };
}

function parseRepositoryList(step: Step): { items: string[]; repositories: string[] } {
  const items = splitList(step.read('repositories'));
  const repositories: string[] = [];
  for (const item of items) {
    const problem = checkRepository(item);
    if (problem) step.problems.add('repositories', `repositories: ${shown(item)} ${problem}`);
    else if (!repositories.some((r) => r.toLowerCase() === item.toLowerCase())) repositories.push(item);
  }
  if (repositories.length > MAX_TARGETS)
    step.problems.add(
      'repositories',
      `repositories: ${repositories.length} repositories given; at most ${MAX_TARGETS} (the state records each target). For more, write one organisation secret with visibility: selected`
    );
  return { items, repositories };
}

interface Targets {
  repositories: string[];
  environment?: string;
  organization?: string;
  visibility?: Visibility;
  secretType: SecretType;
}

function parseTargets(step: Step, current: { repository: string; valid: boolean }): Targets {
  const { items, repositories } = parseRepositoryList(step);
  const targets: Targets = {
    repositories,
    environment: parseEnvironment(step),
    organization: parseOrganization(step),
    visibility: oneOf(step, 'visibility', step.read('visibility'), VISIBILITIES),
    secretType: oneOf(step, 'secret-type', step.read('secret-type') || 'actions', SECRET_TYPES) ?? 'actions'
  };
  if (targets.organization) {
    checkOrganizationTarget(step, targets, targets.organization, items.length);
    return targets;
  }
  checkRepositoryTarget(step, targets);
  // Without organization, the secret goes at least to the repository running the workflow.
  return items.length === 0 && current.valid ? { ...targets, repositories: [current.repository] } : targets;
}

function parseEnvironment(step: Step): string | undefined {
  const environment = step.read('environment') || undefined;
  const problem = environment === undefined ? undefined : checkEnvironment(environment);
  if (problem) step.problems.add('environment', `environment: ${shown(environment ?? '')} ${problem}`);
  return environment;
}

function parseOrganization(step: Step): string | undefined {
  const organization = step.read('organization') || undefined;
  if (organization !== undefined && !ORGANIZATION.test(organization))
    step.problems.add(
      'organization',
      `organization: ${shown(organization)} is not a GitHub organisation name (letters, digits and "-")`
    );
  return organization;
}

function checkOrganizationTarget(step: Step, targets: Targets, organization: string, listed: number) {
  const { environment, visibility } = targets;
  if (environment)
    step.problems.add(
      'environment',
      'environment cannot be combined with organization: organisation secrets have no environments'
    );
  if (visibility === 'selected' && listed === 0)
    step.problems.add(
      'visibility',
      'visibility: "selected" needs repositories: the owner/repo list that may use the organisation secret'
    );
  if (visibility !== 'selected' && listed > 0)
    step.problems.add(
      'repositories',
      'repositories with organization lists the repositories selected to use the secret: set visibility: selected, or leave repositories out'
    );
  // GitHub can select only the organisation's own repositories; logins compare ignoring case.
  const foreign = targets.repositories.filter(
    (r) => r.split('/')[0]?.toLowerCase() !== organization.toLowerCase()
  );
  if (visibility === 'selected' && foreign.length > 0 && ORGANIZATION.test(organization))
    step.problems.add(
      'repositories',
      `repositories: ${foreign.map(shown).join(', ')} ${foreign.length === 1 ? 'is' : 'are'} not owned by organization ${shown(organization)}; an organisation secret can be selected only for repositories of its own organisation`
    );
}

function checkRepositoryTarget(step: Step, { visibility, environment, secretType }: Targets) {
  if (visibility) step.problems.add('visibility', 'visibility applies only with organization');
  if (environment && secretType !== 'actions')
    step.problems.add(
      'environment',
      `environment secrets are Actions secrets only; secret-type ${secretType} cannot be used with environment`
    );
}

function parseNames(
  step: Step,
  spec: ProviderSpec | undefined,
  identity: RotationIdentity,
  nameValid: boolean
) {
  let tokenName = step.read('token-name');
  if (spec) {
    if (tokenName === '') tokenName = defaultTokenName(identity, spec.maxNameLength);
    else if (tokenName.length > spec.maxNameLength)
      step.problems.add(
        'token-name',
        `token-name is ${tokenName.length} characters; ${spec.label} allows at most ${spec.maxNameLength}`
      );
    else if (CONTROL_CHARACTER.test(tokenName))
      step.problems.add('token-name', 'token-name must not contain control characters');
  }
  const stateValue = step.read('state-variable');
  const stateVariable = (stateValue || defaultStateVariable(identity)).toUpperCase();
  // The default derives from secret-name: judged only once that is valid.
  if (stateValue !== '' || nameValid) {
    const problem = checkSecretName(stateVariable);
    if (problem) step.problems.add('state-variable', `state-variable: ${shown(stateVariable)} ${problem}`);
  }
  return { tokenName, stateVariable };
}

function parseTokenShape(step: Step, spec: ProviderSpec | undefined) {
  const lifetime = step.read('lifetime') || '7d';
  let lifetimeSeconds = 0;
  if (spec) {
    const parsed = parseLifetime(lifetime, spec);
    if (parsed.problem) step.problems.add('lifetime', `lifetime: ${parsed.problem}`);
    lifetimeSeconds = parsed.seconds ?? 0;
  }
  return {
    lifetime,
    lifetimeSeconds,
    scopes: spec ? parseScopes(step, spec) : undefined,
    tokenOwner: spec ? parseTokenOwner(step, spec) : undefined,
    previousTokenId: spec ? parsePreviousTokenId(step, spec) : undefined
  };
}

function parseScopes(step: Step, spec: ProviderSpec): string | undefined {
  const value = step.read('scopes');
  if (value === '') return undefined;
  if (!spec.acceptsScopes) {
    step.problems.add(
      'scopes',
      `scopes applies to linode only; ${spec.label} tokens take the acting token's access`
    );
    return undefined;
  }
  const items = value.split(/\s+/);
  const bad = items.filter((s) => !LINODE_SCOPE.test(s));
  if (bad.length === 0) return items.join(' ');
  step.problems.add(
    'scopes',
    `scopes: ${bad.map(shown).join(', ')} not a Linode OAuth scope; use space-separated area:read_only or area:read_write (e.g. "account:read_write linodes:read_only"), or *`
  );
  return undefined;
}

/** The providers that have token-owner, for the error naming where it applies. */
const withOwners = (): string =>
  PROVIDER_NAMES.filter((name) => providers[name].owners !== undefined).join(' and ');

/** token-owner: `<kind>/<id>` of a kind the provider has, or absent for the acting user's own tokens. */
function parseTokenOwner(step: Step, spec: ProviderSpec): TokenOwner | undefined {
  const value = step.read('token-owner');
  if (value === '') return undefined;
  const forms = Object.values(spec.owners ?? {});
  if (forms.length === 0) {
    step.problems.add(
      'token-owner',
      `token-owner applies to ${withOwners()} only; ${spec.label} tokens belong to the acting user: leave token-owner empty`
    );
    return undefined;
  }
  const slash = value.indexOf('/');
  const kind = slash < 0 ? value : value.slice(0, slash);
  const id = slash < 0 ? '' : value.slice(slash + 1);
  const form = Object.hasOwn(spec.owners ?? {}, kind) ? spec.owners?.[kind] : undefined;
  if (form && form.idPattern.test(id)) return { kind, id };
  step.problems.add(
    'token-owner',
    `token-owner: ${shown(value)} is not ${forms.map((f) => f.description).join(' or ')}; leave it empty for the acting user's own ${spec.label} tokens`
  );
  return undefined;
}

function parsePreviousTokenId(step: Step, spec: ProviderSpec): string | undefined {
  const value = step.read('previous-token-id');
  if (value === '') return undefined;
  if (value === 'current' || spec.idPattern.test(value)) return value;
  step.problems.add(
    'previous-token-id',
    `previous-token-id: ${shown(value)} is not ${spec.idDescription} or "current"`
  );
  return undefined;
}

function parseTuning(step: Step) {
  const keepValue = step.read('keep-previous') || '0';
  const keepPrevious = /^\d{1,2}$/.test(keepValue) ? Number(keepValue) : NaN;
  if (!(keepPrevious >= 0 && keepPrevious <= MAX_KEEP_PREVIOUS))
    step.problems.add(
      'keep-previous',
      `keep-previous: ${shown(keepValue)} is not a whole number from 0 to ${MAX_KEEP_PREVIOUS}`
    );
  const timeoutValue = step.read('request-timeout') || '30';
  const timeoutSeconds = /^\d{1,3}$/.test(timeoutValue) ? Number(timeoutValue) : NaN;
  if (!(timeoutSeconds >= 1 && timeoutSeconds <= MAX_REQUEST_TIMEOUT_S))
    step.problems.add(
      'request-timeout',
      `request-timeout: ${shown(timeoutValue)} is not a whole number of seconds from 1 to ${MAX_REQUEST_TIMEOUT_S}`
    );
  const mode = oneOf(step, 'mode', step.read('mode') || 'rotate', MODES) ?? 'rotate';
  const warnBefore = parseDuration(step.read('warn-before') || '2d');
  if (warnBefore.problem) step.problems.add('warn-before', `warn-before: ${warnBefore.problem}`);
  return {
    keepPrevious,
    requestTimeoutMs: timeoutSeconds * 1000,
    mode,
    warnBeforeSeconds: warnBefore.seconds ?? 0,
    dryRun: parseBoolean(step, 'dry-run'),
    outputToken: parseBoolean(step, 'output-token')
  };
}

/**
 * Parses and validates every input at once, before any network call. Pure: reads only what
 * `get` and `env` give it. Throws an InputError listing every problem; no credential is shown,
 * and an input holding one is refused.
 */
export function parseInputs(get: InputGetter, env: Record<string, string | undefined>): Inputs {
  const step: Step = {
    read: (name) => get(name).trim(),
    env,
    problems: new Problems(credentialLookalikes(get, env))
  };
  const { provider, spec, providerUrl } = parseProvider(step);
  const providerToken = parseCredential(step, 'provider-token');
  const githubToken = parseCredential(step, 'github-token');
  const { githubApiUrl, currentRepository, currentRepositoryValid } = parseGitHub(step);
  const { secretName, secretNameValid } = parseSecretName(step);
  const targets = parseTargets(step, { repository: currentRepository, valid: currentRepositoryValid });
  const identity = { repository: currentRepository, secretName, ...targets };
  const names = parseNames(step, spec, identity, secretNameValid);
  const shape = parseTokenShape(step, spec);
  const tuning = parseTuning(step);

  if (step.problems.list.length > 0 || !provider) throw new InputError(step.problems.list);
  return {
    provider,
    providerToken,
    providerUrl,
    secretName,
    githubToken,
    githubApiUrl,
    currentRepository,
    ...targets,
    ...shape,
    ...names,
    ...tuning
  };
}
