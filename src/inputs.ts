import { seeDocs } from './docs.js';
import { SECRET_TYPES, VISIBILITIES, type SecretType, type Visibility } from './github/targets.js';
import { providers, PROVIDER_NAMES, type ProviderName, type ProviderSpec } from './providers/index.js';

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

/** Reads one input as the runner gives it (`''` when unset). */
export const MODES = ['rotate', 'check'] as const;
export type Mode = (typeof MODES)[number];

export type InputGetter = (name: string) => string;

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
const LIFETIME = /^(\d{1,6})([mhdw])$/;
const UNIT_SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86400, w: 604800 };
const MIN_LIFETIME_SECONDS = 15 * 60;
const LINODE_SCOPE = /^(\*|[a-z_]+:(read_only|read_write))$/;
const MAX_KEEP_PREVIOUS = 10;
const MAX_REQUEST_TIMEOUT_S = 300;
const TRUE_WORDS = ['true', 'True', 'TRUE'];
const FALSE_WORDS = ['false', 'False', 'FALSE'];

/** Shows a user's value in an error without echoing secrets or flooding the log. */
function shown(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, '?');
  return JSON.stringify(printable.length > 60 ? `${printable.slice(0, 57)}...` : printable);
}

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

function oneOf<T extends string>(
  name: string,
  value: string,
  allowed: readonly T[],
  problems: string[]
): T | undefined {
  if (value === '') return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  problems.push(`${name}: ${shown(value)} is not one of ${allowed.join(', ')}`);
  return undefined;
}

function parseBoolean(name: string, value: string, problems: string[]): boolean {
  if (value === '' || FALSE_WORDS.includes(value)) return false;
  if (TRUE_WORDS.includes(value)) return true;
  problems.push(`${name}: ${shown(value)} is not a boolean; use true or false`);
  return false;
}

function checkCredential(name: string, value: string, problems: string[]): void {
  if (value === '') problems.push(`${name} is required`);
  // Never show the value: it is a credential.
  else if (/\s/.test(value))
    problems.push(`${name} contains white space or a line break; check the secret it comes from`);
}

/**
 * Parses and validates every input at once, before any network call. Pure: reads only what
 * `get` and `env` give it. Throws an InputError listing every problem.
 */
export function parseInputs(get: InputGetter, env: Record<string, string | undefined>): Inputs {
  const problems: string[] = [];
  const read = (name: string) => get(name).trim();

  const providerValue = read('provider').toLowerCase();
  const provider = (PROVIDER_NAMES as readonly string[]).includes(providerValue)
    ? (providerValue as ProviderName)
    : undefined;
  if (!provider)
    problems.push(
      providerValue === ''
        ? `provider is required: one of ${PROVIDER_NAMES.join(', ')}`
        : `provider: ${shown(providerValue)} is not supported; use one of ${PROVIDER_NAMES.join(', ')}`
    );
  const spec = provider ? providers[provider] : undefined;

  const providerToken = read('provider-token');
  checkCredential('provider-token', providerToken, problems);
  const githubToken = read('github-token');
  checkCredential('github-token', githubToken, problems);

  let providerUrl = '';
  const urlValue = read('provider-url');
  if (spec) {
    if (urlValue === '' && !spec.defaultUrl)
      problems.push(
        `provider-url is required for ${spec.label}: the workspace URL, e.g. https://dbc-1234.cloud.databricks.com`
      );
    else {
      const parsed = parseApiUrl(urlValue || (spec.defaultUrl ?? ''));
      if (parsed.problem) problems.push(`provider-url: ${parsed.problem}`);
      // Linode's paths carry /v4 themselves; accept the documented base URL with it too.
      else
        providerUrl = spec.name === 'linode' ? (parsed.url ?? '').replace(/\/v4$/, '') : (parsed.url ?? '');
    }
  }

  const githubApi = parseApiUrl(env.GITHUB_API_URL?.trim() || 'https://api.github.com');
  if (githubApi.problem) problems.push(`GITHUB_API_URL: ${githubApi.problem}`);

  const currentRepository = env.GITHUB_REPOSITORY?.trim() ?? '';
  if (!REPOSITORY.test(currentRepository))
    problems.push(
      `GITHUB_REPOSITORY: ${shown(currentRepository)} is not owner/repo; run inside GitHub Actions or set it`
    );

  const secretName = read('secret-name').toUpperCase();
  const secretNameProblem = secretName === '' ? 'is required' : checkSecretName(secretName);
  if (secretName === '') problems.push('secret-name is required');
  else if (secretNameProblem) problems.push(`secret-name: ${shown(secretName)} ${secretNameProblem}`);

  const repositoryItems = splitList(get('repositories'));
  const repositories: string[] = [];
  for (const item of repositoryItems) {
    if (!REPOSITORY.test(item)) problems.push(`repositories: ${shown(item)} is not owner/repo`);
    else if (!repositories.some((r) => r.toLowerCase() === item.toLowerCase())) repositories.push(item);
  }

  const environment = read('environment') || undefined;
  if (environment !== undefined && (environment.length > 255 || CONTROL_CHARACTER.test(environment)))
    problems.push(
      `environment: ${shown(environment)} is not an environment name (at most 255 printable characters)`
    );
  const organization = read('organization') || undefined;
  if (organization !== undefined && !ORGANIZATION.test(organization))
    problems.push(
      `organization: ${shown(organization)} is not a GitHub organisation name (letters, digits and "-")`
    );
  const visibility = oneOf('visibility', read('visibility'), VISIBILITIES, problems);
  const secretType =
    oneOf('secret-type', read('secret-type') || 'actions', SECRET_TYPES, problems) ?? 'actions';

  if (organization) {
    if (environment)
      problems.push(
        'environment cannot be combined with organization: organisation secrets have no environments'
      );
    if (visibility === 'selected' && repositoryItems.length === 0)
      problems.push(
        'visibility: "selected" needs repositories: the owner/repo list that may use the organisation secret'
      );
    if (visibility !== 'selected' && repositoryItems.length > 0)
      problems.push(
        'repositories with organization lists the repositories selected to use the secret: set visibility: selected, or leave repositories out'
      );
  } else {
    if (visibility) problems.push('visibility applies only with organization');
    if (environment && secretType !== 'actions')
      problems.push(
        `environment secrets are Actions secrets only; secret-type ${secretType} cannot be used with environment`
      );
    if (repositories.length === 0 && repositoryItems.length === 0 && REPOSITORY.test(currentRepository))
      repositories.push(currentRepository);
  }

  const lifetime = read('lifetime') || '7d';
  let lifetimeSeconds = 0;
  if (spec) {
    const parsed = parseLifetime(lifetime, spec);
    if (parsed.problem) problems.push(`lifetime: ${parsed.problem}`);
    lifetimeSeconds = parsed.seconds ?? 0;
  }

  let tokenName = read('token-name');
  if (spec) {
    if (tokenName === '') {
      // The default identifies this rotation; cut to the provider's limit rather than fail.
      tokenName = `ci-token-rotator:${currentRepository}:${secretName}`.slice(0, spec.maxNameLength);
    } else if (tokenName.length > spec.maxNameLength)
      problems.push(
        `token-name is ${tokenName.length} characters; ${spec.label} allows at most ${spec.maxNameLength}`
      );
    else if (CONTROL_CHARACTER.test(tokenName))
      problems.push('token-name must not contain control characters');
  }

  const scopesValue = read('scopes');
  let scopes: string | undefined;
  if (scopesValue !== '' && spec) {
    if (!spec.acceptsScopes)
      problems.push(`scopes applies to linode only; ${spec.label} tokens take the acting token's access`);
    else {
      const items = scopesValue.split(/\s+/);
      const bad = items.filter((s) => !LINODE_SCOPE.test(s));
      if (bad.length > 0)
        problems.push(
          `scopes: ${bad.map(shown).join(', ')} not a Linode OAuth scope; use space-separated area:read_only or area:read_write (e.g. "account:read_write linodes:read_only"), or *`
        );
      else scopes = items.join(' ');
    }
  }

  const stateVariableValue = read('state-variable');
  const stateVariable = (stateVariableValue || `${secretName}_TOKEN_STATE`).toUpperCase();
  // The default derives from secret-name: judged only once that is valid.
  if (stateVariableValue !== '' || !secretNameProblem) {
    const problem = checkSecretName(stateVariable);
    if (problem) problems.push(`state-variable: ${shown(stateVariable)} ${problem}`);
  }

  const previousValue = read('previous-token-id');
  let previousTokenId: string | undefined;
  if (previousValue !== '' && spec) {
    if (previousValue === 'current' || spec.idPattern.test(previousValue)) previousTokenId = previousValue;
    else
      problems.push(`previous-token-id: ${shown(previousValue)} is not ${spec.idDescription} or "current"`);
  }

  const keepValue = read('keep-previous') || '0';
  const keepPrevious = /^\d{1,2}$/.test(keepValue) ? Number(keepValue) : NaN;
  if (!(keepPrevious >= 0 && keepPrevious <= MAX_KEEP_PREVIOUS))
    problems.push(`keep-previous: ${shown(keepValue)} is not a whole number from 0 to ${MAX_KEEP_PREVIOUS}`);

  const timeoutValue = read('request-timeout') || '30';
  const timeoutSeconds = /^\d{1,3}$/.test(timeoutValue) ? Number(timeoutValue) : NaN;
  if (!(timeoutSeconds >= 1 && timeoutSeconds <= MAX_REQUEST_TIMEOUT_S))
    problems.push(
      `request-timeout: ${shown(timeoutValue)} is not a whole number of seconds from 1 to ${MAX_REQUEST_TIMEOUT_S}`
    );

  const mode = oneOf('mode', read('mode') || 'rotate', MODES, problems) ?? 'rotate';
  const warnBefore = parseDuration(read('warn-before') || '2d');
  if (warnBefore.problem) problems.push(`warn-before: ${warnBefore.problem}`);

  const dryRun = parseBoolean('dry-run', read('dry-run'), problems);
  const outputToken = parseBoolean('output-token', read('output-token'), problems);

  if (problems.length > 0 || !provider) throw new InputError(problems);
  return {
    provider,
    providerToken,
    providerUrl,
    secretName,
    githubToken,
    githubApiUrl: githubApi.url ?? '',
    currentRepository,
    repositories,
    environment,
    organization,
    visibility,
    secretType,
    lifetime,
    lifetimeSeconds,
    tokenName,
    scopes,
    stateVariable,
    previousTokenId,
    keepPrevious,
    dryRun,
    outputToken,
    mode,
    warnBeforeSeconds: warnBefore.seconds ?? 0,
    requestTimeoutMs: timeoutSeconds * 1000
  };
}
