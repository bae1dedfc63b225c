import { seeDocs } from '../docs.js';
import { HttpError, type HttpRequest } from '../http.js';
import { MalformedAnswer, array, object, text, tokenId } from './answers.js';
import {
  ProviderError,
  providerError,
  readCreated,
  revokeWith,
  unexpected,
  type ErrorWording
} from './errors.js';
import { collectPages, type PageOf } from './paging.js';
import type { NewToken, Provider, ProviderConfig, ProviderSpec, ProviderToken, TokenOwner } from './types.js';

// Bodies per the Cloudflare API v4 (user and account API tokens). Every answer is the envelope
// {success, errors, messages, result, result_info?}; dates are RFC 3339 in UTC with `Z`.
type Status = 'active' | 'disabled' | 'expired';
type Resources = Record<string, string | Record<string, string>>;
interface PermissionGroupParam {
  id: string;
  meta?: Record<string, string>;
}
interface PolicyParam {
  effect: 'allow' | 'deny';
  permission_groups: PermissionGroupParam[];
  resources: Resources;
}
/** Wire keys as the API documents them (`request.ip`), not as the TS SDK types them (`request_ip`). */
type Condition = Record<string, { in?: string[]; not_in?: string[] }>;
interface CreateTokenBody {
  name: string;
  policies: PolicyParam[];
  expires_on: string;
  condition?: Condition;
}
interface CloudflareErrorBody {
  errors?: { code?: number; message?: string }[];
}

const LABEL = 'Cloudflare';
const HEX32 = /^[0-9a-f]{32}$/;
const ID_FORM = {
  idPattern: HEX32,
  idDescription: 'a Cloudflare token ID (32 lowercase hexadecimal characters)'
};
/** The SDK's page size is 20 by default; the client goes on until a page comes back empty. */
const PAGE_SIZE = 50;
const STATUSES: readonly string[] = ['active', 'disabled', 'expired'];
/** Cloudflare's code for a bearer it does not know (or an account token on a user endpoint). */
const INVALID_TOKEN = 1000;
/** 404 is "already gone"; so is 400 code 7003 ("Could not route to …"), as some endpoints answer. */
const GONE_CODES = [7003];

const messagesOf = (body: unknown) => (body as CloudflareErrorBody | undefined)?.errors ?? [];

function wordingFor(owner: TokenOwner | undefined): ErrorWording {
  return {
    label: LABEL,
    docs: 'cloudflare',
    messageOf: (body) => {
      const said = messagesOf(body).map((e) =>
        e.code === undefined ? e.message : `${e.code}: ${e.message}`
      );
      return said.length ? said.join('; ') : undefined;
    },
    // 401 for an unknown, expired or revoked bearer; third parties see 400 or 403 with code 1000 too.
    isAuthFailure: (err) => err.status === 401 || messagesOf(err.body).some((e) => e.code === INVALID_TOKEN),
    authHint: owner
      ? `Check that provider-token holds a live account-owned Cloudflare API token of account ${owner.id} with the "Account API Tokens Write" permission (token-owner: account/${owner.id}).`
      : 'Check that provider-token holds a live Cloudflare user API token with the "API Tokens Write" permission (the dashboard template "Create Additional Tokens").'
  };
}

/** Cloudflare calls a valid account-owned token "Invalid API Token" on the user endpoints. */
const OWNER_HINT =
  ' If it is an account-owned token (Manage Account → Account API Tokens), set token-owner: account/<account-id>.';

/** RFC 3339 in UTC, fraction allowed; absent is null. Must be a real date. */
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
export function cloudflareDateOf(value: unknown, field: string): Date | null {
  if (value === undefined || value === null) return null;
  const date = typeof value === 'string' && RFC3339_UTC.test(value) ? new Date(value) : undefined;
  if (
    !date ||
    Number.isNaN(date.getTime()) ||
    date.toISOString().slice(0, 19) !== (value as string).slice(0, 19)
  )
    throw new MalformedAnswer(`${field} is not a date of the form YYYY-MM-DDTHH:MM:SSZ`);
  return date;
}

/** What Cloudflare's docs show: `2020-01-01T00:00:00Z`, whole seconds. */
export function cloudflareDate(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** The envelope's `result`, read by `read`; `success` must be exactly true. */
function resultOf<T>(body: unknown, read: (result: unknown) => T): T {
  const envelope = object(body, 'the answer');
  const value = read(envelope.result);
  if (envelope.success !== true) throw new MalformedAnswer('success is not true');
  return value;
}

function status(value: unknown, field: string): Status {
  if (typeof value !== 'string' || !STATUSES.includes(value))
    throw new MalformedAnswer(`${field} is not one of ${STATUSES.join(', ')}`);
  return value as Status;
}

/** A Token as read, each field checked (`at` names it in an error). */
function toToken(value: unknown, at: string): ProviderToken {
  const token = object(value, at);
  status(token.status, `${at}.status`);
  return {
    id: tokenId(token.id, HEX32, `${at}.id`),
    name: text(token.name, `${at}.name`),
    createdAt: cloudflareDateOf(token.issued_on, `${at}.issued_on`),
    expiresAt: cloudflareDateOf(token.expires_on, `${at}.expires_on`)
  };
}

function toPage(body: unknown, asked: number): PageOf<ProviderToken, number> {
  const items = resultOf(body, (r) => array(r, 'result').map((t, i) => toToken(t, `result[${i}]`)));
  // result_info is not trusted to end the list: it ends on an empty page, as the SDK's does.
  return { items, next: items.length === 0 ? undefined : asked + 1 };
}

function stringMap(value: unknown, field: string): Record<string, string> {
  const map = object(value, field);
  for (const [key, item] of Object.entries(map)) text(item, `${field}.${key}`);
  return map as Record<string, string>;
}

function resources(value: unknown, field: string): Resources {
  const map = object(value, field);
  if (Object.keys(map).length === 0) throw new MalformedAnswer(`${field} is empty`);
  for (const [key, item] of Object.entries(map))
    if (typeof item !== 'string') stringMap(item, `${field}.${key}`);
  return map as Resources;
}

/** A policy as a create takes it: its read-only `id` and the groups' `name` left out. */
function toPolicyParam(value: unknown, at: string): PolicyParam {
  const policy = object(value, at);
  if (policy.effect !== 'allow' && policy.effect !== 'deny')
    throw new MalformedAnswer(`${at}.effect is neither allow nor deny`);
  const groups = array(policy.permission_groups, `${at}.permission_groups`).map((g, i) => {
    const group = object(g, `${at}.permission_groups[${i}]`);
    const id = tokenId(group.id, HEX32, `${at}.permission_groups[${i}].id`);
    if (group.meta === undefined || group.meta === null) return { id };
    return { id, meta: stringMap(group.meta, `${at}.permission_groups[${i}].meta`) };
  });
  if (groups.length === 0) throw new MalformedAnswer(`${at}.permission_groups is empty`);
  return {
    effect: policy.effect,
    permission_groups: groups,
    resources: resources(policy.resources, `${at}.resources`)
  };
}

/** An IP condition, copied with its wire keys (`request.ip`) so the successor is no less restricted. */
function toCondition(value: unknown): Condition | undefined {
  if (value === undefined || value === null) return undefined;
  const condition: Condition = {};
  for (const [key, item] of Object.entries(object(value, 'result.condition'))) {
    const at = `result.condition.${key}`;
    const rule = object(item, at);
    const lists = (name: 'in' | 'not_in') =>
      rule[name] === undefined
        ? {}
        : { [name]: array(rule[name], `${at}.${name}`).map((c, i) => text(c, `${at}.${name}[${i}]`)) };
    condition[key] = { ...lists('in'), ...lists('not_in') };
  }
  return Object.keys(condition).length ? condition : undefined;
}

interface Permissions {
  policies: PolicyParam[];
  condition?: Condition;
}

function toPermissions(body: unknown): Permissions {
  return resultOf(body, (r) => {
    const token = object(r, 'result');
    const policies = array(token.policies, 'result.policies').map((p, i) =>
      toPolicyParam(p, `result.policies[${i}]`)
    );
    if (policies.length === 0) throw new MalformedAnswer('result.policies is empty');
    const condition = toCondition(token.condition);
    return condition ? { policies, condition } : { policies };
  });
}

function toVerified(body: unknown): { id: string; status: Status } {
  return resultOf(body, (r) => {
    const result = object(r, 'result');
    return { id: tokenId(result.id, HEX32, 'result.id'), status: status(result.status, 'result.status') };
  });
}

function readCreate(body: unknown): NewToken {
  return resultOf(body, (r) => {
    const value = text(object(r, 'result').value, 'result.value');
    if (value === '') throw new MalformedAnswer('result.value is empty');
    return { ...toToken(r, 'result'), value };
  });
}

/** The minted token's ID, read on its own so that it is known even if the rest is unreadable. */
const createdId = (body: unknown) =>
  tokenId(object(object(body, 'the answer').result, 'result').id, HEX32, 'result.id');

/** DELETE answers "not found" as 404, or as 400 with code 7003 [U]: both mean already gone. */
const isGone = (err: HttpError): boolean =>
  err.status === 404 ||
  (err.status === 400 && messagesOf(err.body).some((e) => GONE_CODES.includes(e.code ?? 0)));

const QUOTA = /quota|too many (api )?tokens|maximum number of tokens/i;

function createCloudflare({ http, owner }: ProviderConfig): Provider {
  const wording = wordingFor(owner);
  // Account-owned tokens live, are listed and are verified under their account only.
  const base = owner ? `/accounts/${encodeURIComponent(owner.id)}/tokens` : '/user/tokens';

  function fail(action: string, err: unknown): ProviderError {
    const error = providerError(wording, action, err);
    const invalid = err instanceof HttpError && messagesOf(err.body).some((e) => e.code === INVALID_TOKEN);
    if (owner || !invalid || error.kind !== 'auth') return error;
    return new ProviderError(`${error.message}${OWNER_HINT}`, 'auth');
  }

  async function call<T>(action: string, req: HttpRequest, read: (body: unknown) => T): Promise<T> {
    try {
      return read((await http.send<unknown>(req)).body);
    } catch (err) {
      throw fail(action, err);
    }
  }

  const verifyAs = (action: string, token?: string) =>
    call(action, { method: 'GET', path: `${base}/verify`, token }, toVerified);

  /** The acting token's ID, from verify; checkAccess finds it, so a create need not ask again. */
  let actingId: string | undefined;
  async function acting(action: string, reuse = false): Promise<string> {
    if (reuse && actingId !== undefined) return actingId;
    const seen = await verifyAs(action);
    if (seen.status !== 'active')
      throw new ProviderError(
        `${LABEL}: ${action}: provider-token is ${seen.status}. ${wording.authHint}${seeDocs('cloudflare')}.`,
        'auth'
      );
    actingId = seen.id;
    return seen.id;
  }

  async function list(action: string): Promise<ProviderToken[]> {
    const page = async (asked = 1) => {
      const res = await http.send<unknown>({
        method: 'GET',
        path: base,
        query: { page: asked, per_page: PAGE_SIZE }
      });
      return toPage(res.body, asked);
    };
    try {
      return await collectPages(1, page);
    } catch (err) {
      throw fail(action, err);
    }
  }

  /** The permissions of the token the new one succeeds: read, checked, without read-only fields. */
  async function permissionsOf(id: string, replaced: boolean): Promise<Permissions> {
    const which = replaced ? `token ${id} (which the new one replaces)` : `provider-token (${id})`;
    if (!HEX32.test(id))
      throw new ProviderError(
        `${LABEL}: creating a token refused: ${JSON.stringify(id.slice(0, 64))} is not ${ID_FORM.idDescription}; nothing was sent.`,
        'rejected'
      );
    return call(
      `reading the permissions of ${which}`,
      { method: 'GET', path: `${base}/${id}` },
      toPermissions
    );
  }

  async function mint(body: CreateTokenBody): Promise<NewToken> {
    try {
      const res = await http.send<unknown>({ method: 'POST', path: base, body });
      return readCreated(
        LABEL,
        () => createdId(res.body),
        () => readCreate(res.body)
      );
    } catch (err) {
      if (err instanceof HttpError && err.status < 500 && QUOTA.test(wording.messageOf(err.body) ?? ''))
        throw new ProviderError(
          `${LABEL}: creating a token failed with HTTP ${err.status} (${wording.messageOf(err.body)}). Cloudflare allows 50 user tokens (500 per account): delete tokens no longer used.${seeDocs('cloudflare')}.`,
          'quota'
        );
      throw fail('creating a token', err);
    }
  }

  return {
    async checkAccess() {
      // Verify first: it needs no permission, so a dead or wrong-family token fails here clearly.
      const actingTokenId = await acting('checking provider-token');
      return { actingTokenId, tokens: await list('checking provider-token') };
    },

    async create({ name, expiresAt, replacing }) {
      // The successor gets exactly the permissions of the token it replaces (the protocol passes
      // a live one: never the acting token's in its place, which may be broader); on a first
      // run, the acting token's own. A replaced token gone meanwhile fails before any create.
      const permissions = replacing
        ? await permissionsOf(replacing, true)
        : await permissionsOf(await acting('creating a token', true), false);
      return mint({ name, ...permissions, expires_on: cloudflareDate(expiresAt) });
    },

    async verify(token) {
      const seen = await verifyAs('verifying the new token', token.value);
      if (seen.id !== token.id)
        throw unexpected(LABEL, 'verifying the new token', `it identifies as ${seen.id}, not ${token.id}`);
      if (seen.status !== 'active')
        throw new ProviderError(
          `${LABEL}: verifying the new token: it is ${seen.status}, not active.`,
          'auth'
        );
    },

    revoke: (id) =>
      revokeWith(
        http,
        wording,
        ID_FORM,
        id,
        { method: 'DELETE', path: `${base}/${encodeURIComponent(id)}` },
        isGone
      ),

    list: () => list('listing tokens')
  };
}

export const cloudflare: ProviderSpec = {
  name: 'cloudflare',
  label: LABEL,
  defaultUrl: 'https://api.cloudflare.com/client/v4',
  // Cloudflare documents no maximum lifetime (a token without expires_on never expires); a year
  // keeps "short-lived" honest.
  maxLifetimeSeconds: 365 * 86400,
  // TokenCreateParams.name: maxLength 120 in Cloudflare's API schema.
  maxNameLength: 120,
  ...ID_FORM,
  acceptsScopes: false,
  copiesPermissions: true,
  owners: {
    account: {
      idPattern: HEX32,
      description: 'account/<account-id> (the 32-character hexadecimal account ID)'
    }
  },
  // Cloudflare sends Retry-After (seconds) with its 429 (api-rate-limits docs).
  retryAfterStatuses: [429],
  create: createCloudflare
};
