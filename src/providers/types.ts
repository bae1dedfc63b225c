import type { HttpClient } from '../http.js';

export const PROVIDER_NAMES = [
  'vercel',
  'databricks',
  'linode',
  'cloudflare',
  'terraform',
  'heroku'
] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** A token as the provider lists it: never its value. */
export interface ProviderToken {
  id: string;
  name: string;
  createdAt: Date | null;
  expiresAt: Date | null;
}

export interface NewToken extends ProviderToken {
  value: string;
}

export interface AccessCheck {
  /** ID of the token given as provider-token, where the check could tell it. */
  actingTokenId: string | null;
  /** The acting user's live tokens, as list() gives them. */
  tokens: ProviderToken[];
}

export interface CreateRequest {
  name: string;
  expiresAt: Date;
  /** The same expiry as a duration, for providers that take one. */
  lifetimeSeconds: number;
  scopes?: string;
  /**
   * The token the new one succeeds (previous-token-id, or the state's current token), whose
   * permissions it copies where tokens carry their own (Cloudflare policies, Heroku scope). Null
   * when there is none yet: the acting token's are copied.
   */
  replacing: string | null;
}

/** token-owner, parsed: `<kind>/<id>`, e.g. `account/<32 hex>` for Cloudflare account-owned tokens. */
export interface TokenOwner {
  kind: string;
  id: string;
}

/** One form token-owner may take for a provider: `<kind>/<id>` with the ID of this form. */
export interface OwnerForm {
  idPattern: RegExp;
  /** E.g. `account/<account-id>` with a 32-character hexadecimal account ID. */
  description: string;
}

/** One provider's token API. Knows its endpoints, formats and errors; nothing of GitHub. */
export interface Provider {
  /** Read-only: the acting token works and may manage tokens; lists the live tokens. */
  checkAccess(): Promise<AccessCheck>;
  /** Mints a token. Never retried by the client: a lost response may still have minted one. */
  create(request: CreateRequest): Promise<NewToken>;
  /** One cheap call authenticated with the new token. */
  verify(token: NewToken): Promise<void>;
  /** 'already-gone' when the provider no longer knows the ID. */
  revoke(id: string): Promise<'revoked' | 'already-gone'>;
  /** The live tokens of the acting user. */
  list(): Promise<ProviderToken[]>;
}

export interface ProviderConfig {
  baseUrl: string;
  actingToken: string;
  http: HttpClient;
  /** Whose tokens: absent = the acting user's own. Only kinds the spec's `owners` lists. */
  owner?: TokenOwner;
}

/** What is known of a provider without calling it: limits for input validation, and its factory. */
export interface ProviderSpec {
  name: ProviderName;
  label: string;
  /** Undefined where the user must give provider-url (Databricks workspaces). */
  defaultUrl?: string;
  maxLifetimeSeconds: number;
  maxNameLength: number;
  /** What a token ID looks like, for previous-token-id. */
  idPattern: RegExp;
  idDescription: string;
  acceptsScopes: boolean;
  /** A new token copies the permissions of the one it replaces (Cloudflare policies, Heroku scope). */
  copiesPermissions?: boolean;
  /** The token-owner kinds this provider has (`account`, `team`, …); absent = token-owner refused. */
  owners?: Readonly<Record<string, OwnerForm>>;
  /** A path the API's paths carry themselves, cut off a provider-url that ends with it (`/v4`). */
  urlPathSuffix?: string;
  /**
   * Statuses on which this provider's Retry-After means "throttled, wait this long": give it to
   * createHttpClient. Left out, 429 only.
   */
  retryAfterStatuses?: readonly number[];
  create(config: ProviderConfig): Provider;
}
