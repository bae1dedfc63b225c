import type { HttpClient } from '../http.js';

export const PROVIDER_NAMES = ['vercel', 'databricks', 'linode'] as const;
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
  /**
   * Statuses on which this provider's Retry-After means "throttled, wait this long": give it to
   * createHttpClient. Left out, 429 only.
   */
  retryAfterStatuses?: readonly number[];
  create(config: ProviderConfig): Provider;
}
